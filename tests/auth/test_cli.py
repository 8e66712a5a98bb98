"""`flask --app portal create-user` for a real school's first administrator."""

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.people.models import School


def test_create_user_makes_an_administrator_and_their_school(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Head@Our.School", "--name", "Pat Head", "--role",
        "administrator", "--school", "Our School", "--timezone", "Europe/Lisbon",
        "--password", "a long secret pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "head@our.school"))
    school = db.session.get(School, user.school_id)
    assert (school.name, school.timezone) == ("Our School", "Europe/Lisbon")
    assert user.check_password("a long secret pass") and user.activated_at is not None


def test_create_user_refuses_an_email_that_already_has_an_account(app):
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "a@b.org", "--name", "A", "--password", "pw pw pw pw"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "a@b.org already has an account" in again.output
    assert len(db.session.scalars(select(User)).all()) == 1
