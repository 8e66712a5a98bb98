"""Audiences: criteria over students and their guardians, resolved to one row per guardian.

Criteria (all optional, combined with AND): grade_levels, section_ids, program_ids,
risk_levels, attendance_below (percent), need_kinds (open needs), event_without_rsvp
(an event that asks families to answer: those invited with no answer yet), languages (the
guardian's), portal_activated ("yes"/"no"), student_ids (a hand-picked list), school_ids (a
district administrator's: the schools it spans). Only students the sender may see, and only
links that may receive information, are ever included. check_criteria refuses a value no
field offers (a typed need kind or language, a rate beyond 0–100): it would reach nobody; and
a school the sender does not work in, whatever the form offered.
"""

from dataclasses import dataclass, field, fields

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select, true

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.fields import HIGHEST_GRADE, LOWEST_GRADE, in_id_range, is_finite
from portal.core.permissions import (
    informed_link_condition,
    visible_school_ids,
    visible_student_ids,
)
from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.needs.models import Need, NeedKind, NeedStatus
from portal.outcomes.models import AttendanceStatus, DailyAttendance, Program
from portal.outcomes.queries import program_participant_ids
from portal.people.models import (
    AcademicTerm,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)
from portal.people.queries import school_languages, section_student_ids
from portal.risk.models import RiskLevel
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
    """A filter that would pick every family invited to an event asking no answers."""

    status = 422


def unanswerable_event(criteria: dict) -> Event | None:
    """Return the event of "no answer yet" when it asks families no answers."""
    event = db.session.get(Event, int(criteria.get("event_without_rsvp") or 0))
    return event if event is not None and not event.asks_for_answers else None


# The criteria naming records by id: each record's id, and whether it is of these schools.
_ID_CRITERIA = {
    "section_ids": (Section.id, lambda schools: Section.term_id.in_(
        select(AcademicTerm.id).where(AcademicTerm.school_id.in_(schools)))),
    "program_ids": (Program.id, lambda schools: Program.school_id.in_(schools)),
    "student_ids": (Student.id, lambda schools: Student.school_id.in_(schools)),
    "event_without_rsvp": (Event.id, lambda schools: Event.school_id.in_(schools)),
}


def _foreign_ids(key: str, criteria: dict, schools: list[int]) -> list[int]:
    """Return the ids a criterion names that are no record of the audience's schools."""
    value = criteria.get(key)
    named = [item for item in (value if isinstance(value, list) else [value]) if item]
    wanted = {item for item in named if _is_id(item)}
    key_column, of_schools = _ID_CRITERIA[key]
    found = set(db.session.scalars(select(key_column).where(
        key_column.in_(wanted), of_schools(schools)))) if wanted else set()
    return [str(item)[:20] for item in named if item not in found]


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and in_id_range(value)


def _offered_languages(schools: list[int]) -> set[str]:
    """Return the languages any of the audience's schools offers its families."""
    portal_languages = current_app.config["PORTAL_LANGUAGES"]
    return {code for school in db.session.scalars(select(School).where(School.id.in_(schools)))
            for code in school_languages(school, portal_languages)}


def _within(values, allowed) -> bool:
    return isinstance(values, list) and all(
        isinstance(value, str) and value in allowed for value in values)


def _out_of_domain(criteria: dict, schools: list[int]) -> str | None:
    """Return the criterion holding a value no choice of its field offers, if any."""
    levels = criteria.get("grade_levels", [])
    if not isinstance(levels, list) or not all(
            _is_id(level) and LOWEST_GRADE <= level <= HIGHEST_GRADE for level in levels):
        return "grade_levels"
    rate = criteria.get("attendance_below")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float)
                             or not is_finite(rate) or not 0 <= rate <= 100):
        return "attendance_below"
    choices = {"risk_levels": RiskLevel.ALL, "need_kinds": NeedKind.ALL,
               "portal_activated": ("yes", "no")}
    for key, allowed in choices.items():
        value = criteria.get(key)
        if value is not None and not _within(value if key != "portal_activated" else [value],
                                             allowed):
            return key
    if "languages" in criteria and not _within(criteria["languages"],
                                               _offered_languages(schools)):
        return "languages"
    return None


_DOMAIN_MESSAGES = {
    "grade_levels": lambda: _("Grade levels go from %(lowest)s to %(highest)s.",
                              lowest=LOWEST_GRADE, highest=HIGHEST_GRADE),
    "attendance_below": lambda: _("Enter a number from 0 to 100."),
}


def _unseen_schools(criteria: dict, school_id: int, sender: User) -> bool:
    """Return True when the audience spans a school the sender does not work in."""
    schools = criteria.get("school_ids") or [school_id]
    if not isinstance(schools, list) or not all(_is_id(school) for school in schools):
        return True
    seen = set(db.session.scalars(visible_school_ids(sender).where(School.id.in_(schools))))
    return not set(schools) <= seen


def check_criteria(criteria: dict, *, school_id: int, sender: User) -> None:
    """Refuse a filter that would silently reach nobody: an id (section, program, student,
    event) of no record of the audience's schools, a grade level no school has, or "no answer
    yet" to an event that asks families no answers (a conference); and any value no choice
    of its field offers (a need kind, a language the schools do not offer, a risk level, a
    rate beyond 0–100). First, a school the sender does not work in: refused saying nothing of
    it (its families are not counted)."""
    if _unseen_schools(criteria, school_id, sender):
        raise AudienceNotUsable(_("That choice is not available."), field="school_id")
    schools = audience_schools(criteria, school_id)
    out_of_domain = _out_of_domain(criteria, schools)
    if out_of_domain is not None:
        message = _DOMAIN_MESSAGES.get(out_of_domain, lambda: _("That choice is not available."))
        raise AudienceNotUsable(message(), field=out_of_domain)
    for key in _ID_CRITERIA:
        foreign = _foreign_ids(key, criteria, schools)
        if foreign:
            raise AudienceNotUsable(_("Not found at the school of this audience (%(ids)s): "
                                      "choose from the list.",
                                      ids=", ".join(foreign)), field=key)
    event = unanswerable_event(criteria)
    if event is not None:
        raise AudienceNotUsable(_("“%(title)s” does not ask families to answer, so every family "
                                  "invited would count as having no answer yet: choose an "
                                  "event that asks them to answer.", title=event.title),
                                field="event_without_rsvp")


def audience_schools(criteria: dict, school_id: int) -> list[int]:
    """Return the schools an audience spans: those a district's administrator chose (all of
    the district, or one), else the campaign's own school."""
    return list(criteria.get("school_ids") or [school_id])


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
