"""`flask --app portal demo-data`, `import oneroster PATH` and `export oneroster DIR`."""

import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.time import today_in
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed
from portal.imports.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_school
from portal.imports.demo_names import SCHOOL_TIMEZONE
from portal.imports.export import export_oneroster
from portal.imports.records_apply import import_records
from portal.imports.services import import_oneroster, refresh_statistics
from portal.people.models import School, Student
from portal.risk.services import recompute_all, record_past_assessments


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
    click.echo("  Assessing every student's risk, every two weeks since the term began…")
    record_past_assessments(school=db.session.get(School, summary.school_id))
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


@click.group("import")
def import_group() -> None:
    """Import a roster or records from files."""


@import_group.command("oneroster")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@with_appcontext
def import_oneroster_command(path: Path, dry_run: bool) -> None:
    """Import a OneRoster 1.1 or 1.2 CSV set (a folder or a zip), in one transaction."""
    _run(lambda: import_oneroster(path=path, progress=_echo_progress), dry_run=dry_run)


def _run(work, *, dry_run: bool) -> None:
    """Run an import; commit it (then ANALYZE), or roll back on a dry run or an error."""
    try:
        summary = work()
    except ImportFailed as failed:
        db.session.rollback()
        for error in failed.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            f"{len(failed.errors)} error(s): nothing was imported.") from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        refresh_statistics()
    click.echo("Dry run, nothing was changed; the import would make these changes:"
               if dry_run else "Imported:")
    for line in summary.lines():
        click.echo(f"  {line}")


def _records_command(kind: str):
    @import_group.command(kind, help=f"Import a {kind} CSV file (docs/imports.md) for a school.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--school", "school_id", type=int, required=True, help="The school's id.")
    @click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
    @with_appcontext
    def command(path: Path, school_id: int, dry_run: bool) -> None:
        school = db.session.get(School, school_id)
        if school is None:
            raise click.ClickException(f"There is no school with id {school_id}.")
        _run(lambda: import_records(kind=kind, name=path.name, data=path.read_bytes(),
                                    school=school, actor=None), dry_run=dry_run)
    return command


_records_command("attendance")
_records_command("grades")


def _echo_progress(file: str, done: int, total: int) -> None:
    click.echo(f"  {file} {done}/{total}")


@click.group("export")
def export_group() -> None:
    """Export the roster to files."""


@export_group.command("oneroster")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_oneroster_command(directory: Path) -> None:
    """Write the roster as a OneRoster 1.1 CSV set into DIRECTORY."""
    counts = export_oneroster(directory=directory)
    click.echo(f"Wrote {directory}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


commands = [demo_data, import_group, export_group]
