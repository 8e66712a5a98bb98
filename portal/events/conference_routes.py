"""Staff conference pages: publish slots, my schedule, book for a family, block, move, mark."""

from datetime import date

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import DomainError
from portal.core.fields import sane_year
from portal.core.once import sent_once
from portal.core.permissions import (
    can_manage_school,
    get_guardian_or_404,
    get_student_or_404,
    staff_required,
)
from portal.events import bp, conference_queries, conferences, queries
from portal.events.forms import (
    BookOnBehalfForm,
    MoveForm,
    OutcomeForm,
    SlotPlanForm,
)
from portal.events.models import ConferenceSlot, Event
from portal.events.routes import saved
from portal.extensions import db
from portal.people.saving import attach_error


def _days(text: str) -> list[date]:
    try:
        days = sorted({date.fromisoformat(part) for part in text.replace(" ", "").split(",")
                       if part})
    except ValueError:
        raise DomainError(_("Write the days as YYYY-MM-DD, separated by commas."),
                          field="days") from None
    if not all(sane_year(day.year) for day in days):
        raise DomainError(_("Enter a date between the years 1900 and 2200."), field="days")
    return days


def _page(event: Event, form: SlotPlanForm, status: int = 200):
    return render_template(
        "events/conference.html", event=event, form=form,
        schedule=conference_queries.staff_schedule(current_user, event),
        not_booked=conference_queries.families_not_booked(current_user, event),
    ), status


@bp.route("/<int:event_id>/conference", methods=["GET", "POST"])
@staff_required
@sent_once
def conference(event_id: int):
    event = queries.get_event_or_404(current_user, event_id)
    form = SlotPlanForm()
    if not form.validate_on_submit():
        return _page(event, form, 400 if form.errors else 200)
    try:
        plan = conferences.SlotPlan(
            days=_days(form.days.data), day_starts=form.day_starts.data,
            day_ends=form.day_ends.data, length_minutes=form.length_minutes.data,
            break_minutes=form.break_minutes.data, mode=form.mode.data,
            location=form.location.data or None)
        slots = conferences.publish_slots(actor=current_user, event=event, plan=plan)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _page(event, form, 400)
    return saved(_("%(count)s slots are published.", count=len(slots)), "events.conference",
                 event_id=event.id)


def _my_slot_or_404(slot_id: int) -> ConferenceSlot:
    slot = db.session.get(ConferenceSlot, slot_id)
    if slot is None:
        abort(404)
    event = db.session.get(Event, slot.event_id)
    if slot.staff_id != current_user.id and not can_manage_school(current_user, event.school_id):
        abort(404)
    return slot


def _done(slot: ConferenceSlot, message: str):
    return saved(message, "events.conference", event_id=slot.event_id)


@bp.post("/<int:event_id>/book")
@staff_required
def book_for_family(event_id: int):
    form = BookOnBehalfForm()
    if not form.validate_on_submit():
        abort(400)
    slot = _my_slot_or_404(form.slot_id.data)
    if slot.event_id != event_id:
        abort(404)
    student = get_student_or_404(current_user, form.student_id.data)
    guardian = get_guardian_or_404(current_user, form.guardian_id.data)
    conferences.book_slot(actor=current_user, slot=slot, student=student, guardian=guardian)
    return _done(slot, _("The slot is booked and the family is told."))


@bp.post("/slots/<int:slot_id>/block")
@staff_required
def block(slot_id: int):
    slot = conferences.block_slot(actor=current_user, slot=_my_slot_or_404(slot_id))
    return _done(slot, _("The slot is blocked."))


@bp.post("/slots/<int:slot_id>/reopen")
@staff_required
def reopen(slot_id: int):
    slot = conferences.reopen_slot(actor=current_user, slot=_my_slot_or_404(slot_id))
    return _done(slot, _("The slot is open again."))


@bp.post("/slots/<int:slot_id>/move")
@staff_required
def move(slot_id: int):
    slot = _my_slot_or_404(slot_id)
    target = _my_slot_or_404(MoveForm().to_slot_id.data or 0)
    moved = conferences.move_booking(actor=current_user, slot=slot, to_slot=target)
    return _done(moved, _("The booking is moved and the family is told."))


@bp.post("/slots/<int:slot_id>/mark")
@staff_required
def mark(slot_id: int):
    slot = conferences.mark_slot(actor=current_user, slot=_my_slot_or_404(slot_id),
                                 outcome=OutcomeForm().outcome.data)
    return _done(slot, _("Saved."))
