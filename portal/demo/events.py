"""The demo school's events: a past Back-to-School Night, conferences and a Math Night."""

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import insert

from portal.auth.models import User
from portal.demo.names import is_holiday
from portal.demo.people import DemoContext
from portal.events.invitations import invite_audience
from portal.events.models import (
    ConferenceSlot,
    Event,
    EventAttendance,
    EventInvitation,
    SlotStatus,
)
from portal.extensions import db
from portal.people.models import Guardian, Student

SLOTS_PER_EVENING = 12  # 16:00 to 19:00, 15 minutes each


def schedule_events(ctx: DemoContext) -> None:
    """Add the three demo events with invitations, check-ins, RSVPs and booked slots."""
    rng = ctx.rng("events")
    evening = _back_to_school_day(ctx)
    back_to_school = _event(
        ctx, 1, kind="school_event", title="Back-to-School Night", location="Main auditorium",
        starts_at=ctx.at(evening, 18), ends_at=ctx.at(evening, 20),
        audience={"whole_school": True},
        description="Meet the teachers, walk your child's timetable, hear the year's plans.")
    first_day = _next_weekday(ctx.today + timedelta(days=10), 2)  # a Wednesday
    while is_holiday(first_day) or is_holiday(first_day + timedelta(days=1)):
        first_day += timedelta(days=7)
    season = "Fall" if first_day.month >= 8 else "Spring"
    conferences = _event(
        ctx, 2, kind="conference", title=f"{season} Parent–Teacher Conferences",
        location="Classrooms", starts_at=ctx.at(first_day, 16),
        ends_at=ctx.at(first_day + timedelta(days=1), 19), audience={"whole_school": True},
        booking_closes_at=ctx.at(first_day - timedelta(days=1), 17),
        description="Fifteen minutes with your child's teachers. Book a slot in the portal.")
    workshop_day = _next_weekday(ctx.today + timedelta(days=5), 1)  # a Tuesday
    while is_holiday(workshop_day):
        workshop_day += timedelta(days=7)
    math_night = _event(
        ctx, 3, kind="parent_workshop", title="Math Night for Grade 9 Families",
        location="Library", starts_at=ctx.at(workshop_day, 18, 30),
        ends_at=ctx.at(workshop_day, 20), audience={"grade_levels": [9]},
        rsvp_requested=True, capacity=80,
        description="How Algebra I is taught this year, and how to help with homework.")
    db.session.flush()
    _invite_and_check_in(ctx, rng, back_to_school, evening)
    _open_conference_slots(ctx, rng, conferences, first_day)
    # Through the real use case, so families find the conferences on their events page.
    invite_audience(event=conferences, actor=ctx.staff["admin@demo.school"], notify=False)
    _invite_with_rsvp(ctx, rng, math_night, grade_level=9)


def _event(ctx: DemoContext, number: int, **fields) -> Event:
    event = Event(school_id=ctx.school.id, created_by_id=ctx.staff["admin@demo.school"].id,
                  uid=f"event-{ctx.school.id}-{number}@riverside.demo.school", **fields)
    db.session.add(event)
    return event


def _back_to_school_day(ctx: DemoContext) -> date:
    second_thursday = _next_weekday(ctx.term.starts_on + timedelta(days=7), 3)
    return second_thursday if second_thursday < ctx.today else ctx.today - timedelta(days=14)


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _invitations(ctx: DemoContext, students_wanted: Callable[[Student], bool],
                 ) -> list[tuple[Guardian, list[Student]]]:
    """Pair each guardian with their children the event is for (informed links only)."""
    invited = []
    for students, guardians in ctx.families:
        for guardian in guardians:
            children = [s for s in students
                        if students_wanted(s) and guardian in ctx.informed_guardians(s)]
            if children:
                invited.append((guardian, children))
    return invited


