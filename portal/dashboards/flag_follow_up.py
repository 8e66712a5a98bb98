"""How long flagged students have been flagged, and whether anyone acted within two weeks."""

from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    select,
)

from portal.core.permissions import on_student_row
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.outcomes.models import Intervention
from portal.people.models import Student
from portal.risk.models import NewestAssessment, RiskLevel

FOLLOW_UP_DAYS = 14
WEEK_BOUNDS = (0, 2, 4, 8)  # buckets of weeks flagged: [0, 2), [2, 4), [4, 8), 8 or more
DAY_MS = 86_400_000


def flag_follow_up(scope: Select, now: datetime) -> dict:
    """Return counts per time flagged and the shares contacted / helped within two weeks.

    Shares count only students flagged at least two weeks ago (their window is over). The
    database counts the flags per whole day flagged, with who of them was contacted or
    helped in time (the days say whose window is over): a district's thousands of flags
    come back as a few hundred rows.
    """
    began = NewestAssessment.flag_began
    days = _whole_days(now, began)
    contacted = _acted_within(Interaction.student_id, Interaction.occurred_at)
    helped = _acted_within(Intervention.student_id, Intervention.opened_on)
    flags = (select(days.label("days"), contacted.label("contacted"), helped.label("helped"))
             .join(Student, Student.id == NewestAssessment.student_id)
             .where(on_student_row(scope), NewestAssessment.level != RiskLevel.NONE)
             .offset(0).subquery())  # each student's two lookups made once, not per sum

    def counted(condition):
        return func.sum(case((condition, 1), else_=0))

    per_day = db.session.execute(
        select(flags.c.days, func.count(), counted(flags.c.contacted), counted(flags.c.helped),
               counted(flags.c.contacted | flags.c.helped))
        .group_by(flags.c.days).order_by(flags.c.days)).all()
    return _folded([tuple(int(value) for value in row) for row in per_day])


def _folded(per_day: list[tuple[int, ...]]) -> dict:
    """flag_follow_up's figures from (whole days flagged, flags, contacted, helped, either)
    rows, fewest days first."""
    flagged = sum(row[1] for row in per_day)
    at_least = [flagged] + [sum(count for days, count, *_ in per_day if days >= 7 * low)
                            for low in WEEK_BOUNDS[1:]]  # a flag dated ahead of the clock: new
    buckets = [(low, high, count - following) for low, high, count, following
               in zip(WEEK_BOUNDS, (*WEEK_BOUNDS[1:], None), at_least, (*at_least[1:], 0),
                      strict=True)]
    over = [row for row in per_day if row[0] >= FOLLOW_UP_DAYS]
    window_over = sum(row[1] for row in over)
    contacted, helped, either = (sum(row[column] for row in over) for column in (2, 3, 4))
    return {"flagged": flagged, "buckets": buckets, "window_over": window_over,
            "median_days": _median(per_day, flagged),
            "contacted": _share(contacted, window_over),
            "intervention": _share(helped, window_over), "either": _share(either, window_over)}


def _median(per_day: list[tuple[int, ...]], flagged: int) -> float | None:
    """The median of the days flagged, from how many flags lasted each number of days."""
    if not flagged:
        return None
    wanted, middle, seen = {(flagged - 1) // 2, flagged // 2}, [], 0
    for days, count, *_ in per_day:
        middle += [days for position in wanted if seen <= position < seen + count]
        seen += count
    return median(middle)


def _whole_days(now: datetime, began: ColumnElement) -> ColumnElement[int]:
    """SQL for the whole days from `began` to `now` (timedelta.days)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(extract("day", literal(now, DateTime) - began), Integer)
    # SQLite: julianday is exact to the millisecond; rounded to whole milliseconds first.
    elapsed_ms = cast((func.julianday(literal(now, DateTime)) - func.julianday(began))
                      * DAY_MS + 0.5, Integer)
    return elapsed_ms // DAY_MS  # integer division (`/` would be true division)


def _acted_within(student_column, when_column) -> ColumnElement[bool]:
    """Whether the flagged student has a row (a contact, an intervention) dated from the day
    their flag began to FOLLOW_UP_DAYS after it."""
    began = NewestAssessment.flag_began
    return exists().where(student_column == NewestAssessment.student_id,
                          when_column >= func.date(began),
                          when_column <= _days_after(began, FOLLOW_UP_DAYS))


def _days_after(moment: ColumnElement, days: int) -> ColumnElement:
    """SQL for `moment` plus whole days, comparable with a date column (at its midnight) or
    a timestamp column."""
    if db.session.get_bind().dialect.name == "postgresql":
        return moment + timedelta(days=days)
    # SQLite compares the text: its milliseconds, then 999, come after any stored microseconds
    # of that millisecond; a date ('YYYY-MM-DD') comes before every time of its day.
    return func.strftime("%Y-%m-%d %H:%M:%f", moment, f"+{days} days") + "999"


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
