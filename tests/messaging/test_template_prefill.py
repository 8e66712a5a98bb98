"""Starting a campaign from an earlier message: only from one the viewer may open."""

import re

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.campaigns import create_campaign
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


def _offered(client) -> list[str]:
    """The names the compose page's "Start from an earlier message" picker lists."""
    page = client.get("/messaging/campaigns/new").get_data(as_text=True)
    picker = page.partition('<select id="template_id"')[2].partition("</select>")[0]
    return re.findall(r'<option value="\d+">([^<]*)</option>', picker)


@pytest.mark.parametrize("who, offered", [("teacher", True), ("admin", True),
                                          ("shared", True), ("colleague", False)])
def test_the_picker_lists_only_earlier_messages_the_viewer_may_open(app, login_as, who,
                                                                    offered):
    """Its names are the campaigns' titles: a colleague's unshared one is not listed."""
    world, colleague = _teachers_campaign()
    campaign = _compose(login_as(world.teacher), world)
    if who == "shared":
        campaign.shared_with = [colleague.id]
        db.session.commit()
    viewer = colleague if who in ("shared", "colleague") else getattr(world, who)
    assert (["Lopez"] if offered else []) == [
        name for name in _offered(login_as(viewer)) if name == "Lopez"]


def test_the_picker_lists_the_viewers_own_draft(app, login_as):
    world, colleague = _teachers_campaign()
    _compose(login_as(world.teacher), world)
    client = login_as(colleague)
    client.post("/messaging/campaigns/new", data={
        "title": "Mine", "kind": "general", "subject_en": "Trip", "body_en": "Bring a coat.",
        "section_ids": str(world.section.id)})
    assert _offered(client) == ["Mine"]


def test_the_viewers_own_message_stays_listed_behind_many_newer_campaigns(app, login_as):
    """The campaign list stops at the newest 200 of the school; a teacher's own earlier
    message is still offered after 200 newer campaigns of colleagues."""
    world, colleague = _teachers_campaign()
    _compose(login_as(world.teacher), world)
    for number in range(200):
        create_campaign(sender=colleague, school=world.school, title=f"Other {number}",
                        kind="general", criteria={},
                        variants={"en": ("Notice", "Dear {{ guardian_name }}, hello.")})
    db.session.commit()
    assert _offered(login_as(world.teacher)) == ["Lopez"]
