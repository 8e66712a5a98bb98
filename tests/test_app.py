"""Application-wide behaviour: health check, production settings, plotly.js, migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import ProductionConfig, TestConfig
from portal import create_app
from portal.extensions import db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_with_reason_when_the_database_is_unreachable(tmp_path):
    unreachable = type("Down", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = create_app(unreachable).test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "unreachable"
    assert "127.0.0.1" in body["reason"] or "refused" in body["reason"].lower()


def test_production_refuses_the_default_secret_key(monkeypatch):
    insecure = type("Prod", (ProductionConfig,), {"SECRET_KEY": ProductionConfig.SECRET_KEY})
    monkeypatch.setattr(insecure, "SECRET_KEY", "dev-only-secret-key-change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(insecure)


def test_production_starts_with_a_real_secret_key():
    secure = type("Prod", (ProductionConfig,), {"SECRET_KEY": "x" * 40,
                                                "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app(secure).config["SESSION_COOKIE_SECURE"] is True


def test_plotly_js_is_served_by_the_app_with_a_long_cache(client):
    response = client.get("/dashboards/plotly.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age >= 30 * 24 * 3600
    assert b"plotly" in response.data[:2000].lower()


def test_migrations_from_empty_match_the_models(app):
    """The test database was built by `db upgrade` from empty; it must equal the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_csrf_is_required_on_forms_outside_tests(database_url):
    strict = type("Strict", (TestConfig,), {"WTF_CSRF_ENABLED": True,
                                             "SQLALCHEMY_DATABASE_URI": database_url})
    response = create_app(strict).test_client().post("/login", data={"email": "a@b.c",
                                                                      "password": "x"})
    assert response.status_code == 400
