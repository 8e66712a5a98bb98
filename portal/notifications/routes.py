"""The staff notification centre, its choices, and 'my work'."""

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.auth.services import set_language
from portal.core.navigation import add_nav_item
from portal.core.permissions import staff_required
from portal.extensions import db
from portal.notifications import bp, queries, services
from portal.notifications.forms import LanguageForm, MarkReadForm, SettingsForm
from portal.notifications.models import KIND_LABELS
from portal.notifications.work import my_work, my_work_count

add_nav_item("notifications.work", _l("My work"), roles=Role.STAFF, order=5, count=my_work_count)


@bp.app_context_processor
def unread_notifications() -> dict:
    """Give every page the signed-in staff member's unread count (None for others)."""
    if has_request_context() and current_user.is_authenticated and current_user.is_staff:
        return {"unread_notifications": queries.unread_count(current_user)}
    return {"unread_notifications": None}


def _settings_form() -> SettingsForm:
    settings = services.settings_of(current_user)
    data = {"summary_hour": settings.summary_hour}
    for kind in KIND_LABELS:
        data[f"mute_{kind}"] = kind in (settings.muted or [])
        data[f"email_{kind}"] = services.email_choice(settings, kind)
    return SettingsForm(data=data)


def _language_form(formdata=None) -> LanguageForm:
    form = LanguageForm(formdata=formdata, data={
        "preferred_language": current_user.preferred_language})
    return form.offer(current_app.config["PORTAL_LANGUAGES"])


@bp.get("/")
@staff_required
def centre():
    return render_template("notifications/centre.html", kinds=KIND_LABELS,
                           notifications=queries.notifications_of(current_user),
                           form=_settings_form(), read_form=MarkReadForm(),
                           language_form=_language_form())


@bp.post("/language")
@staff_required
def save_language():
    form = _language_form(request.form)
    if not form.validate_on_submit():
        abort(400)
    set_language(user=current_user, language=form.preferred_language.data,
                 languages=current_app.config["PORTAL_LANGUAGES"])
    db.session.commit()
    flash(_("Your language is saved."), "success")
    return redirect(url_for("notifications.centre"))


@bp.get("/<int:notification_id>")
@staff_required
def open_notification(notification_id: int):
    notification = queries.get_notification_or_404(current_user, notification_id)
    link = services.open_notification(notification=notification, user=current_user)
    db.session.commit()
    return redirect(link)


@bp.post("/read")
@staff_required
def mark_all_read():
    if MarkReadForm().validate_on_submit():
        services.mark_all_read(user=current_user)
        db.session.commit()
    return redirect(url_for("notifications.centre"))


@bp.post("/settings")
@staff_required
def save_settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return render_template("notifications/centre.html", kinds=KIND_LABELS, form=form,
                               read_form=MarkReadForm(formdata=None),
                               language_form=_language_form(),
                               notifications=queries.notifications_of(current_user)), 400
    muted, email = form.choices()
    services.save_settings(user=current_user, muted=muted, email=email,
                           summary_hour=form.summary_hour.data)
    db.session.commit()
    flash(_("Your notification choices are saved."), "success")
    return redirect(url_for("notifications.centre"))


@bp.get("/work")
@staff_required
def work():
    return render_template("notifications/work.html", groups=my_work(current_user))
