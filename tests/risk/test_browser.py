"""The settings page recounts the lists while the administrator edits (Chromium)."""

import pytest

from portal.auth.models import Role
from portal.extensions import db
from tests import factories
from tests.risk.helpers import TODAY, record_attendance, school_days

pytestmark = pytest.mark.browser


def test_editing_a_threshold_previews_the_counts_without_saving(app, page, live_server,
                                                                browser_login):
    school = factories.make_school()
    factories.make_term(school)
    admin = factories.make_user(Role.ADMINISTRATOR, school)
    days = school_days(TODAY, 40)
    record_attendance(factories.make_student(school), days, absent_on=set(days[-3:]))
    db.session.commit()
    browser_login(admin.email, factories.PASSWORD)
    page.goto(live_server + "/risk/settings")
    page.fill("#attendance_rate_term_threshold", "95")  # 92.5 % now falls below
    page.locator("#attendance_rate_term_threshold").blur()
    page.wait_for_selector("#risk-preview:has-text('1 watch')")
    assert "Nothing is saved yet" in page.inner_text("#risk-preview")
    assert page.errors == []
    assert "Version 1 is in use" in page.content()
