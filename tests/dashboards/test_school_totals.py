"""Weekly attendance and grade bands per school and grade level, kept by the database
(migration 0022): always the sum of the students' own totals by where each student is now,
and the dashboard of whole schools shows from them exactly what it shows student by
student."""

from datetime import date, datetime

from sqlalchemy import delete, func, select, update

from portal.core.bulk import copy_rows
from portal.dashboards import queries
from portal.extensions import db
from portal.outcomes.models import (
    AttendanceWeek,
    DailyAttendance,
    Grade,
    GradeBandCount,
    SchoolAttendanceWeek,
    SchoolGradeBandCount,
)
from portal.people.models import Student
from tests import factories
from tests.dashboards.helpers import build_school

MONDAY = date(2026, 11, 16)


def _kept_weeks() -> dict:
    table = SchoolAttendanceWeek
    return {(school, grade, str(week)[:10]): (days, absences, tardies)
            for school, grade, week, days, absences, tardies in db.session.execute(
                select(table.school_id, table.grade_level, table.week_start, table.days,
                       table.absences, table.tardies))}


def _summed_weeks() -> dict:
    """The same totals the slow way: every student's weeks, by their school and grade now."""
    grade = Student.grade_level
    rows = db.session.execute(
        select(Student.school_id, grade, AttendanceWeek.week_start,
               func.sum(AttendanceWeek.days), func.sum(AttendanceWeek.absences),
               func.sum(AttendanceWeek.tardies))
        .join(Student, Student.id == AttendanceWeek.student_id)
        .group_by(Student.school_id, grade, AttendanceWeek.week_start))
    return {(school, grade, str(week)[:10]): (int(days), int(absences), int(tardies))
            for school, grade, week, days, absences, tardies in rows}


def _kept_bands() -> dict:
    table = SchoolGradeBandCount
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(
        select(table.school_id, table.grade_level, table.grading_period_id, table.kind,
               table.band, table.grades))}


def _summed_bands() -> dict:
    grade = Student.grade_level
    counts = GradeBandCount
    return {tuple(row[:-1]): int(row[-1]) for row in db.session.execute(
        select(Student.school_id, grade, counts.grading_period_id, counts.kind, counts.band,
               func.sum(counts.grades))
        .join(Student, Student.id == counts.student_id)
        .group_by(Student.school_id, grade, counts.grading_period_id, counts.kind,
                  counts.band))}


def _day(student, on_date, status="present"):
    db.session.add(DailyAttendance(school_id=student.school_id, student_id=student.id,
                                   on_date=on_date, status=status,
                                   recorded_at=datetime(2026, 11, 20)))
    db.session.flush()


def test_attendance_totals_follow_every_writer_and_every_move(app):
    north, south = factories.make_school("North"), factories.make_school("South")
    ann, ben = (factories.make_student(north, grade_level=9) for _ in range(2))
    cleo = factories.make_student(south, grade_level=10)
    _day(ann, MONDAY)
    _day(ann, date(2026, 11, 17), "absent_unexcused")
    _day(ben, MONDAY, "tardy")
    week = MONDAY.isoformat()
    assert _kept_weeks() == _summed_weeks() == {(north.id, 9, week): (3, 1, 1)}
    # Many rows in one statement (COPY on PostgreSQL), two weeks, two schools.
    copy_rows(DailyAttendance.__table__, ("school_id", "student_id", "on_date", "status",
                                          "recorded_at"),
              [(student.school_id, student.id, day, "absent_excused", datetime(2026, 11, 27))
               for student in (ann, cleo) for day in (date(2026, 11, 18), date(2026, 11, 23))])
    assert _kept_weeks() == _summed_weeks()
    assert _kept_weeks()[(north.id, 9, week)] == (4, 2, 1)
    assert _kept_weeks()[(south.id, 10, "2026-11-23")] == (1, 1, 0)
    # A register corrected, a day removed.
    db.session.execute(update(DailyAttendance).where(DailyAttendance.student_id == ben.id)
                       .values(status="present"))
    db.session.execute(delete(DailyAttendance).where(DailyAttendance.student_id == ann.id,
                                                     DailyAttendance.on_date == MONDAY))
    assert _kept_weeks() == _summed_weeks()
    assert _kept_weeks()[(north.id, 9, week)] == (3, 2, 0)
    # Students moving: a grade level up, a transfer, a grade level down; a rename moves
    # nothing.
    db.session.execute(update(Student).where(Student.id == ann.id).values(grade_level=10))
    db.session.execute(update(Student).where(Student.id == cleo.id)
                       .values(school_id=north.id))
    db.session.execute(update(Student).where(Student.id == ben.id).values(grade_level=8))
    db.session.execute(update(Student).values(preferred_name="Sam"))
    assert _kept_weeks() == _summed_weeks() == {
        (north.id, 10, week): (3, 3, 0), (north.id, 10, "2026-11-23"): (2, 2, 0),
        (north.id, 8, week): (1, 0, 0)}
    # A merge points one record's days at the other (privacy/merge.py); the rows go along.
    db.session.execute(update(DailyAttendance).where(DailyAttendance.student_id == ben.id)
                       .values(student_id=cleo.id))
    db.session.execute(delete(DailyAttendance).where(DailyAttendance.student_id == ann.id))
    assert _kept_weeks() == _summed_weeks() == {(north.id, 10, week): (2, 1, 0),
                                                (north.id, 10, "2026-11-23"): (1, 1, 0)}


