"""The "newly flagged" notice to counsellors: a first assessment is not news, and the
notice says what the counsellor's new-flags page shows."""

from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.models import Delivery
from portal.notifications.models import NotificationKind
from portal.notifications.services import save_settings
from portal.risk.services import recompute_all
from tests import factories
from tests.risk.helpers import TODAY, record_attendance, school_days


def _notices_to(user) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.user_id == user.id)
                                   .order_by(Delivery.id)))


def test_first_recompute_is_no_news_and_a_later_worsening_is_named_alone(app, login_as):
    school = factories.make_school()
    factories.make_term(school)
    counsellor = factories.make_user(Role.COUNSELLOR, school)
    factories.assign_counsellor(counsellor, school, 9)
    days = school_days(TODAY, 40)
    already_absent = [factories.make_student(school, first_name=f"Absent{n}") for n in range(2)]
    for student in already_absent:
        record_attendance(student, days, absent_on=set(days[-12:]))
    worsening = factories.make_student(school, first_name="Wanda", last_name="Worse")
    recompute_all(today=TODAY)
    client = login_as(counsellor)
    page = client.get("/risk/flags").get_data(as_text=True)
    assert _notices_to(counsellor) == []  # a new install's first assessment is not news
    assert not any(student.display_name in page for student in already_absent)

    record_attendance(worsening, days, absent_on=set(days[-12:]))
    recompute_all(today=TODAY)
    (notice,) = _notices_to(counsellor)
    assert notice.subject == "Wanda Worse (grade 9) is newly flagged (watch)"
    assert not any(student.display_name in notice.body_text for student in already_absent)
    assert "New flags waiting for you: 1." in notice.body_text
    page = client.get("/risk/flags").get_data(as_text=True)
    assert "Wanda Worse" in page
    assert not any(student.display_name in page for student in already_absent)


def test_a_counsellor_who_chose_immediate_flag_emails_gets_one_email_not_two(app):
    school = factories.make_school()
    factories.make_term(school)
    at_once = factories.make_user(Role.COUNSELLOR, school, email="now@example.org")
    by_default = factories.make_user(Role.COUNSELLOR, school, email="later@example.org")
    for counsellor in (at_once, by_default):
        factories.assign_counsellor(counsellor, school, 9)
    save_settings(user=at_once, muted=[], email={NotificationKind.RISK_FLAG: "immediate"},
                  summary_hour=7)
    days = school_days(TODAY, 40)
    worsening = factories.make_student(school, first_name="Wanda", last_name="Worse")
    recompute_all(today=TODAY)
    record_attendance(worsening, days, absent_on=set(days[-12:]))
    recompute_all(today=TODAY)
    (email,) = _notices_to(at_once)  # the notification centre's, not also the grouped notice
    assert email.subject == "Wanda Worse is newly flagged at risk (watch)"
    (notice,) = _notices_to(by_default)  # their centre email waits for the daily summary
    assert "New flags waiting for you: 1." in notice.body_text
