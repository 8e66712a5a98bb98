"""Application-wide behaviour: health check, production settings, plotly.js, migrations."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import UniqueConstraint, text

import portal
from config import ProductionConfig, TestConfig
from portal import create_app
from portal.extensions import db
from tests.conftest import TEST_NOW, config_for


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


@pytest.mark.parametrize("key", [None, "", "dev-only-secret-key-change-me", "k" * 31])
def test_production_refuses_a_missing_or_short_secret_key(key):
    insecure = type("Prod", (ProductionConfig,), {"SECRET_KEY": key})
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set or shorter than 32 bytes"):
        create_app(insecure)


def test_production_starts_with_a_real_secret_key():
    secure = type("Prod", (ProductionConfig,), {"SECRET_KEY": "x" * 32,
                                                "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app(secure).config["SESSION_COOKIE_SECURE"] is True


def test_an_unknown_portal_config_is_refused_with_the_known_names(monkeypatch):
    monkeypatch.setenv("PORTAL_CONFIG", "prod")
    with pytest.raises(RuntimeError, match="PORTAL_CONFIG='prod' is not a known configuration; "
                                           "choose one of default, test, production"):
        create_app()


def test_without_secret_key_apps_share_a_private_generated_key(database_url, tmp_path):
    instance = tmp_path / "instance"
    unset = config_for(database_url, SECRET_KEY=None, INSTANCE_PATH=str(instance))
    first, second = create_app(unset), create_app(unset)

    key_file = instance / "secret_key"
    # No temporary file left; the Web Push (VAPID) key is generated the same way.
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key", "vapid_private.pem"]
    assert first.config["VAPID_PRIVATE_KEY"] == second.config["VAPID_PRIVATE_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key
    other_school = create_app(config_for(database_url, SECRET_KEY=None,
                                         INSTANCE_PATH=str(tmp_path / "elsewhere")))
    assert other_school.config["SECRET_KEY"] != key  # random, not a shared default


def test_the_default_config_has_no_secret_key_of_its_own():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    printed = subprocess.run(
        [sys.executable, "-c", "import config; print(config.DefaultConfig.SECRET_KEY)"],
        cwd=Path(__file__).resolve().parents[1], env=environment,
        capture_output=True, text=True, check=True).stdout
    assert printed.strip() == "None"


def test_the_served_app_is_built_then_start_up_frozen_out_of_the_collector():
    """portal.wsgi (what gunicorn serves): full collections no longer walk start-up's objects,
    the app among them."""
    check = ("import gc, portal.wsgi; "
             "print(gc.get_freeze_count(), any(o is portal.wsgi.app for o in gc.get_objects()))")
    printed = subprocess.run([sys.executable, "-c", check],
                             cwd=Path(__file__).resolve().parents[1],
                             env={**os.environ, "PORTAL_CONFIG": "test"},
                             capture_output=True, text=True, check=True).stdout
    frozen, app_still_walked = printed.split()
    assert int(frozen) > 50_000
    assert app_still_walked == "False"


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


def _leading_columns(table) -> set:
    """The columns an index of the table (its own, a unique constraint's, the key's) leads by."""
    firsts = {index.columns[0] for index in table.indexes if index.columns}
    firsts |= {constraint.columns[0] for constraint in table.constraints
               if isinstance(constraint, UniqueConstraint) and constraint.columns}
    return firsts | ({table.primary_key.columns[0]} if table.primary_key.columns else set())


def test_every_key_pointing_at_a_table_deleted_in_bulk_is_indexed(app):
    """Deleting a row makes the database look up each foreign key pointing at it; without an
    index on that key a bulk delete reads the referring table once a row (a campaign's
    inbox copies took minutes). The tables deleted from in bulk are read from the code."""
    source = "\n".join(path.read_text() for path in Path(portal.__file__).parent.rglob("*.py"))
    models = {mapper.class_.__name__: mapper.local_table for mapper in db.Model.registry.mappers}
    deleted = {models[name] for name in re.findall(r"\bdelete\((\w+)\)", source)
               if name in models}
    assert {table.name for table in deleted} >= {"messages", "deliveries"}
    unindexed = [f"{table.name}.{key.parent.name}" for table in db.metadata.tables.values()
                 for key in table.foreign_keys if key.column.table in deleted
                 and key.parent not in _leading_columns(table)]
    assert unindexed == []


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


def test_an_unusable_key_file_is_refused_saying_what_to_do(database_url, tmp_path):
    (tmp_path / "secret_key").write_text("\n")  # e.g. truncated by a full disk
    unset = config_for(database_url, SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    with pytest.raises(RuntimeError, match="holds no usable key: delete it"):
        create_app(unset)


def test_migration_0013_folds_the_sort_names_of_existing_guardians(tmp_path):
    app = create_app(config_for(f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision="0012_gaps14")
        guardian = {"school_id": 1, "first_name": "Eva", "last_name": "Álvarez",
                    "preferred_language": "en", "preferred_channel": "email",
                    "email_invalid": False, "sms_opted_out": False, "search_name": "",
                    "created_at": TEST_NOW, "updated_at": TEST_NOW}
        db.session.execute(text("PRAGMA foreign_keys=OFF"))  # no school needed
        db.session.execute(text(f"INSERT INTO guardians ({', '.join(guardian)}) VALUES "
                                f"({', '.join(':' + name for name in guardian)})"), guardian)
        db.session.commit()
        upgrade()
        assert db.session.scalar(text("SELECT sort_name FROM guardians")) == "alvarez eva"
        db.engine.dispose()
