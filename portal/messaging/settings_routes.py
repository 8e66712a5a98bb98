"""Administrators set the weekly family alert, attendance nudges and message limits."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import administrator_required, can_manage_school
from portal.extensions import db
from portal.messaging import bp
from portal.messaging.forms import FamilyMessageSettingsForm
from portal.messaging.settings import MessageSettingNotValid, update_message_settings
from portal.people.models import School


@bp.route("/settings", methods=["GET", "POST"])
@administrator_required
def family_message_settings():
    school = db.session.get(School, current_user.school_id or 0)
    if school is None or not can_manage_school(current_user, school.id):
        abort(404)
    form = FamilyMessageSettingsForm(obj=school)
    if form.validate_on_submit():
        try:
            update_message_settings(school=school, actor=current_user, settings=form.settings())
        except MessageSettingNotValid as problem:
            db.session.rollback()
            form[problem.field].errors.append(problem.message)
        else:
            db.session.commit()
            flash(_("The family message settings are saved."), "success")
            return redirect(url_for("messaging.family_message_settings"))
    status = 422 if form.errors else 200
    return render_template("messaging/settings.html", form=form, school=school), status
