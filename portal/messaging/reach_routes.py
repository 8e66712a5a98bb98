"""The "families we are not reaching" page for staff."""

from flask import render_template, request
from flask_login import current_user

from portal.core.permissions import staff_required
from portal.messaging import bp
from portal.messaging.reach import families_not_reached


@bp.get("/reach")
@staff_required
def reach_report():
    weeks = min(max(request.args.get("weeks", default=6, type=int), 1), 52)
    return render_template("messaging/reach.html", weeks=weeks,
                           families=families_not_reached(current_user, weeks=weeks))
