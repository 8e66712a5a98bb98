"""Read-only selects for the staff event pages: which events, who is invited, who came."""

from flask import abort
from sqlalchemy import func, or_, select

from portal.auth.models import Role, User
from portal.core.permissions import (
    can_manage_school,
    student_condition,
    visible_children,
    visible_guardians,
    visible_school_ids,
)
from portal.core.text import fold
from portal.events.audience import reaches_staff
from portal.events.models import (
    ConferenceSlot,
    Event,
    EventAttendance,
    EventInvitation,
    SlotStatus,
)
from portal.extensions import db
from portal.people.models import Guardian, Student, StudentGuardian


def _may_see_event(user: User, event: Event) -> bool:
    if event.school_id != user.school_id and not can_manage_school(user, event.school_id):
        return False
    if user.role == Role.ADMINISTRATOR or event.created_by_id == user.id:
        return True
    if reaches_staff(user, event.audience or {}):
        return True
    has_slots = select(ConferenceSlot.id).where(
        ConferenceSlot.event_id == event.id, ConferenceSlot.staff_id == user.id).limit(1)
    return db.session.scalar(has_slots) is not None


def visible_events(user: User, *, starts_from=None, starts_before=None) -> list[Event]:
    """Return the events of the user's schools (a district's administrator: every school of
    the district) this staff member may see, by start time."""
    stmt = select(Event).where(Event.school_id.in_(visible_school_ids(user)))
    if starts_from is not None:
        stmt = stmt.where(Event.ends_at >= starts_from)
    if starts_before is not None:
        stmt = stmt.where(Event.starts_at < starts_before)
    events = db.session.scalars(stmt.order_by(Event.starts_at, Event.id)).all()
    return [event for event in events if _may_see_event(user, event)]


def get_event_or_404(user: User, event_id: int) -> Event:
    """Load an event this staff member may see, or answer 404."""
    event = db.session.get(Event, event_id)
    if event is None or not _may_see_event(user, event):
        abort(404)
    return event


def may_manage_event(user: User, event: Event) -> bool:
    """Return True when the user may edit or cancel the event (its author or an administrator)."""
    return event.created_by_id == user.id or can_manage_school(user, event.school_id)


def _name_filter(user: User, stmt, search: str):
    for word in fold(search).split():
        child_match = select(StudentGuardian.guardian_id).join(
            Student, Student.id == StudentGuardian.student_id).where(
            Student.search_name.contains(word, autoescape=True), student_condition(user))
        stmt = stmt.where(or_(Guardian.search_name.contains(word, autoescape=True),
                              Guardian.id.in_(child_match)))
    return stmt


# A booked slot, and the same booking once it was held or missed.
BOOKINGS = (SlotStatus.BOOKED, SlotStatus.HELD, SlotStatus.NO_SHOW)


def invitation_list(user: User, event: Event, *, search: str = "") -> list[dict]:
    """Return the invited and walk-in families the user may see, with answer and check-in,
    and a conference's bookings about the children the user may see."""
    guardians = visible_guardians(user).where(Guardian.school_id == event.school_id)
    invited = select(EventInvitation.guardian_id).where(EventInvitation.event_id == event.id)
    came = select(EventAttendance.guardian_id).where(EventAttendance.event_id == event.id)
    guardians = _name_filter(
        user, guardians.where(or_(Guardian.id.in_(invited), Guardian.id.in_(came))), search)
    rows = db.session.scalars(guardians.order_by(Guardian.sort_name, Guardian.id)).all()
    invitations = {i.guardian_id: i for i in db.session.scalars(
        select(EventInvitation).where(EventInvitation.event_id == event.id))}
    attendance = {a.guardian_id: a for a in db.session.scalars(
        select(EventAttendance).where(EventAttendance.event_id == event.id))}
    children = visible_children(user, [guardian.id for guardian in rows])
    bookings = _bookings(event, [guardian.id for guardian in rows])
    return [{"guardian": guardian, "invitation": invitations.get(guardian.id),
             "attendance": attendance.get(guardian.id), "children": children[guardian.id],
             "bookings": [booking for booking in bookings.get(guardian.id, ())
                          if booking["slot"].student_id in {c.id for c in children[guardian.id]}]}
            for guardian in rows]


