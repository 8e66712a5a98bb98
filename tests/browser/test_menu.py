"""The phone menu in Chromium: a button that opens and closes the navigation, by mouse and
keyboard, with aria-expanded telling screen readers; on a wide screen, or without
JavaScript, the links are simply there."""

import pytest

from portal.auth.models import Role
from portal.extensions import db
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.conftest import no_horizontal_scroll

pytestmark = pytest.mark.browser

MENU_BUTTON = "button.menu-button"
FIRST_LINK = "#site-menu nav a >> nth=0"


@pytest.fixture
def administrator(app):
    """An administrator, who has the longest menu."""
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    return admin


def _expanded(page) -> str:
    return page.get_attribute(MENU_BUTTON, "aria-expanded")


def test_phone_menu_opens_and_closes_with_a_click(administrator, page, browser_login):
    page.set_viewport_size(PHONE)
    browser_login(administrator.email, f.PASSWORD)
    button = page.locator(MENU_BUTTON)
    assert button.is_visible() and button.inner_text() == "Menu"
    assert button.get_attribute("aria-controls") == "site-menu"
    assert _expanded(page) == "false" and not page.locator(FIRST_LINK).is_visible()
    assert no_horizontal_scroll(page)
    button.click()
    assert _expanded(page) == "true" and page.locator(FIRST_LINK).is_visible()
    assert page.locator("#site-menu button", has_text="Sign out").is_visible()
    assert no_horizontal_scroll(page)
    button.click()
    assert _expanded(page) == "false" and not page.locator(FIRST_LINK).is_visible()
    assert page.errors == []


def test_phone_menu_works_from_the_keyboard_in_reading_order(administrator, page,
                                                              browser_login):
    page.set_viewport_size(PHONE)
    browser_login(administrator.email, f.PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "brand"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "menu-button"
    page.keyboard.press("Tab")  # a closed menu is skipped: the next stop is the page itself
    assert page.evaluate("document.activeElement.closest('#site-menu')") is None
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert _expanded(page) == "true"
    page.keyboard.press("Tab")
    first_link = page.locator(FIRST_LINK)
    assert page.evaluate("document.activeElement.href") == first_link.evaluate("a => a.href")
    page.keyboard.press("Escape")
    assert _expanded(page) == "false"
    assert page.evaluate("document.activeElement.className") == "menu-button"
    page.keyboard.press("Space")
    assert _expanded(page) == "true"
    page.keyboard.press("Enter")
    assert _expanded(page) == "false"
    assert page.errors == []


def test_menu_follows_a_link_and_shows_the_current_page(administrator, page, browser_login):
    page.set_viewport_size(PHONE)
    browser_login(administrator.email, f.PASSWORD)
    page.click(MENU_BUTTON)
    with page.expect_navigation():
        page.click("#site-menu nav a[href='/students']")
    assert _expanded(page) == "false"  # a new page starts with the menu closed
    page.click(MENU_BUTTON)
    assert page.get_attribute("#site-menu a[href='/students']", "aria-current") == "page"
    assert no_horizontal_scroll(page)


def test_wide_screen_shows_the_links_and_no_menu_button(administrator, page, browser_login):
    browser_login(administrator.email, f.PASSWORD)
    assert not page.locator(MENU_BUTTON).is_visible()
    assert page.locator(FIRST_LINK).is_visible()
    page.set_viewport_size(PHONE)  # a window made narrow: the menu folds
    assert page.locator(MENU_BUTTON).is_visible() and not page.locator(FIRST_LINK).is_visible()


def test_without_javascript_every_link_stays_reachable(administrator, browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", administrator.email)
        page.fill("input[name=password]", f.PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert not page.locator(MENU_BUTTON).is_visible()
        links = page.locator("#site-menu nav a")
        assert links.count() > 5
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        assert no_horizontal_scroll(page)
    finally:
        context.close()
