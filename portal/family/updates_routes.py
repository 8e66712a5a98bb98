"""The guardian's choice of which kinds of update they receive."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.permissions import guardian_required
from portal.extensions import db
from portal.family import bp
from portal.family.inbox_forms import UpdatesForm
from portal.family.web import my_guardian
from portal.messaging.forms import KIND_LABELS
from portal.messaging.models import UpdateKind
from portal.messaging.unsubscribe import preferences_of, set_preference

add_nav_item("family.updates", _l("My updates"), roles=(Role.GUARDIAN,), order=80)


@bp.route("/updates", methods=["GET", "POST"])
@guardian_required
def updates():
    guardian = my_guardian()
    preferences = preferences_of(guardian)
    form = UpdatesForm(data={kind: row is None or row.enabled for kind, row in preferences.items()})
    if form.validate_on_submit():
        for kind in UpdateKind.OPTIONAL:
            set_preference(guardian=guardian, kind=kind, enabled=form[kind].data)
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("family.updates"))
    return render_template("family/updates.html", form=form, preferences=preferences,
                           labels=KIND_LABELS, urgent_label=KIND_LABELS[UpdateKind.URGENT])
