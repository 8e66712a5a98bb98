"""Automatic updates: absence notices, risk flags, event reminders, the weekly digest."""

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event as sql_event
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.core.jobs import registered_jobs
from portal.core.models import Visibility
from portal.core.signals import attendance_recorded, students_flagged
from portal.core.time import today_in, utcnow
from portal.events.models import Event, EventInvitation
from portal.extensions import db
from portal.messaging import automatic as automatic_module
from portal.messaging import digest as digest_module
from portal.messaging.automatic import send_event_reminders
from portal.messaging.digest import queue_weekly_messages, send_weekly_digests
from portal.messaging.models import Delivery, Message, NotificationPreference
from portal.messaging.worker import drain
from portal.outcomes.models import DailyAttendance, Grade, Intervention
from portal.risk.models import RiskAssessment, RiskRuleSet
from tests import factories as f
from tests.messaging.helpers import school_with_families, text_part


def _absence(world, student, status="absent_unexcused"):
    record = DailyAttendance(school_id=world.school.id, student_id=student.id,
                             on_date=today_in(world.school.timezone), status=status,
                             recorded_at=utcnow())
    db.session.add(record)
    db.session.flush()
    return record


def test_unexcused_absence_tells_each_informed_guardian_once_naming_the_child(app, smtp_server):
    world = school_with_families()
    records = [_absence(world, world.ana), _absence(world, world.ben, "absent_excused"),
               _absence(world, world.cara, "present")]
    attendance_recorded.send(world.teacher, records=records)
    attendance_recorded.send(world.teacher, records=records)  # taken again: no second notice
    db.session.commit()
    drain()
    (notice,) = smtp_server.messages  # Maria only: Diego may not be informed
    assert notice["To"] == "mum@example.org"
    assert "Ana Lopez" in notice["Subject"] and "Ana Lopez" in text_part(notice)


def test_absence_notice_respects_the_guardians_choice(app):
    world = school_with_families()
    db.session.add(NotificationPreference(guardian_id=world.mum.id, kind="absence",
                                          enabled=False))
    attendance_recorded.send(world.teacher, records=[_absence(world, world.ana)])
    # in her portal inbox, as the updates page promises; not emailed, texted or pushed
    assert db.session.scalar(select(Message.guardian_id)) == world.mum.id
    assert db.session.scalar(select(Delivery)) is None


def _flag(world, student):
    rules = db.session.scalar(select(RiskRuleSet)) or RiskRuleSet(
        school_id=world.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    assessment = RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=80,
                                level="high", is_new_flag=True, carries_new_flag=True, reasons=[
                                    {"indicator": "attendance_rate_recent",
                                     "label": "attendance in the last 4 weeks", "value": 82,
                                     "threshold": 90, "direction": "below", "trend": "falling",
                                     "unit": " %"}])
    db.session.add(assessment)
    db.session.flush()
    return assessment


def test_new_flag_tells_the_counsellor_and_the_family_only_when_the_school_wants(app):
    world = school_with_families()
    counsellor = f.make_user(Role.COUNSELLOR, world.school)
    world.cara.counsellor_id = counsellor.id
    students_flagged.send(None, assessments=[_flag(world, world.cara)])
    (to_counsellor,) = db.session.scalars(select(Delivery)).all()
    assert to_counsellor.to_address == counsellor.email and "Cara Lopez" in to_counsellor.subject
    assert "attendance in the last 4 weeks 82%, below 90%, falling" in to_counsellor.body_text
    assert "/risk/flags" in to_counsellor.body_text
    world.school.notify_family_of_risk_flags = True
    students_flagged.send(None, assessments=[_flag(world, world.cara)])
    told = {message.guardian_id for message in db.session.scalars(select(Message))}
    assert told == {world.mum.id, world.gran.id}


