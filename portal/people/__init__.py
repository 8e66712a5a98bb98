"""The base: schools, students, guardians, staff and their links; the staff home page."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.auth.models import Role
from portal.core.navigation import add_nav_item

bp = Blueprint("people", __name__)

add_nav_item("people.home", _l("Home"), roles=Role.STAFF, order=10)

