"""Audiences: criteria over students and their guardians, resolved to one row per guardian.

Criteria (all optional, combined with AND): grade_levels, section_ids, program_ids,
risk_levels, attendance_below (percent), need_kinds (open needs), event_without_rsvp
(an event that asks families to answer: those invited with no answer yet), languages (the
guardian's), portal_activated ("yes"/"no"), student_ids (a hand-picked list), school_ids (a
district administrator's: the schools it spans). Only students the sender may see, and only
links that may receive information, are ever included. criteria_checks.check_criteria
refuses, before any is stored or counted, criteria that would silently reach nobody.
"""

from dataclasses import dataclass, field, fields

from sqlalchemy import Select, case, func, select, true

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.permissions import (
    informed_link_condition,
    visible_school_ids,
    visible_student_ids,
)
from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.needs.models import Need, NeedStatus
from portal.outcomes.models import AttendanceStatus, DailyAttendance
from portal.outcomes.queries import program_participant_ids
from portal.people.models import Guardian, Student, StudentGuardian
from portal.people.queries import section_student_ids
from portal.risk.queries import latest_risk_levels


@dataclass(frozen=True, slots=True)
class GuardianCard:
    """What a campaign reads of a guardian: their name, language, zone and how to reach them.
    Read as plain columns: a district's audience is too many families to load as records."""

    id: int
    school_id: int
    first_name: str
    last_name: str
    preferred_language: str
    timezone: str | None
    email: str | None
    email_invalid: bool
    phone: str | None
    sms_opted_out: bool
    preferred_channel: str
    display_name = property(Guardian.display_name.fget)


@dataclass(frozen=True, slots=True)
class StudentCard:
    """What a campaign reads of a student: who they are and their school."""

    id: int
    school_id: int
    first_name: str
    preferred_name: str | None
    last_name: str
    display_name = property(Student.display_name.fget)


@dataclass
class Recipient:
    """One guardian and the children of theirs the message is about."""

    guardian: GuardianCard
    students: list[StudentCard] = field(default_factory=list)


def _students_below_attendance(rate: float) -> Select:
    present = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 0), else_=1)
    return (select(DailyAttendance.student_id).group_by(DailyAttendance.student_id)
            .having(100.0 * func.sum(present) / func.count() < rate))


def _student_filters(criteria: dict) -> list:
    filters = []
    if criteria.get("grade_levels"):
        filters.append(Student.grade_level.in_(criteria["grade_levels"]))
    if criteria.get("section_ids"):
        filters.append(Student.id.in_(section_student_ids(criteria["section_ids"])))
    if criteria.get("program_ids"):
        filters.append(Student.id.in_(program_participant_ids(criteria["program_ids"],
                                                              on=utcnow().date())))
    if criteria.get("risk_levels"):
        levels = latest_risk_levels()
        filters.append(Student.id.in_(select(levels.c.student_id).where(
            levels.c.level.in_(criteria["risk_levels"]))))
    if criteria.get("attendance_below") not in (None, ""):
        filters.append(Student.id.in_(_students_below_attendance(
            float(criteria["attendance_below"]))))
    if criteria.get("need_kinds"):
        filters.append(Student.id.in_(select(Need.student_id).where(
            Need.kind.in_(criteria["need_kinds"]), Need.status.in_(NeedStatus.ACTIVE))))
    if criteria.get("student_ids"):
        filters.append(Student.id.in_(criteria["student_ids"]))
    return filters


def _guardian_filters(criteria: dict) -> list:
    filters = []
    if criteria.get("languages"):
        filters.append(Guardian.preferred_language.in_(criteria["languages"]))
    if criteria.get("portal_activated") == "yes":
        filters.append(Guardian.user.has(User.activated_at.is_not(None)))
    elif criteria.get("portal_activated") == "no":
        filters.append(~Guardian.user.has(User.activated_at.is_not(None)))
    if criteria.get("event_without_rsvp"):
        # An event that asks no answers (a conference, booked by slot) has nobody "not
        # answered yet": an audience saved with one before check_criteria refused it reaches
        # nobody, not every family invited.
        filters.append(Guardian.id.in_(
            select(EventInvitation.guardian_id).join(Event, Event.id == EventInvitation.event_id)
            .where(EventInvitation.event_id == int(criteria["event_without_rsvp"]),
                   EventInvitation.rsvp.is_(None), Event.asks_for_answers)))
    return filters


