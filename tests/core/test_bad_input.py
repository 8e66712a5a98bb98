"""The issue's bad input, one by one: a clear 4xx naming the problem, never a 500."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.events.models import ConferenceSlot, Event
from portal.extensions import db
from portal.outcomes.models import Grade
from portal.people.models import GradingPeriod
from tests.events.helpers import add_event, school_with_families
from tests.people.helpers import classroom

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [f"/students/{HUGE}", "/students/2147483648",
                                  f"/events/{HUGE}/edit", f"/needs/new/{HUGE}"])
def test_an_id_beyond_the_database_range_is_not_found(app, login_as, path):
    room = classroom()
    response = login_as(room.admin).get(path)
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_the_largest_id_the_database_holds_is_still_routed(app, login_as):
    room = classroom()
    assert login_as(room.admin).get("/students/2147483647").status_code == 404  # a lookup


@pytest.mark.parametrize(("query", "named"), [
    (f"/students?page={HUGE}", "page"), ("/students?page=0", "page"),
    ("/students?page=two", "page"), (f"/dashboards/?grade_level={HUGE}", "grade_level"),
    (f"/dashboards/programs?program_id={HUGE}", "program_id"),
    (f"/interactions/new/STUDENT?follows={HUGE}", "follows"),
    ("/events/?view=month&month=0001-01", "month"), ("/events/?view=month&month=9999-12", "month"),
    ("/events/?month=March", "month"), (f"/audit/students/STUDENT?page={HUGE}", "page"),
    ("/outcomes/sections/SECTION/attendance?on_date=9999-12-31", "on_date"),
    ("/students?q=%00", "q"),
])
def test_a_bad_query_parameter_is_a_400_naming_it(app, login_as, query, named):
    room = classroom()
    url = query.replace("STUDENT", str(room.student.id)).replace("SECTION", str(room.section.id))
    response = login_as(room.admin if "SECTION" not in query else room.teacher).get(url)
    assert response.status_code == 400, url
    assert f"“{named}”" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, "-1", "sNaN", "NaN", "inf"])
def test_student_list_filters_answer_hostile_numbers_with_the_form_again(app, login_as, value):
    room = classroom()
    response = login_as(room.admin).get(
        f"/students?grade_level={value}&attendance_below={value}&no_contact_days={value}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="attendance_below-error"' in page and 'id="no_contact_days-error"' in page


@pytest.mark.parametrize("max_score", ["sNaN", "NaN", "Infinity", HUGE])
def test_a_grade_grid_out_of_a_hostile_maximum_is_a_form_error(app, login_as, max_score):
    room = classroom()
    period = db.session.scalar(select(GradingPeriod).where(GradingPeriod.term_id == room.term.id))
    response = login_as(room.teacher).post(
        f"/outcomes/sections/{room.section.id}/grades",
        data={"grading_period_id": period.id, "kind": "assessment",
              "assessment_name": "Quiz", "max_score": max_score, "recorded_on": "2026-10-05",
              f"score-{room.student.id}": "5"})
    assert response.status_code in (200, 400)
    assert 'id="max_score-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Grade)) == 0


@pytest.mark.parametrize("when", ["0001-01-01T10:00", "9999-12-31T23:59"])
def test_an_event_in_a_year_outside_1900_to_2200_is_a_form_error(app, login_as, when):
    world = school_with_families()
    response = login_as(world.admin).post("/events/new", data={
        "kind": "parent_workshop", "title": "Math Night", "starts_at": when, "ends_at": when,
        "whole_school": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert "Enter a date between the years 1900 and 2200." in page
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("days", ["0001-01-01", "9999-12-31", "2027-03-10,0001-01-01"])
def test_conference_slots_on_a_day_outside_1900_to_2200_are_a_form_error(app, login_as, days):
    world = school_with_families()
    event = add_event(world, kind="conference", title="Conferences",
                      starts_local=datetime(2027, 3, 10, 16), ends_local=datetime(2027, 3, 10, 19))
    db.session.commit()
    response = login_as(world.teacher).post(f"/events/{event.id}/conference", data={
        "days": days, "day_starts": "16:00", "day_ends": "17:00", "length_minutes": "15",
        "break_minutes": "0", "mode": "in_person"})
    assert response.status_code == 400
    assert "Enter a date between the years 1900 and 2200." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConferenceSlot)) == 0


@pytest.mark.parametrize("query", ["chart=attendance&week=9999-12-31",
                                   "chart=behaviour&week=9999-12-31",
                                   "chart=risk&day=9999-12-31&level=high",
                                   "chart=attendance&week=0001-01-01"])
def test_a_chart_point_outside_1900_to_2200_is_refused_naming_it(app, login_as, query):
    room = classroom()
    response = login_as(room.admin).get(f"/dashboards/students?{query}")
    assert response.status_code == 400
    assert "between the years 1900 and 2200" in response.get_data(as_text=True)
