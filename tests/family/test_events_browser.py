"""The family event pages on a phone: 390 px wide, no horizontal scrolling, booking works."""

import pytest
from playwright.sync_api import expect

from tests.conftest import no_horizontal_scroll
from tests.events.helpers import add_event, school_with_families
from tests.factories import PASSWORD
from tests.family.test_events import _conference

pytestmark = pytest.mark.browser


def test_a_guardian_answers_and_books_on_a_phone(app, page, live_server, browser_login):
    world = school_with_families()
    add_event(world, title="Math Night for Grade 9 Families, with a rather long title",
              rsvp_requested=True, location="Library, second floor, east wing")
    event, _slots = _conference(world)
    email = world.marta_user.email
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(email, PASSWORD)
    page.goto(f"{live_server}/family/events")
    page.check("input[value=yes]")
    with page.expect_navigation():
        page.click("text=Send my answer")
    expect(page.locator("text=your answer is saved")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/family_events_390.png", full_page=True)
    page.goto(f"{live_server}/family/conferences/{event.id}")
    assert no_horizontal_scroll(page)
    with page.expect_navigation():
        page.locator(".family-slots button").first.click()
    expect(page.locator("text=Booked:")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/family_conference_390.png", full_page=True)
    page.goto(f"{live_server}/family/events")
    page.click("text=Get my calendar link")
    assert "/family/calendar/" in page.input_value("#feed-url")
    assert no_horizontal_scroll(page)
    assert page.errors == []


def test_staff_check_in_fits_a_tablet(app, page, live_server, browser_login):
    world = school_with_families()
    event = add_event(world)
    page.set_viewport_size({"width": 768, "height": 1024})
    browser_login(world.admin.email, PASSWORD)
    page.goto(f"{live_server}/events/{event.id}/check-in")
    page.fill("#q", "ann")
    page.press("#q", "Enter")
    with page.expect_navigation():
        page.click("text=Check in")
    expect(page.locator("text=Checked in.")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/staff_check_in_768.png", full_page=True)
