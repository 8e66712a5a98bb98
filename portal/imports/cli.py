"""`flask --app portal import oneroster PATH` and `export oneroster DIR`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.core.planner import refresh_statistics
from portal.extensions import db
from portal.imports.csvfiles import ImportFailed
from portal.imports.export import export_oneroster
from portal.imports.records_apply import import_records
from portal.imports.services import import_oneroster
from portal.people.models import School


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


commands = [import_group, export_group]
