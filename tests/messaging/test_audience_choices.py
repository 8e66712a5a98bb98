"""Every audience filter takes only a value its field offers: a typed need kind or language, a
risk level, rate, grade level or answer out of its domain is refused next to its field (422;
400 in the live count), nothing saved, also in a saved audience; never a 500, never nobody."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.messaging.criteria_checks import check_criteria
from portal.messaging.models import Campaign, Segment
from portal.messaging.segments import AudienceNotUsable
from tests.events.helpers import school_with_families

COMPOSE = {"title": "Hello", "kind": "general", "subject_en": "Hello",
           "body_en": "Dear {{ guardian_name }}, hello.", "segment_name": "Picked"}
TYPED = ["xx", "y" * 5000, "fr", "financial_aid"]


@pytest.fixture
def world(app):
    """A school offering English and Spanish, with its families."""
    made = school_with_families()
    made.school.languages = ["en", "es"]
    db.session.commit()
    return made


def _nothing_saved() -> bool:
    return (db.session.scalar(select(func.count()).select_from(Campaign)) == 0
            and db.session.scalar(select(func.count()).select_from(Segment)) == 0)


@pytest.mark.parametrize("key", ["need_kinds", "languages"])
@pytest.mark.parametrize("value", TYPED)
def test_a_typed_choice_is_refused_next_to_its_field(world, login_as, key, value):
    """A need kind that does not exist, a language the school does not offer: 422, nothing saved;
    the live count answers 400 on that field."""
    client = login_as(world.admin)
    refused = client.post("/messaging/campaigns/new", data={**COMPOSE, key: value})
    assert refused.status_code == 422
    assert f'id="{key}-error"' in refused.get_data(as_text=True)
    assert _nothing_saved()
    count = client.get("/messaging/audience/count", query_string={key: value})
    assert count.status_code == 400 and key in count.get_json()["errors"]


def test_offered_choices_are_kept(world, login_as):
    check_criteria({"need_kinds": ["health"], "languages": ["es"], "risk_levels": ["high"],
                    "attendance_below": 90.0, "portal_activated": "no", "grade_levels": [9]},
                   school_id=world.school.id, sender=world.admin)
    count = login_as(world.admin).get("/messaging/audience/count",
                                      query_string={"languages": "en", "need_kinds": "health"})
    assert count.status_code == 200


@pytest.mark.parametrize(("key", "value"), [
    ("need_kinds", ["nope"]), ("need_kinds", "health"), ("need_kinds", ["\x00"]),
    ("languages", ["xx"]), ("languages", ["\x00"]),
    ("languages", [None]), ("risk_levels", ["extreme"]), ("risk_levels", [3]),
    ("portal_activated", "maybe"), ("portal_activated", True),
    ("attendance_below", float("nan")), ("attendance_below", float("inf")),
    ("attendance_below", -1), ("attendance_below", 1e300), ("attendance_below", "50"),
    ("attendance_below", True), ("grade_levels", [10**30]), ("grade_levels", ["9"]),
    ("grade_levels", [-4]), ("grade_levels", 9), ("section_ids", ["abc"]),
    ("student_ids", [10**30]), ("program_ids", [True]), ("event_without_rsvp", "0001-01-01"),
])
def test_a_value_out_of_its_domain_is_refused_by_the_service(world, key, value):
    with pytest.raises(AudienceNotUsable) as refusal:
        check_criteria({key: value}, school_id=world.school.id, sender=world.admin)
    assert refusal.value.field == key


@pytest.mark.parametrize(("key", "value"), [
    ("attendance_below", "NaN"), ("attendance_below", "1e400"), ("attendance_below", "-3"),
    ("grade_levels", "99999999999999999999"), ("risk_levels", "extreme"),
    ("portal_activated", "maybe"), ("student_ids", "99999999999999999999999"),
])
def test_the_form_refuses_a_value_out_of_its_domain(world, login_as, key, value):
    """Refused as a form error (never a 500), nothing saved; 400 in the live count."""
    client = login_as(world.admin)
    refused = client.post("/messaging/campaigns/new", data={**COMPOSE, key: value})
    assert refused.status_code in (200, 422) and _nothing_saved()
    assert f'id="{key}-error"' in refused.get_data(as_text=True)
    assert client.get("/messaging/audience/count", query_string={key: value}).status_code == 400


@pytest.mark.parametrize(("key", "value"), [
    ("need_kinds", ["typed"]), ("languages", ["xx"]), ("attendance_below", 500),
    ("grade_levels", [9999]),
])
def test_a_saved_audience_holding_one_is_refused_when_chosen(world, login_as, key, value):
    segment = Segment(school_id=world.school.id, name="Old", criteria={key: value})
    db.session.add(segment)
    db.session.commit()
    client = login_as(world.admin)
    refused = client.post("/messaging/campaigns/new",
                          data={**COMPOSE, "segment_name": "", "segment_id": segment.id})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="segment_id-error"' in page and "“Old” cannot be used" in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    count = client.get("/messaging/audience/count", query_string={"segment_id": segment.id})
    assert count.status_code == 400 and "segment_id" in count.get_json()["errors"]
