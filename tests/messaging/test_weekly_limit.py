"""The weekly limit: non-urgent messages of every kind count; past it they are held back."""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.core.signals import attendance_recorded
from portal.core.time import utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging.automatic import send_event_reminders
from portal.messaging.campaigns import create_campaign, send_campaign
from portal.messaging.digest import send_weekly_digests
from portal.messaging.dose import count_with_limit, families_over_limit
from portal.messaging.models import Campaign, Delivery, DeliveryStatus, Message
from portal.messaging.nudges import send_attendance_nudges
from portal.messaging.outbox import delivery_fields
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from portal.outcomes.models import DailyAttendance
from portal.people.models import Guardian
from tests import factories as f
from tests.messaging.alerts_world import FRIDAY_AFTERNOON, family_world, missing
from tests.messaging.helpers import school_with_families

MONDAY = datetime(2026, 11, 23, 15, 0)


def _campaign(world, sender, title: str, kind: str = "general") -> Campaign:
    campaign = create_campaign(sender=sender, school=world.school, title=title, kind=kind,
                               criteria={}, variants={"en": (title, "Hello {{ guardian_name }}")})
    send_campaign(campaign=campaign, sender=sender, confirmed_count=2)
    return campaign


def _reminder_tomorrow(world, clock):
    event = Event(school_id=world.school.id, title="Science fair", kind="school_event",
                  starts_at=utcnow() + timedelta(days=1), ends_at=utcnow() + timedelta(days=1,
                                                                                     hours=2),
                  uid="fair@test")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventInvitation(event_id=event.id, guardian_id=world.mother.id,
                                   invited_at=utcnow()))
    db.session.flush()
    assert send_event_reminders() == 1


def test_the_cap_counts_every_kind_holds_back_the_rest_and_urgent_always_goes(
        app, clock, smtp_server):
    world = family_world()  # the default limit: 3 a week
    admin = f.make_user("administrator", world.school)
    clock.set(MONDAY)
    _campaign(world, admin, "Bake sale")  # 1: a campaign
    clock.set(MONDAY + timedelta(days=1))
    _reminder_tomorrow(world, clock)  # 2: an event reminder
    clock.set(FRIDAY_AFTERNOON - timedelta(days=2))
    for day in range(40):  # 3: an attendance nudge (4 of 40 days missed)
        db.session.add(DailyAttendance(
            school_id=world.school.id, student_id=world.jaden.id,
            on_date=datetime(2026, 9, 1).date() + timedelta(days=day),
            status="absent_excused" if day < 4 else "present", recorded_at=utcnow()))
    assert send_attendance_nudges() == 1
    clock.set(FRIDAY_AFTERNOON)
    missing(world, world.jaden, world.science, "Lab", datetime(2026, 11, 20).date())
    send_weekly_digests()  # 4: the weekly alert, past the limit for the mother
    urgent = notify_guardian(guardian=world.mother, kind="urgent", subject="School closed",
                             body_text="Snow: the school is closed today.")
    db.session.commit()
    held = db.session.scalars(select(Delivery).where(
        Delivery.status == DeliveryStatus.HELD_BACK)).all()
    assert {(d.to_address, d.kind) for d in held} == {("mother@example.org", "alert")}
    assert "weekly limit" in held[0].last_error
    alert = db.session.get(Message, held[0].message_id)
    assert alert.guardian_id == world.mother.id  # still in her portal inbox
    drain()
    received = [(mail["To"], mail["Subject"]) for mail in smtp_server.messages]
    mother = [subject for to, subject in received if to == "mother@example.org"]
    assert len(mother) == 4 and "School closed" in mother  # 3 counted + the urgent one
    assert not any("This week" in subject for subject in mother)
    father = [subject for to, subject in received if to == "father@example.org"]
    assert any("This week" in subject for subject in father)  # he had only 2: his goes
    assert urgent is not None


def test_the_week_rolls_and_answers_and_absence_notices_are_never_held(app, clock):
    world = school_with_families(weekly_message_cap=1)
    clock.set(MONDAY)
    notify_guardian(guardian=world.gran, kind="events", subject="One", body_text="x")
    clock.set(MONDAY + timedelta(days=1))
    notify_guardian(guardian=world.gran, kind="general", subject="Two", body_text="x")
    notify_guardian(guardian=world.gran, kind="answer", subject="Re: your question",
                    body_text="x")
    record = DailyAttendance(school_id=world.school.id, student_id=world.cara.id,
                             on_date=utcnow().date(), status="absent_unexcused",
                             recorded_at=utcnow())
    db.session.add(record)
    db.session.flush()
    attendance_recorded.send(world.teacher, records=[record])
    clock.set(MONDAY + timedelta(days=7, hours=1))  # the absence notice still counts
    notify_guardian(guardian=world.gran, kind="general", subject="Still held", body_text="x")
    clock.set(MONDAY + timedelta(days=8, hours=1))
    notify_guardian(guardian=world.gran, kind="general", subject="Three", body_text="x")
    status = {d.subject: d.status for d in db.session.scalars(select(Delivery).where(
        Delivery.guardian_id == world.gran.id))}
    assert status["One"] == "queued" and status["Two"] == "held_back"
    assert status["Re: your question"] == "queued"
    assert status["Absence de Cara Lopez à l'école aujourd'hui"] == "queued"  # French
    assert status["Still held"] == "held_back"
    assert status["Three"] == "queued"  # the absence notice counted; a week on, it is out


