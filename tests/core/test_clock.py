"""The portal's clock: fixed in tests, so no test depends on the day the suite runs."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portal.core.time import set_clock, today_in, utcnow
from tests.conftest import TEST_NOW


def test_every_test_starts_at_the_fixed_moment(clock):
    assert utcnow() == TEST_NOW == clock.now


def test_today_follows_the_clock_in_the_schools_time_zone(clock):
    clock.set(datetime(2031, 1, 1, 3, 30))  # 22:30 on New Year's Eve in New York
    assert today_in("America/New_York") == date(2030, 12, 31)
    assert today_in("Europe/Paris") == date(2031, 1, 1)


def test_moving_the_clock_moves_what_the_portal_calls_now(clock):
    clock.advance(days=400)
    assert utcnow() == datetime(2027, 12, 30, 15, 0)
    clock.advance(days=-800)
    assert utcnow().date() == date(2025, 10, 21)


def test_an_aware_moment_is_stored_as_naive_utc():
    set_clock(datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    try:
        assert utcnow() == datetime(2026, 3, 1, 7, 0)
    finally:
        set_clock(None)
    assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)).total_seconds() < 60


@pytest.mark.real_clock
def test_a_real_clock_test_sees_the_system_clock():
    assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)).total_seconds() < 60
