"""Invitations: one per guardian per event, RSVP answers and reminders."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.events.answer_links import answer_links_text
from portal.events.audience import informable_links
from portal.events.models import Event, EventInvitation
from portal.events.notices import when_text
from portal.extensions import db
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.people.models import Guardian, School, Student

RSVP_ANSWERS = ("yes", "no", "maybe")
# A yes to a full event: not counted as coming, never reminded to answer, moved up in order.
WAITLISTED = "waitlisted"


def invite_audience(*, event: Event, actor: User, notify: bool = True) -> list[EventInvitation]:
    """Invite each guardian of the audience once (even with several children), if allowed."""
    already = set(db.session.scalars(select(EventInvitation.guardian_id).where(
        EventInvitation.event_id == event.id)))
    first_child: dict[int, int] = {}
    for link in informable_links(event):
        first_child.setdefault(link.guardian_id, link.student_id)
    now, added = utcnow(), []
    for guardian_id, student_id in first_child.items():
        if guardian_id in already:
            continue
        invitation = EventInvitation(event_id=event.id, guardian_id=guardian_id,
                                     student_id=student_id, invited_at=now)
        db.session.add(invitation)
        added.append(invitation)
    db.session.flush()
    if notify:
        for invitation in added:
            _send(invitation, event, actor, reminder=False)
    return added


def _send(invitation: EventInvitation, event: Event, actor: User, *, reminder: bool) -> bool:
    guardian = db.session.get(Guardian, invitation.guardian_id)
    school = db.session.get(School, event.school_id)
    with force_locale(guardian.preferred_language):
        when = when_text(event.starts_at, school=school, language=guardian.preferred_language)
        subject = (_("Reminder: please answer — %(title)s", title=event.title) if reminder
                   else _("Invitation: %(title)s", title=event.title))
        body = _("%(title)s, %(when)s, %(place)s.", title=event.title, when=when,
                 place=event.location or "")
        if event.asks_for_answers:
            body += "\n\n" + _("Please tell us in the portal whether you will come.")
            body += "\n\n" + answer_links_text(invitation)
    return notify_guardian(
        guardian=guardian, kind=UpdateKind.EVENTS, subject=subject, body_text=body, sender=actor,
        student=db.session.get(Student, invitation.student_id) if invitation.student_id else None,
    ) is not None


def record_rsvp(*, invitation: EventInvitation, answer: str) -> EventInvitation:
    """Record a guardian's answer (yes, no, maybe); a yes to a full event joins the waiting list.

    A family leaving a place (any answer but yes) moves the first one waiting up.
    """
    event = db.session.get(Event, invitation.event_id)
    if answer not in RSVP_ANSWERS:
        raise DomainError(_("Choose yes, no or maybe."), field="answer")
    if event.status == "cancelled" or event.starts_at <= utcnow():
        raise DomainError(_("This event is cancelled or already over."))
    if not event.asks_for_answers:
        raise DomainError(_("This event does not ask for answers."))
    if answer == "yes" and invitation.rsvp in ("yes", WAITLISTED):
        return invitation  # same answer: keep the place (or the place in the queue)
    if event.capacity is not None:  # two answers at once count the places one after the other
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    gave_up_place = invitation.rsvp == "yes"
    if answer == "yes" and _is_full(event):
        answer = WAITLISTED
    previous = invitation.rsvp
    invitation.rsvp, invitation.rsvp_at = answer, utcnow()
    db.session.flush()
    if previous != answer:
        record_changed.send(None, action="update", object_type="event_rsvp",
                            object_id=invitation.id, student_id=invitation.student_id,
                            school_id=event.school_id, changes={"rsvp": [previous, answer]})
    if gave_up_place:
        promote_waitlisted(event=event)
    return invitation


def _is_full(event: Event) -> bool:
    if event.capacity is None:
        return False
    taken = db.session.scalar(select(func.count()).select_from(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.rsvp == "yes"))
    return taken >= event.capacity


def promote_waitlisted(*, event: Event) -> list[EventInvitation]:
    """Give freed places to the families waiting longest, and tell them; return them."""
    promoted = []
    while not _is_full(event):
        invitation = db.session.scalars(select(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.rsvp == WAITLISTED)
            .order_by(EventInvitation.rsvp_at, EventInvitation.id).limit(1)).first()
        if invitation is None:
            break
        invitation.rsvp = "yes"
        db.session.flush()
        _tell_promoted(invitation, event)
        promoted.append(invitation)
    return promoted


def _tell_promoted(invitation: EventInvitation, event: Event) -> None:
    guardian = db.session.get(Guardian, invitation.guardian_id)
    school = db.session.get(School, event.school_id)
    with force_locale(guardian.preferred_language):
        when = when_text(event.starts_at, school=school, language=guardian.preferred_language)
        subject = _("A place is free: you are registered for %(title)s", title=event.title)
        body = _("You were on the waiting list for %(title)s, %(when)s. A place is now free and "
                 "it is yours. If you cannot come, please answer no in the portal.",
                 title=event.title, when=when)
    notify_guardian(
        guardian=guardian, kind=UpdateKind.EVENTS, subject=subject, body_text=body,
        student=db.session.get(Student, invitation.student_id) if invitation.student_id else None,
        always_send=True, their_own=True)


def remind_non_responders(*, actor: User, event: Event) -> int:
    """Send a reminder to every invited guardian who has not answered (and may still be told);
    return how many were sent."""
    if event.booked_by_slot:
        raise DomainError(_("Families book a conference by slot and are not asked to answer: "
                            "there is no answer to remind them of. The conference page lists "
                            "the families who have not booked."))
    if not event.asks_for_answers or event.status == "cancelled":
        raise DomainError(_("This event does not ask for answers."))
    waiting = db.session.scalars(select(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.rsvp.is_(None))).all()
    now, sent = utcnow(), 0
    for invitation in waiting:
        if _send(invitation, event, actor, reminder=True):
            invitation.reminded_at = now
            sent += 1
    db.session.flush()
    return sent
