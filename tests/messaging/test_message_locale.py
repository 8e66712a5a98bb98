"""Merge fields and the weekly digest write dates and numbers the way the reader's language
does, not as ISO dates and English decimals."""

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.core.errors import Conflict
from portal.core.formats import locale_of, native_digits
from portal.core.signals import attendance_recorded
from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging import campaigns, lifecycle, outbox_routes, routes
from portal.messaging.campaigns import create_campaign
from portal.messaging.digest import digest_for, weekly_message_for
from portal.messaging.merge import merge_fields
from portal.messaging.models import Message
from portal.messaging.segments import resolve_recipients
from portal.outcomes.models import DailyAttendance
from tests.messaging.alerts_world import (
    FRIDAY_AFTERNOON,
    THIS_MONDAY,
    attendance,
    family_world,
    grade,
    missing,
)
from tests.messaging.helpers import school_with_families

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _week_of_jaden(language: str):
    """Jaden: 2 of 3 days present, a 58 in Maths, a lab missing, a fair on 7 December."""
    world = family_world()
    world.mother.preferred_language = language
    for offset, status in enumerate(("present", "absent_unexcused", "present")):
        attendance(world, world.jaden, THIS_MONDAY + timedelta(days=offset), status)
    grade(world, world.jaden, world.maths, 58)
    missing(world, world.jaden, world.science, "Lab report", THIS_MONDAY + timedelta(days=1))
    starts = datetime(2026, 12, 7, 17, 0)
    fair = Event(school_id=world.school.id, kind="school_event", title="Science fair",
                 starts_at=starts, ends_at=starts + timedelta(hours=2), uid="fair@test")
    db.session.add(fair)
    db.session.flush()
    db.session.add(EventInvitation(event_id=fair.id, guardian_id=world.mother.id,
                                   student_id=world.jaden.id, invited_at=FRIDAY_AFTERNOON))
    db.session.flush()
    return world


def _fields(world, language: str) -> dict:
    return merge_fields(guardian=world.mother, students=[world.jaden], school=world.school,
                        language=language)


def test_merge_fields_write_dates_and_numbers_in_the_messages_language(app, clock):
    clock.set(FRIDAY_AFTERNOON)
    world = _week_of_jaden("fr")
    french = _fields(world, "fr")
    assert re.fullmatch(r"66,7\s%", french["attendance_rate"])
    assert re.fullmatch(r"Mathematics 58\s%", french["latest_grades"])
    assert french["next_event"] == "Science fair, 7 déc. 2026, 17:00"
    assert _fields(world, "de")["next_event"] == "Science fair, 07.12.2026, 17:00"
    english = _fields(world, "en")
    assert (english["attendance_rate"], english["next_event"]) == (
        "66.7%", "Science fair, Dec 7, 2026, 5:00\u202fPM")
    assert _fields(world, "fa")["attendance_rate"].startswith("۶۶٫۷")


def test_the_weekly_digest_writes_dates_and_numbers_in_the_guardians_language(app, clock):
    clock.set(FRIDAY_AFTERNOON)
    world = _week_of_jaden("fr")
    _, text = digest_for(world.mother, [world.jaden], world.school, FRIDAY_AFTERNOON)
    assert "66,7 %" in text  # the catalogue's "%(rate)s %%", the rate written in French
    assert "24 nov. 2026" in text  # the lab's due day
    assert "7 déc. 2026, 17:00 Science fair" in text
    assert not ISO_DAY.search(text) and "66.7" not in text


def test_an_absence_notice_dates_the_day_in_the_guardians_language(app):
    world = school_with_families()  # Maria reads Spanish
    record = DailyAttendance(school_id=world.school.id, student_id=world.ana.id,
                             on_date=date(2026, 11, 25), status="absent_unexcused",
                             recorded_at=utcnow())
    db.session.add(record)
    db.session.flush()
    attendance_recorded.send(world.teacher, records=[record])
    notice = db.session.scalars(select(Message).where(Message.guardian_id == world.mum.id)).one()
    assert "25 nov 2026" in notice.body_text and not ISO_DAY.search(notice.body_text)


def test_the_review_page_writes_a_districts_audience_with_thousands_separators(app, login_as,
                                                                               monkeypatch):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={},
                               variants={"en": ("News", "Dear {{ guardian_name }}")})
    db.session.commit()
    counted = campaigns.review_audience

    def at_district_size(*args):
        review = counted(*args)
        return replace(review, guardians=90_412, held_back_by_limit={2: 1_250},
                       inbox_only=3_004, unreachable=1_001)

    monkeypatch.setattr(campaigns, "review_audience", at_district_size)
    page = login_as(world.admin).get(f"/messaging/campaigns/{campaign.id}/review")
    text = page.get_data(as_text=True)
    for written in ("90,412 guardians will receive", "send to all 90,412 guardians",
                    "1,250 families have already", "3,004 families will not",
                    "1,001 of them have"):
        assert written in text, written
    assert "90412 guardian" not in text  # (the form still posts the bare count)


def test_what_a_send_stop_or_retry_did_is_counted_with_thousands_separators(app, login_as,
                                                                           monkeypatch):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={},
                               variants={"en": ("News", "Dear {{ guardian_name }}")})
    db.session.commit()
    client = login_as(world.admin)
    monkeypatch.setattr(campaigns, "send_campaign", lambda **given: 90_412)
    monkeypatch.setattr(lifecycle, "stop_campaign", lambda **given: 1_234)
    monkeypatch.setattr(routes, "retry_deliveries", lambda **given: 5_678)
    monkeypatch.setattr(outbox_routes, "retry_deliveries", lambda **given: 2_001)
    base = f"/messaging/campaigns/{campaign.id}"
    for path, said in ((f"{base}/send", "Queued for 90,412 guardians."),
                       (f"{base}/stop", "Stopped: 1,234 emails will not be sent."),
                       (f"{base}/retry-failed", "5,678 failed deliveries are queued again."),
                       ("/messaging/outbox/retry", "2,001 failed deliveries are queued again.")):
        page = client.post(path, data={"confirm": "y"}, follow_redirects=True)
        assert said in page.get_data(as_text=True), path


def test_a_send_asks_to_confirm_a_count_written_in_the_senders_language(app):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind="general", criteria={},
                               variants={"en": ("News", "Dear {{ guardian_name }}")})
    many = resolve_recipients(criteria={}, school_id=world.school.id, sender=world.admin) * 700
    with app.test_request_context(), force_locale("de"):
        with pytest.raises(Conflict) as asked:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(campaigns, "resolve_recipients", lambda **given: many)
                campaigns.send_campaign(campaign=campaign, sender=world.admin,
                                        confirmed_count=None)
    assert f"{len(many) // 1000}.{len(many) % 1000:03d}" in asked.value.message


def test_grades_in_the_weekly_message_are_written_in_the_guardians_digits(app, clock):
    clock.set(FRIDAY_AFTERNOON)
    world = family_world()
    world.mother.preferred_language = "fa"
    grade(world, world.jaden, world.maths, 40)
    message = weekly_message_for(world.mother, [world.jaden], world.school, FRIDAY_AFTERNOON,
                                 with_alert=True)
    assert "۴۰" in message.body and "40" not in message.body
    assert native_digits(str(round(world.school.pass_mark_percent)), locale_of("fa")) in (
        message.body)
