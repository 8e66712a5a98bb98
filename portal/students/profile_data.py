"""Everything the student 360 profile shows, in a fixed number of queries."""

import json

from sqlalchemy import select

from portal.auth.models import User
from portal.core.permissions import staff_who_may_see
from portal.extensions import db
from portal.interactions.queries import open_follow_ups_of_student
from portal.needs.models import NeedStatus
from portal.needs.queries import needs_of_student
from portal.outcomes.entry_queries import interventions_of
from portal.outcomes.models import InterventionStatus
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


def owners_of(student: Student, records: list) -> dict[int, dict]:
    """Who owns each of these records (open follow-ups, needs, plans): {user id: {"name",
    "works_with"}}, where works_with is False for an owner who may no longer see the student
    (a class that ended, a counsellor moved): they cannot open what they own, and someone
    should take it over."""
    owner_ids = {owner for record in records if (owner := _owner_id(record))}
    if not owner_ids:
        return {}
    working = {user.id for user in staff_who_may_see(student)}
    return {user_id: {"name": name, "works_with": user_id in working}
            for user_id, name in db.session.execute(
                select(User.id, User.full_name).where(User.id.in_(owner_ids)))}


def _owner_id(record) -> int | None:
    return getattr(record, "follow_up_owner_id", None) or getattr(record, "owner_id", None)


def profile_of(student: Student, *, kind: str | None, chart_titles: tuple[str, str]) -> dict:
    """Return the guardians, risk, attendance, open work, charts and timeline of a student."""
    guardians = guardian_links_of(student)
    needs, interventions = needs_of_student(student), interventions_of(student)
    follow_ups = open_follow_ups_of_student(student)
    return {
        "guardians": guardians,
        "risk": latest_risk(student),
        "attendance": attendance_summary(student),
        "follow_ups": follow_ups,
        "needs": needs,
        "interventions": interventions,
        "owners": owners_of(student, [
            *follow_ups, *(need for need in needs if need.status in NeedStatus.ACTIVE),
            *(plan for plan in interventions if plan.status == InterventionStatus.OPEN)]),
        "charts": _charts(student, chart_titles),
        "timeline": student_timeline(student, guardian_ids=[link.guardian_id for link in guardians],
                                     kind=kind, loaded={"need": needs,
                                                        "intervention": interventions}),
    }
