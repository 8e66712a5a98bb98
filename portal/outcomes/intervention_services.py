"""Open an intervention plan for a student, note its progress, close it with an outcome."""

from datetime import date

from flask_babel import gettext as _

from portal.auth.models import User
from portal.core.errors import Conflict, DomainError
from portal.core.models import Visibility
from portal.core.time import utcnow
from portal.extensions import db
from portal.interactions.services import check_owner
from portal.needs.models import Need
from portal.outcomes.models import Intervention, InterventionNote, InterventionStatus
from portal.people.changes import (
    add_record,
    announce_change,
    announce_update,
    changes_since,
    check_unchanged_since,
    snapshot,
)
from portal.people.models import Student
from portal.risk.models import RiskAssessment

PLAN_FIELDS = ("owner_id", "reason", "goal", "actions", "review_on", "need_id",
               "risk_assessment_id", "status", "outcome", "closed_on", "visibility")


def _check_reference(model, record_id: int | None, student: Student, field: str) -> None:
    if record_id is None:
        return
    record = db.session.get(model, record_id)
    if record is None or record.student_id != student.id:
        raise DomainError(_("Choose one of this student's records."), field=field)


def _check_plan(student: Student, owner: User, need_id: int | None,
                risk_assessment_id: int | None, review_on: date | None, today: date,
                plan: Intervention | None = None) -> None:
    """The owner works with the student, the need and flag are the student's own, and a
    new review date is not in the past (what a plan being changed keeps is not asked again)."""
    if owner is None:
        raise DomainError(_("Choose who owns the plan."), field="owner_id")
    check_owner(owner, student, field="owner_id", kept=plan and plan.owner_id)
    _check_reference(Need, need_id, student, "need_id")
    _check_reference(RiskAssessment, risk_assessment_id, student, "risk_assessment_id")
    if review_on is not None and review_on < today:
        raise DomainError(_("The review date cannot be in the past."), field="review_on")


def open_intervention(*, student: Student, actor: User, owner: User, reason: str, goal: str,
                      actions: str | None = None, review_on: date | None = None,
                      need_id: int | None = None, risk_assessment_id: int | None = None,
                      visibility: str = Visibility.STAFF, today: date) -> Intervention:
    """Open a plan for the student: why, the goal, the actions, who owns it, when to review."""
    _check_plan(student, owner, need_id, risk_assessment_id, review_on, today)
    plan = Intervention(student_id=student.id, owner_id=owner.id,
                        reason=reason.strip(), goal=goal.strip(), actions=actions or None,
                        review_on=review_on, need_id=need_id, risk_assessment_id=risk_assessment_id,
                        visibility=visibility, opened_on=today)
    add_record(plan, actor=actor, object_type="intervention", student=student,
               fields=PLAN_FIELDS)
    return plan


def update_intervention(*, plan: Intervention, student: Student, actor: User,
                        owner: User, reason: str, goal: str, actions: str | None,
                        review_on: date | None,
                        need_id: int | None, risk_assessment_id: int | None,
                        visibility: str, today: date, seen: str | None = None) -> Intervention:
    """Change an open plan: why, the goal, the actions, its owner, its review date, what it
    answers and who may read it. A closed plan is history and stays as it was closed; a
    review date may not move into the past (one already past may stay as it is); a plan
    changed since the form (`seen`) was filled in is not overwritten."""
    if plan.status == InterventionStatus.CLOSED:
        raise Conflict(_("This intervention is closed; its plan can no longer be changed."))
    check_unchanged_since(plan, PLAN_FIELDS, seen)
    _check_plan(student, owner, need_id, risk_assessment_id,
                None if review_on == plan.review_on else review_on, today, plan)
    before = snapshot(plan, PLAN_FIELDS)
    plan.owner_id = owner.id
    plan.reason, plan.goal = reason.strip(), goal.strip()
    plan.actions, plan.review_on, plan.visibility = actions or None, review_on, visibility
    plan.need_id, plan.risk_assessment_id = need_id, risk_assessment_id
    announce_update(before, plan, actor=actor, object_type="intervention", student=student)
    return plan


def add_intervention_note(*, plan: Intervention, student: Student, actor: User,
                          body: str) -> InterventionNote:
    """Add a progress note to an open intervention plan (a closed one is history)."""
    if plan.status == InterventionStatus.CLOSED:
        raise Conflict(_("This intervention is closed; no more notes can be added."))
    note = InterventionNote(intervention_id=plan.id, author_id=actor.id, body=body.strip(),
                            created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    announce_change(actor=actor, action="update", object_type="intervention", record=plan,
                    student=student, changes={"note": [None, note.body]})
    return note


def close_intervention(*, plan: Intervention, student: Student, actor: User, outcome: str,
                       today: date) -> Intervention:
    """Close an intervention with its outcome: improved, no change, worse or moved."""
    if plan.status == InterventionStatus.CLOSED:
        raise Conflict(_("This intervention is already closed."))
    if outcome not in InterventionStatus.OUTCOMES:
        raise DomainError(_("Choose an outcome from the list."), field="outcome")
    before = snapshot(plan, PLAN_FIELDS)
    plan.status, plan.outcome, plan.closed_on = InterventionStatus.CLOSED, outcome, today
    db.session.flush()
    announce_change(actor=actor, action="update", object_type="intervention", record=plan,
                    student=student, changes=changes_since(before, plan))
    return plan
