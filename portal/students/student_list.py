"""The staff student list: search, filters, sorting, one page or the whole list for CSV."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    ScalarSelect,
    Select,
    Subquery,
    case,
    func,
    literal,
    nulls_first,
    nulls_last,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.core.paging import check_page, page_with_total
from portal.core.permissions import student_condition
from portal.core.text import fold
from portal.core.time import monday_of, utcnow
from portal.extensions import db
from portal.needs.models import Need, NeedStatus
from portal.outcomes.models import AttendanceStatus, AttendanceToDate, DailyAttendance
from portal.outcomes.queries import program_participant_ids
from portal.people.models import Guardian, School, Student, StudentGuardian
from portal.people.queries import section_student_ids
from portal.risk.models import RiskLevel
from portal.risk.queries import latest_risk_levels

PER_PAGE = 50
NOT_ASSESSED = "not_assessed"
FIGURE_SORTS = ("risk", "attendance", "last_contact")
SORTS = ("name", "grade", *FIGURE_SORTS)


@dataclass(frozen=True)
class StudentFilters:
    """What the staff member asked the list for."""

    search: str = ""
    school_id: int | None = None  # one of the user's schools; None: all of them
    grade_level: int | None = None
    section_id: int | None = None
    program_id: int | None = None
    open_needs: bool = False
    risk_level: str | None = None
    attendance_below: float | None = None
    no_contact_days: int | None = None
    sort: str = "name"


def _attendance_rate(since: date | None) -> ScalarSelect:
    """The student's attendance rate since the date, a column of the listed Student: the
    weeks from the first Monday on or after it from the totals to date (AttendanceToDate:
    through the student's last week, less through the week before that Monday), and the
    days before that Monday from the daily rows.

    Each student's rows are read on their own (one correlated subquery, in the list's own
    statement: joined back as a subquery of rates it cost a quarter more): two index entries
    of totals and a few days. Adding up every week of the term instead read ~36 entries a
    student, 450,000 for a grade across a district. When no school has a day in the date's
    week before it (a term that begins mid-week after a holiday), that whole week counts
    from the totals too, and no student's days are read (docs/performance.md).
    """
    parts = [_to_date(1)]
    if since is not None:
        week_start = monday_of(since)
        if week_start == since or not _any_school_day(week_start, before=since):
            parts.append(_to_date(-1, before=week_start))
        else:
            first_monday = week_start + timedelta(days=7)
            absent = case((DailyAttendance.status.in_(AttendanceStatus.ABSENT), 1), else_=0)
            parts += [_to_date(-1, before=first_monday),
                      select(literal(1), absent)
                      .where(DailyAttendance.student_id == Student.id,
                             DailyAttendance.on_date >= since,
                             DailyAttendance.on_date < first_monday)
                      .correlate(Student)]
    counted = union_all(*parts).subquery()
    days = func.sum(counted.c.days)
    return select(100.0 * (days - func.sum(counted.c.absences))
                  / func.nullif(days, 0)).scalar_subquery()


def _any_school_day(start: date, before: date) -> bool:
    """Return True if any school recorded attendance on a day from `start` to the day before
    `before` (one probe of each school's dates; any school, as a student may have moved)."""
    return bool(db.session.scalar(select(
        select(DailyAttendance.on_date)
        .where(DailyAttendance.school_id.in_(select(School.id)),
               DailyAttendance.on_date >= start, DailyAttendance.on_date < before)
        .exists())))


def _to_date(sign: int, before: date | None = None) -> Select:
    """Select the student's totals to date (times the sign) through their last week, or their
    last week before a day."""
    through = (select(AttendanceToDate.days, AttendanceToDate.absences)
               .where(AttendanceToDate.student_id == Student.id)
               .order_by(AttendanceToDate.week_start.desc()).limit(1).correlate(Student))
    if before is not None:
        through = through.where(AttendanceToDate.week_start < before)
    through = through.subquery()
    return select((sign * through.c.days).label("days"),
                  (sign * through.c.absences).label("absences"))


def _last_contacts(student_ids: Select | list[int]):
    return (select(StudentGuardian.student_id,
                   func.max(Guardian.last_successful_contact_at).label("last_contact"))
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id.in_(student_ids))
            .group_by(StudentGuardian.student_id).subquery())


def _open_needs(student_ids: Select | list[int]):
    return (select(Need.student_id, func.count().label("open_needs"))
            .where(Need.student_id.in_(student_ids), Need.status.in_(NeedStatus.ACTIVE))
            .group_by(Need.student_id).subquery())


def _visible_matching(user: User, filters: StudentFilters) -> Select:
    """Select the ids of the active students this user may see that the plain filters keep."""
    return _matching_students(select(Student.id).where(student_condition(user),
                                                       Student.is_active.is_(True)), filters)


def _list_statement(user: User, filters: StudentFilters, since: date | None,
                    chosen: list[int] | None = None) -> Select:
    """The list's rows, figures and all, in order; the figures are worked out only for the
    students the plain filters keep (or only for `chosen`, a page chosen already)."""
    ids = _visible_matching(user, filters) if chosen is None else chosen
    figures = risk, rate, contacts, needs = _figures(ids, since)
    stmt = _joined(
        select(Student, risk.c.level.label("risk_level"), rate.label("attendance_rate"),
               contacts.c.last_contact, func.coalesce(needs.c.open_needs, 0).label("open_needs"))
        .where(Student.id.in_(ids)), figures
    ).options(selectinload(Student.school))  # named on each row across several schools
    if chosen is None:  # a page chosen already shows its rows, whatever changed since
        stmt = _apply_figure_filters(stmt, filters, *figures)
    return stmt.order_by(*_ordering(filters.sort, risk, rate, contacts))


