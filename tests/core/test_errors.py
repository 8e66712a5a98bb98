"""Error pages: a failed write is undone before the page renders; too large a body is a 413."""

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.people.models import School
from tests.conftest import config_for
from tests.factories import make_school, make_user


@pytest.fixture
def app_config(database_url):
    """Production error handling: an exception becomes the 500 page, not a test failure."""
    return config_for(database_url, PROPAGATE_EXCEPTIONS=False)


def test_a_failed_write_gets_the_error_page_and_leaves_nothing_half_written(app, client,
                                                                            login_as):
    teacher = make_user(Role.TEACHER, make_school(), full_name="Robin Teacher")
    db.session.commit()

    @app.post("/failing-write")
    def failing_write():
        db.session.add(School(name="Half written"))
        db.session.flush()
        db.session.add(School(name=None))  # NOT NULL: the flush fails
        db.session.flush()

    login_as(teacher)
    response = client.post("/failing-write")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "Robin Teacher" in page  # the page could load the signed-in user again
    assert db.session.scalar(select(School).where(School.name == "Half written")) is None


def test_a_body_over_the_configured_limit_gets_the_too_large_page(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    body = b"email=" + b"x" * app.config["MAX_CONTENT_LENGTH"]

    response = client.post("/login", data=body,
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too large" in page
    assert "20 MB" in page


def test_a_body_under_the_limit_is_read(client):
    response = client.post("/login", data={"email": "x" * 1000, "password": "wrong"})

    assert response.status_code != 413
