"""A guardian's language and contact preferences, consents, and their family's data."""

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import guardian_required
from portal.core.signals import account_event
from portal.extensions import db
from portal.family import account_queries, bp, export, services
from portal.family.choices import CONSENT_PURPOSES
from portal.family.forms import ConsentForm, PreferencesForm
from portal.family.web import my_guardian, save_or_show_error


@bp.route("/settings", methods=["GET", "POST"])
@guardian_required
def settings():
    guardian = my_guardian()
    form = PreferencesForm(obj=guardian)
    form.preferred_language.choices = list(current_app.config["PORTAL_LANGUAGES"].items())
    if form.validate_on_submit():
        if save_or_show_error(form, lambda: services.update_preferences(
                guardian=guardian, user=current_user, language=form.preferred_language.data,
                channel=form.preferred_channel.data)):
            flash(_("Your preferences are saved."), "success")
            return redirect(url_for("family.settings"))
    history = account_queries.consent_history(guardian)
    return render_template("family/settings.html", form=form, history=history,
                           consents=account_queries.current_consents(history),
                           purposes=CONSENT_PURPOSES, consent_form=ConsentForm()), (
        400 if request.method == "POST" else 200)


@bp.post("/consents")
@guardian_required
def record_consent():
    form = ConsentForm()
    if not form.validate_on_submit() or form.purpose.data not in CONSENT_PURPOSES:
        flash(_("That consent could not be recorded. Please try again."), "error")
        return redirect(url_for("family.settings", _anchor="privacy"))
    recorded = services.record_consent(guardian=my_guardian(), purpose=form.purpose.data,
                                       granted=bool(form.grant.data), actor=current_user)
    db.session.commit()
    flash(_("Your answer is recorded.") if recorded else _("That is already your answer."),
          "success" if recorded else "info")
    return redirect(url_for("family.settings", _anchor="privacy"))


@bp.get("/my-data.zip")
@guardian_required
def download_data():
    archive = export.family_zip(current_user, my_guardian())
    account_event.send(current_user._get_current_object(), action="family_data_downloaded")
    db.session.commit()
    return send_file(io.BytesIO(archive), mimetype="application/zip",
                     as_attachment=True, download_name="my-family-data.zip")
