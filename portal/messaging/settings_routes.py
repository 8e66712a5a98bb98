"""Administrators set the weekly family alert, attendance nudges and message limits."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import administrator_required, can_manage_school
from portal.extensions import db
from portal.messaging import bp
from portal.messaging.forms import FamilyMessageSettingsForm
from portal.messaging.settings import MESSAGE_SETTINGS, update_message_settings
from portal.people.models import School
from portal.people.saving import save_edit


@bp.route("/settings", methods=["GET", "POST"])
@administrator_required
def family_message_settings():
    school = db.session.get(School, current_user.school_id or 0)
    if school is None or not can_manage_school(current_user, school.id):
        abort(404)
    form = FamilyMessageSettingsForm(obj=school)
    form, status = save_edit(form, lambda: update_message_settings(
        school=school, actor=current_user, settings=form.settings(), seen=form.seen.data),
        _("The family message settings are saved."), record=school, fields=MESSAGE_SETTINGS,
        refill=lambda: FamilyMessageSettingsForm(formdata=None, obj=school), invalid=422)
    if status is None:
        return redirect(url_for("messaging.family_message_settings"))
    return render_template("messaging/settings.html", form=form, school=school), status
