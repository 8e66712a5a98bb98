"""The weekly family alert: on by default, specific, one message per family, joins the digest."""

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.messaging.digest import preview_digest, send_weekly_digests
from portal.messaging.models import Delivery, Message, NotificationPreference
from portal.messaging.worker import drain
from tests.messaging.alerts_world import (
    FRIDAY_AFTERNOON,
    THIS_MONDAY,
    attendance,
    family_world,
    grade,
    missing,
)
from tests.messaging.helpers import text_part


def _plant_a_week(world):
    """Jaden: 5 missing in Science (one too old to list), failing Maths, 2 days missed."""
    for number, due in enumerate([date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 17),
                                  date(2026, 11, 19), date(2026, 11, 24)]):
        missing(world, world.jaden, world.science, f"Lab {number}", due)
    missing(world, world.jaden, world.science, "Old lab", date(2026, 9, 20))
    missing(world, world.jaden, world.maths, "Due next week", date(2026, 12, 2))
    grade(world, world.jaden, world.maths, 40)
    grade(world, world.jaden, world.maths, 58)
    grade(world, world.jaden, world.science, 75)
    grade(world, world.mia, world.maths, 90)
    for day, status in ((THIS_MONDAY, "absent_unexcused"),
                        (THIS_MONDAY + timedelta(days=1), "absent_excused"),
                        (THIS_MONDAY + timedelta(days=2), "present"),
                        (THIS_MONDAY - timedelta(days=3), "absent_unexcused")):  # last week
        attendance(world, world.jaden, day, status)
    attendance(world, world.mia, THIS_MONDAY, "present")


def test_the_alert_names_missing_work_low_grades_and_days_missed_this_week(app, smtp_server):
    world = family_world()
    _plant_a_week(world)
    assert send_weekly_digests(FRIDAY_AFTERNOON) == 2
    db.session.commit()
    drain()
    by_address = {mail["To"]: mail for mail in smtp_server.messages}
    assert sorted(by_address) == ["father@example.org", "mother@example.org"]
    mail = by_address["mother@example.org"]
    text = text_part(mail)
    assert "Jaden Reed has 5 missing assignments in Science." in text
    assert "Jaden Reed is below the pass mark in Mathematics: 49 % (pass mark 60 %)." in text
    assert "Jaden Reed missed 2 days of school this week." in text
    # Both children named, as English lists them (Mia has nothing to act on, but it is her
    # family's weekly message too).
    assert mail["Subject"].endswith("Jaden Reed and Mia Reed")
    assert "Due next week" not in text and "in Mathematics." not in text
    alert = text.split("This week, please look at:")[1].split("You can help")[0]
    assert "Mia Reed" not in alert  # nothing to act on for Mia: she is not in the alert
    assert "You can help" in text


def test_one_message_per_guardian_covering_both_children_never_two_a_week(app):
    world = family_world()
    _plant_a_week(world)
    missing(world, world.mia, world.maths, "Worksheet", date(2026, 11, 25))
    assert send_weekly_digests(FRIDAY_AFTERNOON) == 2
    assert send_weekly_digests(FRIDAY_AFTERNOON + timedelta(hours=2)) == 0
    messages = db.session.scalars(select(Message).order_by(Message.guardian_id)).all()
    assert [message.guardian_id for message in messages] == [world.mother.id, world.father.id]
    for message in messages:
        assert message.kind == "alert"
        assert "Mia Reed has 1 missing assignment in Mathematics." in message.body_text
        assert "Jaden Reed has 5 missing assignments in Science." in message.body_text
        assert "Here is this week at" in message.body_text  # the digest joins the alert


def test_nothing_to_act_on_sends_the_digest_alone_and_without_digest_nothing(app):
    world = family_world()
    grade(world, world.jaden, world.maths, 85)
    attendance(world, world.jaden, THIS_MONDAY, "present")
    db.session.add(NotificationPreference(guardian_id=world.father.id, kind="progress",
                                          enabled=False))
    assert send_weekly_digests(FRIDAY_AFTERNOON) == 1
    (message,) = db.session.scalars(select(Message)).all()
    assert message.guardian_id == world.mother.id and message.kind == "progress"
    assert "please look at" not in message.body_text and "missing" not in message.body_text
    assert preview_digest(world.father, FRIDAY_AFTERNOON - timedelta(days=1)) is None
    assert preview_digest(world.mother, FRIDAY_AFTERNOON - timedelta(days=1))[1] == \
        message.subject


def test_families_are_enrolled_by_default_and_can_opt_out_on_their_updates_page(
        app, login_as):
    world = family_world()
    _plant_a_week(world)
    client = login_as(world.mother.user)
    page = client.get("/family/updates").get_data(as_text=True)
    assert '<input checked id="alert" name="alert" type="checkbox"' in page  # on by default
    assert "Weekly alert" in page
    kept = {kind: "y" for kind in ("progress", "events", "absence", "intervention", "general")}
    response = client.post("/family/updates", data=kept)
    assert response.status_code == 302
    assert db.session.scalar(select(NotificationPreference.enabled).where(
        NotificationPreference.guardian_id == world.mother.id,
        NotificationPreference.kind == "alert")) is False
    send_weekly_digests(FRIDAY_AFTERNOON)
    by_guardian = {message.guardian_id: message for message in db.session.scalars(select(Message))}
    assert by_guardian[world.father.id].kind == "alert"  # enrolled by default
    mother = by_guardian[world.mother.id]
    assert mother.kind == "progress" and "missing assignments" not in mother.body_text


def test_a_school_can_turn_the_alert_off(app):
    world = family_world(weekly_alert_enabled=False)
    _plant_a_week(world)
    send_weekly_digests(FRIDAY_AFTERNOON)
    assert {message.kind for message in db.session.scalars(select(Message))} == {"progress"}


def test_sms_carries_only_the_alert(app):
    app.config["SMS_APPRISE_URL"] = "json://127.0.0.1:9/sms?:to={to}"
    world = family_world()
    world.mother.preferred_channel, world.mother.phone = "sms", "+15550001111"
    _plant_a_week(world)
    send_weekly_digests(FRIDAY_AFTERNOON)
    (sms,) = db.session.scalars(select(Delivery).where(Delivery.channel == "sms")).all()
    assert sms.guardian_id == world.mother.id
    subject = db.session.get(Message, sms.message_id).subject
    assert sms.body_text.startswith(f"{subject}: This week, please look at:\n- Jaden Reed")
    assert "Dear" not in sms.body_text and sms.body_text.endswith("if you have a question.")
