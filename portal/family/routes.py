"""Guardian pages: home with their children, one child's overview."""

from flask import render_template
from flask_login import current_user

from portal.core.permissions import get_student_or_404, guardian_required
from portal.family import bp, queries


@bp.get("/")
@guardian_required
def home():
    children = queries.children_of(current_user)
    overviews = [(child, queries.child_overview(current_user, child)) for child in children]
    return render_template("family/home.html", overviews=overviews)


@bp.get("/children/<int:student_id>")
@guardian_required
def child(student_id: int):
    student = get_student_or_404(current_user, student_id)
    children = queries.children_of(current_user)
    overview = queries.child_overview(current_user, student)
    return render_template("family/child.html", student=student, children=children,
                           overview=overview)
