"""Turn the features' changes into staff notifications, in the same transaction."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.core.codes import word_of
from portal.core.jobs import add_periodic_job
from portal.core.permissions import guardian_for
from portal.core.signals import account_event, record_changed, students_flagged
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.needs.models import Feedback, FeedbackReply, Need
from portal.needs.queries import request_of_thread
from portal.notifications import queries
from portal.notifications.digest import run_daily_summaries
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.push import forget_devices
from portal.notifications.services import Notice, local_path, notify_each, notify_users
from portal.notifications.watch import run_escalations, run_follow_ups_due
from portal.outcomes.models import Intervention
from portal.people.models import Guardian, Student


def _student(student_id: int | None) -> Student | None:
    return db.session.get(Student, student_id) if student_id else None


def _notify_new_assignee(actor, changes: dict, field: str, *, object_type: str, record,
                         student_id: int | None, title, link: str) -> None:
    old, new = (changes or {}).get(field, [None, None])
    if new and new != old:
        notify_users(users=queries.staff_by_ids(new), kind=Kind.ASSIGNED, actor=actor,
                     student_id=student_id, object_type=object_type, object_id=record.id,
                     title=title, link=link)


def _on_family_message(actor, interaction: Interaction, student: Student) -> None:
    reply = db.session.get(Message, interaction.message_id)
    guardian = db.session.get(Guardian, reply.guardian_id)
    thread = db.session.get(Message, reply.thread_id) if reply.thread_id else reply
    if request_of_thread(thread.id) is None:  # a request's staff are told of replies to it
        notify_users(users=queries.teachers_and_counsellors_of(student)
                     + queries.staff_by_ids(thread.sender_user_id),
                     kind=Kind.FAMILY_REPLY, actor=actor, student_id=student.id,
                     title=_l("%(guardian)s replied: %(subject)s",
                                guardian=guardian.display_name, subject=reply.subject),
                     link=local_path("messaging.thread", message_id=thread.id),
                     object_type="message", object_id=reply.id)


def _on_interaction(actor, action, interaction: Interaction, changes) -> None:
    student = _student(interaction.student_id)
    if action == "create" and interaction.message_id and interaction.direction == "inbound":
        _on_family_message(actor, interaction, student)
    _notify_new_assignee(actor, changes, "follow_up_owner_id", object_type="interaction",
                         record=interaction, student_id=student.id,
                         title=_l("Follow-up for you: %(name)s", name=student.display_name),
                         link=local_path("students.profile", student_id=student.id))


def _on_need(actor, action, need: Need, changes) -> None:
    _notify_new_assignee(actor, changes, "owner_id", object_type="need", record=need,
                         student_id=need.student_id,
                         title=_l("Need assigned to you: %(title)s", title=need.title),
                         link=local_path("needs.edit_need", need_id=need.id))


def _on_intervention(actor, action, plan: Intervention, changes) -> None:
    _notify_new_assignee(actor, changes, "owner_id", object_type="intervention", record=plan,
                         student_id=plan.student_id,
                         title=_l("Intervention for you: %(name)s",
                                  name=_student(plan.student_id).display_name),
                         link=local_path("outcomes.intervention", intervention_id=plan.id))


def _on_feedback(actor, action, feedback: Feedback, changes) -> None:
    link = local_path("needs.request_detail", feedback_id=feedback.id)
    if action == "create":
        student = _student(feedback.student_id)
        users = (queries.teachers_and_counsellors_of(student) if student
                 else queries.administrators_of(feedback.school_id))
        notify_users(users=users, kind=Kind.FAMILY_REQUEST, actor=actor, link=link,
                     student_id=feedback.student_id, object_type="feedback",
                     object_id=feedback.id,
                     title=_l("New %(kind)s from a family: %(subject)s",
                                kind=word_of(feedback.kind), subject=feedback.subject))
    _notify_new_assignee(actor, changes, "assigned_to_id", object_type="feedback",
                         record=feedback, student_id=feedback.student_id, link=link,
                         title=_l("Request assigned to you: %(subject)s",
                                  subject=feedback.subject))


def _on_feedback_reply(actor, action, reply: FeedbackReply, changes) -> None:
    feedback = db.session.get(Feedback, reply.feedback_id)
    if action != "create" or actor is None or not actor.is_guardian:
        return
    student = _student(feedback.student_id)
    users = queries.staff_by_ids(feedback.assigned_to_id) or (
        queries.teachers_and_counsellors_of(student) if student
        else queries.administrators_of(feedback.school_id))
    notify_users(users=users, kind=Kind.FAMILY_REPLY, actor=actor,
                 student_id=feedback.student_id, object_type="feedback_reply",
                 object_id=reply.id,
                 link=local_path("needs.request_detail", feedback_id=feedback.id),
                 title=_l("The family replied: %(subject)s", subject=feedback.subject))


def _on_rsvp(actor, action, invitation: EventInvitation, changes) -> None:
    event = db.session.get(Event, invitation.event_id)
    guardian = db.session.get(Guardian, invitation.guardian_id)
    notify_users(users=queries.staff_by_ids(event.created_by_id), kind=Kind.RSVP_CHANGE,
                 actor=actor, student_id=invitation.student_id, object_type="event_rsvp",
                 object_id=invitation.id, link=local_path("events.detail", event_id=event.id),
                 title=_l("%(guardian)s answered %(answer)s: %(event)s",
                         guardian=guardian.display_name, answer=word_of(invitation.rsvp),
                         event=event.title))


_HANDLERS = {"interaction": (Interaction, _on_interaction), "need": (Need, _on_need),
             "intervention": (Intervention, _on_intervention),
             "feedback": (Feedback, _on_feedback),
             "feedback_reply": (FeedbackReply, _on_feedback_reply),
             "event_rsvp": (EventInvitation, _on_rsvp)}


def on_record_changed(actor, *, action: str, object_type: str, object_id: int | None,
                      changes: dict | None = None, **extra) -> None:
    """Notify the staff a created or changed record concerns."""
    if object_type not in _HANDLERS or object_id is None or action == "delete":
        return
    model, handler = _HANDLERS[object_type]
    record = db.session.get(model, object_id)
    if record is not None:
        handler(actor, action, record, changes or {})


def on_students_flagged(sender, *, assessments=(), **extra) -> None:
    """Notify the caseload counsellors of each newly flagged student (a night's students,
    their counsellors and what each may see are read once for all its new flags)."""
    students = queries.students_by_id(assessment.student_id for assessment in assessments)
    counsellors = queries.counsellors_of_each(students.values())
    link = local_path("risk.flags")
    notify_each(Kind.RISK_FLAG, [Notice(
        users=counsellors[assessment.student_id], student_id=assessment.student_id,
        object_type="risk_assessment", object_id=assessment.id, link=link,
        title=_l("%(name)s is newly flagged at risk (%(level)s)",
                 name=students[assessment.student_id].display_name,
                 level=word_of(assessment.level))) for assessment in assessments])


# Each ends every session of the account, on every device (portal/auth/services.py).
SIGNED_OUT_EVERYWHERE = {"logout", "password_reset", "activated"}


def on_account_event(user, *, action: str, **details) -> None:
    """A family signed out everywhere stops getting push notifications on every device: a
    phone left signed out, lost or handed on must not keep showing news of the children.
    The device turns them on again once someone signs in and asks for them."""
    guardian = guardian_for(user) if action in SIGNED_OUT_EVERYWHERE and user else None
    if guardian is not None:
        forget_devices(guardian)


def connect() -> None:
    """Listen to the signals and register the periodic jobs."""
    record_changed.connect(on_record_changed)
    account_event.connect(on_account_event)
    students_flagged.connect(on_students_flagged)
    add_periodic_job("notifications-follow-ups-due", run_follow_ups_due, every=timedelta(hours=1))
    add_periodic_job("notifications-escalations", run_escalations, every=timedelta(hours=1))
    add_periodic_job("notifications-daily-summary", run_daily_summaries,
                     every=timedelta(hours=1))
