"""The "families we are not reaching" page for staff."""

from flask import render_template, request
from flask_login import current_user

from portal.core.params import query_int
from portal.core.permissions import chosen_school_id, staff_required, visible_schools
from portal.messaging import bp
from portal.messaging.reach import PER_PAGE, families_not_reached


@bp.get("/reach")
@staff_required
def reach_report():
    weeks = min(max(request.args.get("weeks", default=6, type=int), 1), 52)
    school_id = chosen_school_id(current_user)  # another district's school: 404
    page = query_int("page", 1, minimum=1)
    families, total = families_not_reached(current_user, weeks=weeks, school_id=school_id,
                                           page=page)
    arguments = {name: value for name, value in (("weeks", weeks), ("school_id", school_id))
                 if value is not None}
    return render_template("messaging/reach.html", weeks=weeks, families=families,
                           total=total, page=page, per_page=PER_PAGE, arguments=arguments,
                           schools=visible_schools(current_user), school_id=school_id)
