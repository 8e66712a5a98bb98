"""Who an event is for: the students of its audience and the guardians who may be told."""

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, false, or_, select, true

from portal.auth.models import Role, User
from portal.core.errors import DomainError
from portal.core.permissions import informed_link_condition
from portal.core.time import utcnow
from portal.events.models import Event
from portal.extensions import db
from portal.messaging.models import Segment
from portal.messaging.segments import audience_links, within_reach
from portal.outcomes.models import Program
from portal.outcomes.queries import program_participant_ids
from portal.people.models import (
    CounsellorAssignment,
    Course,
    Section,
    Student,
    StudentGuardian,
)
from portal.people.queries import section_student_ids

AUDIENCE_KEYS = ("whole_school", "grade_levels", "section_ids", "program_id", "segment_id")


def _student_ids(school_id: int, audience: dict, *extra) -> Select:
    parts = list(extra)
    if audience.get("whole_school"):
        parts.append(true())
    if audience.get("grade_levels"):
        parts.append(Student.grade_level.in_(audience["grade_levels"]))
    if audience.get("section_ids"):
        parts.append(Student.id.in_(section_student_ids(audience["section_ids"])))
    if audience.get("program_id"):
        parts.append(Student.id.in_(program_participant_ids([audience["program_id"]],
                                                            on=utcnow().date())))
    return select(Student.id).where(
        Student.school_id == school_id, Student.is_active.is_(true()), or_(false(), *parts))


def _segment_links(event: Event):
    """Return the (guardian, student) pairs of the event's saved audience, as a subquery."""
    segment = db.session.get(Segment, (event.audience or {}).get("segment_id") or 0)
    sender = db.session.get(User, event.created_by_id) if event.created_by_id else None
    if segment is None or segment.school_id != event.school_id or sender is None:
        return None
    return audience_links(criteria=segment.criteria or {}, school_id=event.school_id,
                          sender=sender).subquery()


def audience_student_ids(event: Event) -> Select:
    """Select the ids of the active students of the school the event's audience covers."""
    links = _segment_links(event)
    extra = () if links is None else (Student.id.in_(select(links.c.student_id)),)
    return _student_ids(event.school_id, event.audience or {}, *extra)


def informable_links(event: Event) -> list[StudentGuardian]:
    """Return the guardian links of the event's audience that allow telling the guardian."""
    links = _segment_links(event)
    in_segment = false() if links is None else exists().where(
        and_(links.c.guardian_id == StudentGuardian.guardian_id,
             links.c.student_id == StudentGuardian.student_id))
    return list(db.session.scalars(
        select(StudentGuardian)
        .where(or_(StudentGuardian.student_id.in_(_student_ids(event.school_id,
                                                               event.audience or {})),
                   in_segment),
               informed_link_condition())
        .order_by(StudentGuardian.guardian_id, StudentGuardian.student_id)
    ))


def check_audience(*, actor: User, school_id: int, audience: dict) -> None:
    """Refuse an empty audience, or one that is not the actor's to invite."""
    if not any(audience.get(key) for key in AUDIENCE_KEYS):
        raise DomainError(_("Choose who the event is for."), field="whole_school")
    sections = audience.get("section_ids") or []
    in_school = db.session.scalars(select(Section.id).join(Course).where(
        Section.id.in_(sections), Course.school_id == school_id)).all()
    if len(set(in_school)) != len(set(sections)):
        raise DomainError(_("A chosen section is not a section of this school."),
                          field="section_ids")
    program_id = audience.get("program_id")
    if program_id and db.session.scalar(select(Program.id).where(
            Program.id == program_id, Program.school_id == school_id)) is None:
        raise DomainError(_("The chosen program is not a program of this school."),
                          field="program_id")
    segment = db.session.get(Segment, audience.get("segment_id") or 0)
    if audience.get("segment_id") and (segment is None or segment.school_id != school_id
                                       or not within_reach(actor, segment.criteria,
                                                           segment.school_id)):
        raise DomainError(_("The chosen saved audience is not one of this school."),
                          field="segment_id")
    if actor.role != Role.ADMINISTRATOR:
        _check_own_audience(actor, audience)


def _check_own_audience(actor: User, audience: dict) -> None:
    if audience.get("whole_school") or audience.get("program_id"):
        raise DomainError(_("Only an administrator can invite the whole school or a program."),
                          field="whole_school")
    if audience.get("segment_id"):
        raise DomainError(_("Only an administrator can invite a saved audience."),
                          field="segment_id")
    taught = set(db.session.scalars(select(Section.id).where(Section.teacher_id == actor.id)))
    if not set(audience.get("section_ids") or []) <= taught:
        raise DomainError(_("You can only invite the sections you teach."), field="section_ids")
    counselled = set(db.session.scalars(select(CounsellorAssignment.grade_level).where(
        CounsellorAssignment.counsellor_id == actor.id)))
    if not set(audience.get("grade_levels") or []) <= counselled:
        raise DomainError(_("You can only invite the grade levels you are counsellor for."),
                          field="grade_levels")


def reaches_staff(user: User, audience: dict) -> bool:
    """Return True when an audience concerns this staff member: their sections, or grades
    they teach a class of or counsel."""
    if audience.get("whole_school"):
        return True
    sections = set(audience.get("section_ids") or [])
    if sections and sections & set(db.session.scalars(
            select(Section.id).where(Section.teacher_id == user.id))):
        return True
    grades = set(audience.get("grade_levels") or [])
    return bool(grades and grades & (set(db.session.scalars(
        select(CounsellorAssignment.grade_level).where(
            CounsellorAssignment.counsellor_id == user.id))) | set(db.session.scalars(
        select(Student.grade_level).distinct().where(Student.id.in_(section_student_ids(
            select(Section.id).where(Section.teacher_id == user.id,
                                     Section.is_active.is_(True)))))))))
