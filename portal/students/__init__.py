"""The staff's student list, 360 profile and timeline, composed from the features' queries."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.auth.models import Role
from portal.core.navigation import add_nav_item

bp = Blueprint("students", __name__)

add_nav_item("students.student_list", _l("Students"), roles=Role.STAFF, order=20)
