"""Each student's newest assessment, kept by the database as assessments are written, moved
and deleted (migration 0021): always the highest id, as a probe per student would find."""

from datetime import datetime

from sqlalchemy import delete, func, select, update

from portal.extensions import db
from portal.people.models import Student
from portal.risk.models import NewestAssessment, RiskAssessment
from portal.risk.queries import newest_assessment_ids
from portal.risk.services import _insert_assessments, current_rule_set
from tests import factories

MOMENT = datetime(2026, 11, 20, 18)


def _kept() -> dict[int, int]:
    return dict(db.session.execute(select(NewestAssessment.student_id,
                                          NewestAssessment.assessment_id)).all())


def _probed() -> dict[int, int]:
    """The newest of each student the slow way: the highest id of their assessments."""
    return dict(db.session.execute(select(RiskAssessment.student_id, func.max(RiskAssessment.id))
                                   .group_by(RiskAssessment.student_id)).all())


def _assess(rules, student, level="watch") -> int:
    assessment = RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=40.0,
                                level=level, reasons=[], computed_at=MOMENT)
    db.session.add(assessment)
    db.session.flush()
    return assessment.id


def _world():
    school = factories.make_school()
    students = [factories.make_student(school) for _ in range(3)]
    return current_rule_set(school), students


def test_the_newest_is_the_highest_id_however_assessments_are_written(app):
    rules, (ann, ben, cleo) = _world()
    _assess(rules, ann)
    newest_ann = _assess(rules, ann, "high")
    # The nightly path: many students in one statement (COPY on PostgreSQL).
    bulk = _insert_assessments([(student.id, rules.id, 10.0, "none", [], MOMENT, False, False)
                                for student in (ben, cleo, ben)])
    assert _kept() == _probed() == {ann.id: newest_ann, ben.id: bulk[2], cleo.id: bulk[1]}
    scope = select(Student.id).where(Student.id.in_([ann.id, cleo.id]))
    assert set(db.session.scalars(newest_assessment_ids(scope))) == {newest_ann, bulk[1]}


def test_deleting_the_newest_falls_back_to_the_one_before_or_to_none(app):
    rules, (ann, ben, _) = _world()
    first = _assess(rules, ann)
    second = _assess(rules, ann)
    only = _assess(rules, ben)
    db.session.execute(delete(RiskAssessment).where(RiskAssessment.id.in_([second, only])))
    assert _kept() == _probed() == {ann.id: first}
    db.session.execute(delete(RiskAssessment).where(RiskAssessment.id == first))
    assert _kept() == {}


def test_a_merge_moves_the_history_and_the_newest_with_it(app):
    """Merging two records points the loser's assessments at the survivor (privacy/merge.py)."""
    rules, (survivor, loser, other) = _world()
    survivors = _assess(rules, survivor)
    losers = _assess(rules, loser)
    others = _assess(rules, other)
    db.session.execute(update(RiskAssessment).where(RiskAssessment.student_id == loser.id)
                       .values(student_id=survivor.id))
    assert _kept() == _probed() == {survivor.id: losers, other.id: others}
    assert survivors < losers
    # Any other change (a flag marked seen) leaves the newest where it was.
    db.session.execute(update(RiskAssessment).values(acknowledged_at=MOMENT))
    assert _kept() == {survivor.id: losers, other.id: others}
