"""The weekly progress digest: one email per guardian covering all their children."""

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, true

from portal.core.models import Visibility
from portal.core.time import to_local, today_in, utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging.models import UpdateKind
from portal.messaging.services import notify_guardian
from portal.outcomes.models import Intervention, InterventionStatus
from portal.outcomes.queries import attendance_summary, latest_grades
from portal.people.models import Guardian, School, Student, StudentGuardian


def _child_section(student: Student, since) -> list[str]:
    week = attendance_summary(student, since=since)
    lines = [f"{student.display_name} ({_('grade %(level)s', level=student.grade_level)})"]
    if week["days"]:
        lines.append(_("Attendance this week: %(rate)s %% (%(absences)d absences)",
                       rate=week["rate"], absences=week["absences"]))
    grades = [row for row in latest_grades(student, 20) if row["grade"].recorded_on >= since]
    lines += [_("New grade: %(course)s %(percent).0f %%", course=row["course"],
                percent=row["grade"].percent) for row in grades]
    interventions = db.session.scalars(select(Intervention).where(
        Intervention.student_id == student.id, Intervention.status == InterventionStatus.OPEN,
        Intervention.visibility == Visibility.FAMILY)).all()
    lines += [_("Support in progress: %(goal)s", goal=item.goal) for item in interventions]
    return lines


def _upcoming_events(guardian: Guardian, school: School) -> list[str]:
    now = utcnow()
    events = db.session.scalars(
        select(Event).join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(EventInvitation.guardian_id == guardian.id, Event.starts_at > now,
               Event.starts_at <= now + timedelta(days=14), Event.status != "cancelled")
        .order_by(Event.starts_at)).all()
    return [f"{to_local(event.starts_at, school.timezone):%Y-%m-%d %H:%M} {event.title}"
            for event in events]


def digest_for(guardian: Guardian, children: list[Student], school: School) -> tuple[str, str]:
    """Return the subject and text of one guardian's weekly digest."""
    since = today_in(school.timezone) - timedelta(days=7)
    with force_locale(guardian.preferred_language):
        parts = [_("Dear %(name)s,", name=guardian.display_name),
                 _("Here is this week at %(school)s.", school=school.name)]
        parts += ["\n".join(_child_section(child, since)) for child in children]
        events = _upcoming_events(guardian, school)
        if events:
            parts.append("\n".join([_("Coming up:")] + events))
        subject = _("Your weekly update: %(names)s",
                    names=", ".join(child.display_name for child in children))
    return subject, "\n\n".join(parts)


def send_weekly_digests() -> int:
    """Queue the weekly digest for every guardian with children they may hear about."""
    rows = db.session.execute(
        select(Guardian, Student).join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(StudentGuardian.may_receive_information.is_(true()), Student.is_active.is_(true()))
        .order_by(Guardian.id, Student.first_name)).all()
    families: dict[int, tuple[Guardian, list[Student]]] = {}
    for guardian, student in rows:
        families.setdefault(guardian.id, (guardian, []))[1].append(student)
    sent = 0
    for guardian, children in families.values():
        school = db.session.get(School, guardian.school_id)
        subject, body = digest_for(guardian, children, school)
        only_child = children[0] if len(children) == 1 else None
        sent += notify_guardian(guardian=guardian, kind=UpdateKind.PROGRESS, subject=subject,
                                body_text=body, student=only_child) is not None
    return sent
