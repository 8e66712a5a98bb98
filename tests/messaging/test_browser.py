"""In the browser: the send report updates live while the worker sends."""

import pytest

from portal.extensions import db
from portal.messaging.campaigns import create_campaign, send_campaign
from portal.messaging.worker import drain
from tests import factories as f
from tests.messaging.helpers import school_with_families

pytestmark = pytest.mark.browser


def test_send_report_progress_updates_live_while_sending(app, smtp_server, page, live_server,
                                                          browser_login):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="Trip",
                               kind="events", criteria={"section_ids": [world.section.id]},
                               variants={"en": ("Trip", "Dear {{ guardian_name }}")})
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=None)
    db.session.commit()
    browser_login(world.admin.email, f.PASSWORD)
    page.goto(f"{live_server}/messaging/campaigns/{campaign.id}")
    assert page.inner_text('[data-count="queued"]') == "2"
    assert page.get_attribute("#send-progress", "value") == "0"
    drain()
    # A function, not an expression: Playwright would eval() an expression, which the CSP forbids.
    page.wait_for_function(
        "() => document.querySelector('[data-count=\"sent\"]').textContent === '2'")
    assert page.inner_text('[data-count="queued"]') == "0"
    assert page.evaluate("document.getElementById('send-progress').value") == 2
    assert page.inner_text("#send-state") == "Finished."
    page.screenshot(path="/tmp/messaging-report.png", full_page=True)
    assert page.errors == []


def test_compose_page_shows_a_live_recipient_count(app, page, live_server, browser_login):
    world = school_with_families()
    db.session.commit()
    browser_login(world.admin.email, f.PASSWORD)
    page.goto(f"{live_server}/messaging/campaigns/new")
    count = "document.getElementById('recipient-count').textContent"
    page.wait_for_function(f"() => {count}.includes('2 guardians (3 students)')")
    page.fill("#grade_levels", "10")
    page.wait_for_function(f"() => {count}.includes('2 guardians (1 students)')")
    page.screenshot(path="/tmp/messaging-compose.png", full_page=True)
    assert page.errors == []
