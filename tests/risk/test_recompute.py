"""The nightly recompute's fast path (district-wide queries, one scorer per rule set, bulk
writes) stores what scoring each student on their own gives."""

import gc

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.people.models import Enrollment
from portal.risk import services, work_indicators
from portal.risk.indicators import compute_indicators
from portal.risk.models import RiskAssessment
from portal.risk.scoring import merged_settings, score_student
from portal.risk.services import current_rule_set, recompute_all, save_rule_set
from tests import factories
from tests.risk.helpers import TODAY, varied_school


@pytest.mark.parametrize("many_sections", [500, 0])
def test_the_fast_path_stores_what_scoring_each_student_alone_gives(app, monkeypatch,
                                                                    many_sections):
    # With 0, the class averages come from the whole district's pass, as at scale.
    monkeypatch.setattr(work_indicators, "MANY_SECTIONS", many_sections)
    first, students, maths = varied_school(pass_mark=60, past_term=True)
    second, others, _ = varied_school(pass_mark=70)
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
    varied_school(pass_mark=60)
    score_all, collector_on = services.score_all, []

    def scoring(found, settings):
        collector_on.append(gc.isenabled())
        return score_all(found, settings)

    monkeypatch.setattr(services, "score_all", scoring)
    assert recompute_all(today=TODAY) == 7
    assert collector_on == [False] and gc.isenabled()
