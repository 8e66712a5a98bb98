"""The benchmark's full floor computes the engine's own indicators: the recompute is compared
with one raw statement doing the same work, not less."""

from datetime import date, timedelta
from math import isclose

from sqlalchemy import select

from bench.floor import full_floor, narrow_floor
from portal.demo.district import generate_district
from portal.extensions import db
from portal.outcomes.models import Grade
from portal.people.models import School
from portal.risk.indicators import district_indicators
from tests import factories
from tests.risk.helpers import TODAY, record_attendance, school_days, varied_school


def _engine(today: date) -> dict[int, dict]:
    school_ids = list(db.session.scalars(select(School.id)))
    return {student_id: found for by_student in district_indicators(today, school_ids).values()
            for student_id, found in by_student.items()}


def _same(engine: dict[int, dict], floor: list) -> dict[str, int]:
    """Assert every student's figures agree (the engine rounds to tenths, slopes to
    hundredths); return how many students have a value of each indicator."""
    assert {row["student_id"] for row in floor} == set(engine)
    present = {}
    for row in floor:
        found = engine[row["student_id"]]
        assert set(found) <= set(row) - {"student_id"}, set(found) - set(row)
        for name, value in row.items():
            if name == "student_id":
                continue
            expected = found.get(name)
            assert (value is None) == (expected is None), (row["student_id"], name, value,
                                                            expected)
            if value is not None:
                assert isclose(float(value), expected, abs_tol=0.051), (
                    row["student_id"], name, value, expected)
                present[name] = present.get(name, 0) + (expected != 0)
    return present


def test_the_full_floor_gives_the_engines_indicators_for_varied_schools(app):
    varied_school(pass_mark=60, past_term=True)
    _, others, _ = varied_school(pass_mark=70)
    others[0].is_active = False  # their marks still count in their classes' averages
    termless = factories.make_school()  # no term yet: attendance over the last year
    record_attendance(factories.make_student(termless), school_days(TODAY, 30),
                      absent_on=set(school_days(TODAY, 4)))
    db.session.flush()
    present = _same(_engine(TODAY), full_floor(db.session.connection(), TODAY))
    # Each indicator is compared on students who have it, not only on empty figures.
    assert set(present) == {
        "attendance_days", "attendance_rate_term", "attendance_days_recent",
        "attendance_rate_recent", "attendance_trend", "grade_average", "grade_change",
        "failing_subjects", "failing_core_subjects", "past_course_failures",
        "missing_work_count", "missing_work_recent", "missing_work_share", "late_work_share",
        "score_trend", "score_vs_class", "behaviour_incidents_term", "serious_incidents"}


def test_the_full_floor_gives_the_engines_indicators_for_a_generated_district(app):
    today = date(2026, 11, 16)
    generate_district(students=40, today=today)
    db.session.flush()
    present = _same(_engine(today), full_floor(db.session.connection(), today))
    assert present["grade_average"] >= 30 and present["attendance_rate_term"] >= 30
    # A day replayed: nothing recorded after it counts, in the floor as in the engine.
    earlier = today - timedelta(days=20)
    assert db.session.scalar(select(Grade.id).where(Grade.recorded_on > earlier).limit(1))
    _same(_engine(earlier), full_floor(db.session.connection(), earlier))


def test_the_narrow_floor_reads_attendance_and_course_averages_only(app):
    school = factories.make_school()
    factories.make_term(school)
    student = factories.make_student(school)
    record_attendance(student, school_days(TODAY, 10), absent_on=set(school_days(TODAY, 2)))
    db.session.flush()
    [row] = narrow_floor(db.session.connection(), TODAY, TODAY - timedelta(days=60))
    assert tuple(row) == (student.id, 10, 2, 10, 2, None, None)
