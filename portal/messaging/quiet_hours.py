"""Quiet hours: non-urgent messages wait for the school's sending window (pure, no Flask)."""

from datetime import datetime, timedelta

from portal.core.time import to_local, to_utc


def next_sending_time(moment: datetime, *, timezone: str, start_hour: int,
                      end_hour: int) -> datetime:
    """Return `moment` (naive UTC) or, outside the window in `timezone`, when it next opens."""
    local = to_local(moment, timezone).replace(tzinfo=None)
    if start_hour <= local.hour < end_hour:
        return moment
    opening = local.replace(hour=start_hour, minute=0, second=0, microsecond=0)
    if local.hour >= end_hour:
        opening += timedelta(days=1)
    return to_utc(opening, timezone)