def test_a_recompute_with_many_new_flags_sends_each_counsellor_one_notice(app):
    world = school_with_families()
    counsellor = f.make_user(Role.COUNSELLOR, world.school)
    flagged = [world.cara] + [f.make_student(world.school, counsellor_id=counsellor.id,
                                             first_name=f"Kid{n}") for n in range(4)]
    world.cara.counsellor_id = counsellor.id
    students_flagged.send(None, assessments=[_flag(world, student) for student in flagged])
    (notice,) = db.session.scalars(select(Delivery)).all()
    assert notice.subject == "5 students newly flagged at risk"
    assert all(student.display_name in notice.body_text for student in flagged)


def _event(world, starts_at):
    event = Event(school_id=world.school.id, kind="school_event", title="Science fair",
                  starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                  uid=f"event-{starts_at.isoformat()}@test")
    db.session.add(event)
    db.session.flush()
    return event


def test_event_reminder_goes_the_day_before_once_and_not_to_those_who_declined(app):
    world = school_with_families()
    now = datetime(2026, 11, 23, 15, 0)
    tomorrow, later = _event(world, now + timedelta(days=1)), _event(world, now + timedelta(days=3))
    for event in (tomorrow, later):
        db.session.add(EventInvitation(event_id=event.id, guardian_id=world.mum.id,
                                       student_id=world.ana.id, invited_at=now))
    db.session.add(EventInvitation(event_id=tomorrow.id, guardian_id=world.gran.id,
                                   invited_at=now, rsvp="no"))
    db.session.flush()
    assert send_event_reminders(now) == 1
    assert send_event_reminders(now + timedelta(hours=1)) == 0
    (reminder,) = db.session.scalars(select(Message)).all()
    assert reminder.guardian_id == world.mum.id and "Science fair" in reminder.subject


@pytest.mark.parametrize(("language", "sentence"), [
    ("en", "is tomorrow, November 24, 2026, at 3:00\u202fPM."),
    ("zh_Hans", "将于明天（2026年11月24日）15:00 举行。"),
    ("fa", "ساعت"),
])
def test_event_reminder_says_where_on_a_line_of_its_own_in_the_familys_language(
        app, language, sentence):
    """The place was glued on with a Latin comma inside each language's sentence ("举行,
    Hall 2。"): it is now the translated "Where:" line, and the sentence ends as written."""
    world = school_with_families()
    world.mum.preferred_language = language
    now = datetime(2026, 11, 23, 15, 0)
    event = _event(world, now + timedelta(days=1))
    event.location = "Hall 2"
    db.session.add(EventInvitation(event_id=event.id, guardian_id=world.mum.id,
                                   student_id=world.ana.id, invited_at=now))
    db.session.flush()
    assert send_event_reminders(now) == 1
    body = db.session.scalar(select(Message)).body_text
    assert sentence in body and ", Hall 2" not in body and "،Hall 2" not in body
    with force_locale(language):
        assert body.endswith("\n" + gettext("Where: %(place)s", place="Hall 2"))


def test_weekly_digest_is_one_email_per_guardian_covering_all_children(app, smtp_server):
    world = school_with_families()
    term = f.make_term(world.school)
    db.session.add(Grade(student_id=world.ben.id, section_id=world.section.id,
                         grading_period_id=term.grading_periods[0].id, score=88,
                         recorded_on=date(2026, 11, 25)))
    db.session.add(Intervention(student_id=world.cara.id, reason="r", goal="Reading every day",
                                opened_on=utcnow().date(), visibility=Visibility.FAMILY))
    db.session.add(Intervention(student_id=world.cara.id, reason="r", goal="Staff-only plan",
                                opened_on=utcnow().date()))
    thursday, friday_afternoon = datetime(2026, 11, 26, 17), datetime(2026, 11, 27, 17)
    statements = []

    def seen(*args):
        statements.append(args)

    db.session.flush()
    sql_event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert send_weekly_digests(thursday) == 0
    finally:
        sql_event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 1  # the schools' time zones; no family read on a Thursday
    assert send_weekly_digests(friday_afternoon) == 2
    assert send_weekly_digests(friday_afternoon + timedelta(hours=1)) == 0
    db.session.commit()
    drain()
    by_address = {message["To"]: text_part(message) for message in smtp_server.messages}
    assert sorted(by_address) == ["gran@example.org", "mum@example.org"]
    mum = by_address["mum@example.org"]
    assert all(name in mum for name in ("Ana Lopez", "Ben Lopez", "Cara Lopez"))
    assert "88 %" in mum and "Reading every day" in mum and "Staff-only plan" not in mum
    # Maria reads Spanish: her children are listed as Spanish lists them.
    subjects = {message["To"]: message["Subject"] for message in smtp_server.messages}
    assert subjects["mum@example.org"].endswith("Ana Lopez, Ben Lopez y Cara Lopez")


