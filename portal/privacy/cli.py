"""`flask --app portal privacy retention [--dry-run]`."""

import click
from flask.cli import with_appcontext


@click.group("privacy")
def privacy() -> None:
    """Data protection: retention of inactive people's records."""


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="List who would be erased; change nothing.")
@with_appcontext
def retention(dry_run: bool) -> None:
    """Erase (anonymise) people inactive for longer than their school's retention period."""
    from portal.extensions import db
    from portal.privacy.services import apply_retention

    run = apply_retention(dry_run=dry_run)
    for person in run.erased:
        click.echo(f"{_named(person)} inactive since {person.inactive_since}")
    for person, problem in run.failed:
        click.echo(f"{_named(person)} not erased: {problem}", err=True)
    counted = f"{len(run.erased)} {'person' if len(run.erased) == 1 else 'people'}"
    if dry_run:
        db.session.rollback()
        click.echo(f"privacy: {counted} would be erased (dry run)")
        return
    db.session.commit()
    click.echo(f"privacy: erased {counted}")
    if run.failed:
        raise click.ClickException(f"{len(run.failed)} could not be erased (see above); "
                                   "the next run tries them again")


def _named(person) -> str:
    return f"{type(person).__name__.lower()} #{person.id}"


commands = (privacy,)
