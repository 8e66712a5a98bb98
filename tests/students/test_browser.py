"""In a real browser: student list → profile → log a contact, with charts and no JS errors."""

from datetime import date, datetime

import pytest

from portal.extensions import db
from portal.outcomes.models import DailyAttendance
from tests import factories as f
from tests.conftest import no_horizontal_scroll
from tests.people.helpers import classroom

pytestmark = pytest.mark.browser


def test_teacher_finds_a_student_and_logs_a_call(app, page, live_server, browser_login):
    room = classroom()
    for day in range(1, 20):
        db.session.add(DailyAttendance(school_id=room.school.id, student_id=room.student.id,
                                       on_date=date(2026, 10, day),
                                       recorded_at=datetime(2026, 10, 1),
                                       status="absent_unexcused" if day % 6 == 0 else "present"))
    db.session.commit()
    browser_login(room.teacher.email, f.PASSWORD)
    page.goto(f"{live_server}/students")
    page.fill("#q", "novak")
    page.click("form.filters button[type=submit]")
    page.click("text=Novák, Tomáš")
    page.wait_for_selector("#chart-attendance .main-svg")
    assert page.get_by_role("heading", name="Tomáš Novák").is_visible()
    page.fill("#summary", "Mother called about the school trip")
    page.select_option("#outcome", "reached")
    with page.expect_navigation():
        page.click("#log-contact button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Contact logged." in page.inner_text("main")
    assert "Mother called about the school trip" in page.inner_text("#timeline")
    page.screenshot(path="/tmp/issue4-profile.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_horizontal_scroll(page)
    assert page.errors == []
