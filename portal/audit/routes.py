"""Administrators read a student's audit trail."""

from flask import render_template
from flask_login import current_user

from portal.audit import bp, queries
from portal.core.params import query_int
from portal.core.permissions import administrator_required, get_student_or_404


@bp.get("/students/<int:student_id>")
@administrator_required
def student_trail(student_id: int):
    student = get_student_or_404(current_user, student_id)
    page = query_int("page", 1, minimum=1)
    events, total = queries.student_trail(student, page=page)
    return render_template("audit/student_trail.html", student=student, events=events,
                           total=total, page=page, per_page=queries.PER_PAGE)
