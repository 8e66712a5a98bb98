"""The parents' and guardians' portal."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from portal.auth.models import Role
from portal.core.navigation import add_nav_item

bp = Blueprint("family", __name__, url_prefix="/family")

add_nav_item("family.home", _l("My children"), roles=(Role.GUARDIAN,), order=10)
add_nav_item("family.requests", _l("Ask the school"), roles=(Role.GUARDIAN,), order=60)
add_nav_item("family.settings", _l("Settings"), roles=(Role.GUARDIAN,), order=90)

