"""A guardian's portal inbox: opening a message, replying to the school."""

from flask import abort
from sqlalchemy import select

from portal.auth.models import User
from portal.core.models import Visibility
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import Message
from portal.messaging.services import notify_staff
from portal.people.models import Guardian, Student


def get_thread_or_404(guardian: Guardian, message_id: int) -> Message:
    """Load the first message of one of this guardian's threads, or answer 404."""
    message = db.session.scalar(select(Message).where(
        Message.id == message_id, Message.guardian_id == guardian.id,
        Message.thread_id.is_(None), Message.created_at <= utcnow()))
    if message is None:
        abort(404)
    return message


def open_message(*, guardian: Guardian, message: Message) -> None:
    """Record that the guardian read this message (the first time only)."""
    if message.guardian_id == guardian.id and message.read_at is None and not message.from_family:
        message.read_at = utcnow()
        db.session.flush()


def reply_to_message(*, guardian: Guardian, author: User, thread: Message, body: str,
                     student: Student) -> Message:
    """Save the guardian's reply in the thread and in the student's communication history."""
    subject = thread.subject
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    reply = Message(guardian_id=guardian.id, student_id=student.id, thread_id=thread.id,
                    from_family=True, kind=thread.kind, language=guardian.preferred_language,
                    subject=subject[:300], body_text=body, campaign_id=thread.campaign_id,
                    read_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    interaction = Interaction(student_id=student.id, author_id=author.id, channel="message",
                              direction="inbound", occurred_at=reply.created_at,
                              summary=f"{subject}\n\n{body}", visibility=Visibility.FAMILY,
                              message_id=reply.id, outcome="replied")
    db.session.add(interaction)
    db.session.flush()
    record_changed.send(author, action="create", object_type="interaction",
                        object_id=interaction.id, student_id=student.id,
                        school_id=student.school_id,
                        changes={"channel": [None, "message"], "direction": [None, "inbound"]})
    if thread.sender_user_id:
        sender = db.session.get(User, thread.sender_user_id)
        notify_staff(user=sender, subject=f"{guardian.display_name}: {subject}",
                     body_text=f"{guardian.display_name} ({student.display_name}):\n\n{body}")
    return reply
