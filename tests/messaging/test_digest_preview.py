"""Administrators see this week's digest for a chosen family before it goes out."""

from datetime import date, datetime

from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.digest import send_weekly_digests
from portal.messaging.models import Message
from portal.outcomes.models import Grade
from tests import factories as f
from tests.messaging.helpers import school_with_families


def _graded_world():
    world = school_with_families()
    term = f.make_term(world.school)
    db.session.add(Grade(student_id=world.ben.id, section_id=world.section.id,
                         grading_period_id=term.grading_periods[0].id, score=88,
                         recorded_on=date(2026, 11, 25)))
    db.session.commit()
    return world


def test_the_preview_is_exactly_what_friday_sends_in_the_familys_language(app, login_as, clock):
    world = _graded_world()
    client = login_as(world.admin)
    found = client.get("/messaging/digest-preview?q=maria").get_data(as_text=True)
    assert f"guardian_id={world.mum.id}" in found
    page = client.get(f"/messaging/digest-preview?guardian_id={world.mum.id}").get_data(
        as_text=True)
    assert "Goes out 11/27/26, 4:00" in page and "Su resumen semanal" in page
    send_weekly_digests(datetime(2026, 11, 27, 16))
    sent = db.session.scalar(select(Message).where(Message.guardian_id == world.mum.id))
    assert sent.subject in page and "88 %" in sent.body_text
    for line in sent.body_text.splitlines():
        assert line.replace("&", "&amp;") in page


def test_only_administrators_preview_and_only_their_schools_families(app, login_as):
    world = _graded_world()
    elsewhere = f.make_school()
    other_admin = f.make_user(Role.ADMINISTRATOR, elsewhere)
    db.session.commit()
    url = f"/messaging/digest-preview?guardian_id={world.mum.id}"
    assert login_as(world.teacher).get(url).status_code == 403
    assert login_as(other_admin).get(url).status_code == 404
    assert "Maria" not in login_as(other_admin).get(
        "/messaging/digest-preview?q=maria").get_data(as_text=True)


def test_a_family_without_an_informable_child_gets_no_digest(app, login_as):
    world = _graded_world()
    page = login_as(world.admin).get(f"/messaging/digest-preview?guardian_id={world.dad.id}")
    assert "This family gets no digest" in page.get_data(as_text=True)
