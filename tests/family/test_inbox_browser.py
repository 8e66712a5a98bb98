"""The family inbox and choice of updates on a phone (390 px wide)."""

import pytest

from portal.extensions import db
from portal.messaging.services import notify_guardian
from tests import factories as f
from tests.conftest import no_horizontal_scroll
from tests.messaging.helpers import school_with_families

pytestmark = pytest.mark.browser


def test_inbox_message_reply_and_updates_fit_a_phone(app, page, live_server, browser_login):
    world = school_with_families()
    message = notify_guardian(
        guardian=world.mum, kind="general", student=world.ana, sender=world.teacher,
        subject="Information about the end-of-term celebration and the sports day schedule",
        body_text="Dear Maria,\n\nSee https://portal.example/a/very/long/link/that/keeps/going/on/"
                  "and/on/without/any/spaces/at/all\n\nThank you.")
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(world.mum.user.email, f.PASSWORD)
    page.goto(f"{live_server}/family/inbox")
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/family-inbox.png", full_page=True)
    page.click(f"a[href='/family/inbox/{message.id}']")
    page.fill("#body", "Thank you, we will be there.")
    page.click("input[value='Send reply']")
    page.wait_for_load_state("networkidle")
    assert "Your reply was sent to the school." in page.content()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/family-message.png", full_page=True)
    page.goto(f"{live_server}/family/updates")
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/family-updates.png", full_page=True)
    assert page.errors == []
