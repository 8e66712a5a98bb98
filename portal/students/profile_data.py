"""Everything the student 360 profile shows, in a fixed number of queries."""

import json

from portal.interactions.queries import open_follow_ups_of_student
from portal.needs.queries import needs_of_student
from portal.outcomes.entry_queries import interventions_of
from portal.outcomes.queries import (
    attendance_by_month,
    attendance_summary,
    grades_by_period,
)
from portal.people.models import Student
from portal.people.queries import guardian_links_of
from portal.risk.queries import latest_risk
from portal.students import charts
from portal.students.timeline import student_timeline


def _charts(student: Student, titles: tuple[str, str]) -> dict:
    figures = {}
    months = attendance_by_month(student)
    if months:
        figures["attendance"] = json.dumps(charts.attendance_figure(
            [m for m, _ in months], [r for _, r in months], title=titles[0]))
    periods, averages = grades_by_period(student)
    if periods:
        figures["grades"] = json.dumps(charts.grades_figure(
            periods, averages, title=titles[1], pass_mark=student.school.pass_mark_percent))
    return figures


def profile_of(student: Student, *, kind: str | None, chart_titles: tuple[str, str]) -> dict:
    """Return the guardians, risk, attendance, open work, charts and timeline of a student."""
    guardians = guardian_links_of(student)
    needs, interventions = needs_of_student(student), interventions_of(student)
    return {
        "guardians": guardians,
        "risk": latest_risk(student),
        "attendance": attendance_summary(student),
        "follow_ups": open_follow_ups_of_student(student),
        "needs": needs,
        "interventions": interventions,
        "charts": _charts(student, chart_titles),
        "timeline": student_timeline(student, guardian_ids=[link.guardian_id for link in guardians],
                                     kind=kind, loaded={"need": needs,
                                                        "intervention": interventions}),
    }