def test_grade_band_totals_follow_grades_and_students(app):
    school = factories.make_school()
    term = factories.make_term(school)
    ann, ben = (factories.make_student(school, grade_level=11) for _ in range(2))
    section = factories.make_section(school, None, ann, ben, term=term)
    period = term.grading_periods[0]

    def grade(student, score, kind="assessment"):
        db.session.add(Grade(student_id=student.id, section_id=section.id,
                             grading_period_id=period.id, kind=kind, score=score,
                             max_score=100.0, recorded_on=date(2026, 9, 20)))
        db.session.flush()

    grade(ann, 95)
    grade(ann, 42)
    grade(ben, 97, "period")
    assert _kept_bands() == _summed_bands() == {
        (school.id, 11, period.id, "assessment", 5): 1,
        (school.id, 11, period.id, "assessment", 0): 1,
        (school.id, 11, period.id, "period", 5): 1}
    db.session.execute(update(Grade).where(Grade.score == 42).values(score=65))  # re-marked
    db.session.execute(update(Student).where(Student.id == ben.id).values(grade_level=12))
    assert _kept_bands() == _summed_bands() == {
        (school.id, 11, period.id, "assessment", 5): 1,
        (school.id, 11, period.id, "assessment", 2): 1,
        (school.id, 12, period.id, "period", 5): 1}
    db.session.execute(delete(Grade).where(Grade.student_id == ann.id))
    assert _kept_bands() == _summed_bands() == {(school.id, 12, period.id, "period", 5): 1}


def test_the_dashboard_of_whole_schools_shows_what_the_students_add_up_to(app):
    built = build_school(30)
    other = factories.make_school("Elsewhere")
    stranger = factories.make_student(other, grade_level=9)
    _day(stranger, MONDAY, "absent_unexcused")
    built.students[0].grade_level = 11  # a counsellor's own student outside their grade
    built.students[0].counsellor_id = built.counsellor.id
    db.session.flush()
    cases = [(built.admin, {}), (built.admin, {"grade_level": 10}),
             (built.counsellor, {}), (built.counsellor, {"grade_level": 11})]
    district_admin = factories.make_district_admin(
        factories.make_district("Valley", built.school, other))
    cases += [(district_admin, {}), (district_admin, {"school_id": built.school.id})]
    for user, filters in cases:
        scope = queries.scope(user, **filters)
        kept = queries.whole_grades(user, scope, **filters)
        assert kept is not None, (user.role, filters)
        weeks = queries.attendance_by_week(scope)
        assert weeks and queries.attendance_by_week(scope, kept) == weeks, (user.role, filters)
        bands = queries.grade_distribution(scope)
        assert bands and queries.grade_distribution(scope, kept) == bands, (user.role, filters)
    # A school's totals never reach another school's dashboard.
    school_weeks = queries.attendance_by_week(queries.scope(built.admin),
                                              queries.whole_grades(built.admin,
                                                                   queries.scope(built.admin)))
    assert sum(week["days"] for week in school_weeks) == db.session.scalar(
        select(func.count()).select_from(DailyAttendance)
        .where(DailyAttendance.school_id == built.school.id))
