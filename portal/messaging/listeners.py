"""React to other features: absences, new risk flags; register the periodic updates."""

from datetime import timedelta

from portal.core.jobs import add_periodic_job
from portal.core.signals import attendance_recorded, students_flagged
from portal.extensions import db
from portal.messaging.automatic import send_absence_notices, send_event_reminders, send_flag_notices
from portal.messaging.digest import send_weekly_digests
from portal.messaging.nudges import send_attendance_nudges


def _on_attendance_recorded(sender, records=(), **extra) -> None:
    send_absence_notices(list(records))


def _on_students_flagged(sender, assessments=(), **extra) -> None:
    send_flag_notices(list(assessments))


def run_event_reminders() -> None:
    """Send tomorrow's event reminders, committing them a batch at a time."""
    send_event_reminders(checkpoint=db.session.commit)
    db.session.commit()


def run_weekly_digests() -> None:
    """Queue the weekly messages (alert and digest) whose time has come, committing them a
    batch at a time."""
    send_weekly_digests(checkpoint=db.session.commit)
    db.session.commit()


def run_attendance_nudges() -> None:
    """Send the attendance nudges that are due, committing them a school at a time."""
    send_attendance_nudges(checkpoint=db.session.commit)
    db.session.commit()


def connect() -> None:
    """Connect the signal receivers and register the periodic jobs."""
    attendance_recorded.connect(_on_attendance_recorded, weak=False)
    students_flagged.connect(_on_students_flagged, weak=False)
    add_periodic_job("messaging-event-reminders", run_event_reminders, every=timedelta(hours=1))
    add_periodic_job("messaging-weekly-digest", run_weekly_digests, every=timedelta(hours=1))
    add_periodic_job("messaging-attendance-nudges", run_attendance_nudges,
                     every=timedelta(days=1))
