"""The "families we are not reaching" report at a district's size: cut into pages in the
order of risk, filtered by school for a district's administrator, its queries per page the
same however many families there are."""

import re

import pytest

from portal.extensions import db
from portal.messaging import reach, reach_routes
from portal.risk.models import RiskAssessment, RiskRuleSet
from tests import factories as f
from tests.people.helpers import count_queries, district


@pytest.fixture
def valley(app, monkeypatch):
    """The district() world (no guardian has signed in, so every one is listed), two
    families to a page; one south child is high, one north child on the watch list."""
    for module in (reach, reach_routes):
        monkeypatch.setattr(module, "PER_PAGE", 2)
    world = district()
    rules = RiskRuleSet(school_id=world.south.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    for student, level in ((world.students["south"][1], "high"),
                           (world.students["north"][0], "watch")):
        db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=50,
                                      level=level))
    db.session.commit()
    return world


def _rows(client, query: str = "") -> list[str]:
    """The guardians listed, in order (their names, as the first cell shows them)."""
    response = client.get(f"/messaging/reach{query}")
    assert response.status_code == 200
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", response.get_data(as_text=True))


def test_pages_follow_the_order_of_risk_and_keep_the_filters(valley, login_as):
    client = login_as(valley.admin)
    south, north = valley.guardians["south"], valley.guardians["north"]
    others = sorted((north[1], south[0]), key=lambda guardian: guardian.sort_name)
    first, second = _rows(client, "?weeks=3"), _rows(client, "?weeks=3&page=2")
    assert first == [south[1].display_name, north[0].display_name]
    assert second == [guardian.display_name for guardian in others]
    page = client.get("/messaging/reach?weeks=3").get_data(as_text=True)
    assert "(4 guardians)" in page and "Page 1 of 2" in page
    assert re.search(r'href="/messaging/reach\?[^"]*page=2', page)
    assert re.search(r'href="/messaging/reach\?[^"]*weeks=3', page)
    past_the_end = client.get("/messaging/reach?page=3")
    assert past_the_end.status_code == 404  # as every paged list: a page past the last
    assert "its last page is 2" in past_the_end.get_data(as_text=True)
    assert client.get("/messaging/reach?page=0").status_code == 400


def test_a_district_administrator_filters_by_school_and_a_school_has_no_filter(
        valley, login_as):
    client = login_as(valley.admin)
    assert 'name="school_id"' in client.get("/messaging/reach").get_data(as_text=True)
    south = [guardian.display_name for guardian in valley.guardians["south"]]
    assert sorted(_rows(client, f"?school_id={valley.south.id}")) == sorted(south)
    assert client.get(f"/messaging/reach?school_id={valley.elsewhere.id}").status_code == 404
    school_admin = login_as(valley.north_admin)
    page = school_admin.get("/messaging/reach").get_data(as_text=True)
    assert 'name="school_id"' not in page and "(2 guardians)" in page
    assert school_admin.get(f"/messaging/reach?school_id={valley.south.id}").status_code == 404


def test_a_page_costs_the_same_queries_for_four_families_or_fourteen(valley, login_as,
                                                                    monkeypatch):
    """Every family on one page (twenty to a page): a query per row would show."""
    for module in (reach, reach_routes):
        monkeypatch.setattr(module, "PER_PAGE", 20)
    client = login_as(valley.admin)
    client.get("/messaging/reach")
    db.session.commit()  # as after the families are added below: nothing loaded is kept
    with count_queries() as few:
        assert len(_rows(client)) == 4
    for number in range(10):
        child = f.make_student(valley.north, first_name=f"More{number}")
        f.link(child, f.make_guardian(valley.north))
    db.session.commit()
    with count_queries() as many:
        assert len(_rows(client)) == 14
    assert many.count == few.count
