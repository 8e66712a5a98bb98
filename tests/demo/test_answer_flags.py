"""Answering past flags (portal/demo/interventions.py) on a hand-built school."""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.demo.interventions import answer_past_flags
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.outcomes.models import Intervention
from portal.people.models import School
from portal.risk.models import RiskAssessment
from portal.risk.services import current_rule_set
from tests import factories
from tests.conftest import TEST_NOW


def _flag(student, level: str, evening, *, new: bool = True, domain: str = "attendance"):
    school = db.session.get(School, student.school_id)
    db.session.add(RiskAssessment(
        student_id=student.id, rule_set_id=current_rule_set(school).id, score=2, level=level,
        is_new_flag=new, computed_at=evening,
        reasons=[{"indicator": "x", "label": "attendance this term", "domain": "behaviour",
                  "weight": 4, "counted": False},
                 {"indicator": "y", "label": "failing core subjects", "domain": domain,
                  "weight": 2, "counted": True}]))
    db.session.flush()


def test_a_students_first_flag_is_answered_and_one_from_last_night_waits(app):
    """Every flag answered (share 1): a student flagged twice gets one plan, for the first;
    a flag of last night none yet (it would open today or later), nor one of a student
    without a counsellor; the plan follows the counted reason; the call goes to a guardian
    who may receive information on a link that has not ended; the outcome is the level at the
    review."""
    school = factories.make_school()
    factories.make_term(school)
    counsellor = factories.make_user("counsellor", school)
    factories.assign_counsellor(counsellor, school, 9)
    twice, late, reviewed = (factories.make_student(school) for _ in range(3))
    nobodys = factories.make_student(school, grade_level=10)  # no counsellor: nobody answers
    kept_out, ended = factories.make_guardian(school), factories.make_guardian(school)
    factories.link(twice, kept_out, may_receive_information=False)
    factories.link(twice, ended, is_active=False)  # a link that has ended: not told either
    _, informed = factories.make_family(school, twice)
    evening = datetime(2026, 10, 5, 22)  # 6 pm in New York
    _flag(twice, "watch", datetime(2026, 11, 2, 23), domain="courses")
    _flag(twice, "high", datetime(2026, 11, 9, 23))
    _flag(late, "watch", datetime(2026, 11, 24, 23))
    _flag(nobodys, "watch", datetime(2026, 11, 2, 23))
    _flag(reviewed, "watch", evening)
    _flag(reviewed, "none", datetime(2026, 10, 20, 22), new=False)  # before the review
    _flag(reviewed, "high", datetime(2026, 11, 11, 23))  # after it (4 weeks after opening)

    assert answer_past_flags(school, share=1.0) == 2
    plans = {plan.student_id: (plan, db.session.get(RiskAssessment, plan.risk_assessment_id))
             for plan in db.session.scalars(select(Intervention))}
    assert sorted(plans) == [twice.id, reviewed.id]
    plan, flag = plans[twice.id]
    assert flag.computed_at == datetime(2026, 11, 2, 23) and plan.status == "open"
    assert plan.goal.startswith("Bring every core subject")  # the counted reason's domain
    assert plan.kind == "academic"  # and the plan's kind with it
    call = db.session.scalar(select(Interaction).where(Interaction.student_id == twice.id))
    assert [p.guardian_id for p in call.participants if p.guardian_id] == [informed.id]
    plan, _ = plans[reviewed.id]
    assert (plan.status, plan.outcome) == ("closed", "improved")
    assert plan.opened_on <= plan.review_on - timedelta(weeks=4) < TEST_NOW.date()
