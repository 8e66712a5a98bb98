"""Campaigns of a district's administrator: an audience across the district's schools or one of
them, never a school outside the district; each family hears from its child's school."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.core.time import utcnow
from portal.events.models import Event
from portal.extensions import db
from portal.messaging import campaigns
from portal.messaging.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, Message
from portal.messaging.services import notify_guardian
from portal.outcomes.models import Program
from tests import factories as f
from tests.people.helpers import class_options, district

COMPOSE = {"title": "Snow day", "kind": "general", "subject_en": "News",
           "body_en": "Dear {{ guardian_name }}, {{ school_name }} is closed tomorrow."}


@pytest.fixture
def valley(app):
    """Return the district() world: two guardians in each school."""
    return district()


def _count(client, query: str = ""):
    return client.get(f"/messaging/audience/count{query}")


def test_district_audience_counts_every_school_or_the_one_chosen(valley, login_as):
    client = login_as(valley.admin)
    assert _count(client).get_json() == {"guardians": 4, "students": 4}
    assert _count(client, f"?school_id={valley.south.id}").get_json() == {
        "guardians": 2, "students": 2}
    assert _count(client, f"?school_id={valley.north.id}&grade_levels=10").get_json() == {
        "guardians": 1, "students": 1}
    for hostile in (valley.elsewhere.id, 2147483647, -1):
        response = _count(client, f"?school_id={hostile}")
        assert response.status_code == 400 and "school_id" in response.get_json()["errors"]


def test_school_administrators_audience_is_their_school_alone(valley, login_as):
    client = login_as(valley.north_admin)
    assert _count(client).get_json() == {"guardians": 2, "students": 2}
    assert _count(client, f"?school_id={valley.south.id}").status_code == 400
    page = client.get("/messaging/campaigns/new").get_data(as_text=True)
    assert 'name="school_id"' not in page


def _compose_and_send(client, **fields) -> Campaign:
    response = client.post("/messaging/campaigns/new", data={**COMPOSE, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = db.session.scalars(select(Campaign).order_by(Campaign.id.desc())).first()
    guardians = len(campaign.criteria.get("school_ids", [None])) * 2
    review = client.get(f"/messaging/campaigns/{campaign.id}/review")
    assert review.status_code == 200
    sent = client.post(f"/messaging/campaigns/{campaign.id}/send",
                       data={"confirm": "y", "confirm_count": guardians})
    assert sent.status_code == 302
    return campaign


def _reached(campaign: Campaign) -> dict[int, str]:
    return dict(db.session.execute(select(Message.guardian_id, Message.body_text).where(
        Message.campaign_id == campaign.id)).all())


def test_district_campaign_reaches_each_school_in_its_own_name(valley, login_as):
    client = login_as(valley.admin)
    page = client.get("/messaging/campaigns/new").get_data(as_text=True)
    assert 'name="school_id"' in page and "All schools" in page
    everyone = _reached(_compose_and_send(client))
    guardians = {name: {g.id for g in valley.guardians[name]} for name in valley.guardians}
    assert set(everyone) == guardians["north"] | guardians["south"]
    assert all("North is closed" in everyone[g] for g in guardians["north"])
    assert all("South is closed" in everyone[g] for g in guardians["south"])
    south_only = _reached(_compose_and_send(client, school_id=valley.south.id))
    assert set(south_only) == guardians["south"]


def test_without_their_language_each_family_reads_its_childs_schools_language(valley, login_as):
    """A district's campaign in English and French: families reading Czech (no such variant)
    get the default language of their child's school, English in North, French in South."""
    valley.south.default_language = "fr"
    for guardian in valley.guardians["north"] + valley.guardians["south"]:
        guardian.preferred_language = "cs"
    db.session.commit()
    everyone = _reached(_compose_and_send(
        login_as(valley.admin), subject_fr="Nouvelles",
        body_fr="Bonjour {{ guardian_name }}, {{ school_name }} est fermée demain."))
    assert {everyone[g.id].split(",")[0].split()[0] for g in valley.guardians["north"]} == \
        {"Dear"}
    assert {everyone[g.id].split(",")[0].split()[0] for g in valley.guardians["south"]} == \
        {"Bonjour"}
    assert all("South est fermée" in everyone[g.id] for g in valley.guardians["south"])


def test_district_campaign_cannot_be_aimed_at_another_districts_school(valley, login_as):
    client = login_as(valley.admin)
    response = client.post("/messaging/campaigns/new",
                           data={**COMPOSE, "school_id": valley.elsewhere.id})
    assert response.status_code == 200 and 'id="school_id-error"' in response.get_data(True)
    assert db.session.scalar(select(Campaign)) is None


