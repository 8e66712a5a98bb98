"""A family form refused for its security token (CSRF on, as in production) says why in the
guardian's language: it was Flask-WTF's English sentence."""

import pytest

from portal.extensions import db
from tests.conftest import config_for
from tests.family.helpers import make_families


@pytest.fixture
def app_config(database_url):
    return config_for(database_url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def spanish_client(app, login_as):
    families = make_families()
    families.parent.preferred_language = families.guardian.preferred_language = "es"
    db.session.commit()
    return login_as(families.parent)


def _token(client) -> str:
    page = client.get("/family/settings").get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _refusal(response) -> str:
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "CSRF" not in page
    assert "Vuelva a cargar la página y envíe el formulario otra vez." in page
    return page


def test_a_form_without_its_token_is_refused_in_the_familys_language(spanish_client):
    page = _refusal(spanish_client.post("/family/calendar"))
    assert "Al formulario le falta su código de seguridad." in page


def test_a_form_with_a_forged_token_is_refused_in_the_familys_language(spanish_client):
    _token(spanish_client)  # the session has a token of its own: the form's is not it
    page = _refusal(spanish_client.post("/family/calendar", data={"csrf_token": "forged"}))
    assert "El código de seguridad del formulario no es válido." in page


def test_a_form_open_too_long_is_refused_in_the_familys_language(app, spanish_client):
    token = _token(spanish_client)
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # any token is older than that
    try:
        page = _refusal(spanish_client.post("/family/calendar", data={"csrf_token": token}))
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
    assert "El formulario estuvo abierto demasiado tiempo y ha caducado." in page
