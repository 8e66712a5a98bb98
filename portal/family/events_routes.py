"""Guardian pages for events: RSVP, conference booking, and the personal calendar feed."""

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.fields import IntegerField
from portal.core.locale import show_times_in
from portal.core.navigation import add_nav_item
from portal.core.permissions import get_student_or_404, guardian_required
from portal.core.urls import portal_url
from portal.events import answer_links, conference_queries, conferences, feeds
from portal.events import family_queries as queries
from portal.events.ical import build_calendar
from portal.events.invitations import WAITLISTED, record_rsvp
from portal.events.models import Event
from portal.extensions import db
from portal.family import bp
from portal.family.queries import children_of
from portal.family.web import my_guardian
from portal.people.models import Guardian, School

add_nav_item("family.events", _l("Events"), roles=(Role.GUARDIAN,), order=20)


class RsvpForm(FlaskForm):
    answer = RadioField(_l("Will you come?"), choices=[
        ("yes", _l("Yes")), ("maybe", _l("Maybe")), ("no", _l("No"))],
        validators=[InputRequired()])


class AnswerForm(FlaskForm):
    """The confirmation button of a one-step answer link (its CSRF token)."""


class BookForm(FlaskForm):
    student_id = IntegerField(_l("Child"), validators=[InputRequired()])


class CancelForm(FlaskForm):
    """Which booking the page showed: when it was made (a page older than it cancels nothing)."""

    booked_at = HiddenField()

    def booking_shown(self) -> datetime | None:
        """Return when the booking shown was made (None from a page without it), or answer 400."""
        if not self.booked_at.data:
            return None
        try:
            return datetime.fromisoformat(self.booked_at.data)
        except ValueError:
            abort(400)


@bp.get("/events")
@guardian_required
def events():
    guardian = my_guardian()
    return render_template("family/events_list.html", form=RsvpForm(),
                           rows=queries.family_events(current_user, guardian),
                           has_feed=feeds.has_active_feed(guardian))


@bp.post("/events/invitations/<int:invitation_id>/rsvp")
@guardian_required
def rsvp(invitation_id: int):
    invitation = queries.get_invitation_or_404(current_user, my_guardian(), invitation_id)
    form = RsvpForm()
    if not form.validate_on_submit():
        flash(_("Choose yes, maybe or no."), "error")
        return redirect(url_for("family.events"))
    record_rsvp(invitation=invitation, answer=form.answer.data)
    db.session.commit()
    if invitation.rsvp == WAITLISTED:
        flash(_("The event is full: you are on the waiting list. We will tell you if a place "
                "frees up."), "info")
    else:
        flash(_("Thank you, your answer is saved."), "success")
    return redirect(url_for("family.events"))


@bp.get("/events/answer/<token>")
def answer_by_link(token: str):
    invitation, answer = answer_links.read_answer_link(token)
    event = _shown_in_its_school(invitation)
    return render_template("family/events_answer.html", form=AnswerForm(), answer=answer,
                           event=event, done=False)


def _shown_in_its_school(invitation) -> Event:
    """The invitation's event, its times shown in its school's zone (the page is signed out)."""
    event = db.session.get(Event, invitation.event_id)
    show_times_in(db.session.get(School, event.school_id).timezone)
    return event


@bp.post("/events/answer/<token>")
def answer_by_link_confirmed(token: str):
    invitation, answer = answer_links.read_answer_link(token)
    if not AnswerForm().validate_on_submit():
        abort(400)
    record_rsvp(invitation=invitation, answer=answer)
    db.session.commit()
    return render_template("family/events_answer.html", form=AnswerForm(), done=True,
                           answer=invitation.rsvp, event=_shown_in_its_school(invitation))


def _conference_page(event_id: int, refused: DomainError | None = None) -> str:
    """Render the conference's page: per child, each teacher's booking or free slots, under
    why a booking was refused (the time just taken, or the child's booking already made)."""
    event = queries.get_conference_or_404(current_user, my_guardian(), event_id)
    options = conference_queries.family_conference_options(event, children_of(current_user))
    return render_template("family/events_conference.html", event=event, options=options,
                           form=BookForm(), booking_open=conference_queries.booking_open(event),
                           closes_at=conferences.booking_closes_at(event), refused=refused,
                           taken=isinstance(refused, conferences.SlotTaken))


@bp.get("/conferences/<int:event_id>")
@guardian_required
def conference(event_id: int):
    return _conference_page(event_id)


@bp.post("/conferences/slots/<int:slot_id>/book")
@guardian_required
def book(slot_id: int):
    guardian = my_guardian()
    slot = queries.get_conference_slot_or_404(current_user, guardian, slot_id)
    event_id, form = slot.event_id, BookForm()
    if not form.validate_on_submit():
        abort(400)
    student = get_student_or_404(current_user, form.student_id.data)
    try:
        conferences.book_slot(actor=current_user, slot=slot, student=student, guardian=guardian)
    except (conferences.SlotTaken, conferences.AlreadyBooked) as error:
        db.session.rollback()
        return _conference_page(event_id, refused=error), 409
    db.session.commit()
    flash(_("Booked. A confirmation is on its way by email."), "success")
    return redirect(url_for("family.conference", event_id=slot.event_id))


@bp.post("/conferences/slots/<int:slot_id>/cancel")
@guardian_required
def cancel_booking(slot_id: int):
    slot = queries.get_conference_slot_or_404(current_user, my_guardian(), slot_id)
    event_id = slot.event_id
    try:
        conferences.cancel_booking(actor=current_user, slot=slot,
                                   booked_at=CancelForm().booking_shown())
    except conferences.AlreadyCancelled as error:  # a second press, another tab
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("family.conference", event_id=event_id))
    db.session.commit()
    flash(_("Your booking is cancelled. You can choose another slot."), "success")
    return redirect(url_for("family.conference", event_id=event_id))


@bp.post("/calendar")
@guardian_required
def new_calendar_link():
    token = feeds.create_feed(guardian=my_guardian())
    db.session.commit()
    return render_template("family/events_feed_link.html",
                           feed_url=portal_url("family.calendar_feed", token=token))


@bp.post("/calendar/revoke")
@guardian_required
def revoke_calendar_link():
    feeds.revoke_feeds(guardian=my_guardian())
    db.session.commit()
    flash(_("Your calendar link is switched off."), "success")
    return redirect(url_for("family.events"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    feed = feeds.find_feed(token)
    guardian = db.session.get(Guardian, feed.guardian_id) if feed else None
    if guardian is None or guardian.user is None or not guardian.user.is_active:
        return render_template("family/events_feed_invalid.html", status=404), 404
    if feed.revoked_at is not None:
        return render_template("family/events_feed_invalid.html", status=410), 410
    events, slots = queries.feed_contents(guardian.user, guardian)
    school = db.session.get(School, guardian.school_id)
    text = build_calendar(name=school.name, timezone=school.timezone, events=events, slots=slots)
    return Response(text, mimetype="text/calendar")
