"""Time helpers: everything is stored in UTC and shown in the school's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo (as stored in the database)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today_in(timezone: str) -> date:
    """Return today's date in the given time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


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
