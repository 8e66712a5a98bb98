"""Students, guardians, staff, their links, and the student profile."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.auth.models import Role
from portal.core.navigation import add_nav_item

bp = Blueprint("people", __name__)

add_nav_item("people.home", _l("Home"), roles=Role.STAFF, order=10)
add_nav_item("people.student_list", _l("Students"), roles=Role.STAFF, order=20)

