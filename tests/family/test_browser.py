"""The family pages on a 390 px phone, by keyboard, with real Chromium."""

from datetime import timedelta

import pytest

from portal.core.models import Visibility
from portal.extensions import db
from portal.needs.models import Feedback
from tests import factories as f
from tests.conftest import no_horizontal_scroll
from tests.family.helpers import (
    add_day,
    add_grade,
    add_intervention,
    invite_to_event,
    make_families,
)

pytestmark = pytest.mark.browser


def _family_with_a_full_term():
    families = make_families()
    science = f.make_section(families.school, families.teacher, families.child,
                             term=families.term, subject="Science of Living Things and Ecology")
    for offset in range(0, 40):
        day = families.term.starts_on + timedelta(days=offset)
        if day.weekday() < 5:
            add_day(families.child, day, "absent_excused" if offset % 9 == 0 else "present",
                    "A rather long reason: a medical appointment at the hospital across town")
    for period, score in ((0, 72), (1, 81)):
        add_grade(families.child, families.section, period, score)
        add_grade(families.child, science, period, score + 9)
    f.make_interaction(families.child, families.teacher, visibility=Visibility.FAMILY,
                       summary="Talked about the science project; " + "very " * 20 + "promising.")
    add_intervention(families.child, "Read twenty minutes every evening")
    invite_to_event(families.guardian, families.child, "Spring concert in the big hall")
    feedback = Feedback(school_id=families.school.id, guardian_id=families.guardian.id,
                        student_id=families.child.id, kind="question", subject="Bus times",
                        body="When does the bus leave?")
    db.session.add(feedback)
    db.session.commit()
    return families, feedback


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_family_page_fits_a_phone(app, page, live_server, browser_login, language):
    families, feedback = _family_with_a_full_term()
    families.parent.preferred_language = language
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login("ana@example.org", f.PASSWORD)
    for path in ("/family/", f"/family/children/{families.child.id}", "/family/requests",
                 "/family/requests/new", f"/family/requests/{feedback.id}", "/family/settings"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=f"/tmp/family-{language}{path.replace('/', '_')}.png",
                        full_page=True)
        assert no_horizontal_scroll(page), path
    assert page.errors == []
    response = page.goto(f"{live_server}/family/children/{families.other_child.id}")
    assert response.status == 404 and no_horizontal_scroll(page)


def test_child_page_draws_both_trend_charts(app, page, live_server, browser_login):
    families, _feedback = _family_with_a_full_term()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login("ana@example.org", f.PASSWORD)
    page.goto(f"{live_server}/family/children/{families.child.id}")
    page.wait_for_selector("#attendance .chart .main-svg")
    page.wait_for_selector("#grades .chart .main-svg")
    assert page.locator(".chart[aria-hidden=true]").count() == 2  # their numbers are in tables
    assert page.locator("details.chart-data table").count() == 1
    assert no_horizontal_scroll(page)
    assert page.errors == []


def test_guardian_writes_to_the_school_by_keyboard_and_hears_the_errors(app, page, live_server,
                                                                      browser_login):
    make_families()
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login("ana@example.org", f.PASSWORD)
    page.goto(f"{live_server}/family/requests/new")
    page.focus("#kind")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "student_id"
    page.keyboard.press("Tab")
    page.keyboard.type("Bus")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # send without a message
    error = page.locator("#body-error")
    assert error.get_attribute("role") == "alert" and "Write your message." in error.inner_text()
    assert page.locator("#body").get_attribute("aria-describedby") == "body-error"
    assert page.locator("label[for=body]").inner_text() == "Your message"
    page.fill("#body", "When does the bus leave?")
    page.locator("#body").press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Thank you" in page.inner_text("main")
    assert no_horizontal_scroll(page)
