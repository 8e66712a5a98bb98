"""Record and follow up needs; answer, assign and convert families' requests."""

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.auth.models import User
from portal.core.errors import DomainError, Forbidden
from portal.core.models import Visibility
from portal.core.permissions import can_change_need
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db
from portal.interactions.services import check_owner, log_interaction, works_with
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.needs.models import Feedback, FeedbackReply, FeedbackStatus, Need, NeedStatus
from portal.people.changes import (
    add_record,
    announce_update,
    changes_since,
    check_unchanged_since,
    snapshot,
)
from portal.people.models import Guardian, School, Student

NEED_FIELDS = ("kind", "is_family_request", "title", "details", "status", "owner_id", "due_on",
               "visibility")


def record_need(*, student: Student, actor: User, kind: str, title: str,
                details: str | None = None, owner: User | None = None,
                status: str = NeedStatus.OPEN, due_on: date | None = None,
                visibility: str = Visibility.STAFF, is_family_request: bool = False) -> Need:
    """Record a specific need (or a family's request) of a student."""
    check_owner(owner, student, field="owner_id")
    need = Need(student_id=student.id, kind=kind, title=title.strip(), details=details or None,
                owner_id=owner.id if owner else None, status=status, due_on=due_on,
                visibility=visibility, is_family_request=is_family_request,
                created_by_id=actor.id)
    _date_resolution(need)
    add_record(need, actor=actor, object_type="need", student=student,
               fields=NEED_FIELDS)
    return need


def _date_resolution(need: Need) -> None:
    """A need resolved or declined (when made so, or recorded so) has the day it was; an
    open one has none."""
    if need.status not in NeedStatus.ACTIVE and need.resolved_at is None:
        need.resolved_at = utcnow()
    elif need.status in NeedStatus.ACTIVE:
        need.resolved_at = None


def update_need(*, need: Need, student: Student, actor: User, owner: User | None,
                seen: str | None = None, **fields) -> Need:
    """Change a need: its owner, status, due date or notes (owner, author or administrator),
    unless it changed since the form (`seen`) was filled in."""
    if not can_change_need(actor, need):
        raise Forbidden(_("Only the need's owner, its author or an administrator may change it."))
    check_unchanged_since(need, NEED_FIELDS, seen)
    check_owner(owner, student, field="owner_id", kept=need.owner_id)
    before = snapshot(need, NEED_FIELDS)
    for name, value in fields.items():
        setattr(need, name, value)
    need.owner_id = owner.id if owner else None
    _date_resolution(need)
    announce_update(before, need, actor=actor, object_type="need", student=student)
    return need


def _announce_feedback(actor: User, feedback: Feedback, changes: dict) -> None:
    record_changed.send(actor, action="update", object_type="feedback", object_id=feedback.id,
                        student_id=feedback.student_id, school_id=feedback.school_id,
                        changes=changes)


def update_feedback(*, feedback: Feedback, actor: User, assignee: User | None,
                    status: str) -> Feedback:
    """Assign a family's request to a staff member (about a student: one who works with
    them, or they could not open it) and set its status."""
    student = db.session.get(Student, feedback.student_id) if feedback.student_id else None
    if student is not None:
        check_owner(assignee, student, field="assigned_to_id", kept=feedback.assigned_to_id)
    elif assignee is not None and not (assignee.is_staff
                                       and assignee.school_id == feedback.school_id):
        raise DomainError(_("Choose a staff member of this school."), field="assigned_to_id")
    if status not in FeedbackStatus.ALL:
        raise DomainError(_("Choose a status from the list."), field="status")
    before = snapshot(feedback, ("assigned_to_id", "status"))
    feedback.assigned_to_id = assignee.id if assignee else None
    feedback.status = status
    db.session.flush()
    changes = changes_since(before, feedback)
    if changes:
        _announce_feedback(actor, feedback, changes)
    return feedback


def reply_to_feedback(*, feedback: Feedback, actor: User, body: str) -> FeedbackReply:
    """Answer a family's request: in its thread of their inbox, by email in their language,
    and in the student's communication history."""
    reply = FeedbackReply(feedback_id=feedback.id, author_id=actor.id, body=body.strip(),
                          created_at=utcnow())
    db.session.add(reply)
    if feedback.status == "new":
        feedback.status = "answered"
    db.session.flush()
    guardian = db.session.get(Guardian, feedback.guardian_id)
    school = db.session.get(School, feedback.school_id)
    student = db.session.get(Student, feedback.student_id) if feedback.student_id else None
    with force_locale(guardian.preferred_language):
        subject = _("Reply to your request: %(subject)s", subject=feedback.subject)
        text = _("%(school)s replied to your request \"%(subject)s\":\n\n%(body)s",
                 school=school.name, subject=feedback.subject, body=reply.body)
    message = notify_guardian(guardian=guardian, kind=UpdateKind.ANSWER, student=student,
                              sender=actor, subject=subject, body_text=text,
                              thread_id=feedback.message_id)
    if message is not None and feedback.message_id is None:
        feedback.message_id = message.id  # later answers and the family's replies join it
        db.session.flush()
    if student is not None:
        log_interaction(student=student, author=actor, channel="message", outcome="reached",
                        occurred_at=reply.created_at, summary=f"{subject}\n\n{reply.body}",
                        visibility=Visibility.FAMILY)
    _announce_feedback(actor, feedback, {"reply": [None, reply.body]})
    return reply


def convert_feedback_to_need(*, feedback: Feedback, actor: User, kind: str) -> Need:
    """Turn a family's request about a student into a need the staff follow up."""
    if feedback.student_id is None:
        raise DomainError(_("Only a request about a student can become a need."), field="kind")
    if feedback.need_id is not None:
        raise DomainError(_("This request is already a need."), field="kind")
    student = db.session.get(Student, feedback.student_id)
    assignee = db.session.get(User, feedback.assigned_to_id) if feedback.assigned_to_id else None
    # The need's owner: whoever handles the request, if they may see the student, else the one
    # turning it into a need, else nobody yet (a need no one can open has no owner).
    owner = next((user for user in (assignee, actor) if works_with(user, student)), None)
    need = record_need(student=student, actor=actor, kind=kind, title=feedback.subject,
                       details=feedback.body, owner=owner, is_family_request=True,
                       status=NeedStatus.IN_PROGRESS if assignee else NeedStatus.OPEN)
    feedback.need_id = need.id
    if feedback.status == "new":
        feedback.status = "in_progress"
    db.session.flush()
    _announce_feedback(actor, feedback, {"need_id": [None, need.id]})
    return need
