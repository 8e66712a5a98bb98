"""A measured program leaves its held-out families out, and only them."""

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.digest import send_weekly_digests
from portal.messaging.holdout import held_out_guardian_ids, save_measurement
from portal.messaging.models import HoldoutAssignment, Message
from portal.messaging.nudges import send_attendance_nudges
from portal.outcomes.models import DailyAttendance
from tests import factories as f
from tests.messaging.alerts_world import FRIDAY_AFTERNOON, family_world, missing


def _hold_out_the_mother(world, program: str) -> None:
    """Measure the program, then make the draw hold out the mother and not the father."""
    admin = f.make_user(Role.ADMINISTRATOR, world.school)
    save_measurement(school=world.school, program=program, actor=admin, measuring=True,
                     share_percent=10, weeks=8)
    held_out_guardian_ids(school_id=world.school.id, program=program)  # draws both families
    for guardian, held in ((world.mother, True), (world.father, False)):
        db.session.execute(update(HoldoutAssignment).where(
            HoldoutAssignment.guardian_id == guardian.id,
            HoldoutAssignment.program == program).values(held_out=held))
    db.session.commit()


def _messages_to(guardian) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.guardian_id == guardian.id)))


def test_a_held_out_family_gets_its_digest_without_the_weekly_alert(app):
    world = family_world()
    missing(world, world.jaden, world.science, "Lab", date(2026, 11, 24))
    _hold_out_the_mother(world, "weekly_alert")
    send_weekly_digests(FRIDAY_AFTERNOON)
    [father_message] = _messages_to(world.father)
    assert father_message.kind == "alert"
    assert "Jaden Reed has 1 missing assignment in Science." in father_message.body_text
    assert all(message.kind != "alert" and "missing assignment" not in message.body_text
               for message in _messages_to(world.mother))


def test_a_held_out_family_gets_no_attendance_nudge(app):
    world = family_world()
    day = date(2026, 9, 1)
    for number in range(40):
        db.session.add(DailyAttendance(
            school_id=world.school.id, student_id=world.jaden.id, on_date=day,
            status="absent_unexcused" if number < 4 else "present",
            recorded_at=datetime(2026, 11, 1)))
        day += timedelta(days=1)
    _hold_out_the_mother(world, "attendance_nudge")
    assert send_attendance_nudges(datetime(2026, 11, 25, 15, 0)) == 1
    assert len(_messages_to(world.father)) == 1
    assert _messages_to(world.mother) == []
