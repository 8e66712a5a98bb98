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

    people = apply_retention(dry_run=dry_run)
    for person in people:
        click.echo(f"{type(person).__name__.lower()} #{person.id} inactive since "
                   f"{person.inactive_since}")
    counted = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
    if dry_run:
        db.session.rollback()
        click.echo(f"privacy: {counted} would be erased (dry run)")
    else:
        db.session.commit()
        click.echo(f"privacy: erased {counted}")


commands = (privacy,)
