"""Dashboards of a district's administrator: the district's schools together or one of them,
and never a school outside the district."""

import html
import json
import re
from datetime import datetime

import pytest

from portal.extensions import db
from portal.outcomes.models import BehaviourIncident, Program
from tests.people.helpers import class_options, district

MONDAY = "2026-11-16"


@pytest.fixture
def valley(app):
    """Return the district() world with one behaviour incident for every student."""
    world = district()
    for pupils in world.students.values():
        for pupil in pupils:
            db.session.add(BehaviourIncident(student_id=pupil.id, category="disruption",
                                             occurred_at=datetime(2026, 11, 17, 10),
                                             description="Talked over the class"))
    db.session.commit()
    return world


def _incidents(response) -> int:
    """Return the behaviour chart's total of the overview page."""
    assert response.status_code == 200
    found = re.search(r'<script type="application/json" id="behaviour-data">(.*?)</script>',
                      response.get_data(as_text=True), re.S)
    return sum(json.loads(html.unescape(found.group(1)))["data"][0]["y"])


def test_district_overview_counts_every_school_or_the_one_chosen(valley, login_as):
    client = login_as(valley.admin)
    overview = client.get("/dashboards/")
    assert _incidents(overview) == 4
    assert 'name="school_id"' in overview.get_data(as_text=True)
    assert _incidents(client.get(f"/dashboards/?school_id={valley.south.id}")) == 2
    listed = client.get(f"/dashboards/students?chart=behaviour&week={MONDAY}"
                        f"&school_id={valley.north.id}").get_data(as_text=True)
    assert {f"/students/{s.id}" in listed for s in valley.students["north"]} == {True}
    assert {f"/students/{s.id}" in listed for s in valley.students["south"]} == {False}
    for page in ("programs", "interventions"):
        response = client.get(f"/dashboards/{page}?school_id={valley.south.id}")
        assert response.status_code == 200 and 'name="school_id"' in response.get_data(True)


def test_dashboards_refuse_a_school_outside_the_district(valley, login_as):
    pages = ("/dashboards/?", f"/dashboards/students?chart=behaviour&week={MONDAY}&",
             "/dashboards/programs?", "/dashboards/interventions?")
    for reader, school in ((valley.admin, valley.elsewhere), (valley.north_admin, valley.south)):
        client = login_as(reader)
        for page in pages:
            assert client.get(f"{page}school_id={school.id}").status_code == 404, page


def test_school_administrators_dashboard_is_their_school_alone(valley, login_as):
    client = login_as(valley.north_admin)
    page = client.get("/dashboards/")
    assert _incidents(page) == 2
    assert 'name="school_id"' not in page.get_data(as_text=True)
    assert _incidents(login_as(valley.other_admin).get("/dashboards/")) == 2


def test_the_class_filter_waits_for_a_school(valley, login_as):
    """The district's overview lists no classes until a school is chosen; a class asked for
    across the schools is offered, chosen and counted; another district's is a 404."""
    client = login_as(valley.admin)
    overview = client.get("/dashboards/")
    assert class_options(overview) == set()
    assert "Choose a school to filter by class." in overview.get_data(as_text=True)
    assert class_options(client.get(f"/dashboards/?school_id={valley.south.id}")) == {
        valley.south_class.id}
    asked = client.get(f"/dashboards/?section_id={valley.north_class.id}")
    assert class_options(asked) == {valley.north_class.id} and _incidents(asked) == 2
    assert client.get(f"/dashboards/?section_id={valley.elsewhere_class.id}").status_code == 404
    assert class_options(login_as(valley.north_admin).get("/dashboards/")) == {
        valley.north_class.id}


def test_programs_of_several_schools_name_their_school(valley, login_as):
    clubs = [Program(school_id=school.id, name="Reading Club", kind="club")
             for school in (valley.north, valley.south)]
    db.session.add_all(clubs)
    db.session.commit()
    client = login_as(valley.admin)
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>',
                              client.get("/dashboards/programs").get_data(as_text=True)))
    assert options[str(clubs[0].id)] == "Reading Club (North)"
    assert options[str(clubs[1].id)] == "Reading Club (South)"
    chosen = client.get(f"/dashboards/programs?program_id={clubs[1].id}").get_data(as_text=True)
    assert re.search(r"<h2>Reading Club <span[^>]*>South</span></h2>", chosen)
    one_school = client.get(f"/dashboards/programs?school_id={valley.north.id}")
    assert ">Reading Club</option>" in one_school.get_data(as_text=True)  # no school to tell apart
