"""Figures: share of families attending per grade level and kind; families who came to nothing."""

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.params import query_int
from portal.core.permissions import chosen_school_id, staff_required, visible_schools
from portal.events import bp
from portal.events.history import (
    FAMILIES_PER_PAGE,
    attending_shares,
    families_who_came_to_nothing,
    school_years,
    year_label,
)

add_nav_item("events.figures", _l("Event figures"), roles=Role.STAFF, order=41)


@bp.get("/figures")
@staff_required
def figures():
    school_id = chosen_school_id(current_user)  # another district's school: 404
    schools = visible_schools(current_user)
    if not schools:
        abort(403)
    years = school_years([school for school in schools if school.id == school_id] or schools)
    shares = attending_shares(years)
    page = query_int("page", 1, minimum=1)
    nothing, total = families_who_came_to_nothing(current_user, years, page)
    return render_template("events/figures.html", shares=shares,
                           year=year_label(shares["starts"], shares["ends"]),
                           nothing=nothing, total=total, page=page,
                           per_page=FAMILIES_PER_PAGE, schools=schools, school_id=school_id)
