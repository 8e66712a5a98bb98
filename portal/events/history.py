"""Who came to what: a family's event history, shares attending, families who came to nothing."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)

from portal.auth.models import User
from portal.core.paging import check_page
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
from portal.people.queries import current_terms, term_start_of


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


Years = list[tuple[int, datetime, datetime]]


def school_years(schools: list[School]) -> Years:
    """Return (school id, first moment, end) of each school's current year: the UTC bounds
    of its current term, else of the last 365 days (the terms read in one query)."""
    days = {school.id: today_in(school.timezone) for school in schools}
    terms = current_terms(days)
    years = []
    for school in schools:
        today, term = days[school.id], terms.get(school.id)
        starts = term_start_of(term, today)
        ends = term.ends_on if term and term.ends_on > today else today
        years.append((school.id, datetime.combine(starts, datetime.min.time()),
                      datetime.combine(ends + timedelta(days=1), datetime.min.time())))
    return years


def _this_year(years: Years, moment, *, until_now: bool = False) -> ColumnElement[bool]:
    """Events of these schools dated (by `moment`) in each one's own current year, and up
    to now with `until_now` (past events only); one condition for the schools sharing a
    year (a district's usually all do), not one a school."""
    now = utcnow()
    sharing = defaultdict(list)
    for school_id, starts, ends in years:
        sharing[starts, min(ends, now) if until_now else ends].append(school_id)
    return or_(false(), *(and_(Event.school_id.in_(school_ids), moment >= starts, moment < ends)
                          for (starts, ends), school_ids in sharing.items()))


def _past_invitations(years: Years):
    """Invitations (guardian, event) to the schools' past events this year, not cancelled."""
    return (select(EventInvitation.guardian_id, EventInvitation.event_id)
            .join(Event, Event.id == EventInvitation.event_id)
            .where(Event.status != "cancelled",
                   _this_year(years, Event.starts_at, until_now=True)))


def _with_children(invitations: Select) -> Select:
    """Join each invitation to its family's children at the event's school: the invited
    child, and every other child of the guardian there still at school."""
    return (invitations
            .join(StudentGuardian, StudentGuardian.guardian_id == EventInvitation.guardian_id)
            .join(Student, and_(Student.id == StudentGuardian.student_id,
                                Student.school_id == Event.school_id,
                                or_(Student.is_active.is_(true()),
                                    Student.id == EventInvitation.student_id))))


def attending_shares(years: Years) -> dict:
    """Return, per grade level and per event kind, the share of invited families who came
    to a past event of these schools this year (from the first school's year start to the
    last one's end), counted by the database in one statement: the invitations and whether
    each family came are read once, then counted by grade and by kind. A family counts in
    each grade they have a child in at the event's school (once per kind)."""
    came = exists().where(EventAttendance.event_id == EventInvitation.event_id,
                          EventAttendance.guardian_id == EventInvitation.guardian_id)
    invitations = (_with_children(_past_invitations(years))
                   .with_only_columns(EventInvitation.guardian_id.label("family"),
                                      Student.grade_level.label("grade"),
                                      Event.kind.label("kind"),
                                      case((came, EventInvitation.guardian_id)).label("came"))
                   .cte("invitations"))
    counts = (func.count(invitations.c.family.distinct()),
              func.count(invitations.c.came.distinct()))
    rows = db.session.execute(union_all(
        select(literal("by_grade"), invitations.c.grade, null(), *counts)
        .group_by(invitations.c.grade),
        select(literal("by_kind"), null(), invitations.c.kind, *counts)
        .group_by(invitations.c.kind)))
    shares = {"by_grade": [], "by_kind": []}
    for name, grade, kind, invited, present in rows:
        shares[name].append({"key": grade if name == "by_grade" else kind, "invited": invited,
                             "attended": present, "share": round(100 * present / invited)})
    for figures in shares.values():
        figures.sort(key=lambda row: row["key"])
    return {"starts": min(starts for _, starts, _ in years),
            "ends": max(ends for _, _, ends in years), **shares}


FAMILIES_PER_PAGE = 50


def families_who_came_to_nothing(viewer: User, years: Years,
                                 page: int = 1) -> tuple[list[dict], int]:
    """Return one page (by name) of the families, visible to the viewer, invited this year
    by these schools who came to none of their events, with how many past events each was
    invited to (one invitation a family and event), and how many such families there are
    in all (chosen by the database: a district's are tens of thousands). A page past the
    last is a 404."""
    invited = _past_invitations(years).subquery()
    attended = select(EventAttendance.guardian_id).join(Event).where(
        EventAttendance.guardian_id.is_not(None), _this_year(years, Event.starts_at))
    conferred = select(ConferenceSlot.guardian_id).join(Event).where(
        ConferenceSlot.status == SlotStatus.HELD, ConferenceSlot.guardian_id.is_not(None),
        _this_year(years, ConferenceSlot.starts_at))
    absent = visible_guardians(viewer).where(
        Guardian.id.in_(select(invited.c.guardian_id)), Guardian.id.not_in(attended),
        Guardian.id.not_in(conferred))
    total = db.session.scalar(select(func.count()).select_from(absent.subquery()))
    check_page(page, total, FAMILIES_PER_PAGE)
    guardians = db.session.scalars(absent.order_by(Guardian.sort_name, Guardian.id)
                                   .offset((page - 1) * FAMILIES_PER_PAGE)
                                   .limit(FAMILIES_PER_PAGE)).all()
    ids = [guardian.id for guardian in guardians]
    times = dict(db.session.execute(
        select(invited.c.guardian_id, func.count())
        .where(invited.c.guardian_id.in_(ids)).group_by(invited.c.guardian_id)).all())
    children = visible_children(viewer, ids)
    return [{"guardian": guardian, "invited": times[guardian.id],
             "children": children[guardian.id]} for guardian in guardians], total


def year_label(starts: datetime, ends: datetime) -> tuple[date, date]:
    """Return the first and last day of a year span, for display."""
    return starts.date(), (ends - timedelta(days=1)).date()
