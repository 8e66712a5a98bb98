"""Hourly checks: follow-ups due today or overdue, families' requests left unanswered."""

from datetime import date, datetime, timedelta

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.formats import format_day
from portal.core.time import to_local, today_in, utcnow
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.needs.queries import unanswered_requests
from portal.notifications import queries
from portal.notifications.models import NotificationKind
from portal.notifications.services import local_path, notify_users
from portal.people.models import School, Student


def school_days_between(start: date, end: date) -> int:
    """Return the school days (Monday to Friday) after start, up to and including end."""
    days = max((end - start).days, 0)
    whole_weeks, rest = divmod(days, 7)
    extra = sum((start + timedelta(days=offset)).weekday() < 5 for offset in range(1, rest + 1))
    return whole_weeks * 5 + extra


def shown_day(day: date) -> str:
    """Write a day in the current language (a lazy title's day: in the reader's)."""
    return format_day(day, get_locale())


def notify_follow_ups_due() -> int:
    """Tell each owner, once, of their open follow-ups due today or overdue."""
    told = 0
    for school in db.session.scalars(select(School)):
        rows = db.session.execute(
            select(Interaction, Student).join(Student, Student.id == Interaction.student_id)
            .where(Student.school_id == school.id, Interaction.follow_up_done_at.is_(None),
                   Interaction.follow_up_owner_id.is_not(None),
                   Interaction.follow_up_due_on <= today_in(school.timezone))).all()
        for interaction, student in rows:
            told += len(notify_users(
                users=queries.staff_by_ids(interaction.follow_up_owner_id),
                kind=NotificationKind.FOLLOW_UP_DUE, student_id=student.id, once=True,
                object_type="interaction", object_id=interaction.id,
                link=local_path("interactions.follow_ups"),
                title=_l("Follow-up due %(day)s: %(name)s",
                        day=LazyString(shown_day, interaction.follow_up_due_on),
                        name=student.display_name)))
    return told


def _waited_too_long(created_at: datetime, school: School) -> bool:
    created_on = to_local(created_at, school.timezone).date()
    waited = school_days_between(created_on, today_in(school.timezone))
    return waited >= school.request_escalation_school_days


def escalate_unanswered_requests() -> int:
    """Tell the school's administrators, once per request, of requests left unanswered."""
    told = 0
    for feedback in unanswered_requests(created_before=utcnow()):
        school = db.session.get(School, feedback.school_id)
        if not _waited_too_long(feedback.created_at, school):
            continue
        told += len(notify_users(
            users=queries.administrators_of(school.id), kind=NotificationKind.ESCALATED,
            student_id=feedback.student_id, object_type="feedback", object_id=feedback.id,
            once=True, link=local_path("needs.request_detail", feedback_id=feedback.id),
            title=_l("Unanswered for %(days)d school days: %(subject)s",
                    days=school.request_escalation_school_days, subject=feedback.subject)))
    return told


def run_follow_ups_due() -> None:
    """Notify the follow-ups due and commit."""
    notify_follow_ups_due()
    db.session.commit()


def run_escalations() -> None:
    """Escalate the unanswered requests and commit."""
    escalate_unanswered_requests()
    db.session.commit()
