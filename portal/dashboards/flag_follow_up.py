"""How long flagged students have been flagged, and whether anyone acted within two weeks."""

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

    Shares count only students flagged at least two weeks ago (their window is over).
    """
    since = flagged_since(scope)
    counts = dict.fromkeys(WEEK_BOUNDS, 0)
    for began in since.values():
        counts[max(low for low in WEEK_BOUNDS if (now - began).days / 7 >= low)] += 1
    highs = (*WEEK_BOUNDS[1:], None)
    buckets = [(low, high, counts[low]) for low, high in zip(WEEK_BOUNDS, highs, strict=True)]
    due = {sid: began for sid, began in since.items()
           if began <= now - timedelta(days=FOLLOW_UP_DAYS)}
    contacted = _acted(due, Interaction.student_id, Interaction.occurred_at)
    helped = _acted(due, Intervention.student_id, Intervention.opened_on)
    return {
        "flagged": len(since), "buckets": buckets, "window_over": len(due),
        "median_days": median([(now - b).days for b in since.values()]) if since else None,
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
