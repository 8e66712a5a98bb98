"""The outbox against a real SMTP server: delivery, refusal, server down."""

from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.messaging.attempts import retry_deliveries
from portal.messaging.models import Delivery, DeliveryAttempt, DeliveryStatus, Message
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.people.models import Guardian, School
from tests import factories as f


def _guardian(**fields):
    school = f.make_school()
    return f.make_guardian(school, **fields)


def test_notify_guardian_keeps_inbox_copy_and_sends_one_email(app, smtp_server):
    guardian = _guardian(email="mum@example.org")
    message = notify_guardian(guardian=guardian, kind="general", subject="Trip on Friday",
                              body_text="Bring a packed lunch.")
    db.session.commit()
    assert drain().sent == 1
    (received,) = smtp_server.messages
    assert received["Subject"] == "Trip on Friday"
    assert received["To"] == "mum@example.org"
    delivery = db.session.scalar(select(Delivery))
    assert received["Message-ID"] == delivery.message_id_header
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at is not None
    assert db.session.get(Message, message.id).body_text == "Bring a packed lunch."


def test_permanent_refusal_marks_failed_with_reason_and_flags_address(app, smtp_server):
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 No such mailbox"
    guardian = _guardian(email="gone@example.org")
    notify_guardian(guardian=guardian, kind="general", subject="Hello", body_text="Hi")
    db.session.commit()
    report = drain()
    assert report.failed == 1
    delivery = db.session.scalar(select(Delivery))
    assert delivery.status == DeliveryStatus.FAILED
    assert "550" in delivery.last_error and "No such mailbox" in delivery.last_error
    assert db.session.get(Guardian, guardian.id).email_invalid is True


def test_an_address_that_accepts_mail_again_is_no_longer_marked_invalid(app, smtp_server):
    """The mailbox was full and is emptied: the administrator's retry goes through, and the
    family's next messages are emailed again (they were skipped for good)."""
    smtp_server.handler.refuse["full@example.org"] = "552 5.2.2 Mailbox full"
    guardian = _guardian(email="full@example.org")
    notify_guardian(guardian=guardian, kind="general", subject="Hello", body_text="Hi")
    db.session.commit()
    drain()
    assert db.session.get(Guardian, guardian.id).email_invalid is True
    del smtp_server.handler.refuse["full@example.org"]
    retry_deliveries(deliveries=list(db.session.scalars(select(Delivery))), actor=None,
                     school_id=guardian.school_id)
    db.session.commit()
    assert drain().sent == 1
    db.session.expire_all()
    assert (db.session.get(Guardian, guardian.id).email_invalid,
            db.session.get(Guardian, guardian.id).email_invalid_reason) == (False, None)
    notify_guardian(guardian=db.session.get(Guardian, guardian.id), kind="general",
                    subject="Next", body_text="Again")
    db.session.commit()
    assert drain().sent == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Hello", "Next"]


def test_server_down_keeps_deliveries_queued_until_it_is_back(app, smtp_server):
    guardian = _guardian(email="dad@example.org")
    notify_guardian(guardian=guardian, kind="general", subject="Hello", body_text="Hi")
    db.session.commit()
    smtp_server.stop()
    report = drain()
    assert report.sent == 0 and report.retried == 1
    delivery = db.session.scalar(select(Delivery))
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    assert delivery.next_attempt_at > delivery.created_at
    smtp_server.start()
    delivery.next_attempt_at = delivery.created_at  # the back-off has passed
    db.session.commit()
    assert drain().sent == 1
    assert len(smtp_server.messages) == 1
    attempts = db.session.scalars(select(DeliveryAttempt.succeeded)).all()
    assert sorted(attempts) == [False, True]


def test_a_family_contacted_only_in_the_portal_gets_no_email_but_urgent_news(app, smtp_server):
    guardian = _guardian(email="portal@example.org", preferred_channel="portal")
    kept = notify_guardian(guardian=guardian, kind="general", subject="Trip", body_text="x")
    notify_guardian(guardian=guardian, kind="urgent", subject="School closed", body_text="Snow")
    db.session.commit()
    drain()
    assert kept.guardian_id == guardian.id  # in the inbox
    assert [m["Subject"] for m in smtp_server.messages] == ["School closed"]


def test_guardian_who_opted_out_gets_nothing_but_urgent_notices(app, smtp_server):
    """...and news of their own booking: the rest waits in their inbox, not emailed."""
    from portal.messaging.models import NotificationPreference

    guardian = _guardian(email="quiet@example.org")
    db.session.add(NotificationPreference(guardian_id=guardian.id, kind="events", enabled=False))
    kept = notify_guardian(guardian=guardian, kind="events", subject="Fair", body_text="x")
    assert kept is not None and kept.guardian_id == guardian.id  # in the inbox
    notify_guardian(guardian=guardian, kind="events", subject="Conference moved",
                    body_text="y", their_own=True)
    notify_guardian(guardian=guardian, kind="urgent", subject="School closed", body_text="Snow")
    db.session.commit()
    drain()
    assert [m["Subject"] for m in smtp_server.messages] == ["Conference moved", "School closed"]


def test_a_retried_family_email_waits_for_the_sending_window(app, smtp_server):
    """Retried at 10:00 in New York with the window from 14:00: it goes at 14:00, as a new
    message would (it went at once)."""
    smtp_server.handler.refuse["later@example.org"] = "550 5.1.1 No such mailbox"
    guardian = _guardian(email="later@example.org")
    school = db.session.get(School, guardian.school_id)
    notify_guardian(guardian=guardian, kind="general", subject="Hello", body_text="Hi")
    db.session.commit()
    drain()
    school.timezone, school.sending_window_start_hour = "America/New_York", 14
    retry_deliveries(deliveries=list(db.session.scalars(select(Delivery))), actor=None,
                     school_id=school.id)  # TEST_NOW: 15:00 UTC, 10:00 in New York
    delivery = db.session.scalar(select(Delivery))
    assert delivery.next_attempt_at == datetime(2026, 11, 25, 19, 0)  # 14:00 in New York
