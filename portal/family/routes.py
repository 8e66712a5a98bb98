"""Guardian pages: home with their children, and one child's page."""

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import get_student_or_404, guardian_required
from portal.family import bp, charts, queries
from portal.family.choices import label_of


@bp.context_processor
def optional_pages() -> dict:
    """Give family templates the words for stored codes and links to optional pages."""
    return {"has_page": lambda endpoint: endpoint in current_app.view_functions,
            "label_of": label_of}


@bp.get("/")
@guardian_required
def home():
    children = queries.children_of(current_user)
    summaries = [(child, queries.child_summary(current_user, child)) for child in children]
    return render_template("family/home.html", summaries=summaries,
                           events=queries.upcoming_events(current_user))


@bp.get("/children/<int:student_id>")
@guardian_required
def child(student_id: int):
    student = get_student_or_404(current_user, student_id)
    details = queries.child_details(current_user, student)
    return render_template("family/child.html", student=student, details=details,
                           children=queries.children_of(current_user),
                           figures=_figures(details))


def _figures(details: dict) -> dict:
    figures = {}
    if details["attendance"]["weekly"]:
        figures["attendance"] = charts.attendance_figure(
            details["attendance"]["weekly"], title=_("Attendance by week"),
            y_label=_("Percent of days present"))
    if details["grades"]:
        figures["grades"] = charts.grades_figure(
            details["grades"], title=_("Grades by grading period"), y_label=_("Grade (%)"))
    return figures
