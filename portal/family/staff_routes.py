"""Staff side of the family portal: invite a guardian, see who uses the portal."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import DomainError
from portal.core.extension_points import add_profile_panel
from portal.core.once import sent_once
from portal.core.permissions import get_guardian_or_404, staff_required
from portal.extensions import db
from portal.family import account_queries, bp, services


def _portal_panel(viewer, student) -> dict | None:
    if not viewer.is_staff:
        return None
    return {"student": student, "guardians": account_queries.portal_activity(student)}


add_profile_panel("family.portal_activity", "family/_staff_panel.html", _portal_panel, order=20)


@bp.post("/staff/guardians/<int:guardian_id>/invite")
@staff_required
@sent_once
def invite_guardian(guardian_id: int):
    guardian = get_guardian_or_404(current_user, guardian_id)
    try:
        services.invite_guardian(guardian=guardian, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=guardian.email), "success")
    student_id = request.form.get("student_id", type=int)
    if student_id:
        return redirect(url_for("students.profile", student_id=student_id, _anchor="portal"))
    return redirect(url_for("people.home"))
