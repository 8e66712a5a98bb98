"""The installable family app in Chromium: manifest, service worker, offline page.

Chromium's own push service cannot be reached offline, so pushes are tested against the
loopback push service in test_push.py; here the browser shows what it can.
"""

import threading

import pytest
from werkzeug.serving import make_server

from portal.extensions import db
from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def stoppable_server(app):
    """Serve the app like live_server, but let the test stop it half-way."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state = {"running": True}

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        state["running"] = False

    server.stop = stop
    yield server
    if state["running"]:
        stop()


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_manifest_service_worker_and_offline_page(app, page, stoppable_server):
    school = f.make_school()
    user, _ = f.make_family(school, f.make_student(school))
    db.session.commit()
    base = f"http://127.0.0.1:{stoppable_server.server_port}"
    _sign_in(page, base, user.email)
    assert page.url == f"{base}/family/"

    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.request.get(f"{base}{href}")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["name"] and data["short_name"] and data["display"] == "standalone"
    assert data["start_url"] == "/family/" and data["scope"] == "/family/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        response = page.request.get(f"{base}{icon['src']}")
        assert response.ok and response.headers["content-type"] == "image/png"
        assert response.body().startswith(b"\x89PNG")

    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{base}/family/"

    page.goto(f"{base}/family/settings")
    page.wait_for_selector("[data-push-toggle]:not([hidden])")  # the per-device switch
    # notifications are off on this device: "Turn off" is hidden, not shown beside "Turn on"
    assert not page.locator("[data-push-off]").is_visible()
    assert page.errors == []

    stoppable_server.stop()
    page.goto(f"{base}/family/inbox")
    assert page.locator("h1").inner_text() == "You are offline"