def test_a_persian_familys_digest_writes_each_childs_grade_in_persian_digits(app):
    world = school_with_families()
    world.mum.preferred_language = "fa"
    assert send_weekly_digests(datetime(2026, 11, 27, 17)) == 2
    body = db.session.scalar(select(Message.body_text).where(Message.guardian_id == world.mum.id))
    with force_locale("fa"):
        line = gettext("%(name)s (grade %(level)s)", name="Ana Lopez", level="۹")
    assert line in body and "(grade 9)" not in body and " 9)" not in body


def test_a_weekly_run_reads_each_family_back_at_most_once_after_its_commits(app, monkeypatch):
    """A commit expires the families read; working out a later school's alert went over
    every family of the district again, reading each one back (72,000 statements a school
    at 50,000 students). Two schools, a commit after every family."""
    world = school_with_families()
    other = f.make_school(timezone="UTC")
    for number in range(2):
        f.make_family(other, f.make_student(other), email=f"other{number}@example.org")
    db.session.commit()
    monkeypatch.setattr("portal.core.jobs.CHECKPOINT_EVERY", 1)
    read_back = []

    def seen(conn, cursor, statement, *args):
        if "FROM guardians" in statement and "WHERE guardians.id = " in statement:
            read_back.append(statement)

    sql_event.listen(db.engine, "before_cursor_execute", seen)
    try:
        sent = send_weekly_digests(datetime(2026, 11, 27, 17), checkpoint=db.session.commit)
    finally:
        sql_event.remove(db.engine, "before_cursor_execute", seen)
    assert sent == 4  # Maria and Gisele, and the other school's two families
    assert len(read_back) <= sent
    assert world.mum.id in set(db.session.scalars(select(Message.guardian_id)))


def test_a_batch_skips_the_families_another_run_sent_to_meanwhile(app):
    """Two runs that overlap (one longer than the job's hour, or the command beside the job)
    each read who had this week's message at every batch: the second sends nobody twice."""
    world = school_with_families()
    friday_afternoon = datetime(2026, 11, 27, 17)
    both = [world.mum.id, world.gran.id]
    assert queue_weekly_messages([world.mum.id], friday_afternoon) == 1  # the other run
    assert queue_weekly_messages(both, friday_afternoon) == 1
    assert sorted(db.session.scalars(select(Message.guardian_id))) == sorted(both)


def test_a_weekly_run_that_fails_halfway_keeps_the_families_done_and_the_next_run_ends_it(
        app, monkeypatch):
    """The job commits a batch of families at a time (a district's Friday is 72,000): a
    failure loses only the batch it was in, and the next hourly run sends the others, none
    twice. Batches of one here."""
    world = school_with_families()
    db.session.commit()
    monkeypatch.setattr("portal.core.jobs.CHECKPOINT_EVERY", 1)
    real = digest_module.notify_guardian
    failing = _fails_at_second_call(real)
    monkeypatch.setattr(digest_module, "notify_guardian", failing)
    friday_afternoon = datetime(2026, 11, 27, 17)
    with pytest.raises(RuntimeError):
        send_weekly_digests(friday_afternoon, checkpoint=db.session.commit)
    db.session.rollback()
    first = set(db.session.scalars(select(Message.guardian_id)))
    assert first == {failing.calls[0]}  # the family done before the failure kept its message
    monkeypatch.setattr(digest_module, "notify_guardian", real)
    assert send_weekly_digests(friday_afternoon + timedelta(hours=1),
                               checkpoint=db.session.commit) == 1
    db.session.commit()
    received = list(db.session.scalars(select(Message.guardian_id)))
    assert sorted(received) == sorted({world.mum.id, world.gran.id})  # each once