def test_the_review_page_says_how_many_families_the_limit_would_hold_back(app, login_as,
                                                                         smtp_server):
    world = school_with_families(weekly_message_cap=1)
    notify_guardian(guardian=world.mum, kind="general", subject="Earlier", body_text="x")
    campaign = create_campaign(sender=world.admin, school=world.school, title="Trip",
                               kind="general", criteria={},
                               variants={"en": ("Trip", "Hello {{ guardian_name }}")})
    client = login_as(world.admin)
    page = client.get(f"/messaging/campaigns/{campaign.id}/review").get_data(as_text=True)
    # Maria (three children) and Gisele, each counted once, by the statement that also
    # counts who is held back.
    assert "2 guardians will receive this message." in page
    assert "1 family has already reached the weekly limit (1 non-urgent" in page
    campaign.kind = "urgent"
    db.session.commit()
    page = client.get(f"/messaging/campaigns/{campaign.id}/review").get_data(as_text=True)
    assert "2 guardians will receive this message." in page
    assert "weekly limit" not in page
    campaign.kind = "general"
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=2)
    db.session.commit()
    report = client.get(f"/messaging/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'data-count="held_back">1<' in report
    drain()  # Maria's "Trip" is held back: it never waits in the queue
    assert sorted((mail["To"], mail["Subject"]) for mail in smtp_server.messages) == [
        ("gran@example.org", "Trip"), ("mum@example.org", "Earlier")]
    assert db.session.get(Campaign, campaign.id).status == "sent"


def _sent(guardian, *, kind="general", status="sent", days_ago=1, channels=("email",)):
    """Plant one message to the guardian, delivered over these channels `days_ago` days ago."""
    when = MONDAY - timedelta(days=days_ago)
    message = Message(guardian_id=guardian.id, kind=kind, subject="s", body_text="b",
                      created_at=when)
    db.session.add(message)
    db.session.flush()
    for channel in channels:
        db.session.add(Delivery(**delivery_fields(
            to_address=guardian.email, subject="s", body_text="b", kind=kind, channel=channel,
            guardian_id=guardian.id, message_id=message.id) | {"status": status},
            created_at=when))
    db.session.flush()


def test_the_review_count_and_the_send_hold_back_the_same_families(app, clock):
    """count_with_limit (the review page, in SQL) and families_over_limit (the send, in
    Python) apply one rule: on a planted week across two schools with different limits they
    name the same families, and the families the rule names."""
    clock.set(MONDAY)
    strict, lenient = f.make_school(weekly_message_cap=1), f.make_school(weekly_message_cap=3)
    at = {name: f.make_guardian(school) for name, school in (
        ("strict_one", strict), ("strict_none", strict), ("strict_urgent", strict),
        ("strict_old", strict), ("lenient_three", lenient), ("lenient_two", lenient),
        ("lenient_held", lenient))}
    _sent(at["strict_one"], channels=("email", "sms"))  # one message, two channels
    _sent(at["strict_urgent"], kind="urgent")  # urgent and answers never count
    _sent(at["strict_urgent"], kind="answer")
    _sent(at["strict_old"], days_ago=8)  # out of the week
    for _ in range(3):
        _sent(at["lenient_three"], status="queued")  # waiting to go still counts
    for _ in range(2):
        _sent(at["lenient_two"], channels=("email", "sms"))  # two messages, not four
    _sent(at["lenient_held"], status="held_back")  # never reached: not counted
    _sent(at["lenient_held"], status="cancelled")
    _sent(at["lenient_held"])
    db.session.flush()
    expected = {at["strict_one"].id: 1, at["lenient_three"].id: 3}
    guardians = list(at.values())
    assert families_over_limit(guardians, kind="general", now=MONDAY) == expected
    audience = select(Guardian.id.label("guardian_id")).where(
        Guardian.id.in_([guardian.id for guardian in guardians]))
    assert count_with_limit(audience, kind="general", now=MONDAY) == (7, {1: 1, 3: 1})
    assert families_over_limit(guardians, kind="urgent", now=MONDAY) == {}
    assert count_with_limit(audience, kind="urgent", now=MONDAY) == (7, {})
