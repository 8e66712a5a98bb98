"""The weekly message: one per guardian covering all their children.

It goes out on Friday afternoon in the school's time zone; the hourly job skips guardians
who already had this week's message, so a restarted or late worker never sends it twice.
The weekly family alert (weekly_alert.py) joins the progress digest rather than adding a
second message: when a child has something to act on, the message opens with the alert
(and SMS and push carry only the alert); otherwise the digest goes alone, as before. A
family who turned the digest off still gets the alert, and the reverse.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from portal.core.formats import format_day, format_moment, format_names, format_number
from portal.core.jobs import batches
from portal.core.models import Visibility
from portal.core.permissions import family_child_condition
from portal.core.templating import number
from portal.core.time import to_local, to_utc, utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging.models import Message, UpdateKind
from portal.messaging.services import notify_guardian, wants_update
from portal.messaging.weekly_alert import (
    MISSING_LOOKBACK_DAYS,
    alert_text,
    child_alert_lines,
    eligible_families,
)
from portal.outcomes.models import Intervention, InterventionStatus
from portal.outcomes.queries import attendance_summary, latest_grades, missing_work
from portal.people.models import Guardian, School, Student, StudentGuardian


def _child_section(student: Student, since) -> list[str]:
    """The child's lines, numbers and dates written in the current locale's way."""
    locale = get_locale()
    week = attendance_summary(student, since=since)
    lines = [_("%(name)s (grade %(level)s)", name=student.display_name,
               level=number(student.grade_level))]
    if week["days"]:
        lines.append(_("Attendance this week: %(rate)s %% (%(absences)d absences)",
                       rate=format_number(week["rate"], locale, 1), absences=week["absences"]))
    grades = [row for row in latest_grades(student, 20) if row["grade"].recorded_on >= since]
    lines += [_("New grade: %(course)s %(percent)s %%", course=row["course"],
                percent=format_number(row["grade"].percent, locale, 0)) for row in grades]
    lines += [_("Missing work: %(course)s, %(name)s (due %(day)s)", course=row["course"],
                name=row["name"], day=format_day(row["due_on"], locale))
              for row in missing_work(student, until=since + timedelta(days=7),
                                      since=since - timedelta(days=MISSING_LOOKBACK_DAYS))]
    interventions = db.session.scalars(select(Intervention).where(
        Intervention.student_id == student.id, Intervention.status == InterventionStatus.OPEN,
        Intervention.visibility == Visibility.FAMILY)).all()
    lines += [_("Support in progress: %(goal)s", goal=item.goal) for item in interventions]
    return lines


def _upcoming_events(guardian: Guardian, children: list[Student], school: School,
                     now: datetime) -> list[str]:
    """The coming fortnight's events the guardian is invited to about the school in general
    or a child the message covers (never a child who left or was erased)."""
    about = or_(EventInvitation.student_id.is_(None),
                EventInvitation.student_id.in_([child.id for child in children]))
    events = db.session.scalars(
        select(Event).join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(EventInvitation.guardian_id == guardian.id, about, Event.starts_at > now,
               Event.starts_at <= now + timedelta(days=14), Event.status != "cancelled")
        .order_by(Event.starts_at)).all()
    return [f"{format_moment(event.starts_at, school.timezone, get_locale())} {event.title}"
            for event in events]


def _digest_parts(guardian: Guardian, children: list[Student], school: School,
                  now: datetime) -> list[str]:
    since = to_local(now, school.timezone).date() - timedelta(days=7)
    parts = [_("Here is this week at %(school)s.", school=school.name)]
    parts += ["\n".join(_child_section(child, since)) for child in children]
    events = _upcoming_events(guardian, children, school, now)
    if events:
        parts.append("\n".join([_("Coming up:")] + events))
    return parts


def _names(children: list[Student]) -> str:
    """The children's names as a list in the current language ("Ana and Ben")."""
    return format_names([child.display_name for child in children], get_locale())