def test_a_district_campaign_is_not_a_schools_to_see_or_stop(valley, login_as):
    """Filed under the district's first school, it reaches other schools' families: their
    addresses are in its report, so only who works in every school it reaches sees it."""
    client = login_as(valley.admin)
    everyone = _compose_and_send(client)
    south_only = _compose_and_send(client, school_id=valley.south.id)
    north_letter = _compose_and_send(client, school_id=valley.north.id)
    bounced = db.session.scalar(select(Delivery).where(
        Delivery.campaign_id == everyone.id,
        Delivery.guardian_id == valley.guardians["south"][0].id))
    bounced.status, bounced.last_error = DeliveryStatus.FAILED, "550 no such mailbox"
    db.session.commit()
    assert client.get(f"/messaging/campaigns/{everyone.id}").status_code == 200
    assert bounced.to_address in client.get("/messaging/outbox").get_data(as_text=True)
    client = login_as(valley.north_admin)
    listed = client.get("/messaging/").get_data(as_text=True)
    assert f"/messaging/campaigns/{north_letter.id}\"" in listed
    for campaign in (everyone, south_only):
        assert f"/messaging/campaigns/{campaign.id}\"" not in listed
        assert client.get(f"/messaging/campaigns/{campaign.id}").status_code == 404
        stop = client.post(f"/messaging/campaigns/{campaign.id}/stop")
        assert stop.status_code == 404
        assert db.session.get(Campaign, campaign.id).status != CampaignStatus.STOPPED
    assert bounced.to_address not in client.get("/messaging/outbox").get_data(as_text=True)
    assert client.post("/messaging/outbox/retry").status_code in (302, 303)
    assert db.session.get(Delivery, bounced.id).status == DeliveryStatus.FAILED  # not retried


def _listed(client, query: str = "") -> dict[int, str]:
    """Return {campaign id: its School cell} of the campaign list ("" without that column)."""
    response = client.get(f"/messaging/{query}")
    assert response.status_code == 200
    rows = re.findall(r'<tr>\s*<td><a href="/messaging/campaigns/(\d+)[^"]*">[^<]*</a></td>'
                      r'\s*(?:<td>([^<]*)</td>)?', response.get_data(as_text=True))
    return {int(campaign_id): school for campaign_id, school in rows}


def test_the_district_campaign_list_names_each_campaigns_schools_and_filters_by_school(
        valley, login_as):
    """A campaign to one school is filed under the district's first school (north) like the
    others: the filter goes by the schools it reaches, not by where it is filed."""
    client = login_as(valley.admin)
    everyone = _compose_and_send(client)
    south_only = _compose_and_send(client, school_id=valley.south.id)
    north_letter = _compose_and_send(login_as(valley.north_admin))  # a school's own
    client = login_as(valley.admin)
    assert _listed(client) == {everyone.id: "All schools", south_only.id: "South",
                               north_letter.id: "North"}
    assert 'name="school_id"' in client.get("/messaging/").get_data(as_text=True)
    assert set(_listed(client, f"?school_id={valley.south.id}")) == {everyone.id,
                                                                      south_only.id}
    assert set(_listed(client, f"?school_id={valley.north.id}")) == {everyone.id,
                                                                      north_letter.id}


def test_a_school_administrators_list_has_no_school_filter_and_refuses_another_school(
        valley, login_as):
    client = login_as(valley.north_admin)
    page = client.get("/messaging/").get_data(as_text=True)
    assert 'name="school_id"' not in page and ">School</th>" not in page
    assert client.get(f"/messaging/?school_id={valley.south.id}").status_code == 404
    district_admin = login_as(valley.admin)
    assert district_admin.get(f"/messaging/?school_id={valley.elsewhere.id}").status_code == 404


def _programs_and_events(valley) -> dict:
    """A program and an upcoming event asking families to answer in each school of the
    district, named alike."""
    made = {}
    for name in ("north", "south"):
        school = getattr(valley, name)
        starts = utcnow() + timedelta(days=30)
        made[name] = (Program(school_id=school.id, name="Tutoring", kind="tutoring"),
                      Event(school_id=school.id, kind="school_event", title="Concert",
                            starts_at=starts, ends_at=starts + timedelta(hours=2),
                            rsvp_requested=True, uid=f"concert-{name}@test"))
        db.session.add_all(made[name])
    db.session.commit()
    return {name: (program.id, event.id) for name, (program, event) in made.items()}


def test_a_district_administrator_picks_a_school_before_its_lists(valley, login_as):
    """The district's every class and student would be thousands of options, and its
    schools' programs and events share names: none until a school is chosen; "Choose from
    this school" brings the form back as typed, nothing saved."""
    made = _programs_and_events(valley)
    client = login_as(valley.admin)
    page = client.get("/messaging/campaigns/new")
    for field in ("section_ids", "student_ids", "program_ids"):
        assert class_options(page, field) == set()
    assert class_options(page, "event_without_rsvp") == {0}
    assert "Choose a school above to pick from its classes" in page.get_data(True)
    shown = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "title": "Only typed", "school_id": valley.south.id, "pick_school": "1"})
    assert shown.status_code == 200 and 'value="Only typed"' in shown.get_data(True)
    assert class_options(shown, "section_ids") == {valley.south_class.id}
    assert class_options(shown, "student_ids") == {p.id for p in valley.students["south"]}
    assert class_options(shown, "program_ids") == {made["south"][0]}
    assert class_options(shown, "event_without_rsvp") == {0, made["south"][1]}
    assert "Choose a school above" not in shown.get_data(True)
    assert db.session.scalar(select(Campaign)) is None
    another = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "school_id": valley.elsewhere.id, "pick_school": "1"})
    assert class_options(another, "section_ids") == set()  # never another district's
    assert class_options(another, "student_ids") == set()
    school_admin = login_as(valley.north_admin).get("/messaging/campaigns/new")
    assert class_options(school_admin, "section_ids") == {valley.north_class.id}
    assert class_options(school_admin, "program_ids") == {made["north"][0]}


