"""Every response carries the browser's security headers; no template needs an inline script."""

import re
from pathlib import Path

import pytest

from config import ProductionConfig
from portal import create_app
from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Emails are read in mail clients, which need inline styles; no page shows these templates.
EMAIL_TEMPLATES = TEMPLATES / "email"
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")",
                                re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def _policy(response) -> dict[str, str]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(part.strip().partition(" ")[::2] for part in directives if part.strip())


@pytest.mark.parametrize("path", ["/login", "/reset-password", "/no-such-page"])
def test_every_response_forbids_inline_scripts_framing_and_sniffing(app, client, path):
    response = client.get(path)
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_of_a_signed_in_user_are_never_stored(app, login_as):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    child = f.make_student(school)
    parent, _ = f.make_family(school, child)
    db.session.commit()
    for user, path in ((admin, "/staff"), (admin, f"/students/{child.id}"),
                       (parent, "/family/"), (parent, f"/family/children/{child.id}")):
        response = login_as(user).get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("path", ["/login", "/reset-password", "/reset-password/bad-token",
                                  "/invitation/bad-token"])
def test_sign_in_and_password_pages_are_never_stored(app, client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_static_files_and_plotly_stay_cacheable_for_a_signed_in_user(app, login_as):
    client = login_as(f.make_user(Role.ADMINISTRATOR, f.make_school()))
    db.session.commit()
    stylesheet = client.get("/static/css/portal.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")
    plotly = client.get("/dashboards/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["Cache-Control"] == "public, max-age=31536000"
    stylesheet.close()
    plotly.close()


def test_production_asks_browsers_for_https_for_a_year(database_url):
    config = type("Production", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-production-key-of-48-characters!!",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://"})
    response = create_app(config).test_client().get("/login")
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts


def test_development_does_not_pin_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def _inline_code(template: Path, root: Path = TEMPLATES) -> list[str]:
    text = template.read_text(encoding="utf-8")
    found = []
    for kind, pattern in INLINE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{template.relative_to(root)}:{line}: {kind}")
    return found


def test_no_page_template_has_an_inline_script_style_or_handler():
    templates = [path for path in TEMPLATES.rglob("*.html") if EMAIL_TEMPLATES not in path.parents]
    assert len(templates) > 50
    assert [problem for template in templates for problem in _inline_code(template)] == []


@pytest.mark.parametrize("snippet, kind", [
    ('<script>alert(1)</script>', "inline script"),
    ('<script type="module">go()</script>', "inline script"),
    ("<style>p { color: red }</style>", "style element"),
    ('<span class="x" style="--share: 5%">', "style attribute"),
    ('<button type="button" onclick="go()">', "event handler"),
    ('<a href="javascript:go()">', "javascript: link"),
])
def test_the_template_scan_finds_each_kind_of_inline_code(tmp_path, snippet, kind):
    template = tmp_path / "new.html"
    template.write_text(f"<p>\n{snippet}\n</p>", encoding="utf-8")
    assert _inline_code(template, tmp_path) == [f"new.html:2: {kind}"]


def test_the_template_scan_allows_script_files_and_json_data():
    page = TEMPLATES / "dashboards" / "_chart.html"
    assert 'type="application/json"' in page.read_text(encoding="utf-8")
    assert _inline_code(page) == []
