"""Starting a campaign from an earlier message: only from one the viewer may open."""

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.models import Campaign
from tests import factories as f
from tests.messaging.helpers import school_with_families

PRIVATE = "Private note about the Lopez family"


def _teachers_campaign():
    """The teacher drafts a campaign (not shared); a colleague of the same school exists."""
    world = school_with_families()
    colleague = f.make_user(Role.TEACHER, world.school)
    db.session.commit()
    return world, colleague


def _compose(client, world) -> Campaign:
    response = client.post("/messaging/campaigns/new", data={
        "title": "Lopez", "kind": "general", "subject_en": "About Ana", "body_en": PRIVATE,
        "section_ids": str(world.section.id)})
    assert response.status_code == 302
    return db.session.scalar(select(Campaign))


def _prefill(client, campaign: Campaign):
    return client.get(f"/messaging/campaigns/new?template_id={campaign.template_id}")


def test_a_colleague_who_may_not_open_the_campaign_gets_404_and_not_its_text(app, login_as):
    world, colleague = _teachers_campaign()
    campaign = _compose(login_as(world.teacher), world)
    response = _prefill(login_as(colleague), campaign)
    assert response.status_code == 404
    assert PRIVATE not in response.get_data(as_text=True)
    assert login_as(colleague).get(
        f"/messaging/campaigns/{campaign.id}/report").status_code == 404  # the same rule


@pytest.mark.parametrize("who", ["teacher", "admin", "shared"])
def test_the_sender_an_administrator_and_a_colleague_it_was_shared_with_start_from_it(
        app, login_as, who):
    world, colleague = _teachers_campaign()
    campaign = _compose(login_as(world.teacher), world)
    if who == "shared":
        campaign.shared_with = [colleague.id]
        db.session.commit()
    viewer = colleague if who == "shared" else getattr(world, who)
    response = _prefill(login_as(viewer), campaign)
    assert response.status_code == 200 and PRIVATE in response.get_data(as_text=True)


def test_an_unknown_template_is_404(app, login_as):
    world, _colleague = _teachers_campaign()
    assert login_as(world.teacher).get(
        "/messaging/campaigns/new?template_id=999999").status_code == 404
