"""Under the Content-Security-Policy, Chromium draws the Plotly charts and reports no violation."""

from datetime import datetime, timedelta

import pytest

from portal.events.checkin import check_in
from portal.extensions import db
from portal.risk.services import assess_students
from tests import factories
from tests.dashboards.helpers import build_school
from tests.events.helpers import add_event, school_with_families
from tests.family.helpers import add_day, make_families
from tests.risk.helpers import TODAY

pytestmark = pytest.mark.browser


def _watch_violations(page) -> list[str]:
    """Record every CSP violation the page reports (from the page's own event)."""
    violations = []
    page.expose_function("reportViolation", lambda report: violations.append(report))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => window.reportViolation("
        "event.violatedDirective + ' ' + event.sourceFile + ':' + event.lineNumber))")
    return violations


def test_staff_dashboard_draws_its_charts_under_the_policy(app, page, live_server, browser_login):
    school = build_school(12)
    assess_students(school=school.school, today=TODAY)
    db.session.commit()
    violations = _watch_violations(page)
    browser_login(school.admin.email, factories.PASSWORD)
    for path in ("/dashboards/", f"/students/{school.students[0].id}"):
        response = page.goto(live_server + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(live_server + "/dashboards/")
    page.wait_for_selector(".chart svg.main-svg")
    assert page.locator(".chart svg.main-svg").count() >= 4
    # Plotly's own rules went into the linked stylesheet through the CSSOM, and apply.
    assert page.evaluate("document.getElementById('plotly.js-style-global').sheet"
                         ".cssRules.length") > 20
    assert page.evaluate("getComputedStyle(document.querySelector('.chart svg.main-svg'))"
                         ".position") == "absolute"
    assert violations == [] and page.errors == []


def test_family_child_page_draws_its_chart_under_the_policy(app, page, live_server,
                                                           browser_login):
    families = make_families()
    for offset in range(0, 28):
        day = families.term.starts_on + timedelta(days=offset)
        if day.weekday() < 5:
            add_day(families.child, day, "absent_excused" if offset % 6 == 0 else "present")
    db.session.commit()
    violations = _watch_violations(page)
    browser_login(families.parent.email, factories.PASSWORD)
    page.goto(f"{live_server}/family/children/{families.child.id}")
    page.wait_for_selector("svg.main-svg")
    assert violations == [] and page.errors == []


def test_event_share_bars_are_filled_without_a_style_attribute(app, page, live_server,
                                                               browser_login):
    world = school_with_families()
    event = add_event(world, title="Back to school", starts_local=datetime(2026, 9, 10, 18),
                      ends_local=datetime(2026, 9, 10, 20))
    check_in(actor=world.admin, event=event, guardian_id=world.marta.id)
    db.session.commit()
    violations = _watch_violations(page)
    browser_login(world.admin.email, factories.PASSWORD)
    page.goto(f"{live_server}/events/figures")
    page.wait_for_load_state("networkidle")
    shares = page.eval_on_selector_all(
        ".events-bar", "bars => bars.map(bar => bar.style.getPropertyValue('--share'))")
    assert "50%" in shares and "" not in shares
    assert violations == [] and page.errors == []
