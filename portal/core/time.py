"""Time helpers: everything is stored in UTC and shown in the school's time zone.

Every "now" and "today" of the portal comes from `utcnow()`, so a test (or a replay of a
past school year) can set the clock with `set_clock()` instead of depending on the date.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_fixed_now: list[datetime] = []  # empty: the system clock


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo (as stored in the database)."""
    if _fixed_now:
        return _fixed_now[0]
    return datetime.now(UTC).replace(tzinfo=None)


def set_clock(moment: datetime | None) -> None:
    """Fix "now" at a naive UTC moment; None goes back to the system clock."""
    _fixed_now.clear()
    if moment is not None:
        _fixed_now.append(moment.replace(tzinfo=None) if moment.tzinfo is None
                          else moment.astimezone(UTC).replace(tzinfo=None))


def monday_of(day: date) -> date:
    """Return the Monday of a day's week (the weeks the portal counts in)."""
    return day - timedelta(days=day.weekday())


def today_in(timezone: str) -> date:
    """Return today's date in the given time zone."""
    return utcnow().replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


def to_local(moment: datetime | None, timezone: str) -> datetime | None:
    """Convert a stored UTC datetime to an aware datetime in the given time zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone))


def to_utc(local_moment: datetime, timezone: str) -> datetime:
    """Convert a naive local datetime in the given time zone to naive UTC for storage."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=ZoneInfo(timezone))
    return local_moment.astimezone(UTC).replace(tzinfo=None)


# A record of something that happened may be dated this far ahead (a clock a little fast).
AHEAD_ALLOWED = timedelta(hours=1)


def check_has_happened(moment: datetime, *, field: str) -> None:
    """Refuse a record of something that happened dated in the future (naive UTC): a contact
    "on 1 January 2200" would count as the family's last contact for ever after."""
    from flask_babel import gettext as _

    from portal.core.errors import DomainError

    if moment > utcnow() + AHEAD_ALLOWED:
        raise DomainError(_("This has not happened yet: choose a time up to now."), field=field)
