"""Each notification kind is created by its cause, for the related staff who may see the student."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.errors import DomainError
from portal.core.signals import students_flagged
from portal.core.time import utcnow
from portal.events.invitations import record_rsvp
from portal.events.models import EventInvitation
from portal.extensions import db
from portal.family.services import reply_to_feedback, submit_feedback
from portal.interactions.services import log_interaction
from portal.messaging.inbox import reply_to_message
from portal.messaging.services import notify_guardian
from portal.needs.services import record_need, update_feedback, update_need
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.models import NotificationSettings, StaffNotification
from portal.notifications.watch import notify_follow_ups_due
from portal.people.models import Student
from tests import factories as f
from tests.events import helpers as events
from tests.messaging.test_automatic import _flag
from tests.notifications.helpers import emails_to, notified, school_with_staff


def _family_account(world):
    account = f.make_user(Role.GUARDIAN, None, email="maria@example.org")
    world.mum.user_id = account.id
    db.session.flush()
    return account


def test_a_familys_reply_notifies_the_students_teacher_and_counsellor_only(app):
    world = school_with_staff()
    thread = notify_guardian(guardian=world.mum, kind="general", subject="Trip",
                             body_text="Friday", student=world.ana, sender=world.teacher)
    reply_to_message(guardian=world.mum, author=_family_account(world), thread=thread,
                     body="Ana will come.", student=world.ana)
    told = notified(Kind.FAMILY_REPLY)
    assert set(told) == {world.teacher.id, world.counsellor.id}
    assert told[world.teacher.id] == [f"{world.mum.display_name} replied: Re: Trip"]
    # Immediately by default: one email to the teacher, queued in the same transaction.
    assert len(emails_to(world.teacher.email)) == 1
    assert emails_to(world.outsider.email) == [] and world.admin.id not in told


def test_a_new_request_about_a_student_notifies_their_staff_and_not_others(app):
    world = school_with_staff()
    submit_feedback(guardian=world.mum, author=_family_account(world), student_id=world.ana.id,
                    kind="complaint", subject="Bus is late", body="Every day.")
    told = notified(Kind.FAMILY_REQUEST)
    assert set(told) == {world.teacher.id, world.counsellor.id}
    assert "Bus is late" in told[world.teacher.id][0]


def test_a_request_about_the_whole_school_goes_to_its_administrators(app):
    world = school_with_staff()
    submit_feedback(guardian=world.mum, author=_family_account(world), student_id=0,
                    kind="question", subject="Holidays?", body="When?")
    assert set(notified(Kind.FAMILY_REQUEST)) == {world.admin.id}


def test_assigning_a_request_tells_the_assignee_and_one_who_may_not_see_the_student_is_refused(
        app):
    world = school_with_staff()
    parent = _family_account(world)
    feedback = submit_feedback(guardian=world.mum, author=parent, student_id=world.ana.id,
                               kind="request", subject="Meeting", body="Please.")
    db.session.commit()
    with pytest.raises(DomainError, match="works with this student"):
        update_feedback(feedback=feedback, actor=world.admin, assignee=world.outsider,
                        status="in_progress")
    db.session.rollback()
    assert notified(Kind.ASSIGNED) == {}
    update_feedback(feedback=feedback, actor=world.admin, assignee=world.teacher,
                    status="in_progress")
    assert set(notified(Kind.ASSIGNED)) == {world.teacher.id}
    reply_to_feedback(feedback=feedback, author=parent, body="Any news?")
    assert notified(Kind.FAMILY_REPLY) == {world.teacher.id: ["The family replied: Meeting"]}


def test_a_need_or_follow_up_assigned_by_someone_else_tells_the_new_owner(app):
    world = school_with_staff()
    need = record_need(student=world.ana, actor=world.admin, kind="health", title="Glasses",
                       owner=world.teacher)
    log_interaction(student=world.ana, author=world.teacher, channel="phone",
                    occurred_at=utcnow(), summary="Called", follow_up_owner=world.teacher,
                    follow_up_due_on=date(2026, 11, 30))  # their own: no notification
    assert notified(Kind.ASSIGNED) == {world.teacher.id: ["Need assigned to you: Glasses"]}
    update_need(need=need, student=world.ana, actor=world.admin, owner=world.counsellor)
    assert set(notified(Kind.ASSIGNED)) == {world.teacher.id, world.counsellor.id}


def test_follow_ups_due_today_or_overdue_notify_their_owner_once(app, clock):
    world = school_with_staff()
    log_interaction(student=world.ana, author=world.admin, channel="phone",
                    occurred_at=clock.now, summary="Called", follow_up_owner=world.teacher,
                    follow_up_due_on=clock.today + timedelta(days=1))
    assert notify_follow_ups_due() == 0
    clock.advance(days=1)
    assert notify_follow_ups_due() == 1
    clock.advance(days=3)
    assert notify_follow_ups_due() == 0
    assert len(notified(Kind.FOLLOW_UP_DUE)[world.teacher.id]) == 1


def test_a_new_risk_flag_tells_the_caseload_counsellor_only(app):
    world = school_with_staff()
    students_flagged.send(None, assessments=[_flag(world, world.ana)])
    assert notified(Kind.RISK_FLAG) == {
        world.counsellor.id: ["Ana Lopez is newly flagged at risk (high)"]}


def test_an_rsvp_change_tells_the_organiser_if_they_may_see_the_student(app):
    world = events.school_with_families()
    event = events.add_event(world, actor=world.admin, rsvp_requested=True)
    invitations = {i.guardian_id: i for i in db.session.scalars(
        select(EventInvitation).where(EventInvitation.event_id == event.id))}
    record_rsvp(invitation=invitations[world.diaz.id], answer="yes")
    assert notified(Kind.RSVP_CHANGE) == {
        world.admin.id: ["Dora Diaz answered yes: Science Fair"]}
    event.created_by_id = world.other_teacher.id  # teaches Ben, not Cleo
    record_rsvp(invitation=invitations[world.diaz.id], answer="no")
    record_rsvp(invitation=invitations[world.diaz.id], answer="no")  # no change: no news
    assert set(notified(Kind.RSVP_CHANGE)) == {world.admin.id}
    assert db.session.scalar(select(db.func.count()).select_from(StaffNotification)) == 1


def _night_of_flags(world):
    """A night's new flags in two schools: Ana (named counsellor), two grade 10 students
    (their level's two counsellors, one of them muting new flags, one signed off), and a
    grade 10 student of another school (that school's counsellor of the level only)."""
    tenth = [f.make_student(world.school, grade_level=10, first_name=name)
             for name in ("Tia", "Theo")]
    level, muting, gone = (f.make_user(Role.COUNSELLOR, world.school) for _ in range(3))
    for counsellor in (level, muting, gone):
        f.assign_counsellor(counsellor, world.school, 10)
    gone.is_active_account = False
    db.session.add(NotificationSettings(user_id=muting.id, muted=[Kind.RISK_FLAG], email={}))
    other_school = f.make_school()
    elsewhere = f.make_student(other_school, grade_level=10, first_name="Elsa")
    theirs = f.make_user(Role.COUNSELLOR, other_school)
    f.assign_counsellor(theirs, other_school, 10)
    db.session.flush()
    flags = [_flag(world, student) for student in (world.ana, *tenth, elsewhere)]
    return flags, SimpleNamespace(level=level, muting=muting, gone=gone, theirs=theirs)


def test_a_nights_new_flags_each_tell_their_own_counsellors_who_may_hear(app):
    world = school_with_staff()
    flags, staff = _night_of_flags(world)
    students_flagged.send(None, assessments=flags)
    assert notified(Kind.RISK_FLAG) == {
        world.counsellor.id: ["Ana Lopez is newly flagged at risk (high)"],
        staff.level.id: [f"{name} is newly flagged at risk (high)"
                         for name in (db.session.get(Student, flags[1].student_id).display_name,
                                      db.session.get(Student, flags[2].student_id).display_name)],
        staff.theirs.id: [f"{db.session.get(Student, flags[3].student_id).display_name} "
                          "is newly flagged at risk (high)"]}
    linked = db.session.scalars(select(StaffNotification.object_id)
                                .order_by(StaffNotification.id)).all()
    assert linked == [flag.id for flag in flags]


def test_announcing_a_nights_flags_reads_its_students_and_staff_once(app):
    """The statements sent do not grow with the night's new flags (a night after new
    settings flags thousands: they were about eight statements each)."""
    world = school_with_staff()
    flags, staff = _night_of_flags(world)
    more = [_flag(world, f.make_student(world.school, grade_level=10)) for _ in range(12)]
    db.session.flush()
    sent = []

    def count(connection, cursor, statement, *args):
        # Each notification is a row written (SQLite's driver writes them one by one);
        # everything read to decide them is not.
        sent[-1] += not statement.startswith("INSERT INTO staff_notifications")

    sqlalchemy.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for night in (flags, flags + more):
            sent.append(0)
            students_flagged.send(None, assessments=night)
            db.session.flush()
    finally:
        sqlalchemy.event.remove(db.engine, "before_cursor_execute", count)
    assert sent[0] == sent[1]
    assert len(notified(Kind.RISK_FLAG)[staff.level.id]) == 2 + 2 + 12