class AudienceNotUsable(DomainError):
    """An audience refused (criteria_checks): it would silently reach nobody, or reach past
    the schools its sender works in."""

    status = 422


def unanswerable_event(criteria: dict) -> Event | None:
    """Return the event of "no answer yet" when it asks families no answers."""
    event = db.session.get(Event, int(criteria.get("event_without_rsvp") or 0))
    return event if event is not None and not event.asks_for_answers else None


def audience_schools(criteria: dict, school_id: int) -> list[int]:
    """Return the schools an audience spans: those a district's administrator chose (all of
    the district, or one), else the campaign's own school."""
    return list(criteria.get("school_ids") or [school_id])


def spans_only(criteria: dict, school_id: int, schools: set[int]) -> bool:
    """True when every school an audience spans (its criteria's schools, else the school it is
    filed under) is one of these."""
    spanned = criteria.get("school_ids") or [school_id]
    return isinstance(spanned, list) and all(
        isinstance(school, int) and not isinstance(school, bool) and school in schools
        for school in spanned)


def within_reach(user: User, criteria: dict, school_id: int) -> bool:
    """True when every school an audience spans is one the user works in (a school's staff
    cannot use a district administrator's audience of several schools)."""
    return spans_only(criteria, school_id, set(db.session.scalars(visible_school_ids(user))))


def audience_links(*, criteria: dict, school_id: int, sender: User) -> Select:
    """Select (guardian_id, student_id) pairs of the audience that the sender may reach."""
    return (
        select(StudentGuardian.guardian_id, StudentGuardian.student_id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .where(informed_link_condition(),
               Student.school_id.in_(audience_schools(criteria, school_id)),
               Student.is_active.is_(true()),
               Student.id.in_(visible_student_ids(sender)),
               *_student_filters(criteria), *_guardian_filters(criteria))
    )


def count_recipients(*, criteria: dict, school_id: int, sender: User) -> dict:
    """Return how many guardians (each counted once) and students the audience holds."""
    links = audience_links(criteria=criteria, school_id=school_id, sender=sender).subquery()
    guardians, students = db.session.execute(select(
        func.count(func.distinct(links.c.guardian_id)),
        func.count(func.distinct(links.c.student_id)))).one()
    return {"guardians": guardians, "students": students}


def resolve_recipients(*, criteria: dict, school_id: int, sender: User, first: int | None = None,
                       guardian_id: int | None = None) -> list[Recipient]:
    """Return one Recipient per guardian in the audience, with their children in it (only
    the `first` guardians by id, or only this guardian, when given)."""
    links = audience_links(criteria=criteria, school_id=school_id, sender=sender)
    if guardian_id is not None:
        links = links.where(StudentGuardian.guardian_id == guardian_id)
    if first is not None:
        links = links.where(StudentGuardian.guardian_id.in_(
            links.with_only_columns(StudentGuardian.guardian_id).distinct()
            .order_by(StudentGuardian.guardian_id).limit(first)))
    links = links.subquery()
    guardian_columns = [getattr(Guardian, column.name) for column in fields(GuardianCard)]
    student_columns = [getattr(Student, column.name) for column in fields(StudentCard)]
    rows = db.session.execute(
        select(*guardian_columns, *student_columns)
        .join_from(Guardian, links, links.c.guardian_id == Guardian.id)
        .join(Student, Student.id == links.c.student_id)
        .order_by(Guardian.id, Student.first_name, Student.id)
    )
    split = len(guardian_columns)
    recipients: dict[int, Recipient] = {}
    for row in rows:
        recipient = recipients.get(row[0])
        if recipient is None:
            recipient = recipients[row[0]] = Recipient(GuardianCard(*row[:split]))
        recipient.students.append(StudentCard(*row[split:]))
    return list(recipients.values())
