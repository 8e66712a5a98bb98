"""The administrator's page for the school's own settings."""

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.permissions import administrator_required, can_manage_school
from portal.extensions import db
from portal.people import bp, services
from portal.people.forms import SchoolSettingsForm
from portal.people.models import School
from portal.people.queries import school_languages
from portal.people.saving import save_edit

add_nav_item("people.school_settings", _l("School settings"), roles=(Role.ADMINISTRATOR,),
             order=95)


@bp.route("/settings/school", methods=["GET", "POST"])
@administrator_required
def school_settings():
    school = db.session.get(School, current_user.school_id or 0)
    if school is None or not can_manage_school(current_user, school.id):
        abort(404)
    form = _settings_form(school)
    form, status = save_edit(form, lambda: services.update_school_settings(
        school=school, actor=current_user, settings=form.settings(), seen=form.seen.data),
        _("The school's settings are saved."), record=school, fields=services.SCHOOL_SETTINGS,
        refill=lambda: _settings_form(school, formdata=None), invalid=422)
    if status is None:
        return redirect(url_for("people.school_settings"))
    return render_template("people/school_settings.html", form=form, school=school), status


def _settings_form(school: School, **formdata) -> SchoolSettingsForm:
    """The settings form, filled from the school where nothing was sent (or formdata=None)."""
    portal_languages = current_app.config["PORTAL_LANGUAGES"]
    form = SchoolSettingsForm(obj=school, **formdata)
    form.default_language.choices = form.languages.choices = list(portal_languages.items())
    if not form.is_submitted() or "formdata" in formdata:
        form.languages.data = list(school_languages(school, portal_languages))
    return form
