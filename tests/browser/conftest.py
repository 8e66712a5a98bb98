"""One demo school, served once per module, for the accessibility run and the journeys."""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal import create_app
from portal.core import time as portal_time
from portal.demo.school import DEMO_PASSWORD, load_demo_school
from portal.extensions import db, limiter, mail
from portal.risk.services import recompute_all
from tests.conftest import TEST_NOW, FreshRequestClient, config_for, empty_all_tables
from tests.smtp_server import SmtpServer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
# The Persian cases run once the portal offers Persian (the i18n work).


@dataclass
class DemoSite:
    app: Flask
    url: str
    smtp: SmtpServer


@pytest.fixture(scope="module")
def demo_site(database_url):
    """Load the demo school as of TEST_NOW, serve it on a local port with a real SMTP server."""
    portal_time.set_clock(TEST_NOW)
    app = create_app(config_for(database_url, RATELIMIT_ENABLED=False))
    app.test_client_class = FreshRequestClient
    smtp = SmtpServer()
    smtp.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with app.app_context():
        mail.init_app(app)
        limiter.reset()
        load_demo_school(today=TEST_NOW.date())
        db.session.commit()
        recompute_all()
        db.session.commit()
        thread.start()
        try:
            yield DemoSite(app=app, url=f"http://127.0.0.1:{server.server_port}", smtp=smtp)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            smtp.stop()
            db.session.rollback()
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()
    portal_time.set_clock(None)


@pytest.fixture
def sign_in(page, demo_site):
    """Sign a demo account in through the real login form of the browser page."""

    def sign_in_as(email: str):
        page.goto(f"{demo_site.url}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return sign_in_as


@pytest.fixture
def shoot(page, request):
    """Save a full-page screenshot of each step under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    steps = []
    name = request.node.name.removeprefix("test_").replace("[", "-").rstrip("]")

    def screenshot(step: str, *, full_page: bool = True) -> Path:
        steps.append(step)
        path = SCREENSHOTS / f"{name}-{len(steps):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return screenshot
