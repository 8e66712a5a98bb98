"""The weekly attendance and grade-band totals the pages read stay equal to the raw rows
through every kind of write: entry, correction, bulk insert, delete."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select, update

from portal.auth.models import Role
from portal.core.time import utcnow
from portal.dashboards.queries import (
    attendance_by_week,
    grade_band,
    grade_distribution,
    week_of,
)
from portal.extensions import db
from portal.outcomes.models import AttendanceStatus, DailyAttendance, Grade
from portal.outcomes.services import record_attendance, record_grades
from portal.people.models import GradingPeriod, Student
from portal.students.student_list import StudentFilters, find_students
from tests import factories as f


def _raw_weeks(scope) -> list[dict]:
    weeks = defaultdict(lambda: [0, 0])
    for day, status in db.session.execute(select(DailyAttendance.on_date, DailyAttendance.status)
                                          .where(DailyAttendance.student_id.in_(scope))):
        weeks[week_of(day)][0] += 1
        weeks[week_of(day)][1] += status in AttendanceStatus.ABSENT
    return [{"week": week, "days": days, "absences": absences,
             "rate": round(100.0 * (days - absences) / days, 1)}
            for week, (days, absences) in sorted(weeks.items())]


def _raw_bands(scope) -> dict:
    band = grade_band()
    rows = db.session.execute(
        select(GradingPeriod.name, Grade.kind, band, func.count())
        .join(GradingPeriod, GradingPeriod.id == Grade.grading_period_id)
        .where(Grade.student_id.in_(scope)).group_by(GradingPeriod.name, Grade.kind, band))
    found = defaultdict(dict)
    for period, kind, band, count in rows:
        found[(period, kind)][band] = count
    kinds = Counter(period for period, kind in found if kind == "period")
    return {period: counts for (period, kind), counts in found.items()
            if kind == ("period" if kinds[period] else "assessment")}


def _raw_rate(student: Student, since: date) -> float:
    statuses = db.session.scalars(select(DailyAttendance.status).where(
        DailyAttendance.student_id == student.id, DailyAttendance.on_date >= since)).all()
    return 100.0 * sum(s not in AttendanceStatus.ABSENT for s in statuses) / len(statuses)


def _assert_pages_match_rows(admin, scope, students, since) -> None:
    assert attendance_by_week(scope) == _raw_weeks(scope)
    assert grade_distribution(scope) == _raw_bands(scope)
    rows, _total = find_students(admin, StudentFilters(), since=since, page=None)
    for student, _risk, rate, _contact, _needs in rows:
        assert float(rate) == _raw_rate(student, since), student.first_name


def test_totals_follow_entry_corrections_bulk_inserts_and_deletes(app):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    term = f.make_term(school)  # starts on Tuesday 1 September
    students = [f.make_student(school) for _ in range(3)]
    section = f.make_section(school, admin, *students, term=term)
    period, later = term.grading_periods[:2]
    scope = select(Student.id).where(Student.school_id == school.id)
    since = term.starts_on
    for day in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 8), date(2026, 9, 9)):
        record_attendance(section=section, roster=students, on_date=day, actor=admin,
                          marks={students[0].id: (AttendanceStatus.ABSENT_EXCUSED, "flu")},
                          today=date(2026, 11, 25))
    for name, scores in (("Quiz", ("45", "72", "95")), ("Test", ("58", "61", "100"))):
        record_grades(section=section, roster=students, grading_period=period, actor=admin,
                      kind="assessment", assessment_name=name, max_score=100,
                      recorded_on=date(2026, 9, 10),
                      scores=dict(zip([s.id for s in students], scores, strict=True)))
    # The Monday before the term (its week counted from the Tuesday): not in the term's rate.
    db.session.execute(insert(DailyAttendance).values(
        school_id=school.id, student_id=students[1].id, on_date=date(2026, 8, 31),
        status=AttendanceStatus.ABSENT_UNEXCUSED, recorded_at=utcnow()))
    db.session.commit()
    _assert_pages_match_rows(admin, scope, students, since)

    # A correction in the grid (absent → present, and back for another student), a grade
    # moved to another band, to another period, and period grades that now stand for it.
    record_attendance(section=section, roster=students, on_date=date(2026, 9, 1), actor=admin,
                      marks={students[1].id: (AttendanceStatus.ABSENT_UNEXCUSED, None)},
                      today=date(2026, 11, 25))
    record_grades(section=section, roster=students, grading_period=period, actor=admin,
                  kind="assessment", assessment_name="Quiz", max_score=100,
                  recorded_on=date(2026, 9, 10), scores={students[0].id: "91"})
    db.session.execute(update(Grade).where(Grade.student_id == students[2].id,
                                           Grade.assessment_name == "Test")
                       .values(grading_period_id=later.id, max_score=0))
    record_grades(section=section, roster=students, grading_period=period, actor=admin,
                  kind="period", assessment_name=None, max_score=100,
                  recorded_on=date(2026, 11, 6), scores={students[1].id: "66"})
    db.session.commit()
    _assert_pages_match_rows(admin, scope, students, since)

    # Rows written in bulk (one statement, as the importers and the generator do) and
    # deleted in bulk (as retention does), and a status changed for a whole day at once.
    db.session.execute(insert(DailyAttendance), [
        {"school_id": school.id, "student_id": student.id, "on_date": day,
         "status": AttendanceStatus.TARDY if student is students[2] else AttendanceStatus.PRESENT,
         "recorded_at": utcnow()}
        for student in students for day in (date(2026, 9, 15) + timedelta(days=n)
                                            for n in range(3))])
    db.session.execute(update(DailyAttendance).where(DailyAttendance.on_date == date(2026, 9, 16))
                       .values(status=AttendanceStatus.ABSENT_UNEXCUSED))
    db.session.execute(delete(DailyAttendance).where(DailyAttendance.on_date == date(2026, 9, 8)))
    db.session.execute(delete(Grade).where(Grade.student_id == students[1].id,
                                           Grade.kind == "assessment"))
    db.session.commit()
    _assert_pages_match_rows(admin, scope, students, since)


def test_a_districts_schools_add_up_under_one_period_name(app):
    scopes = []
    for scores in (("45", "95"), ("72", "91")):  # two schools, each with its own "Q1"
        school = f.make_school()
        admin = f.make_user(Role.ADMINISTRATOR, school)
        term = f.make_term(school)
        students = [f.make_student(school) for _ in scores]
        section = f.make_section(school, admin, *students, term=term)
        record_grades(section=section, roster=students, grading_period=term.grading_periods[0],
                      actor=admin, kind="assessment", assessment_name="Quiz", max_score=100,
                      recorded_on=date(2026, 9, 10),
                      scores=dict(zip([s.id for s in students], scores, strict=True)))
        scopes.append(school.id)
    db.session.commit()
    district = select(Student.id).where(Student.school_id.in_(scopes))
    assert grade_distribution(district) == _raw_bands(district) == {
        "Q1": {"0–49": 1, "70–79": 1, "90–100": 2}}
