"""An audience spans only schools its sender works in (segments.check_criteria): another
school's or another district's school is refused next to "School" (422; 400 in the live
count, which tells nothing of that school's families), nothing saved, also in a saved
audience when chosen; whatever the form offered."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.messaging.campaigns import save_segment
from portal.messaging.criteria_checks import check_criteria
from portal.messaging.models import Campaign, Segment
from portal.messaging.segments import AudienceNotUsable
from tests.people.helpers import district

COMPOSE = {"title": "Hello", "kind": "general", "subject_en": "Hello",
           "body_en": "Dear {{ guardian_name }}, hello.", "segment_name": ""}


@pytest.fixture
def valley(app):
    """Return the district() world: north and south in Valley, elsewhere in Hills."""
    return district()


def _senders(valley) -> list:
    """Each sender with a school they do not work in: another school's administrator and
    teacher, another district's administrator, and Valley's administrator."""
    return [(valley.south_admin, valley.south, valley.north),
            (valley.south_teacher, valley.south, valley.north),
            (valley.other_admin, valley.elsewhere, valley.north),
            (valley.admin, valley.north, valley.elsewhere)]


def test_the_service_refuses_a_school_the_sender_does_not_work_in(valley):
    for sender, home, foreign in _senders(valley):
        for schools in ([foreign.id], [home.id, foreign.id], ["1"], [10**30], 7):
            with pytest.raises(AudienceNotUsable) as refusal:
                check_criteria({"school_ids": schools}, school_id=home.id, sender=sender)
            assert refusal.value.field == "school_id"
        with pytest.raises(AudienceNotUsable):
            save_segment(school=home, author=sender, name="Theirs",
                         criteria={"school_ids": [foreign.id]})
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0
    check_criteria({"school_ids": [valley.north.id, valley.south.id]},
                   school_id=valley.north.id, sender=valley.admin)  # Valley's own: kept


def test_a_saved_audience_spanning_a_foreign_school_is_refused_and_counts_nothing(valley,
                                                                               login_as):
    """Saved before the check under each sender's school: it is not offered, so choosing it
    is refused next to "Saved audience" as no choice of the form, nothing saved; the live
    count answers 400 with no number."""
    for sender, home, foreign in _senders(valley):
        segment = Segment(school_id=home.id, name="Everyone",
                          criteria={"school_ids": [home.id, foreign.id]})
        db.session.add(segment)
        db.session.commit()
        client = login_as(sender)
        refused = client.post("/messaging/campaigns/new",
                              data={**COMPOSE, "segment_id": segment.id})
        assert refused.status_code == 200  # the form shown again, as for any invalid choice
        assert 'id="segment_id-error"' in refused.get_data(as_text=True)
        count = client.get("/messaging/audience/count", query_string={"segment_id": segment.id})
        assert count.status_code == 400
        assert set(count.get_json()) == {"errors"} and "segment_id" in count.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_posted_foreign_school_counts_nothing(valley, login_as):
    """Another school's id typed into the count: refused, no number of its families."""
    for sender, _home, foreign in _senders(valley):
        count = login_as(sender).get("/messaging/audience/count",
                                     query_string={"school_id": foreign.id})
        assert count.status_code == 400 and set(count.get_json()) == {"errors"}


def test_a_district_administrator_counts_each_of_their_schools(valley, login_as):
    client = login_as(valley.admin)
    for school in (valley.north, valley.south):
        count = client.get("/messaging/audience/count", query_string={"school_id": school.id})
        assert count.status_code == 200 and count.get_json()["guardians"] == 2