def test_a_district_campaign_keeps_what_it_was_saved_with(valley, login_as):
    """Edited with no school chosen, its picks are still offered, chosen, and saved again."""
    made = _programs_and_events(valley)
    client = login_as(valley.admin)
    picks = {"section_ids": [valley.north_class.id],
             "student_ids": [valley.students["south"][0].id],
             "program_ids": [made["north"][0]], "event_without_rsvp": made["south"][1]}
    assert client.post("/messaging/campaigns/new", data={**COMPOSE, **picks}).status_code == 302
    campaign = db.session.scalar(select(Campaign))
    page = client.get(f"/messaging/campaigns/{campaign.id}/edit")
    for field, chosen in picks.items():
        chosen = set(chosen) if isinstance(chosen, list) else {0, chosen}
        assert class_options(page, field) == chosen
    assert re.search(rf'<option selected value="{valley.north_class.id}"', page.get_data(True))
    assert client.post(f"/messaging/campaigns/{campaign.id}/edit",
                       data={**COMPOSE, **picks}).status_code == 302
    db.session.refresh(campaign)
    assert {key: campaign.criteria[key] for key in picks} == picks


def _review(client, campaign: Campaign, query: str = "") -> str:
    return client.get(f"/messaging/campaigns/{campaign.id}/review{query}").get_data(as_text=True)


def test_district_review_counts_every_family_and_holds_back_by_each_schools_limit(
        valley, login_as, monkeypatch):
    """The review page counts the audience in the database and lists only the first
    guardians for the preview (PREVIEW_CHOICES; 2 here); a guardian chosen beyond them is
    still shown, one outside the audience never is."""
    monkeypatch.setattr(campaigns, "PREVIEW_CHOICES", 2)
    valley.north.weekly_message_cap, valley.south.weekly_message_cap = 1, 2
    north_first, north_second = valley.guardians["north"]
    south_first, south_second = valley.guardians["south"]
    # Held back: north_first (1 of North's 1) and south_second (2 of South's 2), not
    # south_first (1 of 2), north_second (none) or anyone for an answer, which never counts.
    for guardian, kind, sent in ((north_first, "general", 1), (south_first, "events", 1),
                                 (south_second, "general", 2), (north_second, "answer", 3)):
        for n in range(sent):
            notify_guardian(guardian=guardian, kind=kind, subject=f"Earlier {n}", body_text="x")
    db.session.commit()
    client = login_as(valley.admin)
    response = client.post("/messaging/campaigns/new", data=COMPOSE)
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    page = _review(client, campaign)
    assert "4 guardians will receive this message." in page
    assert ("2 families have already reached their school's weekly limit (between 1 and 2 "
            "non-urgent messages in 7 days") in page
    by_id = sorted(valley.guardians["north"] + valley.guardians["south"], key=lambda g: g.id)
    assert class_options(client.get(f"/messaging/campaigns/{campaign.id}/review"),
                         "guardian_id") == {by_id[0].id, by_id[1].id}
    assert f"Dear {by_id[0].display_name}," in page
    last = by_id[-1]
    chosen = client.get(f"/messaging/campaigns/{campaign.id}/review?guardian_id={last.id}")
    assert class_options(chosen, "guardian_id") == {by_id[0].id, by_id[1].id, last.id}
    assert f'<option value="{last.id}" selected>' in chosen.get_data(as_text=True)
    assert f"Dear {last.display_name}, South is closed" in chosen.get_data(as_text=True)
    stranger = f.make_guardian(valley.elsewhere, first_name="Outsider")
    f.link(valley.students["elsewhere"][0], stranger)
    db.session.commit()
    for probe in (stranger.id, 2147483647):
        page = _review(client, campaign, f"?guardian_id={probe}")
        assert f"Dear {by_id[0].display_name}," in page and "Outsider" not in page
    for probe in ("-1", "9" * 30, "NaN"):
        response = client.get(f"/messaging/campaigns/{campaign.id}/review?guardian_id={probe}")
        assert response.status_code == 400 and "guardian_id" in response.get_data(as_text=True)
    # North's limit raised: South's family alone is held back, by South's limit, whatever
    # the limit of the school the campaign was written in.
    valley.north.weekly_message_cap = 5
    db.session.commit()
    assert campaign.school_id == valley.north.id
    assert ("1 family has already reached the weekly limit (2 non-urgent messages in 7 days)"
            in _review(client, campaign))
