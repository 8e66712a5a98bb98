"""The nightly recompute's fast path (district-wide queries, one scorer per rule set, bulk
writes) stores what scoring each student on their own gives."""

import gc
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.outcomes.models import WorkMark
from portal.people.models import Enrollment
from portal.risk import services, work_indicators
from portal.risk.indicators import compute_indicators
from portal.risk.models import RiskAssessment
from portal.risk.scoring import merged_settings, score_student
from portal.risk.services import current_rule_set, recompute_all, save_rule_set
from tests import factories
from tests.risk.helpers import TODAY, give_grade, record_attendance, record_incidents, school_days


def _varied_school(pass_mark: float, past_term: bool = False):
    """A school whose students differ in attendance, grades, work and behaviour."""
    school = factories.make_school(pass_mark_percent=pass_mark)
    term = factories.make_term(school)
    days = school_days(TODAY, 45)
    students = [factories.make_student(school) for _ in range(7)]
    steady, absent, declining, failing, missing, unruly, new = students
    record_attendance(steady, days)
    record_attendance(absent, days, absent_on=set(days[::3]))
    record_attendance(declining, days, absent_on=set(days[-9:]))
    record_attendance(failing, days[-12:], absent_on={days[-2]})  # too few days to vote
    record_attendance(unruly, days, absent_on=set(days[-5:-2]))
    maths = factories.make_section(school, None, *students[:6], term=term)
    art = factories.make_section(school, None, *students[:6], term=term, subject="Art",
                                 is_core=False)
    q1, q2 = term.grading_periods[:2]
    for n, student in enumerate(students[:6]):
        give_grade(student, maths, q1, 45 if student is failing else 70 + 3 * n)
        give_grade(student, art, q1, 58 if student is failing else 80 - n)
        scores = (30, 50, 41) if student is failing else (90 - 9 * n, 75, 68 + n)
        for offset, score in zip((30, 18, 4), scores, strict=True):
            grade = give_grade(student, maths, q2, score, kind="assessment")
            grade.recorded_on = TODAY - timedelta(days=offset)
    for status, due in (("missing", 3), ("missing", 10), ("late", 20), ("excused", 5)):
        db.session.add(WorkMark(student_id=missing.id, section_id=maths.id,
                                grading_period_id=q2.id, assessment_name=f"{status} {due}",
                                status=status, due_on=TODAY - timedelta(days=due)))
    record_incidents(unruly, 3, TODAY - timedelta(days=6))
    if past_term:
        last_year = factories.make_term(school, starts_on=date(2025, 9, 1),
                                        ends_on=date(2026, 6, 15))
        old = factories.make_section(school, None, failing, new, term=last_year)
        give_grade(failing, old, last_year.grading_periods[0], 35)
    db.session.flush()
    return school, students, maths


@pytest.mark.parametrize("many_sections", [500, 0])
def test_the_fast_path_stores_what_scoring_each_student_alone_gives(app, monkeypatch,
                                                                    many_sections):
    # With 0, the class averages come from the whole district's pass, as at scale.
    monkeypatch.setattr(work_indicators, "MANY_SECTIONS", many_sections)
    first, students, maths = _varied_school(pass_mark=60, past_term=True)
    second, others, _ = _varied_school(pass_mark=70)
    save_rule_set(school=second, actor=None, settings={
        "rules": {"attendance_rate_term": {"threshold": 95}, "late_work_share": {"enabled": False}},
        "watch_score": 3})
    dropped = others[0]
    dropped.is_active = False
    classmate = factories.make_student(first)  # in the maths class, without marks yet
    db.session.add(Enrollment(section_id=maths.id, student_id=classmate.id))
    db.session.flush()  # the inactive student's marks still count in their class's average
    expected = {}
    for school, group in ((first, students), (second, others)):
        settings = merged_settings(current_rule_set(school).settings)
        for student in group:
            if student.is_active:
                found = compute_indicators(school, [student.id], TODAY)[student.id]
                expected[student.id] = score_student(found, settings)
    levels = {assessment.level for assessment in expected.values()}
    reasons = {r["indicator"] for assessment in expected.values() for r in assessment.reasons}
    assert levels == {"none", "watch", "high"}  # the school is varied enough to mean something
    assert {"attendance_rate_term", "failing_core_subjects", "past_course_failures",
            "missing_work_share", "score_trend", "behaviour_incidents_term"} <= reasons

    assert recompute_all(today=TODAY) == len(expected) + 1  # and the classmate
    stored = {a.student_id: a for a in db.session.scalars(select(RiskAssessment))}
    assert dropped.id not in stored
    for student_id, assessment in expected.items():
        fast = stored[student_id]
        assert (fast.level, fast.score, fast.reasons) == (
            assessment.level, assessment.score, assessment.reasons), student_id


def test_the_nightly_recompute_scores_with_the_cycle_collector_held_off(app, monkeypatch):
    _varied_school(pass_mark=60)
    score_all, collector_on = services.score_all, []

    def scoring(found, settings):
        collector_on.append(gc.isenabled())
        return score_all(found, settings)

    monkeypatch.setattr(services, "score_all", scoring)
    assert recompute_all(today=TODAY) == 7
    assert collector_on == [False] and gc.isenabled()