def _figures(ids: Select | list[int], since: date | None,
             used_by: StudentFilters | None = None) -> tuple:
    """(risk, rate, contacts, needs): the figures over these students (subqueries, and the
    rate a column of Student; the levels are every student's, joined to these); given
    filters, only those their filters and order use (None for the others)."""
    uses = (True,) * 4 if used_by is None else (
        bool(used_by.risk_level) or used_by.sort == "risk",
        used_by.attendance_below is not None or used_by.sort == "attendance",
        used_by.no_contact_days is not None or used_by.sort == "last_contact",
        used_by.open_needs)
    makers = (lambda _students: latest_risk_levels(), lambda _students: _attendance_rate(since),
              _last_contacts, _open_needs)
    return tuple(make(ids) if used else None for make, used in zip(makers, uses, strict=True))


def _joined(stmt: Select, figures: tuple) -> Select:
    """The statement with each figure's subquery worked out (not None) joined to its
    student (the rate is a column of the student's already)."""
    for figure in figures:
        if isinstance(figure, Subquery):
            stmt = stmt.outerjoin(figure, figure.c.student_id == Student.id)
    return stmt


def _matching_students(stmt: Select, filters: StudentFilters) -> Select:
    """Narrow a select of student ids by the filters on the students themselves."""
    for word in fold(filters.search).split():
        stmt = stmt.where(or_(Student.search_name.contains(word, autoescape=True),
                              func.lower(Student.external_id) == word))
    if filters.school_id is not None:
        stmt = stmt.where(Student.school_id == filters.school_id)
    if filters.grade_level is not None:
        stmt = stmt.where(Student.grade_level == filters.grade_level)
    if filters.section_id is not None:
        stmt = stmt.where(Student.id.in_(section_student_ids([filters.section_id])))
    if filters.program_id is not None:
        stmt = stmt.where(Student.id.in_(program_participant_ids([filters.program_id],
                                                                 on=utcnow().date())))
    return stmt


def _apply_figure_filters(stmt: Select, filters: StudentFilters, risk, rate, contacts,
                          needs) -> Select:
    if filters.open_needs:
        stmt = stmt.where(needs.c.open_needs > 0)
    if filters.risk_level == NOT_ASSESSED:
        stmt = stmt.where(risk.c.level.is_(None))
    elif filters.risk_level:
        stmt = stmt.where(risk.c.level == filters.risk_level)
    if filters.attendance_below is not None:
        stmt = stmt.where(rate < filters.attendance_below)
    if filters.no_contact_days is not None:
        cutoff = utcnow() - timedelta(days=filters.no_contact_days)
        stmt = stmt.where(contacts.c.last_contact.is_(None) | (contacts.c.last_contact < cutoff))
    return stmt


def _ordering(sort: str, risk=None, rate=None, contacts=None) -> tuple:
    """The list's order; the figures' subqueries are needed only to sort by them."""
    by_name = (Student.sort_name, Student.last_name, Student.first_name, Student.id)
    if sort == "grade":
        return (Student.grade_level, *by_name)
    if sort == "risk":
        severity = case({RiskLevel.HIGH: 0, RiskLevel.WATCH: 1, RiskLevel.NONE: 2},
                        value=risk.c.level, else_=literal(3))
        return (severity, *by_name)
    if sort == "attendance":
        return (nulls_last(rate.asc()), *by_name)
    if sort == "last_contact":
        return (nulls_first(contacts.c.last_contact.asc()), *by_name)
    return by_name


def find_students(user: User, filters: StudentFilters, *, since: date | None = None,
                  page: int | None = 1) -> tuple[list, int]:
    """Return the matching rows (one page, or all when page is None) and how many match; a
    page past the last is a 404.

    A page is chosen first from the students and only the figures its filters and order
    use (a district's list by name weighs no figure at all, one filtered by attendance no
    family contacts); then only its rows' figures are worked out.
    """
    if page is None:
        rows = list(db.session.execute(_list_statement(user, filters, since)).all())
        return rows, len(rows)
    ranked, total = page_with_total(_ranked(user, filters, since), page, PER_PAGE)
    check_page(page, total, PER_PAGE)
    if not ranked:
        return [], total
    shown = [student_id for student_id, in ranked]
    rows = db.session.execute(_list_statement(user, filters, since, chosen=shown)).all()
    return list(rows), total


def _ranked(user: User, filters: StudentFilters, since: date | None) -> Select:
    """Select the matching students' ids in the list's order, worked out from only the
    figures the filters and the order use."""
    ids = _visible_matching(user, filters)
    figures = risk, rate, contacts, _needs = _figures(ids, since, used_by=filters)
    stmt = _apply_figure_filters(_joined(ids, figures), filters, *figures)
    return stmt.order_by(*_ordering(filters.sort, risk, rate, contacts))
