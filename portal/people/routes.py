"""The staff home page."""

from flask import render_template
from flask_login import current_user

from portal.core.extension_points import home_tiles
from portal.core.permissions import staff_required
from portal.people import bp, queries


@bp.get("/staff")
@staff_required
def home():
    summary = queries.staff_home_summary(current_user)
    return render_template("people/home.html", summary=summary, tiles=home_tiles(current_user))
