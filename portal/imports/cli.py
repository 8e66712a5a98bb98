"""`flask --app portal demo-data`: load the Riverside High School demo school."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.time import today_in
from portal.extensions import db
from portal.imports.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_school
from portal.imports.demo_names import SCHOOL_TIMEZONE
from portal.people.models import School, Student
from portal.risk.services import recompute_all


@click.command("demo-data")
@click.option("--force", is_flag=True,
              help="Add the demo school even though the database already has schools.")
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database; otherwise do nothing and succeed.")
@with_appcontext
def demo_data(force: bool, if_empty: bool) -> None:
    """Load a demo school: staff, 300 students, their families and this year's records."""
    if if_empty and _count(School):
        click.echo(f"The database already has data ({_count(Student)} students); "
                   "skipping the demo school.")
        if _demo_accounts_exist():
            _echo_accounts()
        return
    refusal = _refusal(force=force)
    if refusal:
        raise click.ClickException(refusal)
    started = time.perf_counter()
    summary = load_demo_school(today=today_in(SCHOOL_TIMEZONE),
                               progress=lambda step: click.echo(f"  {step}…"))
    db.session.commit()
    click.echo("  Assessing every student's risk…")
    recompute_all()
    click.echo(
        f"Loaded Riverside High School in {time.perf_counter() - started:.1f} s: "
        f"{summary.students} students, {summary.guardians} guardians, {summary.staff} staff, "
        f"{summary.attendance_rows} attendance days, {summary.grades} grades.")
    _echo_accounts()


def _refusal(*, force: bool) -> str | None:
    """Return why the demo school must not be loaded into this database, if it must not."""
    if _count(School) and not force:
        return (f"The database already has data ({_count(Student)} students); "
                "use --force to add the demo school anyway.")
    if _demo_accounts_exist():
        return (f"The demo accounts already exist ({DEMO_ACCOUNTS[0][0]}): the demo school "
                "is already loaded, so it is not added twice.")
    return None


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _demo_accounts_exist() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])) is not None


def _echo_accounts() -> None:
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role, description in DEMO_ACCOUNTS:
        click.echo(f"  {email:<24} {role:<14} {description}")


commands = [demo_data]