def digest_for(guardian: Guardian, children: list[Student], school: School,
               now: datetime) -> tuple[str, str]:
    """Return the subject and text of one guardian's weekly digest."""
    with force_locale(guardian.preferred_language):
        parts = [_("Dear %(name)s,", name=guardian.display_name)]
        parts += _digest_parts(guardian, children, school, now)
        subject = _("Your weekly update: %(names)s", names=_names(children))
    return subject, "\n\n".join(parts)


@dataclass(frozen=True)
class WeeklyMessage:
    """One guardian's weekly message: its kind (alert or progress), subject and text."""

    kind: str
    subject: str
    body: str
    short_text: str | None  # the alert alone, for SMS and push


def weekly_message_for(guardian: Guardian, children: list[Student], school: School,
                       now: datetime, *, with_alert: bool) -> WeeklyMessage | None:
    """Return the guardian's weekly message (alert and/or digest), or None if nothing goes."""
    with force_locale(guardian.preferred_language):
        lines = [line for child in children
                 for line in child_alert_lines(child, school, now)] if with_alert else []
        if not lines:
            if not wants_update(guardian, UpdateKind.PROGRESS):
                return None
            return WeeklyMessage(UpdateKind.PROGRESS,
                                 *digest_for(guardian, children, school, now), None)
        alert = alert_text(lines)
        parts = [_("Dear %(name)s,", name=guardian.display_name), alert]
        if wants_update(guardian, UpdateKind.PROGRESS):
            parts += _digest_parts(guardian, children, school, now)
        subject = _("This week: what to look at for %(names)s", names=_names(children))
    return WeeklyMessage(UpdateKind.ALERT, subject, "\n\n".join(parts), alert)


DIGEST_WEEKDAY, DIGEST_HOUR = 4, 16  # Friday, 16:00


def _weekly_time(school: School, now: datetime, *, any_day: bool) -> bool:
    """Whether the school's weekly message time has come (any time with `any_day`)."""
    local = to_local(now, school.timezone)
    return any_day or (local.weekday() == DIGEST_WEEKDAY and local.hour >= DIGEST_HOUR)


def _had_this_week(now: datetime, guardian_ids: list[int]) -> set[int]:
    """Those of these guardians who had a weekly message (alert or digest) in the last six
    days: one query a batch, not one a family."""
    return set(db.session.scalars(select(Message.guardian_id).distinct().where(
        Message.guardian_id.in_(guardian_ids),
        Message.kind.in_((UpdateKind.PROGRESS, UpdateKind.ALERT)),
        Message.campaign_id.is_(None), Message.sender_user_id.is_(None),
        Message.created_at >= now - timedelta(days=6))))


def _covered(*columns) -> Select:
    """Select these columns over each guardian and child a weekly message covers."""
    return (select(*columns)
            .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
            .join(Student, Student.id == StudentGuardian.student_id)
            .where(family_child_condition()))


def digest_families(guardian_ids: list[int] | None = None) -> list[tuple[Guardian, list[Student]]]:
    """Return each guardian (or only these) with the children their digest covers."""
    stmt = _covered(Guardian, Student).order_by(Guardian.id, Student.first_name)
    if guardian_ids is not None:
        stmt = stmt.where(Guardian.id.in_(guardian_ids))
    families: dict[int, tuple[Guardian, list[Student]]] = {}
    for guardian, student in db.session.execute(stmt).all():
        families.setdefault(guardian.id, (guardian, []))[1].append(student)
    return list(families.values())


def weekly_family_ids() -> list[tuple[int, int]]:
    """(guardian id, school id) of every guardian digest_families covers, by id: a
    district's 72,000 families as numbers, their records read a batch at a time."""
    return [(guardian_id, school_id) for guardian_id, school_id in db.session.execute(
        _covered(Guardian.id, Guardian.school_id).distinct().order_by(Guardian.id))]


