"""The administrator's page for the school's own settings."""

from flask import abort, current_app, flash, redirect, render_template, url_for
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

add_nav_item("people.school_settings", _l("School settings"), roles=(Role.ADMINISTRATOR,),
             order=95)


@bp.route("/settings/school", methods=["GET", "POST"])
@administrator_required
def school_settings():
    school = db.session.get(School, current_user.school_id or 0)
    if school is None or not can_manage_school(current_user, school.id):
        abort(404)
    portal_languages = current_app.config["PORTAL_LANGUAGES"]
    form = SchoolSettingsForm(obj=school)
    form.default_language.choices = form.languages.choices = list(portal_languages.items())
    if not form.is_submitted():
        form.languages.data = list(school_languages(school, portal_languages))
    if form.validate_on_submit():
        try:
            services.update_school_settings(school=school, actor=current_user,
                                            settings=form.settings())
        except services.SettingNotValid as problem:
            db.session.rollback()
            form[problem.field].errors.append(problem.message)
        else:
            db.session.commit()
            flash(_("The school's settings are saved."), "success")
            return redirect(url_for("people.school_settings"))
    status = 422 if form.errors else 200
    return render_template("people/school_settings.html", form=form, school=school), status
