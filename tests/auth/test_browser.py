"""Signing in with a real browser, on a phone-sized screen."""

import pytest

from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f
from tests.conftest import no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_parent_signs_in_on_a_phone_and_sees_their_children(app, page, browser_login):
    school = f.make_school()
    child = f.make_student(school, first_name="Tomáš", last_name="Novák")
    parent, _ = f.make_family(school, child, email="phone.parent@example.org")
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login("phone.parent@example.org", f.PASSWORD)
    assert page.url.endswith("/family/")
    assert page.get_by_role("heading", name="Tomáš Novák").is_visible()
    assert no_horizontal_scroll(page)
    assert page.errors == []


def test_wrong_password_shows_the_error_next_to_the_field(app, page, browser_login):
    f.make_user(Role.TEACHER, f.make_school(), email="t.browser@example.org")
    db.session.commit()
    browser_login("t.browser@example.org", "not the password")
    error = page.locator("#password-error")
    assert "not right" in error.inner_text()
    assert page.locator("#password").get_attribute("aria-invalid") == "true"
