"""One-click unsubscribe (RFC 8058): a signed link, no sign-in needed."""

from flask import render_template, request
from flask_babel import gettext as _

from portal.extensions import csrf, db
from portal.messaging import bp
from portal.messaging.forms import KIND_LABELS
from portal.messaging.unsubscribe import read_unsubscribe_token, set_preference


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    # Opening the link only asks: mail scanners follow links, and must not unsubscribe anyone.
    guardian, kind = read_unsubscribe_token(token)
    return render_template("messaging/unsubscribe.html", kind_label=KIND_LABELS[kind],
                           done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_now(token: str):
    guardian, kind = read_unsubscribe_token(token)
    set_preference(guardian=guardian, kind=kind, enabled=False, via="unsubscribe-link")
    db.session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return _("Unsubscribed."), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("messaging/unsubscribe.html", kind_label=KIND_LABELS[kind], done=True)
