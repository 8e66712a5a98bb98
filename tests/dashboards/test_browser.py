"""Every dashboard page renders in Chromium with no JavaScript errors; clicks drill down."""

import pytest

from portal.extensions import db
from portal.risk.services import assess_students
from tests import factories
from tests.dashboards.helpers import build_school
from tests.risk.helpers import TODAY

pytestmark = pytest.mark.browser


@pytest.fixture
def school(app):
    built = build_school(16)
    assess_students(school=built.school, today=TODAY)
    db.session.commit()
    return built


def test_dashboard_pages_render_their_charts_without_errors(school, page, live_server,
                                                             browser_login):
    browser_login(school.admin.email, factories.PASSWORD)
    for path in ("/dashboards/", f"/dashboards/programs?program_id={school.program.id}",
                 "/dashboards/interventions", f"/students/{school.students[0].id}",
                 "/risk/flags", "/risk/settings"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        assert page.errors == [], path
    page.goto(live_server + "/dashboards/")
    page.wait_for_selector("#attendance-title ~ .chart .main-svg")
    assert page.locator(".chart .main-svg").count() >= 4


def test_clicking_a_bar_opens_the_students_behind_it(school, page, live_server, browser_login):
    browser_login(school.counsellor.email, factories.PASSWORD)
    page.goto(live_server + "/dashboards/")
    page.wait_for_selector("[data-figure='behaviour-data'] .bars path")
    page.locator("[data-figure='behaviour-data'] .bars path").last.click(force=True)
    page.wait_for_url("**/dashboards/students?**")
    assert "chart=behaviour" in page.url
    assert page.locator("tbody a").count() >= 1
    assert page.errors == []
