"""An audience's filters naming records by id (section, program, student, event) take only
records of the audience's school: another school's id, or one of nothing, is refused next to
its field, not saved to reach nobody."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.messaging.campaigns import save_segment
from portal.messaging.criteria_checks import check_criteria
from portal.messaging.models import Campaign, Segment
from portal.messaging.segments import AudienceNotUsable
from portal.outcomes.models import Program
from tests.events.helpers import add_event, school_with_families

COMPOSE = {"title": "Hello", "kind": "general", "subject_en": "Hello",
           "body_en": "Dear {{ guardian_name }}, hello.", "segment_name": "Picked"}


@pytest.fixture
def schools(app):
    """Two schools, each with a program and an event asking families to answer."""
    made = {}
    for name in ("north", "south"):
        world = school_with_families()
        world.program = Program(school_id=world.school.id, name="Tutoring", kind="tutoring")
        db.session.add(world.program)
        world.event = add_event(world, title="Open house", rsvp_requested=True)
        made[name] = world
    return made


def _ids(world) -> dict:
    return {"section_ids": [world.section.id], "program_ids": [world.program.id],
            "student_ids": [world.ann.id], "event_without_rsvp": world.event.id}


@pytest.mark.parametrize("key", ["section_ids", "program_ids", "student_ids",
                                 "event_without_rsvp"])
def test_another_schools_id_is_refused_next_to_its_field(schools, login_as, key):
    """South's administrator posts north's id: 422 on that field, nothing saved."""
    north, south = schools["north"], schools["south"]
    value = _ids(north)[key]
    refused = login_as(south.admin).post("/messaging/campaigns/new",
                                         data={**COMPOSE, key: value})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="{key}-error"' in page and "Not found at the school of this audience" in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0
    with pytest.raises(AudienceNotUsable) as refusal:
        save_segment(school=south.school, author=south.admin, name="Picked",
                     criteria={key: value})
    assert refusal.value.field == key
    check_criteria(_ids(north), school_id=north.school.id, sender=north.admin)  # north's own: kept


@pytest.mark.parametrize("key", ["section_ids", "program_ids", "student_ids",
                                 "event_without_rsvp"])
def test_an_id_of_nothing_is_refused(schools, key):
    north = schools["north"]
    value = 999_999 if key == "event_without_rsvp" else [999_999]
    with pytest.raises(AudienceNotUsable, match="999999") as refusal:
        check_criteria({key: value}, school_id=north.school.id, sender=north.admin)
    assert refusal.value.field == key


def test_a_grade_level_no_school_has_is_refused_by_the_service(schools):
    with pytest.raises(AudienceNotUsable) as refusal:
        check_criteria({"grade_levels": [40]}, school_id=schools["north"].school.id,
                       sender=schools["north"].admin)
    assert refusal.value.field == "grade_levels"


def test_the_live_count_names_another_schools_event(schools, login_as):
    north, south = schools["north"], schools["south"]
    count = login_as(south.admin).get(
        f"/messaging/audience/count?event_without_rsvp={north.event.id}")
    assert count.status_code == 400 and "event_without_rsvp" in count.get_json()["errors"]


def test_a_saved_audience_naming_another_schools_program_is_refused(schools, login_as):
    """Saved before the check: choosing it says why, next to the saved audience; nothing saved."""
    north, south = schools["north"], schools["south"]
    segment = Segment(school_id=south.school.id, name="Tutored",
                      criteria={"program_ids": [north.program.id]})
    db.session.add(segment)
    db.session.commit()
    refused = login_as(south.admin).post("/messaging/campaigns/new", data={
        **COMPOSE, "segment_name": "", "segment_id": segment.id})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="segment_id-error"' in page and "“Tutored” cannot be used" in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_saved_audience_naming_another_schools_conference_does_not_name_it(schools,
                                                                             login_as):
    """Another school's event that asks no answers: refused as not found, its title unsaid."""
    north, south = schools["north"], schools["south"]
    secret = add_event(north, kind="conference", title="Private review night")
    segment = Segment(school_id=south.school.id, name="Waiting",
                      criteria={"event_without_rsvp": secret.id})
    db.session.add(segment)
    db.session.commit()
    client = login_as(south.admin)
    refused = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "segment_name": "", "segment_id": segment.id})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Not found at the school of this audience" in page
    assert "Private review night" not in page
    count = client.get("/messaging/audience/count", query_string={"segment_id": segment.id})
    assert count.status_code == 400 and "Private review night" not in count.get_data(True)
