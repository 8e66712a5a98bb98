"""The day counts behind the dashboard's risk chart say what the assessments say."""

from datetime import datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.permissions import visible_student_ids
from portal.dashboards.queries import WholeGrades, risk_levels_over_time, scope, whole_grades
from portal.extensions import db
from portal.people.models import CounsellorAssignment, School, Student
from portal.risk.models import RiskLevelCount
from portal.risk.services import assess_students, recompute_all, record_past_assessments
from tests import factories
from tests.people.helpers import count_queries
from tests.risk.helpers import (
    TODAY,
    add_old_assessment,
    record_attendance,
    school_at_revision,
    school_days,
)

# (grade level, absences in the last 40 school days): levels none, watch and high among them
PUPILS = ((9, 0), (9, 12), (10, 20), (10, 3), (11, 8), (11, 30))


def _school(name: str) -> tuple[School, list[Student]]:
    school = factories.make_school(name)
    factories.make_term(school)
    students = []
    for grade_level, absences in PUPILS:
        student = factories.make_student(school, grade_level=grade_level)
        days = school_days(TODAY, 40)
        record_attendance(student, days, absent_on=set(days[len(days) - absences:]))
        students.append(student)
    return school, students


def _both_ways(school_ids: list[int], grade_level: int | None) -> tuple[list, list]:
    shown = select(Student.id).where(Student.school_id.in_(school_ids))
    if grade_level is not None:
        shown = shown.where(Student.grade_level == grade_level)
    whole = WholeGrades(select(School.id).where(School.id.in_(school_ids)),
                        None if grade_level is None else [grade_level])
    return risk_levels_over_time(shown, whole), risk_levels_over_time(shown)


def test_the_kept_counts_are_the_assessments_counted(app, clock):
    (oak, oak_students), (elm, _) = _school("Oak"), _school("Elm")
    assert record_past_assessments(school=oak) > 0  # a new school's past nights
    recompute_all()
    # The same day, a student's data changes twice: re-assessed twice, counted once.
    assess_students(school=oak, student_ids=[oak_students[0].id])
    assess_students(school=oak, student_ids=[oak_students[0].id, oak_students[2].id])
    clock.advance(days=1)
    recompute_all()
    db.session.commit()
    for school_ids in ([oak.id], [elm.id], [oak.id, elm.id]):
        for grade_level in (None, 9, 10, 11):
            kept, counted = _both_ways(school_ids, grade_level)
            assert kept == counted, (school_ids, grade_level)
    oak_days = _both_ways([oak.id], None)[0]
    assert len(oak_days) == 7 and {day["watch"] + day["high"] for day in oak_days} != {0}
    assert all(day["none"] + day["watch"] + day["high"] == len(PUPILS) for day in oak_days)


def test_the_migration_counts_the_history_already_there(tmp_path):
    with school_at_revision(tmp_path, "0018_enrolments") as (school, rules):
        first, second = factories.make_student(school), factories.make_student(
            school, grade_level=10)
        night = datetime(2026, 11, 20, 23)
        for student, levels in ((first, ("none", "watch", "high")), (second, ("watch", "none"))):
            for minutes, level in enumerate(levels):  # the last of each day counts
                add_old_assessment(student_id=student.id, rule_set_id=rules.id, level=level,
                                   computed_at=night + timedelta(minutes=minutes))
        add_old_assessment(student_id=first.id, rule_set_id=rules.id, level="watch",
                           computed_at=night + timedelta(days=1))
        db.session.commit()
        upgrade()
        rows = db.session.execute(select(
            RiskLevelCount.day, RiskLevelCount.grade_level, RiskLevelCount.level,
            RiskLevelCount.students).order_by(RiskLevelCount.day, RiskLevelCount.grade_level))
        assert [tuple(row) for row in rows] == [
            (night.date(), 9, "high", 1), (night.date(), 10, "none", 1),
            (night.date() + timedelta(days=1), 9, "watch", 1)]


def test_whole_grades_read_the_counts_a_section_and_a_caseload_the_assessments(app, login_as):
    school, students = _school("Ash")
    teacher = factories.make_user("teacher", school)
    section = factories.make_section(school, teacher, *students[:2])
    admin, counsellor = (factories.make_user(role, school)
                         for role in (Role.ADMINISTRATOR, Role.COUNSELLOR))
    db.session.add(CounsellorAssignment(counsellor_id=counsellor.id, school_id=school.id,
                                        grade_level=9))
    recompute_all()
    db.session.commit()
    for user, query, reads in ((admin, "", (True, False)),
                               (admin, f"?section_id={section.id}", (False, True)),
                               (counsellor, "", (True, True))):  # grade 9, and their own
        with count_queries() as counted:
            assert login_as(user).get(f"/dashboards/{query}").status_code == 200
        reads_counts = any("FROM risk_level_counts" in sql for sql in counted.statements)
        reads_history = any("date(risk_assessments.computed_at)" in sql.lower()
                            for sql in counted.statements)
        assert (reads_counts, reads_history) == reads, (user.role, query)


def test_a_counsellors_chart_is_their_grades_counts_and_their_own_students_counted(app):
    school, students = _school("Birch")  # grade levels 9, 10 and 11, two students each
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    db.session.add(CounsellorAssignment(counsellor_id=counsellor.id, school_id=school.id,
                                        grade_level=9))
    students[3].counsellor_id = counsellor.id  # one grade-10 student of their own
    assert record_past_assessments(school=school) > 0
    recompute_all()
    db.session.commit()
    seen = set(db.session.scalars(visible_student_ids(counsellor)))
    assert seen == {students[0].id, students[1].id, students[3].id}
    for grade_level in (None, 9, 10, 11):
        shown = scope(counsellor, grade_level=grade_level)
        whole = whole_grades(counsellor, shown, grade_level=grade_level)
        assert whole is not None and whole.others is not None
        kept, counted = risk_levels_over_time(shown, whole), risk_levels_over_time(shown)
        assert kept == counted, grade_level
    everyone = risk_levels_over_time(scope(counsellor), whole_grades(counsellor, scope(counsellor)))
    assert {sum(day[level] for level in ("none", "watch", "high")) for day in everyone} == {3}