def _invite_and_check_in(ctx: DemoContext, rng: random.Random, event: Event,
                         evening: date) -> None:
    invited = _invitations(ctx, lambda student: True)
    invited_at = ctx.at(evening - timedelta(days=14), 9)
    db.session.execute(insert(EventInvitation), [
        {"event_id": event.id, "guardian_id": guardian.id, "student_id": children[0].id,
         "invited_at": invited_at} for guardian, children in invited])
    invited_ids = {guardian.id for guardian, _ in invited}
    for students, guardians in ctx.families:
        present = [guardian for guardian in guardians if guardian.id in invited_ids]
        if present and rng.random() < 0.4:
            db.session.add(EventAttendance(
                event_id=event.id, guardian_id=present[0].id, student_id=students[0].id,
                checked_in_at=event.starts_at + timedelta(minutes=rng.randint(0, 40)),
                checked_in_by_id=ctx.staff["admin@demo.school"].id))


def _invite_with_rsvp(ctx: DemoContext, rng: random.Random, event: Event,
                      grade_level: int) -> None:
    invited_at = ctx.at(ctx.today - timedelta(days=3), 9)
    rows = []
    for guardian, children in _invitations(ctx, lambda s: s.grade_level == grade_level):
        rsvp = rng.choices((None, "yes", "no"), weights=(60, 30, 10))[0]
        rows.append({"event_id": event.id, "guardian_id": guardian.id,
                     "student_id": children[0].id, "invited_at": invited_at, "rsvp": rsvp,
                     "rsvp_at": invited_at + timedelta(hours=rng.randint(2, 60)) if rsvp
                     else None})
    db.session.execute(insert(EventInvitation), rows)


def _open_conference_slots(ctx: DemoContext, rng: random.Random, event: Event,
                           first_day: date) -> None:
    lead = ctx.staff["teacher@demo.school"]
    demo_children = ctx.families[0][0]
    for teacher in (lead, ctx.teachers_by_subject["English"][0],
                    ctx.teachers_by_subject["Science"][0]):
        slots = _add_slots(ctx, event, teacher, first_day)
        taught = {student_id for section in ctx.sections if section.teacher_id == teacher.id
                  for student_id in ctx.rosters[section.id]}
        waiting = [s for s in ctx.students if s.id in taught and s not in demo_children]
        booked = len(slots) // 3
        for slot, student in zip(rng.sample(slots, booked), rng.sample(waiting, booked),
                                 strict=True):
            _book(ctx, rng, slot, student, teacher)
        if teacher is lead:
            # Lucía's slot is booked; Mateo's is left for whoever tries the demo.
            free = [slot for slot in slots if slot.student_id is None]
            _book(ctx, rng, free[len(free) // 2], demo_children[0], teacher)


def _add_slots(ctx: DemoContext, event: Event, teacher: User,
               first_day: date) -> list[ConferenceSlot]:
    room = next(section.room for section in ctx.sections if section.teacher_id == teacher.id)
    slots = []
    for day in (first_day, first_day + timedelta(days=1)):
        for number in range(SLOTS_PER_EVENING):
            starts_at = ctx.at(day, 16) + timedelta(minutes=15 * number)
            slots.append(ConferenceSlot(event_id=event.id, staff_id=teacher.id,
                                        starts_at=starts_at,
                                        ends_at=starts_at + timedelta(minutes=15),
                                        location=f"Room {room}"))
    db.session.add_all(slots)
    return slots


def _book(ctx: DemoContext, rng: random.Random, slot: ConferenceSlot, student: Student,
          teacher: User) -> None:
    guardians = ctx.informed_guardians(student)
    with_account = [g for g in guardians if g.user_id and g.user.activated_at]
    guardian = (with_account or guardians)[0]
    slot.status, slot.student_id, slot.guardian_id = SlotStatus.BOOKED, student.id, guardian.id
    # Families without a portal account book by phone: the teacher books for them.
    slot.booked_by_id = guardian.user_id if with_account else teacher.id
    slot.booked_at = ctx.at(ctx.today - timedelta(days=rng.randint(1, 5)), 20)