def test_reminders_that_fail_halfway_keep_those_sent_and_the_next_run_sends_the_rest(
        app, monkeypatch):
    world = school_with_families()
    now = datetime(2026, 11, 23, 15, 0)
    event = _event(world, now + timedelta(days=1))
    for guardian in (world.mum, world.gran):
        db.session.add(EventInvitation(event_id=event.id, guardian_id=guardian.id,
                                       invited_at=now))
    db.session.commit()
    monkeypatch.setattr("portal.core.jobs.CHECKPOINT_EVERY", 1)
    real = automatic_module.notify_guardian
    monkeypatch.setattr(automatic_module, "notify_guardian", _fails_at_second_call(real))
    with pytest.raises(RuntimeError):
        send_event_reminders(now, checkpoint=db.session.commit)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    monkeypatch.setattr(automatic_module, "notify_guardian", real)
    assert send_event_reminders(now + timedelta(hours=1), checkpoint=db.session.commit) == 1
    assert sorted(db.session.scalars(select(Message.guardian_id))) == sorted(
        [world.mum.id, world.gran.id])


def _fails_at_second_call(real):
    calls = []

    def notify(**kwargs):
        calls.append(kwargs["guardian"].id)
        if len(calls) == 2:
            raise RuntimeError("the mail queue is down")
        return real(**kwargs)
    notify.calls = calls
    return notify


def test_reminders_and_digest_are_registered_periodic_jobs(app):
    names = {job.name for job in registered_jobs()}
    assert {"messaging-event-reminders", "messaging-weekly-digest"} <= names


def test_each_counsellor_hears_only_of_the_students_they_may_see(app):
    """One recompute flags students of two counsellors: each notice names only their own."""
    world = school_with_families()
    ours, theirs = (f.make_user(Role.COUNSELLOR, world.school) for _ in range(2))
    mine = f.make_student(world.school, counsellor_id=ours.id, first_name="Mine")
    other = f.make_student(world.school, counsellor_id=theirs.id, first_name="Other")
    extra = f.make_student(world.school, counsellor_id=theirs.id, first_name="Extra")
    students_flagged.send(None, assessments=[_flag(world, s) for s in (mine, other, extra)])
    notices = {d.to_address: d for d in db.session.scalars(select(Delivery))}
    assert set(notices) == {ours.email, theirs.email}
    assert "Mine" in notices[ours.email].subject
    assert "Other" not in notices[ours.email].body_text
    assert notices[theirs.email].subject == "2 students newly flagged at risk"
    assert "Mine" not in notices[theirs.email].body_text


def test_a_notice_names_only_the_students_this_recompute_flagged(app):
    """A flag the counsellor heard of earlier, still unseen, is not told again."""
    world = school_with_families()
    counsellor = f.make_user(Role.COUNSELLOR, world.school)
    earlier = f.make_student(world.school, counsellor_id=counsellor.id, first_name="Earlier")
    later = f.make_student(world.school, counsellor_id=counsellor.id, first_name="Later")
    students_flagged.send(None, assessments=[_flag(world, earlier)])
    students_flagged.send(None, assessments=[_flag(world, later)])
    first, second = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert "Earlier" in first.subject
    assert "Later" in second.subject and "Earlier" not in second.body_text
