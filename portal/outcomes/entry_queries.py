"""Read-only selects for outcomes entry: the sections a user may fill in, their rosters."""

from flask import abort
from sqlalchemy import Select, select

from portal.auth.models import Role, User
from portal.core.permissions import visible_school_ids
from portal.extensions import db
from portal.needs.models import Need
from portal.outcomes.models import (
    DailyAttendance,
    Grade,
    Intervention,
    InterventionNote,
    Program,
    ProgramEnrollment,
)
from portal.people.models import Course, Enrollment, GradingPeriod, Section, Student
from portal.risk.models import RiskAssessment


def entry_sections(user: User) -> Select:
    """Select the sections whose attendance and grades this user may enter."""
    stmt = select(Section).join(Course, Course.id == Section.course_id).where(
        Course.school_id.in_(visible_school_ids(user)))
    if user.role != Role.ADMINISTRATOR:
        stmt = stmt.where(Section.teacher_id == user.id, Section.is_active.is_(True))
    return stmt


def sections_listed(user: User, school_id: int | None) -> list[Section]:
    """Return the sections the user may enter marks for (of one school, if chosen), by
    course and name."""
    stmt = entry_sections(user).order_by(Course.name, Section.name, Section.id)
    if school_id is not None:
        stmt = stmt.where(Course.school_id == school_id)
    return list(db.session.scalars(stmt))


def get_section_or_404(user: User, section_id: int) -> Section:
    """Load a section this user teaches (or administers), or answer 404."""
    section = db.session.scalar(entry_sections(user).where(Section.id == section_id))
    if section is None:
        abort(404)
    return section


def roster(section: Section) -> list[Student]:
    """Return the section's active students by name."""
    return list(db.session.scalars(
        select(Student).join(Enrollment, Enrollment.student_id == Student.id)
        .where(Enrollment.section_id == section.id, Student.is_active.is_(True))
        .order_by(Student.last_name, Student.first_name, Student.id)))


def attendance_marks(students: list[Student], on_date) -> dict[int, DailyAttendance]:
    """Return the attendance already recorded that day, by student id."""
    rows = db.session.scalars(select(DailyAttendance).where(
        DailyAttendance.on_date == on_date,
        DailyAttendance.student_id.in_([s.id for s in students])))
    return {row.student_id: row for row in rows}


def grading_periods(section: Section) -> list[GradingPeriod]:
    """Return the grading periods of the section's year."""
    return list(db.session.scalars(select(GradingPeriod).where(
        GradingPeriod.term_id == section.term_id).order_by(GradingPeriod.starts_on)))


def stored_grades(section: Section, grading_period_id: int, kind: str,
                  assessment_name: str | None) -> dict[int, Grade]:
    """Return one assessment's (or the period's) grades already stored, by student id."""
    name = (assessment_name or "").strip() if kind == "assessment" else None
    return {grade.student_id: grade for grade in db.session.scalars(select(Grade).where(
        Grade.section_id == section.id, Grade.grading_period_id == grading_period_id,
        Grade.kind == kind,
        Grade.assessment_name.is_(None) if name is None else Grade.assessment_name == name))}


def graded_assessments(section: Section) -> list[tuple[int, str, str, str | None]]:
    """Return the section's assessments and period grades entered so far, to reopen them."""
    return list(db.session.execute(
        select(Grade.grading_period_id, GradingPeriod.name, Grade.kind, Grade.assessment_name)
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Grade.section_id == section.id).distinct()
        .order_by(GradingPeriod.name, Grade.kind, Grade.assessment_name)))


def programs_of(user: User) -> list[Program]:
    """Return the programs of the schools this user administers, by name."""
    return list(db.session.scalars(select(Program).where(
        Program.school_id.in_(visible_school_ids(user))).order_by(Program.name)))


def get_program_or_404(user: User, program_id: int) -> Program:
    """Load a program of the user's school, or answer 404."""
    program = db.session.scalar(select(Program).where(
        Program.id == program_id, Program.school_id.in_(visible_school_ids(user))))
    if program is None:
        abort(404)
    return program


def participants(program: Program) -> list[tuple[ProgramEnrollment, Student]]:
    """Return who takes (or took) part in a program, current first."""
    return list(db.session.execute(
        select(ProgramEnrollment, Student).join(Student, Student.id == ProgramEnrollment.student_id)
        .where(ProgramEnrollment.program_id == program.id)
        .order_by(ProgramEnrollment.ends_on.is_not(None), Student.last_name, Student.first_name)))


def school_students(school_id: int) -> list[Student]:
    """Return the school's active students by name (to add to a program)."""
    return list(db.session.scalars(select(Student).where(
        Student.school_id == school_id, Student.is_active.is_(True))
        .order_by(Student.last_name, Student.first_name)))


def interventions_of(student: Student) -> list[Intervention]:
    """Return the student's interventions, open ones first."""
    return list(db.session.scalars(select(Intervention).where(
        Intervention.student_id == student.id).order_by(
        Intervention.status != "open", Intervention.opened_on.desc())))


def plan_details(plan: Intervention) -> dict:
    """Return who owns the plan (their name), and the need and risk flag it answers, if any
    (each the student's own: checked when the plan was opened)."""
    return {"owner": db.session.scalar(select(User.full_name).where(User.id == plan.owner_id))
            if plan.owner_id else None,
            "need": db.session.get(Need, plan.need_id) if plan.need_id else None,
            "flag": db.session.get(RiskAssessment, plan.risk_assessment_id)
            if plan.risk_assessment_id else None}


def notes_of(plan: Intervention) -> list[tuple[InterventionNote, str | None]]:
    """Return an intervention's progress notes with their author's name, oldest first."""
    return list(db.session.execute(
        select(InterventionNote, User.full_name)
        .outerjoin(User, User.id == InterventionNote.author_id)
        .where(InterventionNote.intervention_id == plan.id)
        .order_by(InterventionNote.created_at, InterventionNote.id)))



def school_day(section: Section):
    """Return today's date in the time zone of the section's school."""
    from portal.core.time import today_in
    from portal.people.models import School

    school = db.session.scalar(select(School).join(Course, Course.school_id == School.id)
                               .where(Course.id == section.course_id))
    return today_in(school.timezone)
