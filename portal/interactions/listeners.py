"""Register the weekly prompt asking each teacher to write their notes to families."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from portal.auth.models import Role, User
from portal.core.jobs import add_periodic_job
from portal.core.time import monday_of, today_in
from portal.extensions import db
from portal.interactions.queries import taught_student_ids
from portal.notifications.models import NotificationKind
from portal.notifications.services import local_path, notify_users
from portal.people.models import School


def prompt_teacher_notes() -> int:
    """Prompt every teacher with students, once per school week, to write their notes."""
    teachers = db.session.execute(
        select(User, School.timezone).join(School, School.id == User.school_id)
        .where(User.role == Role.TEACHER, User.is_active_account.is_(true()))
        .order_by(User.id)).all()
    prompted = 0
    for teacher, timezone in teachers:
        if db.session.scalar(taught_student_ids(teacher).limit(1)) is None:
            continue
        prompted += len(notify_users(
            users=[teacher], kind=NotificationKind.TEACHER_NOTES, once=True,
            title=_l("This week's notes: tell each family what to work on this week"),
            link=local_path("interactions.notes"), object_type="teacher_notes_week",
            object_id=monday_of(today_in(timezone)).toordinal()))
    return prompted


def run_teacher_note_prompts() -> None:
    """Prompt the teachers whose week has begun and commit."""
    prompt_teacher_notes()
    db.session.commit()


def connect() -> None:
    """Register the periodic job."""
    add_periodic_job("interactions-teacher-notes-prompt", run_teacher_note_prompts,
                     every=timedelta(hours=1))
