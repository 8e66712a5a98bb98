"""What a guardian may read about their children (always through the permissions module)."""

from sqlalchemy import or_, select

from portal.auth.models import User
from portal.core.permissions import (
    guardian_child_ids,
    guardian_for,
    visible_records,
    visible_students,
)
from portal.core.time import today_in, utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.family import charts
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.outcomes.models import (
    AttendanceStatus,
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    InterventionStatus,
    Program,
    ProgramEnrollment,
)
from portal.outcomes.queries import attendance_summary, latest_grades, missing_work
from portal.people.models import AcademicTerm, Course, GradingPeriod, Section, Student
from portal.people.queries import current_term

NOT_ABSENT = (AttendanceStatus.PRESENT,)


def children_of(user: User) -> list[Student]:
    """Return, by first name, the guardian's children they may see (linked, at school, not
    erased: core.permissions.family_child_condition)."""
    return list(db.session.scalars(
        visible_students(user).order_by(Student.first_name, Student.id)
    ))


def term_of(student: Student) -> AcademicTerm | None:
    """Return the student's school term running today (or the latest one before today)."""
    return current_term(student.school_id, today_in(student.school.timezone))


def child_summary(user: User, student: Student) -> dict:
    """Return the home page's short summary of one child: this term's attendance, last grade."""
    term = term_of(student)
    grades = latest_grades(student, limit=1)
    return {
        "attendance": attendance_summary(student, since=term.starts_on if term else None),
        "latest_grade": grades[0] if grades else None,
        "open_interventions": len(open_interventions(user, student)),
    }


def attendance_this_term(user: User, student: Student, term: AcademicTerm | None) -> dict:
    """Return this term's attendance: rate, absences and tardies by date, weekly rates."""
    stmt = visible_records(user, DailyAttendance).where(DailyAttendance.student_id == student.id)
    if term is not None:
        stmt = stmt.where(DailyAttendance.on_date.between(term.starts_on, term.ends_on))
    days = db.session.scalars(stmt.order_by(DailyAttendance.on_date)).all()
    return {
        "summary": attendance_summary(student, since=term.starts_on if term else None),
        "missed": [day for day in reversed(days) if day.status not in NOT_ABSENT],
        "weekly": charts.weekly_attendance_rates(
            [(day.on_date, day.status in AttendanceStatus.ABSENT) for day in days]),
    }


def grades_this_term(user: User, student: Student, term: AcademicTerm | None) -> list[dict]:
    """Return one row per subject and grading period of this term (period grade or average)."""
    stmt = (
        visible_records(user, Grade)
        .add_columns(Course.name, GradingPeriod.name, GradingPeriod.starts_on)
        .join(Section, Section.id == Grade.section_id)
        .join(Course, Course.id == Section.course_id)
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Grade.student_id == student.id)
    )
    if term is not None:
        stmt = stmt.where(GradingPeriod.term_id == term.id)
    rows = [
        charts.GradeRow(subject=course, period=period, period_starts_on=starts_on,
                        kind=grade.kind, percent=grade.percent)
        for grade, course, period, starts_on in db.session.execute(stmt)
    ]
    return charts.subject_period_grades(rows)


def missing_work_this_term(student: Student, term: AcademicTerm | None) -> list[dict]:
    """Return the work of this term still marked missing, due by today."""
    if term is None:
        return []
    return missing_work(student, since=term.starts_on,
                        until=today_in(student.school.timezone))


def shared_behaviour(user: User, student: Student, limit: int = 20) -> list[BehaviourIncident]:
    """Return the behaviour notes staff shared with the family, newest first."""
    return list(db.session.scalars(
        visible_records(user, BehaviourIncident)
        .where(BehaviourIncident.student_id == student.id)
        .order_by(BehaviourIncident.occurred_at.desc()).limit(limit)
    ))


def _written_by_the_family():
    """A condition on Interaction: it records a family's own message (a reply in the inbox)."""
    return select(Message.id).where(Message.id == Interaction.message_id,
                                    Message.from_family.is_(True)).exists()


def shared_interactions(user: User, student: Student, limit: int = 20) -> list[Interaction]:
    """Return the contacts and notes staff shared with the family, newest first."""
    return list(db.session.scalars(
        visible_records(user, Interaction)
        .where(Interaction.student_id == student.id, ~_written_by_the_family())
        .order_by(Interaction.occurred_at.desc()).limit(limit)
    ))


def family_messages(user: User, student: Student, limit: int = 20) -> list[tuple]:
    """Return the family's own messages about the child with their writer's name, newest
    first."""
    return list(db.session.execute(
        visible_records(user, Interaction).add_columns(User.full_name)
        .outerjoin(User, User.id == Interaction.author_id)
        .where(Interaction.student_id == student.id, _written_by_the_family())
        .order_by(Interaction.occurred_at.desc()).limit(limit)
    ))


def programs_of(user: User, student: Student) -> list[tuple[ProgramEnrollment, Program]]:
    """Return the child's programs and activities, current ones first."""
    stmt = (
        visible_records(user, ProgramEnrollment).add_columns(Program)
        .join(Program, Program.id == ProgramEnrollment.program_id)
        .where(ProgramEnrollment.student_id == student.id)
        .order_by(ProgramEnrollment.ends_on.is_not(None), ProgramEnrollment.starts_on.desc())
    )
    return [(enrollment, program) for enrollment, program in db.session.execute(stmt)]


def open_interventions(user: User, student: Student) -> list[Intervention]:
    """Return the open support plans staff shared with the family."""
    return list(db.session.scalars(
        visible_records(user, Intervention)
        .where(Intervention.student_id == student.id,
               Intervention.status == InterventionStatus.OPEN)
        .order_by(Intervention.opened_on.desc())
    ))


def upcoming_events(user: User,
                    student: Student | None = None) -> list[tuple[Event, EventInvitation]]:
    """Return the coming events this guardian is invited to (for one child, or all)."""
    guardian = guardian_for(user)
    if guardian is None:
        return []
    about = (EventInvitation.student_id.in_(guardian_child_ids(user)) if student is None
             else EventInvitation.student_id == student.id)
    stmt = (
        select(Event, EventInvitation)
        .join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(EventInvitation.guardian_id == guardian.id, Event.ends_at >= utcnow(),
               Event.status != "cancelled",
               or_(EventInvitation.student_id.is_(None), about))
        .order_by(Event.starts_at).limit(20)
    )
    return [(event, invitation) for event, invitation in db.session.execute(stmt)]


def child_details(user: User, student: Student) -> dict:
    """Return everything the child's page shows (family-visible records only)."""
    term = term_of(student)
    return {
        "term": term,
        "attendance": attendance_this_term(user, student, term),
        "grades": grades_this_term(user, student, term),
        "missing_work": missing_work_this_term(student, term),
        "behaviour": shared_behaviour(user, student),
        "interactions": shared_interactions(user, student),
        "family_messages": family_messages(user, student),
        "programs": programs_of(user, student),
        "interventions": open_interventions(user, student),
        "events": upcoming_events(user, student),
    }
