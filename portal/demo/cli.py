"""`flask --app portal demo-data`: the demo school, or a district of any size."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.planner import refresh_statistics
from portal.core.time import today_in
from portal.demo.district import generate_district
from portal.demo.district_admin import DEMO_DISTRICT_ACCOUNT, add_demo_district_administrator
from portal.demo.interventions import answer_past_flags
from portal.demo.names import SCHOOL_TIMEZONE
from portal.demo.school import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_school
from portal.extensions import db
from portal.people.models import School, Student
from portal.risk.services import recompute_all, record_past_assessments


@click.command("demo-data")
@click.option("--force", is_flag=True,
              help="Add the demo data even though the database already has schools.")
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database; otherwise do nothing and succeed.")
@click.option("--students", type=click.IntRange(1, 2_000_000), default=None,
              help="Generate a district of this many students (schools of about 1,500) "
                   "instead of the 300-student demo school.")
@with_appcontext
def demo_data(force: bool, if_empty: bool, students: int | None) -> None:
    """Load a demo school (300 students), or a district of any size with --students."""
    if if_empty and _count(School):
        click.echo(f"The database already has data ({_count(Student)} students); "
                   "skipping the demo school.")
        if _demo_accounts_exist():
            _echo_accounts()
        return
    refusal = _refusal(force=force, district=students is not None)
    if refusal:
        raise click.ClickException(refusal)
    started = time.perf_counter()
    if students is None:
        _load_school()
    else:
        _load_district(students)
    click.echo(f"  Done in {time.perf_counter() - started:.1f} s.")
    if students is None:
        _echo_accounts()


def _load_school() -> None:
    summary = load_demo_school(today=today_in(SCHOOL_TIMEZONE),
                               progress=lambda step: click.echo(f"  {step}…"))
    school = db.session.get(School, summary.school_id)
    add_demo_district_administrator(school=school, password=DEMO_PASSWORD)
    db.session.commit()
    refresh_statistics()
    click.echo("  Assessing every student's risk, every two weeks since the term began…")
    record_past_assessments(school=school)
    click.echo("  Counsellors answering about half the flags with interventions…")
    answer_past_flags(school)
    recompute_all()
    click.echo(
        f"Loaded Riverside High School: {summary.students} students, {summary.guardians} "
        f"guardians, {summary.staff} staff, {summary.attendance_rows} attendance days, "
        f"{summary.grades} grades.")


def _load_district(students: int) -> None:
    summary = generate_district(students=students, today=today_in(SCHOOL_TIMEZONE),
                                progress=lambda line: click.echo(f"  {line}"))
    db.session.commit()
    click.echo("  Refreshing the planner's statistics (VACUUM ANALYZE)…")
    refresh_statistics(vacuum=True)
    click.echo("  Assessing every student's risk…")
    recompute_all(progress=_echo_risk_progress)
    click.echo(
        f"Loaded a district of {summary.schools} school{'s' if summary.schools > 1 else ''}: "
        f"{summary.students:,} students, "
        f"{summary.guardians:,} guardians, {summary.staff:,} staff, "
        f"{summary.attendance_rows:,} attendance days, {summary.grades:,} grades. "
        f"Staff sign in as {summary.administrator} (a school's administrator) or "
        f"{summary.district_administrator} (the district's; password: {DEMO_PASSWORD}).")


def _echo_risk_progress(done: int, total: int) -> None:
    if done == total or done % 5000 < 200:
        click.echo(f"    {done:,}/{total:,} students assessed")


def _refusal(*, force: bool, district: bool) -> str | None:
    """Return why the demo data must not be loaded into this database, if it must not."""
    if _count(School) and not force:
        return (f"The database already has data ({_count(Student)} students); "
                "use --force to add the demo data anyway.")
    if not district and _demo_accounts_exist():
        return (f"The demo accounts already exist ({DEMO_ACCOUNTS[0][0]}): the demo school "
                "is already loaded, so it is not added twice.")
    return None


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _demo_accounts_exist() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])) is not None


def _echo_accounts() -> None:
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role, description in (*DEMO_ACCOUNTS, DEMO_DISTRICT_ACCOUNT):
        click.echo(f"  {email:<24} {role:<14} {description}")


commands = [demo_data]
