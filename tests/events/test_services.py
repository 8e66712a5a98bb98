"""Creating, editing, cancelling events; invitations, RSVPs, reminders, series, DST."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal.core.errors import DomainError
from portal.events.invitations import record_rsvp, remind_non_responders
from portal.events.models import Event, EventInvitation
from portal.events.services import cancel_event, create_event, create_series, update_event
from portal.extensions import db
from portal.messaging.models import Message
from tests.events.helpers import add_event, details, school_with_families


def _invited(event) -> dict:
    return {i.guardian_id: i for i in db.session.scalars(
        select(EventInvitation).where(EventInvitation.event_id == event.id))}


def test_one_invitation_per_guardian_and_none_for_a_barred_link(app):
    world = school_with_families()
    event = add_event(world)
    invited = _invited(event)
    assert set(invited) == {world.marta.id, world.diaz.id}
    messages = db.session.scalars(select(Message).where(Message.guardian_id == world.marta.id))
    assert [m.subject for m in messages] == ["Invitation: Science Fair"]


def test_a_grade_level_audience_invites_only_that_grade(app):
    world = school_with_families()
    event = add_event(world, audience={"grade_levels": [10]})
    assert set(_invited(event)) == {world.marta.id}


def test_end_before_start_is_refused_and_nothing_is_saved(app):
    world = school_with_families()
    with pytest.raises(DomainError) as refused:
        create_event(actor=world.admin, school=world.school, details=details(
            ends_local=datetime(2027, 3, 10, 17)))
    assert refused.value.field == "ends_at"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_capacity_below_those_who_said_yes_is_refused(app):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True, capacity=5)
    for invitation in _invited(event).values():
        record_rsvp(invitation=invitation, answer="yes")
    db.session.commit()
    with pytest.raises(DomainError, match="2 families") as refused:
        update_event(actor=world.admin, event=event,
                     details=details(capacity=1, rsvp_requested=True))
    assert refused.value.field == "capacity"


def test_a_teacher_invites_their_sections_but_not_the_whole_school(app):
    world = school_with_families()
    with pytest.raises(DomainError, match="administrator"):
        create_event(actor=world.teacher, school=world.school, details=details())
    with pytest.raises(DomainError, match="sections you teach"):
        create_event(actor=world.teacher, school=world.school, details=details(
            audience={"section_ids": [world.other_section.id]}))
    event = create_event(actor=world.teacher, school=world.school, details=details(
        kind="class_meeting", audience={"section_ids": [world.section.id]}))
    assert set(_invited(event)) == {world.marta.id, world.diaz.id}


def test_cancelling_tells_every_invited_family(app):
    world = school_with_families()
    event = add_event(world)
    assert cancel_event(actor=world.admin, event=event, reason="Storm warning") == 2
    body = db.session.scalar(select(Message.body_text).where(
        Message.guardian_id == world.diaz.id, Message.subject == "Cancelled: Science Fair"))
    assert "Storm warning" in body
    with pytest.raises(DomainError):
        cancel_event(actor=world.admin, event=event)


def test_remind_only_those_who_have_not_answered(app):
    world = school_with_families()
    event = add_event(world, rsvp_requested=True)
    record_rsvp(invitation=_invited(event)[world.marta.id], answer="no")
    assert remind_non_responders(actor=world.admin, event=event) == 1
    reminded = db.session.scalars(select(Message.guardian_id).where(
        Message.subject.like("Reminder%"))).all()
    assert reminded == [world.diaz.id]


def test_a_weekly_series_keeps_the_local_time_across_the_clock_change(app):
    world = school_with_families()
    events = create_series(actor=world.admin, school=world.school, repeat="weekly",
                           until=date(2026, 11, 10), details=details(
                               title="Chess club", starts_local=datetime(2026, 10, 20, 19),
                               ends_local=datetime(2026, 10, 20, 20)))
    assert [e.starts_at for e in events] == [
        datetime(2026, 10, 20, 23), datetime(2026, 10, 27, 23),
        datetime(2026, 11, 4, 0), datetime(2026, 11, 11, 0)]
    assert len({e.series_id for e in events}) == 1 and len({e.uid for e in events}) == 4
    # one invitation message for the series, not one per week
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.guardian_id == world.marta.id)) == 1


def test_a_monthly_series_falls_back_to_the_last_day_of_short_months(app):
    world = school_with_families()
    events = create_series(actor=world.admin, school=world.school, repeat="monthly",
                           until=date(2027, 3, 31), details=details(
                               starts_local=datetime(2027, 1, 31, 18),
                               ends_local=datetime(2027, 1, 31, 19)))
    assert [e.starts_at.date() for e in events] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_an_event_on_the_night_the_clocks_go_back_lasts_its_real_length(app):
    world = school_with_families()
    event = add_event(world, title="Night sky watch", starts_local=datetime(2026, 11, 1, 0, 30),
                      ends_local=datetime(2026, 11, 1, 3, 30))
    assert event.starts_at == datetime(2026, 11, 1, 4, 30)  # EDT, UTC-4
    assert event.ends_at == datetime(2026, 11, 1, 8, 30)  # EST, UTC-5: four hours later
