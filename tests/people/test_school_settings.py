"""Administrators change the school's settings on a page; bad values change nothing."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import Role
from portal.extensions import db
from portal.people.models import School
from tests import factories as f

URL = "/settings/school"
GOOD = {"name": "Lincoln High", "timezone": "Europe/Paris", "default_language": "es",
        "languages": ["en", "es"],
        "pass_mark_percent": "50", "sending_window_start_hour": "8",
        "sending_window_end_hour": "19", "notify_family_of_risk_flags": "y",
        "request_escalation_school_days": "3"}


def _stored(school_id: int) -> School:
    db.session.expire_all()
    return db.session.get(School, school_id)


def test_an_administrator_changes_the_settings_and_the_change_is_audited(app, login_as):
    school = f.make_school(name="Old name")
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    client = login_as(admin)
    page = client.get(URL).get_data(as_text=True)
    assert 'value="Old name"' in page and 'value="America/New_York"' in page
    assert '<option selected value="fr">Français' in page  # all offered until chosen
    assert f'href="{URL}"' in page  # in the administrator's menu
    assert client.post(URL, data=GOOD).status_code == 302
    saved = _stored(school.id)
    assert (saved.name, saved.timezone, saved.default_language, saved.languages,
            saved.pass_mark_percent, saved.sending_window_start_hour,
            saved.sending_window_end_hour, saved.notify_family_of_risk_flags) == (
        "Lincoln High", "Europe/Paris", "es", ["en", "es"], 50.0, 8, 19, True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "school"))
    assert (event.actor_id, event.object_id) == (admin.id, school.id)
    assert event.changes["timezone"] == ["America/New_York", "Europe/Paris"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("timezone", "Mars/Olympus_Mons", "Choose a time zone such as Europe/Paris."),
    ("sending_window_end_hour", "7", "The sending window must start before it ends"),
    ("sending_window_start_hour", "25", "Enter an hour from 0 to 23."),
    ("pass_mark_percent", "140", "Enter a pass mark between 0 and 100."),
    ("default_language", "xx", "Not a valid choice"),
    ("languages", ["en", "fr"], "Offer the school&#39;s own language too."),
])
def test_a_bad_value_is_refused_next_to_its_field_and_nothing_changes(app, login_as, field,
                                                                      value, message):
    school = f.make_school(name="Old name")
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    response = login_as(admin).post(URL, data={**GOOD, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert _stored(school.id).name == "Old name"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "school")) is None


def test_only_administrators_reach_the_school_settings(app, login_as):
    school = f.make_school(name="Old name")
    teacher = f.make_user(Role.TEACHER, school)
    district_admin = f.make_user(Role.ADMINISTRATOR)  # no school of their own
    db.session.commit()
    assert login_as(teacher).get(URL).status_code == 403
    assert login_as(teacher).post(URL, data=GOOD).status_code == 403
    assert f'href="{URL}"' not in login_as(teacher).get("/staff").get_data(as_text=True)
    assert login_as(district_admin).post(URL, data=GOOD).status_code == 404
    assert _stored(school.id).name == "Old name"


def test_a_message_is_written_only_in_the_languages_the_school_offers(app, login_as):
    school = f.make_school(languages=["en", "es"])
    admin = f.make_user(Role.ADMINISTRATOR, school)
    db.session.commit()
    page = login_as(admin).get("/messaging/campaigns/new").get_data(as_text=True)
    assert 'name="body_es"' in page and 'name="body_fr"' not in page
