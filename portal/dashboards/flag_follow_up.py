"""How long flagged students have been flagged, and whether anyone acted within two weeks."""

from bisect import bisect_right
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import Select, select

from portal.core.bulk import among
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.outcomes.models import Intervention
from portal.risk.queries import flagged_since

FOLLOW_UP_DAYS = 14
WEEK_BOUNDS = (0, 2, 4, 8)  # buckets of weeks flagged: [0, 2), [2, 4), [4, 8), 8 or more


def flag_follow_up(scope: Select, now: datetime) -> dict:
    """Return counts per time flagged and the shares contacted / helped within two weeks.

    Shares count only students flagged at least two weeks ago (their window is over). The
    flags are read once and counted on their sorted beginnings (a district flags thousands).
    """
    since = flagged_since(scope)
    began = sorted(since.values())
    # Flagged for `low` whole weeks or more: began at or before now - low weeks.
    at_least = [len(began) if low == 0 else bisect_right(began, now - timedelta(weeks=low))
                for low in WEEK_BOUNDS]
    highs = (*WEEK_BOUNDS[1:], None)
    buckets = [(low, high, count - following) for low, high, count, following
               in zip(WEEK_BOUNDS, highs, at_least, (*at_least[1:], 0), strict=True)]
    window_over = now - timedelta(days=FOLLOW_UP_DAYS)
    due = {sid: moment for sid, moment in since.items() if moment <= window_over}
    contacted = _acted(due, Interaction.student_id, Interaction.occurred_at)
    helped = _acted(due, Intervention.student_id, Intervention.opened_on)
    middle = began[(len(began) - 1) // 2:len(began) // 2 + 1]  # one or two flags
    return {
        "flagged": len(began), "buckets": buckets, "window_over": len(due),
        "median_days": median([(now - moment).days for moment in middle]) if began else None,
        "contacted": _share(len(contacted), len(due)),
        "intervention": _share(len(helped), len(due)),
        "either": _share(len(contacted | helped), len(due)),
    }


def _acted(due: dict[int, datetime], student_column, when_column) -> set[int]:
    """Return the students with a row dated within FOLLOW_UP_DAYS after their flag began."""
    if not due:
        return set()
    rows = db.session.execute(
        select(student_column, when_column)
        .where(among(student_column, due), when_column >= min(due.values()).date())
        .distinct())
    found = set()
    for student_id, when in rows:
        moment = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
        began = due[student_id]
        if began.date() <= moment.date() and moment <= began + timedelta(days=FOLLOW_UP_DAYS):
            found.add(student_id)
    return found


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
