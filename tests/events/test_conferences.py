"""Conference slots: publish, overlap, book for a family, block, move, mark, who has not booked."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from portal.core.errors import Conflict, DomainError
from portal.events.conference_queries import families_not_booked
from portal.events.conferences import (
    SlotPlan,
    block_slot,
    book_slot,
    mark_slot,
    move_booking,
    publish_slots,
)
from portal.events.models import ConferenceSlot, SlotStatus
from portal.extensions import db
from portal.messaging.models import Delivery, NotificationPreference
from portal.privacy.services import deactivate, erase_person
from tests.events.helpers import add_event, school_with_families


def _conference(world):
    return add_event(world, kind="conference", title="Fall conferences",
                     starts_local=datetime(2027, 3, 10, 16), ends_local=datetime(2027, 3, 11, 19))


def _plan(**fields) -> SlotPlan:
    values = {"days": [date(2027, 3, 10), date(2027, 3, 11)], "day_starts": time(16),
              "day_ends": time(17), "length_minutes": 15, "break_minutes": 5,
              "mode": "video", "location": "https://meet.example.org/tara"}
    values.update(fields)
    return SlotPlan(**values)


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2027, 3, 9), date(2027, 3, 12),
                                 date(2200, 12, 31)])
def test_slots_only_on_the_conference_s_own_days(app, day):
    """A day before or after the conference (a typo, a year 1900) would put bookable slots
    on it that families then book."""
    world = school_with_families()
    with pytest.raises(DomainError, match="Choose days of the conference") as refused:
        publish_slots(actor=world.teacher, event=_conference(world),
                      plan=_plan(days=[date(2027, 3, 10), day]))
    assert refused.value.field == "days"
    assert db.session.scalar(select(func.count()).select_from(ConferenceSlot)) == 0


def test_at_most_so_many_slots_are_published_at_once(app):
    """Three whole days of 5-minute slots (861) is a mistake, not a conference: it made a
    page of a hundred megabytes."""
    world = school_with_families()
    event = add_event(world, kind="conference", title="Spring conferences",
                      starts_local=datetime(2027, 3, 10, 8), ends_local=datetime(2027, 3, 12, 20))
    with pytest.raises(DomainError, match="That makes 861 slots; publish at most 600"):
        publish_slots(actor=world.teacher, event=event, plan=_plan(
            days=[date(2027, 3, 10), date(2027, 3, 11), date(2027, 3, 12)],
            day_starts=time(0), day_ends=time(23, 59), length_minutes=5, break_minutes=0))
    assert db.session.scalar(select(func.count()).select_from(ConferenceSlot)) == 0


def test_slots_are_laid_out_with_breaks_over_several_days_in_school_time(app):
    world = school_with_families()
    slots = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())
    assert len(slots) == 6  # 16:00, 16:20, 16:40 on each of two days
    assert [s.starts_at for s in slots[:3]] == [
        datetime(2027, 3, 10, 21), datetime(2027, 3, 10, 21, 20), datetime(2027, 3, 10, 21, 40)]


def test_an_overlapping_slot_of_the_same_teacher_is_refused_and_nothing_is_saved(app):
    world = school_with_families()
    event = _conference(world)
    publish_slots(actor=world.teacher, event=event, plan=_plan(days=[date(2027, 3, 10)]))
    db.session.commit()
    with pytest.raises(DomainError, match="overlap"):
        publish_slots(actor=world.teacher, event=event, plan=_plan(day_starts=time(16, 50),
                                                                   day_ends=time(18)))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ConferenceSlot)) == 3
    # another teacher may use the same hours
    assert publish_slots(actor=world.other_teacher, event=event, plan=_plan())


def test_staff_book_for_a_family_who_gets_a_confirmation_with_ics(app):
    world = school_with_families()
    slot = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())[0]
    book_slot(actor=world.teacher, slot=slot, student=world.cleo, guardian=world.diaz)
    delivery = db.session.scalar(select(Delivery).where(
        Delivery.guardian_id == world.diaz.id, Delivery.subject.like("Conference booked%")))
    assert delivery.attachments[0]["filename"] == "conference.ics"
    assert "BEGIN:VEVENT" in delivery.attachments[0]["text"]


def test_one_slot_per_child_and_teacher(app):
    world = school_with_families()
    first, second, *_ = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())
    book_slot(actor=world.teacher, slot=first, student=world.cleo, guardian=world.diaz)
    with pytest.raises(Conflict, match="already has a slot"):
        book_slot(actor=world.teacher, slot=second, student=world.cleo, guardian=world.diaz)


def test_a_guardian_whose_link_forbids_information_cannot_be_booked(app):
    world = school_with_families()
    slot = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())[0]
    with pytest.raises(DomainError, match="cannot be booked"):
        book_slot(actor=world.teacher, slot=slot, student=world.ann, guardian=world.barred)


def test_blocking_a_booked_slot_frees_it_and_tells_the_family(app):
    world = school_with_families()
    slot = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())[0]
    book_slot(actor=world.teacher, slot=slot, student=world.ann, guardian=world.marta)
    block_slot(actor=world.teacher, slot=slot)
    assert slot.status == SlotStatus.BLOCKED and slot.student_id is None
    assert db.session.scalar(select(Delivery.id).where(
        Delivery.guardian_id == world.marta.id, Delivery.subject.like("Conference cancelled%")))


@pytest.mark.parametrize("events_turned_off", [False, True])
def test_moving_a_booking_tells_the_family_the_new_time(app, events_turned_off):
    """Even a family who turned event news off hears of a change to their own booking."""
    world = school_with_families()
    if events_turned_off:
        db.session.add(NotificationPreference(guardian_id=world.marta.id, kind="events",
                                              enabled=False))
    first, second, *_ = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())
    book_slot(actor=world.teacher, slot=first, student=world.ann, guardian=world.marta)
    moved = move_booking(actor=world.teacher, slot=first, to_slot=second)
    assert (first.status, moved.status, moved.student_id) == ("open", "booked", world.ann.id)
    assert db.session.scalar(select(Delivery.to_address).where(
        Delivery.subject.like("Conference moved%"))) == world.marta.email


def test_slots_are_marked_held_or_no_show(app):
    world = school_with_families()
    slot = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())[0]
    with pytest.raises(DomainError):
        mark_slot(actor=world.teacher, slot=slot, outcome="held")
    book_slot(actor=world.teacher, slot=slot, student=world.ann, guardian=world.marta)
    assert mark_slot(actor=world.teacher, slot=slot, outcome="no_show").status == "no_show"


def test_staff_see_the_families_of_their_students_who_have_not_booked(app):
    world = school_with_families()
    event = _conference(world)
    slot = publish_slots(actor=world.teacher, event=event, plan=_plan())[0]
    rows = families_not_booked(world.teacher, event)
    assert [(row["student"].id, [g.id for g in row["guardians"]]) for row in rows] == [
        (world.cleo.id, [world.diaz.id]), (world.ann.id, [world.marta.id])]  # not the barred
    book_slot(actor=world.teacher, slot=slot, student=world.ann, guardian=world.marta)
    rows = families_not_booked(world.teacher, event)
    assert [row["student"].id for row in rows] == [world.cleo.id]
    assert [g.id for g in rows[0]["guardians"]] == [world.diaz.id]
    # only the students one teaches or counsels: the administrator sees every student
    assert [row["student"].id for row in families_not_booked(world.other_teacher, event)] == [
        world.ben.id]
    assert families_not_booked(world.admin, event) == []
    world.ben.counsellor_id = world.admin.id
    assert [row["student"].id for row in families_not_booked(world.admin, event)] == [
        world.ben.id]


def test_the_conference_page_lets_staff_publish_and_book_for_a_family(app, login_as):
    world = school_with_families()
    event = _conference(world)
    client = login_as(world.teacher)
    page = client.post(f"/events/{event.id}/conference", data={
        "days": "2027-03-10", "day_starts": "16:00", "day_ends": "15:00", "length_minutes": 15,
        "break_minutes": 0, "mode": "phone"})
    assert page.status_code == 400 and b"must end after" in page.data
    client.post(f"/events/{event.id}/conference", data={
        "days": "2027-03-10", "day_starts": "16:00", "day_ends": "17:00", "length_minutes": 15,
        "break_minutes": 0, "mode": "phone"})
    slot = db.session.scalars(select(ConferenceSlot).order_by(ConferenceSlot.id)).first()
    response = client.post(f"/events/{event.id}/book", data={
        "slot_id": slot.id, "student_id": world.cleo.id, "guardian_id": world.diaz.id})
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}/conference").get_data(as_text=True)
    assert "Cleo Diaz" in page and "Dora Diaz" in page


def test_another_teacher_cannot_touch_my_slots(app, login_as):
    world = school_with_families()
    slot = publish_slots(actor=world.teacher, event=_conference(world), plan=_plan())[0]
    db.session.commit()
    assert login_as(world.other_teacher).post(f"/events/slots/{slot.id}/block").status_code == 404


@pytest.mark.parametrize("how", ["left", "erased"])
def test_staff_cannot_book_a_slot_for_a_child_no_longer_at_school(app, login_as, how):
    """The family's confirmation was dropped silently: the child is no longer theirs to hear
    about. The booking is refused, naming the child, and nothing is booked."""
    world = school_with_families()
    event = _conference(world)
    slot = publish_slots(actor=world.teacher, event=event, plan=_plan())[0]
    if how == "left":
        deactivate(record=world.cleo, actor=world.admin, reason="Moved away")
    else:
        erase_person(person=world.cleo, actor=world.admin, reason="Asked by the family")
    db.session.commit()
    sent_before = db.session.scalar(select(func.count(Delivery.id)))
    response = login_as(world.teacher).post(f"/events/{event.id}/book", data={
        "slot_id": slot.id, "student_id": world.cleo.id, "guardian_id": world.diaz.id})
    assert response.status_code == 400
    assert f"{world.cleo.display_name} is no longer at the school" in response.get_data(
        as_text=True)
    assert db.session.get(ConferenceSlot, slot.id).status == SlotStatus.OPEN
    assert db.session.scalar(select(func.count(Delivery.id))) == sent_before
