"""Administrators preview what this week's digest will say to a family before it goes out."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.models import Role
from portal.core.navigation import add_nav_item
from portal.core.params import query_int
from portal.core.permissions import administrator_required, get_guardian_or_404
from portal.messaging import bp
from portal.messaging.digest import preview_digest
from portal.messaging.queries import guardians_named

add_nav_item("messaging.digest_preview", _l("Digest preview"), roles=(Role.ADMINISTRATOR,),
             order=75)


@bp.get("/digest-preview")
@administrator_required
def digest_preview():
    search = request.args.get("q", "").strip()[:100]
    guardian_id = query_int("guardian_id")
    guardian = get_guardian_or_404(current_user, guardian_id) if guardian_id else None
    return render_template(
        "messaging/digest_preview.html", search=search, guardian=guardian,
        matches=guardians_named(current_user, search) if search else [],
        preview=preview_digest(guardian) if guardian else None)
