"""`flask --app portal create-user`: create a real first administrator (or any account)."""

import click
from flask.cli import with_appcontext

from portal.auth.models import Role
from portal.auth.services import create_user
from portal.core.errors import DomainError
from portal.extensions import db
from portal.people.models import School


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--role", type=click.Choice(Role.ALL), default=Role.ADMINISTRATOR, show_default=True)
@click.option("--school", "school_name", default=None,
              help="School name; created if it does not exist yet.")
@click.option("--timezone", default="UTC", show_default=True, help="Time zone of a new school.")
@click.password_option()
@with_appcontext
def create_user_command(email, full_name, role, school_name, timezone, password) -> None:
    """Create an account with a password, and its school if needed."""
    school = None
    if school_name:
        school = db.session.scalar(db.select(School).where(School.name == school_name))
        if school is None:
            school = School(name=school_name, timezone=timezone)
            db.session.add(school)
            db.session.flush()
    try:
        user = create_user(email=email, full_name=full_name, role=role, password=password,
                           school_id=school.id if school else None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}" + (f" at {school.name}" if school else ""))


commands = [create_user_command]
