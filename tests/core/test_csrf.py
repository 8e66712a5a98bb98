"""With CSRF on, as in production, every route that changes something refuses a POST without
a token. The routes come from the URL map, so a new one is covered the day it is added."""

import pytest

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.unsubscribe import unsubscribe_url
from tests import factories as f
from tests.conftest import config_for
from tests.core.world import CSRF_EXEMPT

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def app_config(database_url):
    return config_for(database_url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def people(app):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    child = f.make_student(school)
    parent, guardian = f.make_family(school, child)
    db.session.commit()
    return admin, parent, guardian


def _state_changing_routes(app) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, path) of every route that accepts a state-changing method."""
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & STATE_CHANGING):
            path = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method=method)
            routes.append((rule.endpoint, method, path))
    return routes


def test_every_state_changing_route_refuses_a_post_without_a_token(app, people, login_as):
    admin, parent, _ = people
    routes = [route for route in _state_changing_routes(app) if route[0] not in CSRF_EXEMPT]
    assert len(routes) > 50
    accepted = {}
    for endpoint, method, path in routes:
        client = login_as(parent if endpoint.startswith("family.") else admin)
        response = client.open(path, method=method, data={"anything": "x"})
        if response.status_code != 400 or b"The CSRF token is missing." not in response.data:
            accepted[f"{method} {path}"] = response.status_code
    assert accepted == {}


def test_a_post_with_the_token_of_the_page_goes_through(app, people, login_as):
    client = login_as(people[0])
    page = client.get("/staff").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400


def test_one_click_unsubscribe_works_without_a_session_or_token(app, people):
    _, _, guardian = people
    token = unsubscribe_url(guardian, "general").rsplit("/", 1)[1]
    response = app.test_client().post(f"/messaging/unsubscribe/{token}",
                                      data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.get_data(as_text=True) == "Unsubscribed."
