"""Automatic updates: same-day absence notice, new risk flag notice, event reminders."""

from collections.abc import Callable
from datetime import datetime, time, timedelta

from babel.dates import format_date, format_time
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.core.bulk import among
from portal.core.codes import word_of
from portal.core.formats import format_day
from portal.core.jobs import checkpointed
from portal.core.locale import language_of
from portal.core.permissions import informed_link_condition
from portal.core.time import to_local, to_utc, today_in, utcnow
from portal.core.urls import portal_url
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging.models import Message, UpdateKind
from portal.messaging.services import notify_guardian, notify_staff
from portal.notifications.models import NotificationKind
from portal.notifications.queries import counsellors_of_each, students_by_id
from portal.notifications.services import emails_at_once
from portal.outcomes.models import AttendanceStatus, DailyAttendance
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.risk.labels import reason_text
from portal.risk.queries import flagged_students, new_flag_count


def informed_guardians(student: Student) -> list[Guardian]:
    """Return the student's guardians whose link allows receiving information."""
    return list(db.session.scalars(
        select(Guardian).join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id,
               informed_link_condition())
        .order_by(Guardian.id)))


def _already_told(guardian: Guardian, kind: str, student_id: int | None, subject: str,
                  since: datetime) -> bool:
    return db.session.scalar(select(Message.id).where(
        Message.guardian_id == guardian.id, Message.kind == kind,
        Message.student_id == student_id, Message.subject == subject,
        Message.created_at >= since).limit(1)) is not None


def send_absence_notices(records: list[DailyAttendance]) -> int:
    """Tell each informed guardian, once, that their child was absent without excuse today."""
    sent = 0
    for record in records:
        if record.status != AttendanceStatus.ABSENT_UNEXCUSED:
            continue
        student = db.session.get(Student, record.student_id)
        school = db.session.get(School, student.school_id)
        if record.on_date != today_in(school.timezone):
            continue  # corrections of past days are not news to send
        for guardian in informed_guardians(student):
            with force_locale(guardian.preferred_language):
                subject = _("%(name)s was absent from school today", name=student.display_name)
                body = _("Dear %(guardian)s,\n\n%(name)s (grade %(grade)s) was marked absent "
                         "today, %(day)s, and we have no excuse on record. If you know why, "
                         "please reply to this message or call the school office.",
                         guardian=guardian.display_name, name=student.display_name,
                         grade=student.grade_level, day=format_day(record.on_date, get_locale()))
            start_of_day = to_utc(datetime.combine(record.on_date, time()), school.timezone)
            if _already_told(guardian, UpdateKind.ABSENCE, student.id, subject, start_of_day):
                continue
            sent += notify_guardian(guardian=guardian, kind=UpdateKind.ABSENCE, subject=subject,
                                    body_text=body, student=student, always_send=True) is not None
    return sent


def send_flag_notices(assessments: list) -> None:
    """Tell each counsellor, in one notice, of the new flags their new-flags page shows
    (unless they chose the notification centre's immediate email for new risk flags). The
    night's students and their counsellors are read once, not a student at a time."""
    students = students_by_id(assessment.student_id for assessment in assessments)
    counsellors = {counsellor.id: counsellor
                   for found in counsellors_of_each(students.values()).values()
                   for counsellor in found}
    for assessment in assessments:
        _tell_family_of_flag(students[assessment.student_id])
    recomputed = select(Student.id).where(among(Student.id, sorted(students)))
    for counsellor_id in sorted(counsellors):
        counsellor = counsellors[counsellor_id]
        if emails_at_once(counsellor, NotificationKind.RISK_FLAG):
            continue  # the notification centre emails them each flag at once: one email
        # The same query as the counsellor's page, so the notice and the page agree.
        flagged = flagged_students(counsellor, student_ids=recomputed, new_only=True)
        if flagged:
            _notify_counsellor(counsellor, flagged)


