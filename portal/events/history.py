"""Who came to what: a family's event history, shares attending, families who came to nothing."""

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select

from portal.auth.models import User
from portal.core.permissions import can_see_student, visible_children, visible_guardians
from portal.core.time import today_in, utcnow
from portal.events.models import (
    ConferenceSlot,
    Event,
    EventAttendance,
    EventInvitation,
    SlotStatus,
)
from portal.extensions import db
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.people.queries import current_term


def school_year(school: School) -> tuple[datetime, datetime]:
    """Return the UTC bounds of the school's current year (its term, else the last 365 days)."""
    today = today_in(school.timezone)
    term = current_term(school.id, today)
    starts = term.starts_on if term else today - timedelta(days=365)
    ends = term.ends_on if term and term.ends_on > today else today
    return datetime.combine(starts, datetime.min.time()), datetime.combine(
        ends + timedelta(days=1), datetime.min.time())


def family_walked_in(guardian_ids, school_id: int) -> ColumnElement[bool]:
    """Check-ins (joined to their event) of these guardians walking in, without an
    invitation, to an event of this school: they came for every child of theirs there."""
    return and_(EventAttendance.is_walk_in.is_(True), EventAttendance.guardian_id.in_(guardian_ids),
                Event.school_id == school_id)


def family_history(viewer: User, student: Student) -> dict | None:
    """Return the events the student's family was invited to, and whether they came, and
    those they walked in to."""
    if not can_see_student(viewer, student.id):
        return None
    guardian_ids = select(StudentGuardian.guardian_id).where(
        StudentGuardian.student_id == student.id)
    invitations = db.session.scalars(select(EventInvitation).join(Event).where(
        EventInvitation.guardian_id.in_(guardian_ids), Event.status != "cancelled")
        .order_by(Event.starts_at.desc())).all()
    came = {(a.event_id, a.guardian_id) for a in db.session.scalars(
        select(EventAttendance).where(EventAttendance.guardian_id.in_(guardian_ids)))}
    now = utcnow()
    rows = [{"event": db.session.get(Event, i.event_id),
             "guardian": db.session.get(Guardian, i.guardian_id), "rsvp": i.rsvp,
             "outcome": "attended" if (i.event_id, i.guardian_id) in came
             else ("missed" if db.session.get(Event, i.event_id).ends_at < now else "upcoming")}
            for i in invitations]
    walk_ins = db.session.scalars(select(EventAttendance).join(Event).where(
        family_walked_in(guardian_ids, student.school_id), Event.status != "cancelled")).all()
    rows += [{"event": db.session.get(Event, a.event_id),
              "guardian": db.session.get(Guardian, a.guardian_id), "rsvp": None,
              "outcome": "attended", "walk_in": True} for a in walk_ins]
    rows.sort(key=lambda row: row["event"].starts_at, reverse=True)
    conferences = db.session.scalars(select(ConferenceSlot).where(
        ConferenceSlot.student_id == student.id).order_by(ConferenceSlot.starts_at.desc())).all()
    return {"rows": rows, "conferences": conferences,
            "attended": sum(r["outcome"] == "attended" for r in rows),
            "missed": sum(r["outcome"] == "missed" for r in rows)}


def _past_invitations(school: School, starts: datetime, ends: datetime):
    return db.session.execute(
        select(EventInvitation.guardian_id, Event.id, Event.kind, Student.grade_level)
        .join(Event, Event.id == EventInvitation.event_id)
        .join(Student, Student.id == EventInvitation.student_id)
        .where(Event.school_id == school.id, Event.status != "cancelled",
               Event.starts_at >= starts, Event.starts_at < min(ends, utcnow()))).all()


def attending_shares(school: School) -> dict:
    """Return, per grade level and per event kind, the share of invited families who came."""
    starts, ends = school_year(school)
    came = set(db.session.execute(select(EventAttendance.event_id, EventAttendance.guardian_id)
                                  .join(Event).where(Event.school_id == school.id)).all())
    by_grade: dict = {}
    by_kind: dict = {}
    for guardian_id, event_id, kind, grade in _past_invitations(school, starts, ends):
        attended = (event_id, guardian_id) in came
        for table, key in ((by_grade, grade), (by_kind, kind)):
            invited, present = table.setdefault(key, (set(), set()))
            invited.add(guardian_id)
            if attended:
                present.add(guardian_id)
    return {"starts": starts, "ends": ends,
            "by_grade": _shares(by_grade), "by_kind": _shares(by_kind)}


def _shares(table: dict) -> list[dict]:
    return [{"key": key, "invited": len(invited), "attended": len(present),
             "share": round(100 * len(present) / len(invited)) if invited else 0}
            for key, (invited, present) in sorted(table.items())]


FAMILIES_PER_PAGE = 50


def families_who_came_to_nothing(viewer: User, school: School,
                                 page: int = 1) -> tuple[list[dict], int]:
    """Return one page (by name) of the families, visible to the viewer, invited this year
    who came to nothing, and how many there are in all."""
    starts, ends = school_year(school)
    counts = Counter(row[0] for row in _past_invitations(school, starts, ends))
    came = set(db.session.scalars(select(EventAttendance.guardian_id).join(Event).where(
        Event.school_id == school.id, Event.starts_at >= starts, Event.starts_at < ends)))
    came |= set(db.session.scalars(select(ConferenceSlot.guardian_id).join(Event).where(
        Event.school_id == school.id, ConferenceSlot.status == SlotStatus.HELD,
        ConferenceSlot.starts_at >= starts)))
    absent = visible_guardians(viewer).where(Guardian.id.in_(set(counts) - came))
    total = db.session.scalar(select(func.count()).select_from(absent.subquery()))
    guardians = db.session.scalars(absent.order_by(Guardian.sort_name, Guardian.id)
                                   .offset((page - 1) * FAMILIES_PER_PAGE)
                                   .limit(FAMILIES_PER_PAGE)).all()
    children = visible_children(viewer, [guardian.id for guardian in guardians])
    return [{"guardian": guardian, "invited": counts[guardian.id],
             "children": children[guardian.id]} for guardian in guardians], total


def year_label(starts: datetime, ends: datetime) -> tuple[date, date]:
    """Return the first and last day of a year span, for display."""
    return starts.date(), (ends - timedelta(days=1)).date()
