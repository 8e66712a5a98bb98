"""One timeline of everything about a student, newest first (one query per kind)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select

from portal.auth.models import User
from portal.core.codes import label_of
from portal.core.time import utcnow
from portal.events.history import family_walked_in
from portal.events.models import ConferenceSlot, Event, EventAttendance, EventInvitation
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.needs.models import Need
from portal.outcomes.models import (
    AttendanceStatus,
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)
from portal.people.models import Course, Guardian, Section, Student

KINDS = {
    "interaction": _l("Contacts"), "need": _l("Needs"), "event": _l("Events"),
    "grade": _l("Grades"), "absence": _l("Absences"), "behaviour": _l("Behaviour"),
    "program": _l("Programs"), "intervention": _l("Interventions"), "message": _l("Messages"),
}
LIMIT = 300


@dataclass(frozen=True)
class Entry:
    """One line of the timeline; a day-only entry has is_day set."""

    when: datetime
    kind: str
    title: str
    detail: str = ""
    status: str = ""
    is_day: bool = False
    record_id: int | None = None


def _day(on: date) -> datetime:
    return datetime.combine(on, time(12))


def _interactions(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.execute(
        select(Interaction, User.full_name).outerjoin(User, User.id == Interaction.author_id)
        .where(Interaction.student_id == student.id))
    return [Entry(i.occurred_at, "interaction", f"{label_of(i.channel)} · {author or ''}",
                  i.summary, i.outcome or "", record_id=i.id) for i, author in rows]


def _needs(student: Student, guardian_ids: list[int], rows=None) -> list[Entry]:
    if rows is None:
        rows = db.session.scalars(select(Need).where(Need.student_id == student.id))
    return [Entry(n.created_at, "need", n.title, n.details or "", n.status, record_id=n.id)
            for n in rows]


def _events(student: Student, guardian_ids: list[int]) -> list[Entry]:
    came = exists().where(EventAttendance.event_id == EventInvitation.event_id, or_(
        EventAttendance.student_id == student.id,
        EventAttendance.guardian_id == EventInvitation.guardian_id))
    invited = db.session.execute(
        select(Event, EventInvitation.rsvp, came.label("came"))
        .join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(or_(EventInvitation.student_id == student.id,
                   and_(EventInvitation.student_id.is_(None),
                        EventInvitation.guardian_id.in_(guardian_ids)))))
    seen, entries = set(), []
    for event, rsvp, attended in invited:
        if event.id not in seen:
            seen.add(event.id)
            status = "attended" if attended else ("missed" if event.ends_at < utcnow()
                                                  else (rsvp or "invited"))
            entries.append(Entry(event.starts_at, "event", event.title, event.location or "",
                                 status))
    # Not only the child the check-in filed a walk-in under: every child of that family.
    walk_ins = db.session.scalars(
        select(Event).join(EventAttendance, EventAttendance.event_id == Event.id)
        .where(or_(EventAttendance.student_id == student.id,
                   family_walked_in(guardian_ids, student.school_id))))
    for event in walk_ins:  # one entry an event, whoever of the family came
        if event.id not in seen:
            seen.add(event.id)
            entries.append(Entry(event.starts_at, "event", event.title, event.location or "",
                                 "attended"))
    slots = db.session.execute(
        select(ConferenceSlot, Event.title).join(Event, Event.id == ConferenceSlot.event_id)
        .where(ConferenceSlot.student_id == student.id))
    return entries + [Entry(slot.starts_at, "event", title, slot.location or "", slot.status)
                      for slot, title in slots]


def _grades(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.execute(
        select(Grade, Course.name).join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id).where(Grade.student_id == student.id))
    return [Entry(_day(g.recorded_on), "grade", course,
                  f"{g.assessment_name or g.kind}: {g.score:g}/{g.max_score:g} ({g.percent:.0f}%)",
                  is_day=True) for g, course in rows]


def _absences(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.scalars(select(DailyAttendance).where(
        DailyAttendance.student_id == student.id,
        DailyAttendance.status != AttendanceStatus.PRESENT))
    return [Entry(_day(a.on_date), "absence", label_of(a.status), a.reason or "", is_day=True)
            for a in rows]


def _behaviour(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.scalars(select(BehaviourIncident).where(
        BehaviourIncident.student_id == student.id))
    return [Entry(b.occurred_at, "behaviour", b.category, b.description,
                  "positive" if b.is_positive else f"severity {b.severity}") for b in rows]


def _programs(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.execute(
        select(ProgramEnrollment, Program.name)
        .join(Program, Program.id == ProgramEnrollment.program_id)
        .where(ProgramEnrollment.student_id == student.id))
    entries = []
    for enrollment, name in rows:
        entries.append(Entry(_day(enrollment.starts_on), "program", name, status="joined",
                             is_day=True))
        if enrollment.ends_on:
            entries.append(Entry(_day(enrollment.ends_on), "program", name, status="left",
                                 is_day=True))
    return entries


def _interventions(student: Student, guardian_ids: list[int], rows=None) -> list[Entry]:
    if rows is None:
        rows = db.session.scalars(
            select(Intervention).where(Intervention.student_id == student.id))
    return [Entry(_day(i.closed_on or i.opened_on), "intervention", i.goal, i.reason,
                  i.outcome or i.status, is_day=True, record_id=i.id) for i in rows]


def _messages(student: Student, guardian_ids: list[int]) -> list[Entry]:
    rows = db.session.execute(
        select(Message, Guardian.first_name, Guardian.last_name)
        .join(Guardian, Guardian.id == Message.guardian_id)
        .where(Message.guardian_id.in_(guardian_ids),
               or_(Message.student_id.is_(None), Message.student_id == student.id)))
    return [Entry(m.created_at, "message", m.subject, f"{first} {last}",
                  "from_family" if m.from_family else "sent", record_id=m.thread_id or m.id)
            for m, first, last in rows]


BUILDERS = {
    "interaction": _interactions, "need": _needs, "event": _events, "grade": _grades,
    "absence": _absences, "behaviour": _behaviour, "program": _programs,
    "intervention": _interventions, "message": _messages,
}


def student_timeline(student: Student, *, guardian_ids: list[int], kind: str | None = None,
                     loaded: dict[str, list] | None = None) -> list[Entry]:
    """Return the student's timeline (all kinds, or one), newest first.

    `loaded` gives records the caller already has, by kind (all the student's needs or
    interventions), so they are not read twice.
    """
    loaded = loaded or {}
    kinds = [kind] if kind in BUILDERS else list(BUILDERS)
    entries = [entry for name in kinds for entry in (
        BUILDERS[name](student, guardian_ids, loaded[name]) if name in loaded
        else BUILDERS[name](student, guardian_ids))]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:LIMIT]
