"""Check-in at the door, on a phone or tablet: search, tick, add walk-ins, correct."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import DomainError
from portal.core.permissions import get_guardian_or_404, staff_required
from portal.events import bp, checkin, queries
from portal.events.forms import GuardianChoiceForm
from portal.extensions import db
from portal.people.models import Guardian


@bp.get("/<int:event_id>/check-in")
@staff_required
def check_in_list(event_id: int):
    event = queries.get_event_or_404(current_user, event_id)
    search = request.args.get("q", "").strip()
    families = queries.invitation_list(current_user, event, search=search)
    listed = {row["guardian"].id for row in families}
    walk_ins = [row for row in queries.walk_in_candidates(current_user, event, search=search)
                if row["guardian"].id not in listed]
    return render_template("events/check_in.html", event=event, families=families,
                           walk_ins=walk_ins, search=search, form=GuardianChoiceForm(),
                           numbers=queries.event_numbers(event))


def _guardian_for(event, form: GuardianChoiceForm) -> int:
    if not form.validate_on_submit():
        abort(400)
    guardian = db.session.get(Guardian, form.guardian_id.data)
    if guardian is None or guardian.school_id != event.school_id:
        raise DomainError(_("This person is not a family of this school."), field="guardian_id")
    return get_guardian_or_404(current_user, guardian.id).id


def _record(event_id: int, change, message: str):
    event = queries.get_event_or_404(current_user, event_id)
    guardian_id = _guardian_for(event, GuardianChoiceForm())
    change(actor=current_user, event=event, guardian_id=guardian_id)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("events.check_in_list", event_id=event.id,
                            q=request.args.get("q", "")))


@bp.post("/<int:event_id>/check-in")
@staff_required
def check_in(event_id: int):
    return _record(event_id, checkin.check_in, _("Checked in."))


@bp.post("/<int:event_id>/check-in/undo")
@staff_required
def undo_check_in(event_id: int):
    return _record(event_id, checkin.undo_check_in, _("Check-in removed."))
