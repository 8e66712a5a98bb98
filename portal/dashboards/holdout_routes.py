"""The page showing what the school's measured messages changed."""

from flask import abort, render_template
from flask_login import current_user

from portal.auth.models import Role
from portal.core.permissions import roles_required
from portal.core.time import today_in
from portal.dashboards import bp
from portal.dashboards.holdout_page import message_effects
from portal.messaging.holdout import PROGRAM_LABELS
from portal.people.queries import school_of


@bp.get("/messages")
@roles_required(Role.ADMINISTRATOR)
def messages():
    school = school_of(current_user)
    if school is None:
        abort(404)
    return render_template("dashboards/messages.html", labels=PROGRAM_LABELS,
                           programs=message_effects(school, today_in(school.timezone)))
