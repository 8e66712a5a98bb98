"""A guardian's portal inbox: opening a message, replying to the school."""

from flask import abort
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.models import Visibility
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message, UpdateKind
from portal.messaging.services import notify_guardian
from portal.people.models import Guardian, School, Student


def get_thread_or_404(guardian: Guardian, message_id: int) -> Message:
    """Load the first message of one of this guardian's threads, or answer 404."""
    message = db.session.scalar(select(Message).where(
        Message.id == message_id, Message.guardian_id == guardian.id,
        Message.thread_id.is_(None), Message.created_at <= utcnow()))
    if message is None:
        abort(404)
    return message


def open_message(*, guardian: Guardian, message: Message) -> None:
    """Record that the guardian read this thread: the message and the school's answers in it."""
    if message.guardian_id != guardian.id:
        return
    unread = db.session.scalars(select(Message).where(
        (Message.id == message.id) | (Message.thread_id == message.id),
        Message.read_at.is_(None), Message.from_family.is_(False)))
    for school_message in unread:
        school_message.read_at = utcnow()
    db.session.flush()


def _record_in_history(message: Message, *, author: User, student: Student, direction: str,
                       outcome: str, summary: str) -> Interaction:
    interaction = Interaction(student_id=student.id, author_id=author.id, channel="message",
                              direction=direction, occurred_at=message.created_at,
                              summary=summary, visibility=Visibility.FAMILY,
                              message_id=message.id, outcome=outcome)
    db.session.add(interaction)
    db.session.flush()
    record_changed.send(author, action="create", object_type="interaction",
                        object_id=interaction.id, student_id=student.id,
                        school_id=student.school_id,
                        changes={"channel": [None, "message"], "direction": [None, direction]})
    return interaction


def reply_to_message(*, guardian: Guardian, author: User, thread: Message, body: str,
                     student: Student | None) -> Message:
    """Save the guardian's reply in the thread and in the student's communication history."""
    subject = thread.subject
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    reply = Message(guardian_id=guardian.id, student_id=student.id if student else None,
                    thread_id=thread.id,
                    from_family=True, kind=thread.kind, language=guardian.preferred_language,
                    subject=subject[:300], body_text=body, campaign_id=thread.campaign_id,
                    read_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    if student is not None:
        _record_in_history(reply, author=author, student=student, direction="inbound",
                           outcome="replied", summary=f"{subject}\n\n{body}")
    return reply


def thread_student_id(thread: Message) -> int | None:
    """Return the student a thread is about: its own, or that of its first reply."""
    if thread.student_id:
        return thread.student_id
    return db.session.scalar(select(Message.student_id).where(
        Message.thread_id == thread.id, Message.student_id.is_not(None))
        .order_by(Message.id).limit(1))


def answer_family(*, thread: Message, actor: User, student: Student, body: str) -> Message:
    """Answer a guardian in their thread: inbox message, email in their language, history."""
    guardian = db.session.get(Guardian, thread.guardian_id)
    school = db.session.get(School, guardian.school_id)
    with force_locale(guardian.preferred_language):
        subject = _("Re: %(subject)s", subject=thread.subject.removeprefix("Re: "))
        text = _("%(staff)s (%(school)s) answered you:\n\n%(body)s\n\nYou can reply in the "
                 "portal: %(link)s", staff=actor.full_name, school=school.name,
                 body=body.strip(), link=portal_url("family.inbox_message", message_id=thread.id))
    answer = notify_guardian(guardian=guardian, kind=UpdateKind.ANSWER, subject=subject[:300],
                             body_text=text, student=student, sender=actor, thread_id=thread.id)
    if answer is None:
        raise DomainError(_("This guardian may no longer be told about this student."))
    _record_in_history(answer, author=actor, student=student, direction="outbound",
                       outcome="reached", summary=f"{subject}\n\n{body.strip()}")
    return answer
