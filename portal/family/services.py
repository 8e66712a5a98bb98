"""Family use cases: invite a guardian, requests and feedback, preferences and consents."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import Role, User
from portal.auth.services import find_user_by_email, invite_user
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.permissions import can_see_student, visible_students
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db
from portal.family.choices import CHANNELS, CONSENT_PURPOSES, FEEDBACK_KINDS
from portal.messaging.inbox import reply_to_message
from portal.messaging.models import Message
from portal.needs.models import Feedback, FeedbackReply
from portal.people.models import Consent, Guardian, Student


def invite_guardian(*, guardian: Guardian, actor: User) -> User:
    """Create (or reuse) the guardian's portal account and email an invitation to it."""
    if not guardian.email or guardian.email_invalid:
        raise DomainError(_("%(name)s has no working email address to invite.",
                            name=guardian.display_name), field="email")
    existing = guardian.user or find_user_by_email(guardian.email)
    if existing is not None and (existing.role != Role.GUARDIAN or existing.password_hash):
        raise Conflict(_("%(name)s already has a portal account.", name=guardian.display_name))
    user = invite_user(email=guardian.email, full_name=guardian.display_name,
                       role=Role.GUARDIAN, school_id=None, actor=actor,
                       language=guardian.preferred_language)
    guardian.user_id = user.id
    db.session.flush()
    return user


def submit_feedback(*, guardian: Guardian, author: User, student_id: int | None, kind: str,
                    subject: str, body: str) -> Feedback:
    """Record a guardian's request, question, complaint or compliment for staff to handle."""
    if kind not in FEEDBACK_KINDS:
        raise DomainError(_("Choose what kind of message this is."), field="kind")
    if student_id and not can_see_student(author, student_id):
        raise DomainError(_("You can only write about your own children. Choose one of them "
                            "or the school in general."), field="student_id")
    feedback = Feedback(school_id=guardian.school_id, guardian_id=guardian.id,
                        student_id=student_id or None, kind=kind, subject=subject.strip(),
                        body=body.strip(), status="new")
    db.session.add(feedback)
    db.session.flush()
    record_changed.send(author, action="create", object_type="feedback", object_id=feedback.id,
                        student_id=feedback.student_id, school_id=feedback.school_id)
    return feedback


def reply_to_feedback(*, feedback: Feedback, author: User, body: str) -> FeedbackReply:
    """Add the guardian's reply to their request (and to its inbox thread and the student's
    history once the school answered); an answered request opens again."""
    if feedback.status == "closed":
        raise DomainError(_("This request is closed. Send a new one instead."))
    if feedback.student_id:
        _named_child(author, feedback.student_id)
    reply = FeedbackReply(feedback_id=feedback.id, author_id=author.id, body=body.strip(),
                          created_at=utcnow())
    db.session.add(reply)
    if feedback.status == "answered":
        feedback.status = "in_progress"
    db.session.flush()
    record_changed.send(author, action="create", object_type="feedback_reply",
                        object_id=reply.id, student_id=feedback.student_id,
                        school_id=feedback.school_id)
    if feedback.message_id is not None:
        student = db.session.get(Student, feedback.student_id) if feedback.student_id else None
        reply_to_message(guardian=db.session.get(Guardian, feedback.guardian_id), author=author,
                         thread=db.session.get(Message, feedback.message_id), body=reply.body,
                         student=student)
    return reply


def reply_in_thread(*, guardian: Guardian, author: User, thread: Message,
                    feedback: Feedback | None, body: str, chosen_child_id: int | None):
    """Save a guardian's reply in their inbox thread: to its request, or about the child it
    names (the thread's, else the one chosen; none: the school in general). A child they may
    no longer see (the link ended, the child left or was erased) is refused, nothing saved."""
    student = child_of_reply(author=author, thread=thread, feedback=feedback,
                             chosen_child_id=chosen_child_id)
    if feedback is not None:  # the thread of a request: the reply joins the request
        return reply_to_feedback(feedback=feedback, author=author, body=body)
    return reply_to_message(guardian=guardian, author=author, thread=thread, body=body,
                            student=student)


def child_of_reply(*, author: User, thread: Message, feedback: Feedback | None,
                   chosen_child_id: int | None) -> Student | None:
    """Return the child a reply in the thread is about, or None for the school in general;
    refuse (403) a child the guardian may not write about, whoever's: the same words for any
    id."""
    named = thread.student_id or (feedback.student_id if feedback is not None else None)
    if named:
        return _named_child(author, named)
    if not chosen_child_id:
        return None
    return _visible_child(author, chosen_child_id, Forbidden(
        _("You can no longer write about this child. Choose another child, or the school in "
          "general."), field="student_id"))


def _named_child(author: User, student_id: int) -> Student:
    """Return the child a message or request names, or refuse (403) one the guardian may no
    longer see: their words stay theirs, but are no longer answered about that child."""
    return _visible_child(author, student_id, Forbidden(
        _("This message is about a child you can no longer see, so it can no longer be "
          "answered about them. You can still write to the school in general with a new "
          "request.")))


def _visible_child(author: User, student_id: int, refusal: Forbidden) -> Student:
    """Return the child if the guardian may see them now, else raise the refusal."""
    student = db.session.scalar(visible_students(author).where(Student.id == student_id))
    if student is None:
        raise refusal
    return student


def update_preferences(*, guardian: Guardian, user: User, language: str,
                       channel: str) -> Guardian:
    """Save the guardian's language (portal and emails) and the channel they prefer."""
    if language not in current_app.config["PORTAL_LANGUAGES"]:
        raise DomainError(_("Choose one of the languages offered."), field="preferred_language")
    if channel not in CHANNELS:
        raise DomainError(_("Choose one of the ways offered."), field="preferred_channel")
    changes = {name: [getattr(guardian, name), value] for name, value in
               (("preferred_language", language), ("preferred_channel", channel))
               if getattr(guardian, name) != value}
    guardian.preferred_language = user.preferred_language = language
    guardian.preferred_channel = channel
    db.session.flush()
    if changes:
        record_changed.send(user, action="update", object_type="guardian", object_id=guardian.id,
                            school_id=guardian.school_id, changes=changes)
    return guardian


def record_consent(*, guardian: Guardian, purpose: str, granted: bool,
                   actor: User) -> Consent | None:
    """Add a consent (or its withdrawal) to the guardian's history; earlier rows stay.

    An answer the same as the current one records nothing and returns None: a second press
    (a double click, another tab) does not write the history twice.
    """
    if purpose not in CONSENT_PURPOSES:
        raise DomainError(_("Unknown consent."), field="purpose")
    # the guardian's row locked: two presses at once answer one after the other
    db.session.execute(select(Guardian.id).where(Guardian.id == guardian.id).with_for_update())
    current = db.session.scalars(
        select(Consent).where(Consent.guardian_id == guardian.id, Consent.purpose == purpose)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc()).limit(1)).first()
    if current is not None and current.granted == granted:
        return None
    consent = Consent(guardian_id=guardian.id, purpose=purpose, granted=granted,
                      recorded_at=utcnow(), recorded_by_id=actor.id)
    db.session.add(consent)
    db.session.flush()
    record_changed.send(actor, action="create", object_type="consent", object_id=consent.id,
                        school_id=guardian.school_id,
                        changes={"purpose": [None, purpose], "granted": [None, granted]})
    return consent
