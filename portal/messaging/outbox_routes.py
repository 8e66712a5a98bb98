"""The administrators' outbox page: deliveries that failed for good, and a retry button."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.permissions import administrator_required
from portal.core.templating import number
from portal.extensions import db
from portal.messaging import bp, queries
from portal.messaging.attempts import retry_deliveries
from portal.messaging.forms import RetryFailedForm

add_nav_item("messaging.outbox", _l("Outbox"), roles=(Role.ADMINISTRATOR,), order=95)


@bp.get("/outbox")
@administrator_required
def outbox():
    return render_template("messaging/outbox.html", retry_form=RetryFailedForm(),
                           failures=queries.failed_deliveries_for(current_user))


@bp.post("/outbox/retry")
@administrator_required
def retry_outbox():
    if not RetryFailedForm().validate_on_submit():
        abort(400)
    count = retry_deliveries(deliveries=queries.failed_deliveries_for(current_user),
                             actor=current_user, school_id=current_user.school_id)
    db.session.commit()
    flash(_("%(num)s failed deliveries are queued again.", num=number(count)), "success")
    return redirect(url_for("messaging.outbox"))
