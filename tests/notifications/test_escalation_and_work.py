"""Unanswered requests escalate after the school's number of school days; 'my work'."""

from datetime import date, datetime, timedelta

from portal.auth.models import Role
from portal.extensions import db
from portal.family.services import reply_to_feedback as family_reply_to_feedback
from portal.family.services import submit_feedback
from portal.interactions.services import log_interaction
from portal.needs.services import record_need, reply_to_feedback, update_feedback
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.watch import escalate_unanswered_requests, school_days_between
from tests import factories as f
from tests.notifications.helpers import notified, school_with_staff


def test_school_days_count_monday_to_friday_only():
    friday = date(2026, 11, 27)
    assert school_days_between(friday, friday) == 0
    assert school_days_between(friday, friday + timedelta(days=3)) == 1  # Monday
    assert school_days_between(friday, friday + timedelta(days=7)) == 5
    assert school_days_between(date(2026, 11, 25), date(2026, 11, 30)) == 3  # Thu, Fri, Mon


def _request(world, subject="Bus"):
    account = f.make_user(Role.GUARDIAN, None)
    world.mum.user_id = account.id
    feedback = submit_feedback(guardian=world.mum, author=account, student_id=world.ana.id,
                               kind="complaint", subject=subject, body="Late again.")
    db.session.commit()
    return feedback


def test_a_request_unanswered_for_three_school_days_is_escalated_once(app, clock):
    world = school_with_staff()  # request on Wednesday 25 November
    second_admin = f.make_user(Role.ADMINISTRATOR, world.school)
    other_school_admin = f.make_user(Role.ADMINISTRATOR, f.make_school())
    feedback = _request(world)
    family_reply_to_feedback(feedback=feedback, author=world.mum.user, body="Any news?")
    clock.set(datetime(2026, 11, 27, 16))  # Friday: two school days
    assert escalate_unanswered_requests() == 0
    clock.set(datetime(2026, 11, 29, 16))  # Sunday: still two
    assert escalate_unanswered_requests() == 0
    clock.set(datetime(2026, 11, 30, 9))  # Monday: three
    assert escalate_unanswered_requests() == 2
    assert escalate_unanswered_requests() == 0
    assert set(notified(Kind.ESCALATED)) == {world.admin.id, second_admin.id}
    assert other_school_admin.id not in notified()


def test_an_answered_request_or_a_longer_limit_is_not_escalated(app, clock):
    world = school_with_staff()
    world.school.request_escalation_school_days = 5
    answered = _request(world, "Answered")
    _request(world, "Waiting")
    reply_to_feedback(feedback=answered, actor=world.teacher, body="On it.")
    db.session.commit()
    clock.set(datetime(2026, 11, 30, 9))
    assert escalate_unanswered_requests() == 0
    clock.set(datetime(2026, 12, 2, 9))  # five school days later
    escalate_unanswered_requests()
    assert notified(Kind.ESCALATED) == {world.admin.id: ["Unanswered for 5 school days: Waiting"]}


def test_the_request_list_shows_age_and_time_to_first_answer(app, clock, login_as):
    world = school_with_staff()
    feedback = _request(world, "Timing")
    clock.advance(hours=5)
    reply_to_feedback(feedback=feedback, actor=world.teacher, body="Yes.")
    _request(world, "Silent")
    db.session.commit()
    clock.advance(days=1)
    page = login_as(world.teacher).get("/needs/?all=1").get_data(as_text=True)
    assert "1 d 5 h" in page and "0 d 5 h" in page  # age, then first answer after
    assert "Not answered yet" in page


def test_my_work_groups_what_is_assigned_to_me_by_due_date(app, clock, login_as):
    world = school_with_staff()
    record_need(student=world.ana, actor=world.admin, kind="health", title="Glasses",
                owner=world.teacher, due_on=clock.today - timedelta(days=1))
    log_interaction(student=world.ana, author=world.admin, channel="phone",
                    occurred_at=clock.now, summary="Call back the mother",
                    follow_up_owner=world.teacher, follow_up_due_on=clock.today)
    feedback = _request(world, "Bus times")
    update_feedback(feedback=feedback, actor=world.admin, assignee=world.teacher,
                    status="in_progress")
    record_need(student=world.ana, actor=world.admin, kind="health", title="Not mine",
                owner=world.counsellor)
    db.session.commit()
    page = login_as(world.teacher).get("/notifications/work").get_data(as_text=True)
    overdue, today, undated = (page.index("Overdue"), page.index("Due today"),
                               page.index("No due date"))
    assert overdue < page.index("Glasses") < today < page.index("Call back the mother")
    assert undated < page.index("Bus times") and "Not mine" not in page
    assert 'My work <span class="badge">3</span>' in page
