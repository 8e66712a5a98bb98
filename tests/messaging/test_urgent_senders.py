"""Who may send an urgent message: it reaches families who turned updates off, at any hour,
so only the school's administrators may (README, "Who may see and change what"). Checked
on the server with CSRF on, as in production."""

import re

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.campaigns import create_campaign
from portal.messaging.models import Campaign, CampaignStatus, Delivery
from tests import factories as f
from tests.conftest import config_for
from tests.messaging.helpers import school_with_families

COMPOSE = {"title": "Snow", "kind": "urgent", "subject_en": "School closed",
           "body_en": "Dear {{ guardian_name }}, the school is closed today."}
REFUSED = "Only an administrator may send an urgent message"


@pytest.fixture
def app_config(database_url):
    return config_for(database_url, WTF_CSRF_ENABLED=True)


def _token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)[1].decode()


def _staff(world, role: str):
    if role == Role.TEACHER:
        return world.teacher
    counsellor = f.make_user(Role.COUNSELLOR, world.school)
    f.assign_counsellor(counsellor, world.school, 9)
    return counsellor


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("role", [Role.TEACHER, Role.COUNSELLOR])
def test_a_teacher_or_counsellor_cannot_compose_an_urgent_message(app, login_as, role):
    world = school_with_families()
    client = login_as(_staff(world, role))
    page = client.get("/messaging/campaigns/new")
    assert 'value="urgent"' not in page.get_data(as_text=True)  # not offered
    refused = client.post("/messaging/campaigns/new",
                          data={**COMPOSE, "csrf_token": _token(page.data)})
    assert refused.status_code == 403
    assert REFUSED in refused.get_data(as_text=True)
    assert _count(Campaign) == 0


def test_a_teachers_draft_cannot_be_made_urgent_nor_sent_urgent(app, login_as):
    world = school_with_families()
    draft = create_campaign(sender=world.teacher, school=world.school, title="Trip",
                            kind="events", criteria={},
                            variants={"en": ("Trip", "Hello {{ guardian_name }}")})
    client = login_as(world.teacher)
    edit = f"/messaging/campaigns/{draft.id}/edit"
    form = client.get(edit)
    seen = re.search(rb'name="seen" type="hidden" value="([^"]*)"', form.data)[1].decode()
    refused = client.post(edit, data={**COMPOSE, "csrf_token": _token(form.data),
                                      "seen": seen})
    assert refused.status_code == 403 and REFUSED in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, draft.id).kind == "events"
    # Made urgent by an administrator (who may), the teacher still cannot send it so.
    db.session.get(Campaign, draft.id).kind = "urgent"
    db.session.commit()
    review = client.get(f"/messaging/campaigns/{draft.id}/review")
    sent = client.post(f"/messaging/campaigns/{draft.id}/send",
                       data={"csrf_token": _token(review.data), "confirm": "y",
                             "confirm_count": "2"}, follow_redirects=True)
    assert REFUSED in sent.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, draft.id).status == CampaignStatus.DRAFT
    assert _count(Delivery) == 0


def test_an_administrator_sends_an_urgent_message(app, login_as):
    world = school_with_families()
    client = login_as(world.admin)
    page = client.get("/messaging/campaigns/new")
    assert 'value="urgent"' in page.get_data(as_text=True)
    saved = client.post("/messaging/campaigns/new",
                        data={**COMPOSE, "csrf_token": _token(page.data)})
    assert saved.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    review = client.get(saved.location)
    client.post(f"/messaging/campaigns/{campaign.id}/send",
                data={"csrf_token": _token(review.data), "confirm": "y", "confirm_count": "2"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status != CampaignStatus.DRAFT
    assert _count(Delivery) > 0