def next_digest_time(school: School, now: datetime) -> datetime:
    """Return when the school's next weekly digest goes out (UTC), this week's if not yet."""
    local = to_local(now, school.timezone)
    friday = local.date() + timedelta(days=(DIGEST_WEEKDAY - local.weekday()) % 7)
    moment = to_utc(datetime.combine(friday, time(DIGEST_HOUR)), school.timezone)
    return moment if moment >= now else moment + timedelta(days=7)


def _alert_guardian_ids(school: School, families: list) -> set[int]:
    return {guardian.id for guardian, _children in eligible_families(school=school,
                                                                     families=families)}


def preview_digest(guardian: Guardian, now: datetime | None = None) -> tuple | None:
    """Return (when, subject, text) of the guardian's next weekly message, or None if none."""
    families = digest_families([guardian.id])
    if not families:
        return None
    school = db.session.get(School, guardian.school_id)
    when = next_digest_time(school, now or utcnow())
    message = weekly_message_for(guardian, families[0][1], school, when,
                                 with_alert=guardian.id in _alert_guardian_ids(school, families))
    return (when, message.subject, message.body) if message else None


def send_weekly_digests(now: datetime | None = None, *, any_day: bool = False,
                        checkpoint: Callable[[], object] | None = None) -> int:
    """Queue this week's message for every guardian whose school's weekly time has come
    (or, with `any_day`, every guardian who has had none in the last six days).

    `checkpoint` (the job's commit) is called after every batch of a few hundred families
    (queue_weekly_messages): a district's Friday is tens of thousands of messages.
    """
    now = now or utcnow()
    schools = {school.id: school for school in db.session.scalars(select(School))}
    if not any_day and not any(_weekly_time(school, now, any_day=False)
                               for school in schools.values()):
        return 0  # the hourly job, on any other hour of the week: no family read
    due = [guardian_id for guardian_id, school_id in weekly_family_ids()
           if _weekly_time(schools[school_id], now, any_day=any_day)]
    return queue_weekly_messages(due, now, checkpoint=checkpoint)


def queue_weekly_messages(guardian_ids: list[int], now: datetime, *,
                          checkpoint: Callable[[], object] | None = None) -> int:
    """Queue the weekly message of these guardians (but those who had this week's); return
    how many were queued.

    They go a batch at a time (core.jobs.batches): each batch's families are read when it
    starts and `checkpoint` (the job's commit) is called when it ends, so a district's
    72,000 families are never all in memory, a failure loses one batch, and nothing is read
    back after a commit (a commit expires what the session read).
    """
    sent = 0
    for batch in batches(guardian_ids):
        # Who had theirs is read at each batch, before its families: a run that overlaps
        # another (one longer than the job's hour, or the command beside the job) skips what
        # the other sent, and a later hour's run reads no family twice.
        had = _had_this_week(now, list(batch))
        waiting = [guardian_id for guardian_id in batch if guardian_id not in had]
        if waiting:
            sent += _queue_batch(digest_families(waiting), now)
        if checkpoint is not None:
            checkpoint()
    return sent


def _queue_batch(families: list[tuple[Guardian, list[Student]]], now: datetime) -> int:
    """Queue the weekly message of these families (one batch); return how many."""
    by_school = defaultdict(list)
    for guardian, children in families:
        by_school[guardian.school_id].append((guardian, children))
    schools = {school_id: db.session.get(School, school_id) for school_id in by_school}
    alerted = {guardian_id for school_id, members in by_school.items()
               for guardian_id in _alert_guardian_ids(schools[school_id], members)}
    sent = 0
    for guardian, children in families:
        message = weekly_message_for(guardian, children, schools[guardian.school_id], now,
                                     with_alert=guardian.id in alerted)
        if message is None:
            continue
        only_child = children[0] if len(children) == 1 else None
        sent += notify_guardian(guardian=guardian, kind=message.kind, subject=message.subject,
                                body_text=message.body, short_text=message.short_text,
                                student=only_child) is not None
    return sent
