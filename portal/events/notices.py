"""What families are told about events and conferences, in their language and the school's zone."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.formats import format_moment, locale_of
from portal.events.ical import build_booking
from portal.events.models import ConferenceSlot, Event, EventInvitation
from portal.extensions import db
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.people.models import Guardian, School, Student


def when_text(moment, *, school: School, language: str) -> str:
    """Return a moment as a family reads it: in the school's zone and their language."""
    return format_moment(moment, school.timezone, locale_of(language))


def tell_invited(event: Event, *, sender: User, subject, body) -> int:
    """Tell every invited guardian; subject and body are callables of (event, when)."""
    school = db.session.get(School, event.school_id)
    told = 0
    for invitation in db.session.scalars(
            select(EventInvitation).where(EventInvitation.event_id == event.id)).all():
        guardian = db.session.get(Guardian, invitation.guardian_id)
        with force_locale(guardian.preferred_language):
            when = when_text(event.starts_at, school=school, language=guardian.preferred_language)
            told += notify_guardian(guardian=guardian, kind=UpdateKind.EVENTS, sender=sender,
                                    subject=subject(event, when), body_text=body(event, when),
                                    student=db.session.get(Student, invitation.student_id)
                                    if invitation.student_id else None,
                                    always_send=True) is not None
    return told


def tell_about_slot(slot: ConferenceSlot, *, guardian: Guardian, sender: User | None,
                    what: str, replaced: dict | None = None) -> None:
    """Tell a guardian their conference slot was booked, moved or cancelled, with its .ics
    (call it before a cancelled booking is freed: the cancellation names the booking); a
    moved booking's email also takes the old time out of their calendar (`replaced`). A
    booking released (the child left or was erased, the guardian's link to them ended or the
    guardian left) is cancelled naming no child."""
    event = db.session.get(Event, slot.event_id)
    school = db.session.get(School, event.school_id)
    staff = db.session.get(User, slot.staff_id)
    released = what in ("released", "unlinked")
    student = db.session.get(Student, slot.student_id) if slot.student_id and not released \
        else None
    with force_locale(guardian.preferred_language):
        when = when_text(slot.starts_at, school=school, language=guardian.preferred_language)
        names = {"event": event.title, "staff": staff.full_name, "when": when,
                 "child": student.display_name if student else ""}
        subjects = {
            "booked": _("Conference booked: %(when)s with %(staff)s", **names),
            "moved": _("Conference moved to %(when)s with %(staff)s", **names),
            "cancelled": _("Conference cancelled: %(when)s with %(staff)s", **names),
        }
        subjects["released"] = subjects["unlinked"] = subjects["cancelled"]
        bodies = {
            "released": _("%(event)s: the booking is released, as the child is no longer at "
                          "the school.", **names),
            "unlinked": _("%(event)s: the booking is released, as the school no longer lists "
                          "you as this child's guardian.", **names),
        }
        body = subjects[what] + "\n\n" + bodies.get(what, _("%(event)s, about %(child)s.",
                                                          **names))
        if slot.location:
            body += "\n" + _("Where: %(place)s", place=slot.location)
    files = [calendar_file(slot, cancelled=what == "cancelled" or released),
             *([replaced] if replaced else [])]
    notify_guardian(guardian=guardian, kind=UpdateKind.EVENTS, subject=subjects[what],
                    body_text=body, student=student, sender=sender, attachments=files,
                    always_send=True, their_own=True, even_if_inactive=released)


def calendar_file(slot: ConferenceSlot, *, cancelled: bool = False) -> dict:
    """Return a booking's .ics attachment: to add it to the family's calendar, or (the same
    UID, made before the slot is freed) to take it out."""
    event = db.session.get(Event, slot.event_id)
    timezone = db.session.get(School, event.school_id).timezone
    method = "CANCEL" if cancelled else "REQUEST"  # the part's method says the file's METHOD
    return {"filename": "conference-cancelled.ics" if cancelled else "conference.ics",
            "content_type": f"text/calendar; method={method}",
            "text": build_booking(slot=slot, timezone=timezone, cancelled=cancelled)}
