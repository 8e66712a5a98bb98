"""Each student's newest assessment, kept by the database as assessments are written, moved
and deleted (migrations 0021, 0024): always the highest id, as a probe per student would
find, with its level, score and when the student's current flag began."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from portal.extensions import db
from portal.people.models import Student
from portal.risk.models import NewestAssessment, RiskAssessment
from portal.risk.queries import latest_risk, newest_assessment_ids
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


def _kept_flags() -> dict[int, tuple]:
    return {student_id: (level, score, began) for student_id, level, score, began in
            db.session.execute(select(NewestAssessment.student_id, NewestAssessment.level,
                                      NewestAssessment.score, NewestAssessment.flag_began))}


def _flags_from_history() -> dict[int, tuple]:
    """(level, score, start of the current flag) read from each student's whole history:
    the flag began with the first assessment after their latest "none"."""
    found = {}
    for assessment in db.session.scalars(select(RiskAssessment).order_by(RiskAssessment.id)):
        _, _, began = found.get(assessment.student_id, (None, None, None))
        flagged = assessment.level != "none"
        found[assessment.student_id] = (assessment.level, assessment.score,
                                        (began or assessment.computed_at) if flagged else None)
    return found


def _assess(rules, student, level="watch", *, night=0, score=40.0) -> int:
    assessment = RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=score,
                                level=level, reasons=[],
                                computed_at=MOMENT + timedelta(days=night))
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
    assert _kept_flags() == _flags_from_history()
    scope = select(Student.id).where(Student.id.in_([ann.id, cleo.id]))
    assert set(db.session.scalars(newest_assessment_ids(scope))) == {newest_ann, bulk[1]}


def test_deleting_the_newest_falls_back_to_the_one_before_or_to_none(app):
    rules, (ann, ben, _) = _world()
    first = _assess(rules, ann)
    second = _assess(rules, ann)
    only = _assess(rules, ben)
    db.session.execute(delete(RiskAssessment).where(RiskAssessment.id.in_([second, only])))
    assert _kept() == _probed() == {ann.id: first}
    assert _kept_flags() == _flags_from_history()
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
    assert _kept_flags() == _flags_from_history()
    assert survivors < losers
    # Any other change (a flag marked seen) leaves the newest where it was.
    db.session.execute(update(RiskAssessment).values(acknowledged_at=MOMENT))
    assert _kept() == {survivor.id: losers, other.id: others}


def test_the_flag_begins_after_the_latest_none_and_ends_with_the_next(app):
    """Night after night: a flag's start stays while the student stays flagged (watch or
    high), clears with a "none", and starts again with the next flag."""
    rules, (ann, ben, _) = _world()
    expected = []
    for night, level in enumerate(["watch", "high", "watch", "none", "none", "high", "watch"]):
        _assess(rules, ann, level, night=night, score=10.0 * night)
        kept = _kept_flags()[ann.id]
        assert kept == _flags_from_history()[ann.id]
        expected.append(kept[2])
    first, again = MOMENT, MOMENT + timedelta(days=5)
    assert expected == [first, first, first, None, None, again, again]
    assert _kept_flags()[ann.id][:2] == ("watch", 60.0)
    # A correction of a night in the middle (the "none" rewritten) moves the start back.
    db.session.execute(update(RiskAssessment).where(
        RiskAssessment.student_id == ann.id, RiskAssessment.level == "none")
        .values(level="watch"))
    assert _kept_flags()[ann.id][2] == first == _flags_from_history()[ann.id][2]
    # Deleting the newest two: the newest is night 4's again, and the start with it.
    newest_two = sorted(db.session.scalars(select(RiskAssessment.id).where(
        RiskAssessment.student_id == ann.id)))[-2:]
    db.session.execute(delete(RiskAssessment).where(RiskAssessment.id.in_(newest_two)))
    assert _kept_flags() == _flags_from_history()
    # A merge brings a history with a "none" after the survivor's flag: cleared.
    _assess(rules, ben, "none", night=9)
    db.session.execute(update(RiskAssessment).where(RiskAssessment.student_id == ben.id)
                       .values(student_id=ann.id))
    assert _kept_flags() == _flags_from_history() == {ann.id: ("none", 40.0, None)}


def test_the_profile_and_the_lists_show_the_same_newest_assessment(app):
    """An assessment written after another but dated before it (a recompute for an earlier
    day) is the newest for the lists; the profile's and the dashboard's panel read the same
    one, not the latest-dated."""
    rules, (student, *_) = _world()
    _assess(rules, student, "high", night=1)
    written_last = _assess(rules, student, "none", night=0)
    assert _kept()[student.id] == written_last
    assert latest_risk(student).id == written_last
