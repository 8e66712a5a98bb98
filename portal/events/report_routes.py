"""Figures: share of families attending per grade level and kind; families who came to nothing."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.params import query_int
from portal.core.permissions import staff_required
from portal.events import bp
from portal.events.history import (
    FAMILIES_PER_PAGE,
    attending_shares,
    families_who_came_to_nothing,
    year_label,
)
from portal.people.queries import school_of

add_nav_item("events.figures", _l("Event figures"), roles=Role.STAFF, order=41)


@bp.get("/figures")
@staff_required
def figures():
    school = school_of(current_user)
    shares = attending_shares(school)
    page = query_int("page", 1, minimum=1)
    nothing, total = families_who_came_to_nothing(current_user, school, page)
    return render_template("events/figures.html", shares=shares,
                           year=year_label(shares["starts"], shares["ends"]),
                           nothing=nothing, total=total, page=page,
                           per_page=FAMILIES_PER_PAGE)
