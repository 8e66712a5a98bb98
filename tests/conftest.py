"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
a client, login_as, a real SMTP server, and a live server for the browser tests."""

import contextlib
import copy
import functools
import os
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from bench.pages import FreshRequestClient
from config import TestConfig
from portal import create_app
from portal.auth.sessions import LAST_SEEN
from portal.core import time as portal_time
from portal.extensions import db, limiter

pytest_plugins = ["tests.smtp_server", "tests.notifications.push_server"]

TRANSLATIONS = Path(__file__).resolve().parents[1] / "portal" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the translation catalogues when a .mo file is missing or older than its .po."""
    catalogues = list(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    if any(not po.with_suffix(".mo").exists()
           or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime for po in catalogues):
        CommandLineInterface().run(["pybabel", "--quiet", "compile", "-d", str(TRANSLATIONS)])
    return catalogues


# Every test runs at this moment (UTC) unless it sets the clock itself or is marked
# real_clock: a Wednesday afternoon in the second quarter of the factories' 2026–27 term.
TEST_NOW = datetime(2026, 11, 25, 15, 0)


class Clock:
    """The portal's clock in a test: fixed, and moved only when the test says so."""

    def __init__(self, moment: datetime):
        self.set(moment)

    def set(self, moment: datetime) -> None:
        """Fix "now" at a naive UTC moment."""
        self.now = moment
        portal_time.set_clock(moment)

    def advance(self, **delta) -> None:
        """Move the clock forward (or back, with negative values) by a timedelta's fields."""
        self.set(self.now + timedelta(**delta))

    @property
    def today(self):
        """Today's date in UTC at the fixed moment."""
        return self.now.date()


@pytest.fixture(autouse=True)
def clock(request):
    """Fix the portal's clock at TEST_NOW, so no test depends on the day it runs."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    fixed = Clock(TEST_NOW)
    try:
        yield fixed
    finally:
        portal_time.set_clock(None)


# Set by `make test` on its SQLite pass when a PostgreSQL pass runs alongside (Makefile).
POSTGRESQL_ALONGSIDE = "TEST_POSTGRESQL_PASS_ALONGSIDE"


def postgresql_pass_alongside() -> bool:
    """Return True in a SQLite pass of `make test` that has a PostgreSQL pass beside it."""
    return bool(os.environ.get(POSTGRESQL_ALONGSIDE))


def pytest_collection_modifyitems(config, items):
    """With a PostgreSQL pass alongside, leave it the tests that use no test database (the
    OULAD and UCI evaluations, the tiny bench and load runs on their own files): their
    result does not depend on the pass, so running them twice only costs time. Browser
    tests stay: the PostgreSQL pass leaves those out."""
    if not postgresql_pass_alongside():
        return
    elsewhere = [item for item in items if "database_url" not in item.fixturenames
                 and item.get_closest_marker("browser") is None]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        left = set(elsewhere)
        items[:] = [item for item in items if item not in left]


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Create a database of this test run's own, migrated to head; drop it at the end."""
    base = _postgres_url()
    if base is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.db'}"
        _migrate(url)
        yield url
        return
    schema = f"portal_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    app = create_app(config_for(url))
    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "postgresql":
            _no_autovacuum()
        db.engine.dispose()


def _no_autovacuum() -> None:
    """Keep autovacuum off the test schema's tables.

    Tests fill and empty the tables within seconds, so autovacuum's ANALYZE would catch
    them at random moments, and the planner's estimates (and a test's time) would depend on
    which tests ran before. Never analysed, a table is estimated from its size on disk; a
    bulk seed's own ANALYZE still counts (the hostile-input crawl's, the imports', the
    holdout seed's: statistics of nearly empty tables had nested its draw's loops, 30 s
    instead of 0.5 s).
    """
    for table in db.metadata.sorted_tables:
        db.session.execute(text(f'ALTER TABLE "{table.name}" SET (autovacuum_enabled = false)'))
    db.session.commit()


def config_for(url: str, **overrides) -> type:
    """Return a TestConfig subclass on the given database URL."""
    return type("RunConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


def is_postgres() -> bool:
    """Return True when this run's tests use PostgreSQL."""
    return _postgres_url() is not None


def empty_all_tables() -> None:
    """Delete every row of every table (the schema stays)."""
    # DELETE is much cheaper than TRUNCATE on the nearly empty tables of a test. On
    # PostgreSQL the foreign-key checks are off while every table is emptied: after a demo
    # school, checking each deleted user against each table naming users took seconds.
    tables = reversed(db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql":  # one round trip, not one per table
        checks_off = ("SET LOCAL session_replication_role = replica; " if _superuser() else "")
        db.session.connection().exec_driver_sql(
            checks_off + " ".join(f'DELETE FROM "{table.name}";' for table in tables))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@functools.cache
def _superuser() -> bool:
    """Return True when the test database's user may switch foreign-key checks off."""
    return bool(db.session.scalar(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))


@pytest.fixture
def app_config(database_url):
    """The config class of this test's app (tests may extend it with overrides)."""
    return config_for(database_url)


# Apps built so far this session, one per distinct configuration, with the configuration
# as built: building an app compiles every URL rule (about 0.2 s, ~3 minutes a pass).
_APPS: dict[str, tuple[Flask, dict]] = {}


def _settings_key(config: type) -> str:
    """Tell configurations apart by their settings (a config class is made anew per test)."""
    return repr(sorted((name, repr(getattr(config, name))) for name in dir(config)
                       if name.isupper()))


def _app_for(config: type) -> Flask:
    """Return the session's app of this configuration, its settings as they were built."""
    key = _settings_key(config)
    if key not in _APPS:
        application = create_app(config)
        application.test_client_class = FreshRequestClient
        _APPS[key] = application, copy.deepcopy(dict(application.config))
    application, built = _APPS[key]
    application.config.clear()  # a test may have changed a setting
    application.config.update(copy.deepcopy(built))
    limiter.enabled = application.config["RATELIMIT_ENABLED"]  # one limiter for every app
    return application


@contextlib.contextmanager
def module_app(database_url: str, **overrides):
    """An app of a module's own (for a world built once and only read), in its app context
    at TEST_NOW; its tables emptied and the clock given back after."""
    portal_time.set_clock(TEST_NOW)
    application = create_app(config_for(database_url, **overrides))
    application.test_client_class = FreshRequestClient
    try:
        with application.app_context():
            limiter.reset()
            try:
                yield application
            finally:
                db.session.rollback()
                db.session.remove()
                empty_all_tables()
                db.engine.dispose()
    finally:
        portal_time.set_clock(None)


@pytest.fixture
def app(app_config):
    """An app on the migrated test database, with an app context; tables emptied after."""
    application = _app_for(app_config)
    limiter.reset()
    context = application.app_context()
    context.push()
    try:
        yield application
    finally:
        db.session.rollback()
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Sign a user in on the test client (without going through the form)."""

    def sign_in(user):
        db.session.commit()  # a signed-in user (and what the test made) is stored, as in life
        with client.session_transaction() as session:
            sign_in_session(session, user)
        return client

    return sign_in


def sign_in_session(session, user) -> None:
    """Write a signed-in user into a test client's session, as login_user() does."""
    session["_user_id"] = user.get_id()
    session["_fresh"] = True
    session[LAST_SEEN] = portal_time.utcnow().isoformat()


@pytest.fixture
def live_server(app):
    """Serve the app on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (its own cookies), collecting JavaScript errors in page.errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()


@pytest.fixture
def browser_login(page, live_server):
    """Sign in through the real login form in the browser page."""

    def sign_in(email: str, password: str):
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return sign_in


def no_horizontal_scroll(page) -> bool:
    """Return True when the page fits its viewport's width (phone-first check)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