def _notify_counsellor(counsellor: User, flagged: list) -> None:
    with force_locale(language_of(counsellor)):
        summaries = [_flag_summary(student, assessment) for assessment, student in flagged]
        subject = (ngettext("%(num)d student newly flagged at risk",
                            "%(num)d students newly flagged at risk", len(summaries))
                   if len(summaries) > 1 else summaries[0].splitlines()[0])
        footer = _("New flags waiting for you: %(count)d. See them all: %(link)s",
                   count=new_flag_count(counsellor), link=portal_url("risk.flags"))
    notify_staff(user=counsellor, kind=UpdateKind.INTERVENTION, subject=subject,
                 body_text="\n\n".join(summaries) + "\n\n" + footer)


def _flag_summary(student: Student, assessment) -> str:
    reasons = "\n".join(f"- {reason_text(reason)}" for reason in assessment.reasons or [])
    heading = _("%(name)s (grade %(grade)s) is newly flagged (%(level)s)",
                name=student.display_name, grade=student.grade_level,
                level=word_of(assessment.level))
    return f"{heading}\n{reasons}"


def _tell_family_of_flag(student: Student) -> None:
    school = db.session.get(School, student.school_id)
    if not school.notify_family_of_risk_flags:
        return
    for guardian in informed_guardians(student):
        with force_locale(guardian.preferred_language):
            subject = _("We would like to talk with you about %(name)s", name=student.display_name)
            body = _("Dear %(guardian)s,\n\nOur early-warning review suggests that %(name)s "
                     "could use some extra support. The school counsellor will contact you; "
                     "you are welcome to reply to this message.",
                     guardian=guardian.display_name, name=student.display_name)
        notify_guardian(guardian=guardian, kind=UpdateKind.INTERVENTION, subject=subject,
                        body_text=body, student=student)


def send_event_reminders(now: datetime | None = None, *,
                         checkpoint: Callable[[], object] | None = None) -> int:
    """Remind invited guardians with a place (not those who declined or wait for one) of
    events starting tomorrow, once each: the invitation's reminded_at records it.
    `checkpoint` (the job's commit) is called every few hundred invitations (a district's
    evening invites every family)."""
    now = now or utcnow()
    rows = db.session.execute(
        select(EventInvitation, Event, School)
        .join(Event, Event.id == EventInvitation.event_id)
        .join(School, School.id == Event.school_id)
        .where(Event.starts_at > now, Event.starts_at <= now + timedelta(hours=48),
               Event.status != "cancelled",
               EventInvitation.rsvp.is_(None) | EventInvitation.rsvp.in_(("yes", "maybe")))
    ).all()
    sent = 0
    for invitation, event, school in checkpointed(rows, checkpoint):
        starts = to_local(event.starts_at, school.timezone)
        day_before = starts.date() - timedelta(days=1)
        if day_before != to_local(now, school.timezone).date() or (
                invitation.reminded_at is not None
                and to_local(invitation.reminded_at, school.timezone).date() >= day_before):
            continue
        sent += _remind_tomorrow(invitation, event, starts)
        invitation.reminded_at = now
    return sent


def _remind_tomorrow(invitation: EventInvitation, event: Event, starts: datetime) -> bool:
    guardian = db.session.get(Guardian, invitation.guardian_id)
    student = db.session.get(Student, invitation.student_id) if invitation.student_id else None
    language = guardian.preferred_language
    with force_locale(language):
        hour = format_time(starts, "short", locale=language)  # starts is already local
        subject = _("Reminder: %(title)s tomorrow at %(time)s", title=event.title, time=hour)
        body = _("Dear %(guardian)s,\n\nA reminder that %(title)s is tomorrow, %(day)s, "
                 "at %(time)s.", guardian=guardian.display_name, title=event.title,
                 day=format_date(starts.date(), "long", locale=language), time=hour)
        if event.location:  # its own line: no comma of one language in another's sentence
            body += "\n" + _("Where: %(place)s", place=event.location)
    return notify_guardian(guardian=guardian, kind=UpdateKind.EVENTS, subject=subject,
                           body_text=body, student=student) is not None