def _bookings(event: Event, guardian_ids: list[int]) -> dict[int, list[dict]]:
    """A conference's bookings made by these guardians (slot and teacher), by guardian, in
    time order."""
    if not event.booked_by_slot or not guardian_ids:
        return {}
    found: dict[int, list[dict]] = {}
    for slot, staff in db.session.execute(
            select(ConferenceSlot, User).join(User, User.id == ConferenceSlot.staff_id).where(
                ConferenceSlot.event_id == event.id, ConferenceSlot.guardian_id.in_(guardian_ids),
                ConferenceSlot.status.in_(BOOKINGS)).order_by(ConferenceSlot.starts_at)):
        found.setdefault(slot.guardian_id, []).append({"slot": slot, "staff": staff})
    return found


def walk_in_candidates(user: User, event: Event, *, search: str) -> list[dict]:
    """Return families of the school (that the user may see) matching a family or child name,
    each with the children the user may see."""
    if not search.strip():
        return []
    stmt = _name_filter(user, visible_guardians(user).where(
        Guardian.school_id == event.school_id, Guardian.is_active.is_(True)), search)
    rows = db.session.scalars(stmt.order_by(Guardian.sort_name, Guardian.id).limit(20)).all()
    children = visible_children(user, [guardian.id for guardian in rows])
    return [{"guardian": guardian, "children": children[guardian.id]} for guardian in rows]


def event_numbers(event: Event) -> dict:
    """Return how many families were invited, answered (and how: only for an event that asks
    for answers), booked (a conference), and came."""
    answers = dict(db.session.execute(
        select(EventInvitation.rsvp, func.count()).where(EventInvitation.event_id == event.id)
        .group_by(EventInvitation.rsvp)).all())
    attended = db.session.scalar(select(func.count(func.distinct(EventAttendance.guardian_id)))
                                 .where(EventAttendance.event_id == event.id)) or 0
    walk_ins = db.session.scalar(select(func.count()).select_from(EventAttendance).where(
        EventAttendance.event_id == event.id, EventAttendance.is_walk_in.is_(True))) or 0
    booked = db.session.scalar(select(func.count()).select_from(ConferenceSlot).where(
        ConferenceSlot.event_id == event.id, ConferenceSlot.status.in_(BOOKINGS))) or 0
    invited = sum(answers.values())
    return {"invited": invited, "asks_for_answers": event.asks_for_answers,
            "answered": invited - answers.get(None, 0),
            "yes": answers.get("yes", 0), "no": answers.get("no", 0),
            "maybe": answers.get("maybe", 0), "booked": booked, "attended": attended,
            "walk_ins": walk_ins}


def audience_choices(user: User) -> dict:
    """Return the grade levels, sections, programs and saved audiences a user may choose."""
    from portal.messaging.audience import saved_segments
    from portal.outcomes.models import Program
    from portal.people.models import Course, Section

    grades = db.session.scalars(select(Student.grade_level).where(
        Student.school_id == user.school_id).distinct().order_by(Student.grade_level)).all()
    sections = select(Section).join(Course).where(Course.school_id == user.school_id)
    if user.role != Role.ADMINISTRATOR:
        sections = sections.where(Section.teacher_id == user.id, Section.is_active.is_(True))
    programs = db.session.scalars(select(Program).where(
        Program.school_id == user.school_id, Program.is_active.is_(True)).order_by(Program.name))
    return {"grade_levels": [(g, str(g)) for g in grades],
            "section_ids": [(s.id, s.name) for s in db.session.scalars(
                sections.order_by(Section.name))],
            "program_id": [(0, "—")] + [(p.id, p.name) for p in programs],
            "segment_id": [(0, "—")] + [(s.id, s.name) for s in saved_segments(user)]}
