"""Staff event pages: the school calendar, create, edit, cancel, the invitation list."""

from datetime import datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.extension_points import add_profile_panel
from portal.core.navigation import add_nav_item
from portal.core.once import sent_once
from portal.core.params import query_date
from portal.core.permissions import staff_required
from portal.core.time import to_local, to_utc, today_in
from portal.events import bp, queries, services
from portal.events.forms import CancelForm, EventForm, event_details
from portal.events.history import family_history
from portal.events.ical import build_calendar
from portal.events.invitations import remind_non_responders
from portal.extensions import db
from portal.people.queries import school_of
from portal.people.saving import attach_error, save_edit

add_nav_item("events.calendar", _l("Events"), roles=Role.STAFF, order=40)
add_profile_panel("events", "events/_profile_panel.html", family_history, order=60)


@bp.get("/")
@staff_required
def calendar():
    school = school_of(current_user)
    view = request.args.get("view", "list")
    first = query_date("month", "%Y-%m") or today_in(school.timezone).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    if view == "month":
        events = queries.visible_events(
            current_user, starts_from=to_utc(datetime.combine(first, datetime.min.time()),
                                             school.timezone),
            starts_before=to_utc(datetime.combine(following, datetime.min.time()), school.timezone))
    else:
        events = queries.visible_events(current_user, starts_from=to_utc(
            datetime.combine(today_in(school.timezone), datetime.min.time()), school.timezone))
    return render_template("events/calendar.html", events=events, view=view, first=first,
                           following=following, previous=(first - timedelta(days=1)).replace(day=1),
                           school=school, local=lambda moment: to_local(moment, school.timezone))


def _event_form(event=None, **sent) -> EventForm:
    """The event form: an event's filled in from it when shown (with formdata=None, even
    when a form was sent); save_edit adds the version it was filled from."""
    form = EventForm(obj=None, **sent)
    for name, choices in queries.audience_choices(current_user).items():
        getattr(form, name).choices = choices
    if event is not None and (request.method == "GET" or "formdata" in sent):
        _fill(form, event)
    return form


def _fill(form: EventForm, event) -> None:
    zone = school_of(current_user).timezone
    audience = event.audience or {}
    form.kind.data, form.title.data = event.kind, event.title
    form.description.data, form.location.data = event.description, event.location
    form.starts_at.data = to_local(event.starts_at, zone).replace(tzinfo=None)
    form.ends_at.data = to_local(event.ends_at, zone).replace(tzinfo=None)
    form.whole_school.data = audience.get("whole_school", False)
    form.grade_levels.data = audience.get("grade_levels") or []
    form.section_ids.data = audience.get("section_ids") or []
    form.program_id.data = audience.get("program_id") or 0
    form.segment_id.data = audience.get("segment_id") or 0
    form.rsvp_requested.data, form.capacity.data = event.rsvp_requested, event.capacity
    if event.booking_closes_at:
        form.booking_closes_at.data = to_local(event.booking_closes_at, zone).replace(tzinfo=None)


def _saved_text(form: EventForm, text: str) -> str:
    """Say the event is saved, and which values its kind does not use were not kept."""
    return " ".join([text, *services.not_kept_notes(event_details(form))])


def saved(message: str, endpoint: str, **values):
    """Commit the action, say it worked, and go back to the page."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
@sent_once
def new():
    form, status = _event_form(), None
    if form.validate_on_submit():
        try:
            return saved(_saved_text(form, _("The event is saved and the families are invited.")),
                         "events.detail", event_id=_create(form).id)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            status = error.status
    return render_template("events/form.html", form=form, event=None), \
        status or (400 if form.errors else 200)


def _create(form: EventForm):
    school, details = school_of(current_user), event_details(form)
    if form.repeat.data:
        until = form.repeat_until.data or details.starts_local.date()
        return services.create_series(actor=current_user, school=school, details=details,
                                      repeat=form.repeat.data, until=until)[0]
    return services.create_event(actor=current_user, school=school, details=details)


def _managed_event(event_id: int):
    event = queries.get_event_or_404(current_user, event_id)
    if not queries.may_manage_event(current_user, event):
        abort(403)
    return event


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(event_id: int):
    event = _managed_event(event_id)
    form = _event_form(event)
    form, status = save_edit(form, lambda: services.update_event(
        actor=current_user, event=event, details=event_details(form), seen=form.seen.data),
        _saved_text(form, _("The event is saved.")), record=event, fields=services.EVENT_FIELDS,
        refill=lambda: _event_form(event, formdata=None))
    if status is None:
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), status


@bp.get("/<int:event_id>")
@staff_required
def detail(event_id: int):
    event = queries.get_event_or_404(current_user, event_id)
    search = request.args.get("q", "").strip()
    return render_template(
        "events/detail.html", event=event, numbers=queries.event_numbers(event), search=search,
        families=queries.invitation_list(current_user, event, search=search),
        may_manage=queries.may_manage_event(current_user, event), cancel_form=CancelForm())


@bp.post("/<int:event_id>/cancel")
@staff_required
@sent_once
def cancel(event_id: int):
    event = _managed_event(event_id)
    form = CancelForm()
    if not form.validate():
        flash(" ".join(form.reason.errors), "error")
        return redirect(url_for("events.detail", event_id=event.id)), 303
    told = services.cancel_event(actor=current_user, event=event, reason=form.reason.data or "")
    return saved(_("The event is cancelled; %(count)s families were told.", count=told),
                 "events.detail", event_id=event.id)


@bp.post("/<int:event_id>/remind")
@staff_required
@sent_once
def remind(event_id: int):
    event = _managed_event(event_id)
    count = remind_non_responders(actor=current_user, event=event)
    return saved(_("A reminder was sent to %(count)s families.", count=count),
                 "events.detail", event_id=event.id)


@bp.get("/<int:event_id>/event.ics")
@staff_required
def event_ics(event_id: int):
    event = queries.get_event_or_404(current_user, event_id)
    text = build_calendar(name=event.title, timezone=school_of(current_user).timezone,
                          events=[event])
    return Response(text, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="event.ics"'})
