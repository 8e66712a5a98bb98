"""The demo school's counsellors answer about half its past flags with interventions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import create_app
from portal.auth.models import User
from portal.core import time as portal_time
from portal.core.time import to_local
from portal.dashboards.pages import intervention_effectiveness
from portal.demo.interventions import answer_past_flags
from portal.demo.school import load_demo_school
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant
from portal.notifications.queries import counsellors_of_each
from portal.outcomes.models import Intervention, InterventionNote
from portal.people.models import School, Student, StudentGuardian
from portal.risk.models import RiskAssessment, RiskLevel
from portal.risk.services import record_past_assessments
from tests.conftest import TEST_NOW, config_for, empty_all_tables

TODAY = TEST_NOW.date()  # 25 November 2026: the demo's day and the tests' clock agree


@pytest.fixture(scope="module")
def demo(database_url):
    """The demo school with its recorded history, its flags answered as `demo-data` does."""
    portal_time.set_clock(TEST_NOW)
    app = create_app(config_for(database_url))
    with app.app_context():
        school = db.session.get(School, load_demo_school(today=TODAY).school_id)
        record_past_assessments(school=school)
        answered = answer_past_flags(school)
        db.session.commit()
        yield school, answered
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()
    portal_time.set_clock(None)


def _plans() -> list[tuple[Intervention, RiskAssessment, Student]]:
    return db.session.execute(
        select(Intervention, RiskAssessment, Student)
        .join(RiskAssessment, RiskAssessment.id == Intervention.risk_assessment_id)
        .join(Student, Student.id == Intervention.student_id).order_by(Intervention.id)).all()


def _flag_day(flag: RiskAssessment, school: School):
    return to_local(flag.computed_at, school.timezone).date()


def test_about_half_the_flagged_students_get_one_plan_from_their_counsellor(demo):
    school, answered = demo
    plans = _plans()
    flagged = set(db.session.scalars(select(RiskAssessment.student_id).where(
        RiskAssessment.is_new_flag.is_(True))))
    helped = [student.id for _, _, student in plans]
    assert len(helped) == len(set(helped)) == answered == db.session.scalar(
        select(db.func.count()).select_from(Intervention))
    assert 0.3 * len(flagged) <= answered <= 0.7 * len(flagged) and answered >= 10
    counsellors = counsellors_of_each(student for _, _, student in plans)
    for plan, flag, student in plans:
        assert flag.student_id == student.id and flag.is_new_flag  # the flag it answers
        days = [_flag_day(flag, school) + timedelta(days=n) for n in range(1, 10)]
        school_days = [day for day in days if day.weekday() < 5]
        assert plan.opened_on in school_days[:6] and plan.opened_on < TODAY
        assert plan.owner_id in [user.id for user in counsellors[student.id]]
        assert flag.level in plan.reason and plan.goal and plan.actions
        assert plan.review_on == plan.opened_on + timedelta(weeks=4)


def test_a_plan_past_its_review_is_closed_with_what_the_later_assessments_show(demo):
    school, _ = demo
    closed = opened = 0
    for plan, flag, student in _plans():
        if plan.review_on >= TODAY:
            assert (plan.status, plan.outcome, plan.closed_on) == ("open", None, None)
            opened += 1
            continue
        closed += 1
        history = db.session.scalars(
            select(RiskAssessment).where(RiskAssessment.student_id == student.id)
            .order_by(RiskAssessment.computed_at)).all()
        at_review = [a for a in history if _flag_day(a, school) <= plan.review_on][-1]
        change = RiskLevel.ALL.index(at_review.level) - RiskLevel.ALL.index(flag.level)
        expected = "improved" if change < 0 else "worse" if change > 0 else "no_change"
        assert (plan.status, plan.outcome, plan.closed_on) == ("closed", expected,
                                                               plan.review_on)
    assert closed and opened


def test_each_plan_has_a_call_home_and_a_progress_note_once_two_weeks_have_passed(demo):
    for plan, _, student in _plans():
        calls = db.session.scalars(select(Interaction).where(
            Interaction.student_id == student.id, Interaction.channel == "phone",
            Interaction.author_id == plan.owner_id, Interaction.summary.contains(plan.goal))).all()
        assert len(calls) == 1
        (call,) = calls
        assert to_local(call.occurred_at, "America/New_York").date() == plan.opened_on
        guardians = db.session.scalars(select(InteractionParticipant.guardian_id).where(
            InteractionParticipant.interaction_id == call.id,
            InteractionParticipant.guardian_id.is_not(None))).all()
        informed = db.session.scalars(select(StudentGuardian.guardian_id).where(
            StudentGuardian.student_id == student.id,
            StudentGuardian.may_receive_information.is_(True))).all()
        assert len(guardians) == 1 and guardians[0] in informed
        notes = db.session.scalars(select(InterventionNote).where(
            InterventionNote.intervention_id == plan.id)).all()
        assert len(notes) == (plan.opened_on + timedelta(weeks=2) < TODAY)


def test_the_intervention_analysis_of_the_demo_has_the_helped_students(demo):
    """The analysis reads the plans: every helped student is counted, none is "no flag"."""
    _, answered = demo
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.school"))
    result = intervention_effectiveness(admin, "attendance", TODAY)
    effect = result["effect"]
    assert effect.enrolled == answered and effect.analysed > 0
    assert effect.excluded.get("no_flag", 0) == 0

