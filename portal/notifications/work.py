"""'My work': everything assigned to a staff member, grouped by due date."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.permissions import student_condition
from portal.core.time import today_in
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.needs.models import Feedback, Need, NeedStatus
from portal.needs.queries import OPEN_FEEDBACK
from portal.notifications.services import local_path
from portal.outcomes.models import Intervention, InterventionStatus
from portal.people.models import School, Student


@dataclass(frozen=True)
class WorkItem:
    kind: object  # a lazy_gettext label
    title: str
    student: Student | None
    due_on: date | None
    link: str


def _assigned(user: User) -> dict:
    """Return, per kind, the select of the user's open assigned rows (visible students only)."""
    visible = student_condition(user)
    return {
        "follow_up": select(Interaction, Student)
        .join(Student, Student.id == Interaction.student_id)
        .where(Interaction.follow_up_owner_id == user.id, visible,
               Interaction.follow_up_done_at.is_(None),
               Interaction.follow_up_due_on.is_not(None)),
        "need": select(Need, Student).join(Student, Student.id == Need.student_id)
        .where(Need.owner_id == user.id, Need.status.in_(NeedStatus.ACTIVE), visible),
        "request": select(Feedback, Student).outerjoin(Student, Student.id == Feedback.student_id)
        .where(Feedback.assigned_to_id == user.id, Feedback.status.in_(OPEN_FEEDBACK),
               (Feedback.student_id.is_(None)) | visible),
        "intervention": select(Intervention, Student)
        .join(Student, Student.id == Intervention.student_id)
        .where(Intervention.owner_id == user.id, visible,
               Intervention.status == InterventionStatus.OPEN),
    }


def _item(kind: str, record, student: Student | None) -> WorkItem:
    if kind == "follow_up":
        return WorkItem(_l("Follow-up"), record.summary[:120], student, record.follow_up_due_on,
                        local_path("students.profile", student_id=student.id))
    if kind == "need":
        return WorkItem(_l("Need"), record.title, student, record.due_on,
                        local_path("needs.edit_need", need_id=record.id))
    if kind == "request":
        return WorkItem(_l("Family request"), record.subject, student, None,
                        local_path("needs.request_detail", feedback_id=record.id))
    return WorkItem(_l("Intervention to review"), record.goal[:120], student, record.review_on,
                    local_path("outcomes.intervention", intervention_id=record.id))


def my_work(user: User) -> list[tuple[object, list[WorkItem]]]:
    """Return the user's assigned work in groups: overdue, today, this week, later, no date."""
    school = db.session.get(School, user.school_id) if user.school_id else None
    today = today_in(school.timezone if school else "UTC")
    items = [_item(kind, record, student) for kind, stmt in _assigned(user).items()
             for record, student in db.session.execute(stmt)]
    groups = {"overdue": [], "today": [], "week": [], "later": [], "none": []}
    for item in sorted(items, key=lambda i: (i.due_on or date.max, str(i.title))):
        if item.due_on is None:
            groups["none"].append(item)
        elif item.due_on < today:
            groups["overdue"].append(item)
        elif item.due_on == today:
            groups["today"].append(item)
        elif item.due_on <= today + timedelta(days=7):
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    labels = {"overdue": _l("Overdue"), "today": _l("Due today"), "week": _l("Next 7 days"),
              "later": _l("Later"), "none": _l("No due date")}
    return [(labels[key], rows) for key, rows in groups.items()]


def my_work_count(user: User) -> int:
    """Return how many open things are assigned to the user (for the menu): one query, as
    every page's menu asks."""
    counts = [select(func.count()).select_from(stmt.subquery()).scalar_subquery()
              for stmt in _assigned(user).values()]
    return db.session.scalar(select(sum(counts[1:], counts[0])))
