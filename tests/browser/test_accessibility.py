"""axe-core in Chromium on every main page, as each role sees it: no serious or critical
violations. Every staff template is checked as the administrator (whose menu holds all but
the teacher's notes); the teacher and counsellor check the pages shaped by their role: home,
their own pages, a student's profile as they see it and the forms it opens."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
LANGUAGES = ["en", "fa"]

STAFF_PAGES = ("/", "/notifications/", "/messaging/campaigns/new", "/events/new")
STAFF_DETAILS = (  # (a list page, the first link on it to a detail page)
    ("/students", "main a[href^='/students/']"),
    ("/events/", "main a[href^='/events/']:not([href$='/new']):not([href$='figures'])"),
    ("/messaging/", "main a[href^='/messaging/campaigns/']:not([href$='/new'])"),
    ("/outcomes/", "main a[href*='/grades'], main a[href*='/attendance']"),
)
PROFILE_DETAILS = (  # the forms a staff member opens from a student's profile
    ("main a[href^='/interactions/new/']", "main a[href^='/needs/new/']",
     "main a[href*='/interventions/new']"))
# (pages, detail pages, whether to check every page of the menu too). The teacher and
# counsellor skip their menu's lists and forms: the administrator's check opens the same
# templates.
ROLES = {
    "teacher@demo.school": (("/", "/interactions/notes", "/outcomes/"), STAFF_DETAILS[:1],
                            False),
    "counsellor@demo.school": (("/", "/risk/flags", "/dashboards/"), STAFF_DETAILS[:1], False),
    "admin@demo.school": (
        STAFF_PAGES + ("/dashboards/programs",
                       "/dashboards/interventions", "/staff/invite"),
        STAFF_DETAILS, True),
    "parent@demo.school": (
        ("/family/requests/new",),
        (("/family/", "main a[href^='/family/children/']"),
         ("/family/inbox", "main a[href^='/family/inbox/']"),
         ("/family/events", "main a[href^='/family/conferences/']"),
         ("/family/requests", "main a[href^='/family/requests/']:not([href$='/new'])")),
        True),
}


# The drawn charts are hidden from assistive technology (the table under each holds its
# numbers); axe would spend most of its time in their SVG, so the focus check below covers them.
CHARTS = {"exclude": [[".chart"]]}
FOCUSABLE_IN_CHARTS = """() => Array.from(document.querySelectorAll('.chart *'))
    .filter(element => element.tabIndex >= 0).length"""


def _open(page, url: str) -> int:
    """Open a page and wait until its charts are drawn; return the HTTP status."""
    response = page.goto(url)
    if page.locator(".chart[data-figure]").count():
        page.wait_for_selector(".chart .main-svg")
    return response.status


def _blocking_violations(page, axe: Axe) -> list[str]:
    """Return the serious and critical axe violations of the page, one line each."""
    found = axe.run(page, context=CHARTS).response["violations"]
    if page.evaluate(FOCUSABLE_IN_CHARTS):
        found.append({"id": "chart-focus", "impact": "serious", "nodes": [],
                      "help": "A chart hidden from screen readers holds focusable controls"})
    return [f"{page.url}: {v['id']} ({v['impact']}) {v['help']} at "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            for v in found if v["impact"] in BLOCKING]


def _first_link(page, url: str, selector: str) -> str | None:
    page.goto(url)
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def _pages_of(page, demo_site, email: str, everything: bool = True) -> list[str]:
    """Return the paths to check for this account: its menu (if its role checks it), its
    pages and detail pages (or, told not everything, its pages only)."""
    pages, detail_pages, menu = ROLES[email]
    if not everything:
        return list(pages)
    paths = []
    if menu:
        page.goto(demo_site.url + "/")
        paths = page.eval_on_selector_all("#site-menu nav a",
                                          "links => links.map(a => a.pathname)")
    paths += list(pages)
    for listing, selector in detail_pages:
        paths.append(_first_link(page, demo_site.url + listing, selector))
    if not email.startswith("parent"):
        profile = next(p for p in paths if p and p.startswith("/students/"))
        page.goto(demo_site.url + profile)
        paths += [page.locator(s).first.get_attribute("href") for s in PROFILE_DETAILS
                  if page.locator(s).count()]
    return list(dict.fromkeys(p for p in paths if p))


@pytest.fixture
def speaking(demo_site):
    """Set a demo account's language for one test, and put it back afterwards."""
    changed = []

    def set_language(email: str, language: str) -> None:
        user = db.session.scalar(select(User).where(User.email == email))
        changed.append((user, user.preferred_language))
        user.preferred_language = language
        db.session.commit()

    yield set_language
    for user, language in changed:
        user.preferred_language = language
    db.session.commit()


# Every role in English; right to left (Persian) for the family, every page of it, and for
# the administrator, the forms (their labels translated) of the staff pages and of their own,
# the rest of the staff's templates being checked in English (what axe checks of a language
# is the page's lang and the texts it needs, not the layout).
CASES = [(email, "en") for email in ROLES] + [("admin@demo.school", "fa"),
                                               ("parent@demo.school", "fa")]


@pytest.mark.parametrize(("email", "language"), CASES)
def test_every_main_page_has_no_serious_accessibility_violation(demo_site, page, sign_in,
                                                                 speaking, email, language):
    speaking(email, language)
    axe = Axe()
    sign_in(email)
    paths = _pages_of(page, demo_site, email,
                      everything=language == "en" or email.startswith("parent"))
    assert len(paths) >= 6, paths
    violations = []
    for path in paths:
        assert _open(page, demo_site.url + path) == 200, path
        assert page.locator("html").get_attribute("lang") == language
        violations += _blocking_violations(page, axe)
    assert violations == []
    assert page.errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_out_pages_have_no_serious_accessibility_violation(demo_site, page, language):
    axe = Axe()
    violations = []
    for path in ("/login", "/reset-password"):
        page.goto(f"{demo_site.url}{path}?lang={language}")
        violations += _blocking_violations(page, axe)
    assert violations == []
