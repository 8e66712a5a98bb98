"""The demo school's counsellors answering its risk flags: plans, progress notes, calls home.

Run after the school's recorded history (`record_past_assessments`): about half the
students newly flagged on its evenings get an intervention from their counsellor a few
school days later, linked to the flag, with a call to the family that day and a progress
note two weeks on. A plan past its review date is closed with the outcome the later
assessments show. The students flagged and not helped are those the intervention analysis
compares the helped with; nothing here makes the helped do better.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.core.models import Visibility
from portal.core.permissions import informed_link_condition
from portal.core.time import to_local, to_utc, today_in
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant, Outcome
from portal.notifications.queries import counsellors_of_each
from portal.outcomes.models import Intervention, InterventionNote, InterventionStatus
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.risk.models import RiskAssessment, RiskLevel

ANSWERED_SHARE = 0.5
ANSWERED_AFTER = (1, 6)  # school days after the flag's evening
REVIEW_AFTER = timedelta(weeks=4)
NOTE_AFTER = timedelta(weeks=2)
SHARED_WITH_FAMILY = 0.3
PLANS = {  # by the flag's main domain: the goal and the actions
    "attendance": ("Attend every school day for the next four weeks.",
                   "Daily check-in with the counsellor; a call home on the first day missed."),
    "courses": ("Bring every core subject back to a passing grade by the review.",
                "Tutoring twice a week; the teachers send a progress note every Friday."),
    "work": ("Hand in every piece of work on time for four weeks.",
             "Planner checked each morning; homework club on Tuesdays and Thursdays."),
    "behaviour": ("No behaviour incident for four weeks.",
                  "Check-in and check-out with a mentor; a behaviour plan agreed with the family."),
}
KINDS = {"attendance": "attendance", "courses": "academic", "work": "academic",
         "behaviour": "behaviour"}  # the plan's kind (portal/risk/forms.py) by the flag's domain
NOTES = ("Two weeks in: keeping to the plan so far.",
         "Two weeks in: a slow start; the family has been reminded of the plan.",
         "Two weeks in: the teachers see some progress.")
CALL_OUTCOMES = (("reached", 70), ("left_message", 30))


def answer_past_flags(school: School, *, seed: int = 2026, share: float = ANSWERED_SHARE) -> int:
    """Open the counsellors' interventions for this share of the school's past flags (a
    student's first answered flag only; none opened today or later); return how many."""
    rng = random.Random(f"{seed}-interventions")
    today = today_in(school.timezone)
    flags = db.session.execute(
        select(RiskAssessment, Student).join(Student, Student.id == RiskAssessment.student_id)
        .where(Student.school_id == school.id, RiskAssessment.is_new_flag.is_(True))
        .order_by(RiskAssessment.computed_at, RiskAssessment.id)).all()
    counsellors = counsellors_of_each(student for _, student in flags)
    answered: set[int] = set()
    for flag, student in flags:
        flagged_on = to_local(flag.computed_at, school.timezone).date()
        opened_on = _school_days_after(flagged_on, rng.randint(*ANSWERED_AFTER))
        if (rng.random() >= share or student.id in answered
                or not counsellors[student.id] or opened_on >= today):
            continue
        answered.add(student.id)
        _open_plan(rng, school, flag, student, counsellors[student.id][0], opened_on, today)
    db.session.flush()
    return len(answered)


def _open_plan(rng: random.Random, school: School, flag: RiskAssessment, student: Student,
               owner, opened_on: date, today: date) -> None:
    """Add the plan answering one flag, its call home, and what became of it by today."""
    flagged_on = to_local(flag.computed_at, school.timezone).date()
    domain = _main_domain(flag.reasons)
    goal, actions = PLANS[domain]
    at = _at(school, opened_on, 10)
    plan = Intervention(
        student_id=student.id, owner_id=owner.id, risk_assessment_id=flag.id, kind=KINDS[domain],
        reason=f"Newly flagged ({flag.level}) on {flagged_on:%B} {flagged_on.day}: "
               + ", ".join(dict.fromkeys(reason["label"] for reason in flag.reasons)) + ".",
        goal=goal, actions=actions, review_on=opened_on + REVIEW_AFTER, opened_on=opened_on,
        visibility=Visibility.FAMILY if rng.random() < SHARED_WITH_FAMILY else Visibility.STAFF,
        created_at=at, updated_at=at)
    db.session.add(plan)
    db.session.flush()
    if opened_on + NOTE_AFTER < today:
        db.session.add(InterventionNote(intervention_id=plan.id, author_id=owner.id,
                                        body=rng.choice(NOTES),
                                        created_at=_at(school, opened_on + NOTE_AFTER, 15)))
    if plan.review_on < today:
        plan.status, plan.closed_on = InterventionStatus.CLOSED, plan.review_on
        plan.outcome = _outcome(flag, student, _at(school, plan.review_on, 8))
    _call_home(rng, school, student, owner, opened_on, goal)


def _main_domain(reasons: list[dict]) -> str:
    """The domain of the flag's weightiest counted reason (the first such, as scored; a
    flag always has one: no level is above "none" without a reason)."""
    return max(reasons, key=lambda reason: (reason["counted"], reason["weight"]))["domain"]


def _outcome(flag: RiskAssessment, student: Student, review: datetime) -> str:
    """Improved, no change or worse: the student's level at the review against the flag's."""
    level = db.session.scalar(
        select(RiskAssessment.level).where(RiskAssessment.student_id == student.id,
                                           RiskAssessment.computed_at <= review)
        .order_by(RiskAssessment.computed_at.desc(), RiskAssessment.id.desc()).limit(1))
    change = RiskLevel.ALL.index(level) - RiskLevel.ALL.index(flag.level)
    return "improved" if change < 0 else "worse" if change > 0 else "no_change"


def _call_home(rng: random.Random, school: School, student: Student, owner, day: date,
               goal: str) -> None:
    """The counsellor's call to a guardian about the new plan, the day it was opened."""
    guardian = db.session.scalar(
        select(Guardian).join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id, informed_link_condition())
        .order_by(StudentGuardian.id).limit(1))
    if guardian is None:
        return
    outcome = rng.choices(*zip(*CALL_OUTCOMES, strict=True))[0]
    occurred_at = _at(school, day, rng.randint(11, 16))
    said = ("Spoke with the family about" if outcome in Outcome.SUCCESSFUL
            else "Left a voicemail about")
    call = Interaction(
        student_id=student.id, author_id=owner.id, channel="phone", outcome=outcome,
        direction="outbound", occurred_at=occurred_at, created_at=occurred_at,
        summary=f"{said} a plan for {student.display_name}: {goal}",
        visibility=Visibility.STAFF)
    call.participants += [InteractionParticipant(user_id=owner.id),
                          InteractionParticipant(guardian_id=guardian.id)]
    db.session.add(call)
    last = guardian.last_successful_contact_at
    if outcome in Outcome.SUCCESSFUL and (last is None or last < occurred_at):
        guardian.last_successful_contact_at = occurred_at


def _school_days_after(day: date, count: int) -> date:
    """The school day `count` weekdays after this day."""
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def _at(school: School, day: date, hour: int) -> datetime:
    """A moment of a school day, in UTC as stored."""
    return to_utc(datetime.combine(day, time(hour)), school.timezone)
