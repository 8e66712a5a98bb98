"""Attendance nudges: threshold, comparison with classmates, step-up and repeat limit."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.jobs import registered_jobs
from portal.extensions import db
from portal.messaging import nudges as nudges_module
from portal.messaging.models import AttendanceNudge, Message, NotificationPreference
from portal.messaging.nudge_texts import TEXTS, nudge_text
from portal.messaging.nudges import eligible_families, send_attendance_nudges
from portal.messaging.readability import measure
from portal.messaging.worker import drain
from portal.needs.models import Need
from portal.notifications.work import my_work
from portal.outcomes.models import DailyAttendance
from tests import factories as f
from tests.messaging.alerts_world import family_world
from tests.messaging.helpers import text_part

NOW = datetime(2026, 11, 25, 15, 0)
FIELDS = {"guardian": "Alicia Reed", "student": "Jaden Reed", "absences": 9, "days": 60,
          "typical": 1, "grade": 9, "school": "Lincoln School"}


def _days(world, student, *, total: int, absent: int) -> None:
    """Record `total` school days from September 1st, the first `absent` of them absences."""
    day = date(2026, 9, 1)
    for number in range(total):
        status = "absent_unexcused" if number < absent else "present"
        db.session.add(DailyAttendance(school_id=world.school.id, student_id=student.id,
                                       on_date=day, status=status, recorded_at=NOW))
        day += timedelta(days=1)
    db.session.flush()


def _classmates(world, *absences: int) -> None:
    for count in absences:
        _days(world, f.make_student(world.school, grade_level=9), total=40, absent=count)


def test_below_the_threshold_or_the_minimum_nobody_is_nudged(app):
    world = family_world()
    _days(world, world.jaden, total=80, absent=3)  # 3.75 %: below the school's 5 %
    _days(world, world.mia, total=20, absent=2)  # 10 %, but only two days
    assert send_attendance_nudges(NOW) == 0
    assert db.session.scalar(select(Message)) is None


def test_past_the_threshold_each_guardian_gets_the_total_and_the_classmates_comparison(
        app, smtp_server):
    world = family_world()
    world.father.preferred_language = "es"
    _days(world, world.jaden, total=40, absent=3)  # 7.5 %: past 5 %, below 10 %
    _classmates(world, 0, 1, 1, 2)  # with Jaden's 3: the typical grade-9 student missed 1
    assert send_attendance_nudges(NOW) == 1
    db.session.commit()
    drain()
    by_address = {mail["To"]: text_part(mail) for mail in smtp_server.messages}
    assert sorted(by_address) == ["father@example.org", "mother@example.org"]
    english = by_address["mother@example.org"]
    assert "Jaden Reed has missed 3 of 40 school days this year." in english
    assert "A typical student in grade 9 at our school has missed 1." in english
    assert "You can help." in english and "counsellor" not in english
    assert "Jaden Reed ha faltado 3 de 40 días de clase este año." in by_address[
        "father@example.org"]
    assert db.session.scalar(select(Need)) is None  # a first nudge opens no task


def test_persistent_absence_steps_up_with_an_invitation_and_a_counsellor_task(app):
    world = family_world()
    counsellor = f.make_user(Role.COUNSELLOR, world.school)
    world.jaden.counsellor_id = counsellor.id
    _days(world, world.jaden, total=40, absent=5)  # 12.5 %
    assert send_attendance_nudges(NOW) == 1
    messages = db.session.scalars(select(Message)).all()
    assert len(messages) == 2 and all("Our counsellor will call you soon" in message.body_text
                                      for message in messages)
    (task,) = db.session.scalars(select(Need)).all()
    assert task.owner_id == counsellor.id and task.student_id == world.jaden.id
    assert "Jaden Reed" in task.title and "5 of 40" in task.title
    titles = [item.title for _label, items in my_work(counsellor) for item in items]
    assert task.title in titles
    (nudge,) = db.session.scalars(select(AttendanceNudge)).all()
    assert (nudge.level, nudge.absences, nudge.school_days, nudge.need_id) == (
        "step_up", 5, 40, task.id)


def test_a_nudge_never_repeats_more_often_than_the_school_sets(app):
    world = family_world(nudge_repeat_days=14)
    _days(world, world.jaden, total=40, absent=3)
    assert send_attendance_nudges(NOW) == 1
    _days(world, world.mia, total=0, absent=0)
    extra = DailyAttendance(school_id=world.school.id, student_id=world.jaden.id,
                            on_date=date(2026, 11, 2), status="absent_excused", recorded_at=NOW)
    db.session.add_all([extra, DailyAttendance(
        school_id=world.school.id, student_id=world.jaden.id, on_date=date(2026, 11, 3),
        status="absent_excused", recorded_at=NOW)])  # now 5 of 42: step-up territory
    assert send_attendance_nudges(NOW + timedelta(days=1)) == 0
    assert send_attendance_nudges(NOW + timedelta(days=13, hours=23)) == 0
    assert send_attendance_nudges(NOW + timedelta(days=14, hours=1)) == 1
    levels = db.session.scalars(select(AttendanceNudge.level).order_by(AttendanceNudge.id)).all()
    assert levels == ["nudge", "step_up"]


def test_families_who_turned_absence_updates_off_and_schools_that_turned_nudges_off(app):
    world = family_world()
    db.session.add(NotificationPreference(guardian_id=world.father.id, kind="absence",
                                          enabled=False))
    _days(world, world.jaden, total=40, absent=3)
    assert eligible_families(school=world.school, student=world.jaden) == [world.mother]
    send_attendance_nudges(NOW)
    assert [m.guardian_id for m in db.session.scalars(select(Message))] == [world.mother.id]
    quiet = family_world("2", attendance_nudges_enabled=False)
    _days(quiet, quiet.jaden, total=40, absent=6)
    assert eligible_families(school=quiet.school, student=quiet.jaden) == []
    assert send_attendance_nudges(NOW + timedelta(days=1)) == 0


def test_the_nudges_run_daily_from_the_worker(app):
    assert "messaging-attendance-nudges" in {job.name for job in registered_jobs()}


LANGUAGES = {"en", "es", "fr", "cs", "de", "hu", "fa", "zh_Hans"}  # all the portal will offer


def test_every_nudge_text_exists_in_every_portal_language(app):
    languages = LANGUAGES | set(app.config["PORTAL_LANGUAGES"])
    for level, texts in TEXTS.items():
        assert set(texts) == languages, level
        english = texts["en"]
        for language in languages - {"en"}:
            assert texts[language][1] != english[1], (level, language)  # really translated


@pytest.mark.parametrize("level", sorted(TEXTS))
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_nudge_is_short_plain_and_says_the_family_can_help(level, language):
    subject, body = nudge_text(level, language, **FIELDS)
    assert "Jaden Reed" in body and "9" in body and "60" in body and "1" in body
    assert "{" not in subject + body
    readability = measure(body, language, grade_limit=5, word_limit=150)
    assert not readability.too_long, readability
    if language == "en":
        assert readability.grade <= 5 and "You can help." in body


def test_a_run_that_fails_at_a_later_school_keeps_the_nudges_of_the_schools_before(
        app, monkeypatch):
    """The daily job commits a school at a time: a failure at the second school keeps the
    first's nudges (the next day's run carries on where it failed, nobody nudged twice)."""
    world = family_world()
    _days(world, world.jaden, total=40, absent=3)
    later = f.make_school()
    db.session.commit()
    real = nudges_module.nudge_school

    def failing_later(school, now):
        if school.id == later.id:
            raise RuntimeError("the database went away")
        return real(school, now)

    monkeypatch.setattr(nudges_module, "nudge_school", failing_later)
    with pytest.raises(RuntimeError):
        send_attendance_nudges(NOW, checkpoint=db.session.commit)
    db.session.rollback()
    assert [nudge.student_id for nudge in db.session.scalars(select(AttendanceNudge))] == [
        world.jaden.id]
