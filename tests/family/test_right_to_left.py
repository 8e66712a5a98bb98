"""Persian family pages run right to left: mirrored layout, no sideways scroll on a phone."""

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from tests import factories as f
from tests.conftest import no_horizontal_scroll
from tests.core.unmarked import ROOT
from tests.family.helpers import add_day, add_grade, make_families

# Physical sides do not mirror on a right-to-left page; start/end (logical properties) do.
PHYSICAL_SIDE = re.compile(r"(?:margin|padding|border)-(?:left|right)\b"
                           r"|(?:text-align|float):\s*(?:left|right)|(?<![-\w])(?:left|right)\s*:")


def _persian_family():
    families = make_families()
    families.parent.preferred_language = "fa"
    for offset in range(0, 30):
        day = families.term.starts_on + timedelta(days=offset)
        if day.weekday() < 5:
            add_day(families.child, day, "absent_excused" if offset % 7 == 0 else "present",
                    "A medical appointment at the hospital across town")
    for period, score in ((0, 72.5), (1, 81)):
        add_grade(families.child, families.section, period, score)
    db.session.commit()
    return families


def test_persian_family_pages_are_right_to_left_with_persian_numbers(app, login_as):
    families = _persian_family()
    client = login_as(families.parent)
    for path in ("/family/", f"/family/children/{families.child.id}", "/family/settings"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="fa" dir="rtl">' in html, path
    child = client.get(f"/family/children/{families.child.id}").get_data(as_text=True)
    assert "۷۳%" in child or "۸۱%" in child  # grades in Persian digits


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def test_persian_pages_count_in_persian_digits_and_isolate_what_the_school_typed(
        app, login_as):
    """Counts and grade levels were written in Latin digits beside Persian percentages; text
    typed by staff in another script (an absence's reason in English) ran into the Persian
    around it (its full stop at the wrong end): it is isolated, its direction its own."""
    families = _persian_family()
    client = login_as(families.parent)
    grade = str(families.child.grade_level).translate(PERSIAN_DIGITS)
    home = client.get("/family/").get_data(as_text=True)
    assert f"پایه {grade}" in home and f"پایه {families.child.grade_level}" not in home
    child = client.get(f"/family/children/{families.child.id}").get_data(as_text=True)
    absences = sum(1 for offset in range(0, 30, 7)
                   if (families.term.starts_on + timedelta(days=offset)).weekday() < 5)
    days = sum(1 for offset in range(30)
               if (families.term.starts_on + timedelta(days=offset)).weekday() < 5)
    assert f"<dd>{str(absences).translate(PERSIAN_DIGITS)}</dd>" in child
    assert f"<dd>{str(days).translate(PERSIAN_DIGITS)}</dd>" in child  # school days
    assert "<bdi>A medical appointment at the hospital across town</bdi>" in child
    assert "<bdi>Lincoln High</bdi>" in child


def test_stylesheets_use_start_and_end_not_left_and_right():
    sheets = [path for path in (ROOT / "static" / "css").glob("*.css")
              if path.name != "plotly-rules.css"]  # Plotly's own rules, positioned by Plotly
    found = {path.name: PHYSICAL_SIDE.findall(path.read_text()) for path in sheets}
    assert {name: sides for name, sides in found.items() if sides} == {}


@pytest.mark.browser
def test_a_persian_childs_page_is_mirrored_and_fits_a_phone(app, page, live_server,
                                                            browser_login):
    families = _persian_family()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(families.parent.email, f.PASSWORD)
    page.goto(f"{live_server}/family/children/{families.child.id}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path="/tmp/family-fa-child.png", full_page=True)
    assert page.evaluate("document.dir") == "rtl"
    assert no_horizontal_scroll(page)
    # The first column of a (shown) table sits on the right; the brand starts the header on
    # the right. The tables behind the charts are folded away, so they have no position.
    row = page.locator("main table:visible tr").first
    first, second = (row.locator("th, td").nth(n).bounding_box() for n in (0, 1))
    assert first["x"] > second["x"]
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > 390 / 2
    page.wait_for_selector(".chart .main-svg")
    legend_or_axis = page.evaluate(
        "Array.from(document.querySelectorAll('.chart .ytick text')).map(t => t.textContent)")
    assert legend_or_axis  # the charts drew (in the Persian locale, no console error)
    assert page.errors == []
