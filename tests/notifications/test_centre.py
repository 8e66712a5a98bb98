"""The notification centre: unread count in the header, opening, muting, email choices."""

from datetime import datetime

from sqlalchemy import select

from portal.auth.models import Role
from portal.core.jobs import run_due_jobs
from portal.extensions import db
from portal.notifications.digest import send_daily_summaries
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.models import NotificationSettings, StaffNotification
from portal.notifications.services import notify_users, save_settings
from tests.factories import make_user
from tests.notifications.helpers import emails_to, notified, school_with_staff


def _tell(world, user, kind=Kind.FAMILY_REQUEST, title="Bus is late", object_id=1):
    created = notify_users(users=[user], kind=kind, title=title, link="/needs/",
                           object_type="feedback", object_id=object_id, student_id=world.ana.id)
    db.session.commit()
    return created


def test_the_header_shows_the_unread_count_and_opening_marks_read(app, login_as):
    world = school_with_staff()
    (notification,) = _tell(world, world.teacher)
    client = login_as(world.teacher)
    page = client.get("/students").get_data(as_text=True)
    assert 'class="notifications-link"' in page and "1 unread" in page
    opened = client.get(f"/notifications/{notification.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/needs/"
    assert db.session.get(StaffNotification, notification.id).read_at is not None
    assert "0 unread" in client.get("/students").get_data(as_text=True)


def test_nobody_opens_anothers_notification(app, login_as):
    world = school_with_staff()
    (notification,) = _tell(world, world.teacher)
    assert login_as(world.counsellor).get(f"/notifications/{notification.id}").status_code == 404
    assert db.session.get(StaffNotification, notification.id).read_at is None


def test_a_muted_kind_is_not_created_and_other_kinds_still_are(app, login_as):
    world = school_with_staff()
    form = {"summary_hour": "8", f"mute_{Kind.FAMILY_REQUEST}": "y",
            **{f"email_{kind}": "never" for kind in Kind.ALL}}
    assert login_as(world.teacher).post("/notifications/settings", data=form).status_code == 302
    assert _tell(world, world.teacher) == []
    assert len(_tell(world, world.teacher, kind=Kind.ASSIGNED)) == 1
    assert emails_to(world.teacher.email) == []  # "never" for every kind


def test_staff_signed_off_or_the_one_who_acted_are_not_told_even_of_no_student(app):
    """A notice about no student in particular (a request to the whole school) skips whoever
    may not hear: a signed-off account, a family's account, the one who made the change."""
    world = school_with_staff()
    world.outsider.is_active_account = False
    family = make_user(Role.GUARDIAN, None)
    told = notify_users(users=[world.outsider, family, world.counsellor, world.teacher,
                               world.admin],
                        kind=Kind.FAMILY_REQUEST, title="Bus is late", link="/needs/",
                        object_type="feedback", object_id=1, actor=world.admin)
    assert [notification.user_id for notification in told] == [world.counsellor.id,
                                                                world.teacher.id]


def test_bad_choices_are_refused_with_a_400_naming_the_field(app, login_as):
    world = school_with_staff()
    response = login_as(world.teacher).post("/notifications/settings", data={
        "summary_hour": "25", **{f"email_{kind}": "sometimes" for kind in Kind.ALL}})
    assert response.status_code == 400
    assert "Enter an hour from 0 to 23." in response.get_data(as_text=True)
    assert db.session.scalar(select(NotificationSettings)) is None


def test_the_daily_summary_groups_the_days_notifications_at_the_chosen_hour(app, clock):
    world = school_with_staff()  # a UTC school; the clock says 15:00
    save_settings(user=world.teacher, muted=[], summary_hour=17,
                  email={Kind.FAMILY_REQUEST: "daily", Kind.ASSIGNED: "daily"})
    _tell(world, world.teacher, title="Bus is late", object_id=1)
    _tell(world, world.teacher, title="Lunch menu", object_id=2)
    _tell(world, world.teacher, kind=Kind.ASSIGNED, title="Need assigned to you: Glasses")
    assert emails_to(world.teacher.email) == []  # nothing immediate
    assert send_daily_summaries() == 0
    clock.set(datetime(2026, 11, 25, 17, 5))
    assert send_daily_summaries() == 1
    (summary,) = emails_to(world.teacher.email)
    assert summary.subject == "Your daily summary: 3 notifications"
    assert summary.body_text.index("New requests and complaints (2)") \
        < summary.body_text.index("Bus is late") < summary.body_text.index("Lunch menu") \
        < summary.body_text.index("Assigned to me (1)") < summary.body_text.index("Glasses")
    _tell(world, world.teacher, title="Later that day", object_id=3)
    clock.set(datetime(2026, 11, 25, 20))
    assert send_daily_summaries() == 0  # one summary a day
    clock.set(datetime(2026, 11, 26, 17))
    assert send_daily_summaries() == 1
    assert "Later that day" in emails_to(world.teacher.email)[1].body_text
    assert "Bus is late" not in emails_to(world.teacher.email)[1].body_text


def test_the_centre_lists_notifications_unread_first_and_marks_all_read(app, login_as):
    world = school_with_staff()
    _tell(world, world.teacher, title="First")
    _tell(world, world.teacher, title="<b>Second</b>", object_id=2)
    client = login_as(world.teacher)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "&lt;b&gt;Second&lt;/b&gt;" in page and page.index("Second") < page.index("First")
    assert client.post("/notifications/read", data={}).status_code == 302
    assert notified() == {world.teacher.id: ["First", "<b>Second</b>"]}
    assert db.session.scalar(select(StaffNotification).where(
        StaffNotification.read_at.is_(None))) is None


def test_the_summary_hour_is_in_the_schools_time_zone_and_run_by_the_worker(app, clock):
    world = school_with_staff(timezone="America/New_York")  # UTC-5 in November
    # Muted: the worker's weekly prompt to write notes to families would join the summary.
    save_settings(user=world.teacher, muted=[Kind.TEACHER_NOTES], summary_hour=7,
                  email={Kind.FAMILY_REQUEST: "daily"})
    _tell(world, world.teacher)
    clock.set(datetime(2026, 11, 26, 11, 30))  # 06:30 in New York
    assert "notifications-daily-summary" in run_due_jobs()
    assert emails_to(world.teacher.email) == []
    clock.set(datetime(2026, 11, 26, 12, 35))  # 07:35 in New York
    assert "notifications-daily-summary" in run_due_jobs()
    assert [email.subject for email in emails_to(world.teacher.email)] == [
        "Your daily summary: 1 notifications"]
