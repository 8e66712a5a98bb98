"""Staff pages: compose, live count, review with preview and confirmation, send report."""

from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.models import Campaign, Delivery, Message, Segment
from portal.messaging.worker import drain
from tests import factories as f
from tests.messaging.helpers import school_with_families
from tests.people.helpers import count_queries

COMPOSE = {"title": "Trip", "kind": "events", "subject_en": "Trip for {{ student_name }}",
           "body_en": "Dear {{ guardian_name }}, the trip is on Friday."}


def _compose(client, **fields):
    return client.post("/messaging/campaigns/new", data={**COMPOSE, **fields})


def test_compose_review_confirm_send_and_report(app, login_as, smtp_server):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    response = _compose(client, segment_name="Whole school")
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert db.session.scalar(select(Segment.name)) == "Whole school"
    review = client.get(response.location).get_data(as_text=True)
    assert "2 guardians will receive this message." in review
    assert "Yes, send to all 2 guardians" in review
    assert "Trip for Ana Lopez, Ben Lopez, and Cara Lopez" in review  # preview, first family
    unconfirmed = client.post(f"/messaging/campaigns/{campaign.id}/send", follow_redirects=True)
    assert "Please confirm that this goes to 2 guardians." in unconfirmed.get_data(as_text=True)
    assert db.session.scalar(select(Delivery)) is None
    sent = client.post(f"/messaging/campaigns/{campaign.id}/send",
                       data={"confirm": "y", "confirm_count": "2"})
    assert sent.status_code == 302
    drain()
    assert len(smtp_server.messages) == 2
    status = client.get(f"/messaging/campaigns/{campaign.id}/status").get_json()
    assert status == {"recipients": 2, "emails": 2, "queued": 0, "sent": 2, "failed": 0,
                      "cancelled": 0, "held_back": 0, "read": 0, "done": True}


def test_sandbox_escape_in_the_form_is_shown_next_to_the_field(app, login_as):
    world = school_with_families()
    db.session.commit()
    response = _compose(login_as(world.admin), body_en="{{ ''.__class__.__mro__ }}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # refused: it may be sent again once corrected
    assert 'id="body_en-error"' in page and "not a merge field" in page
    assert db.session.scalar(select(Campaign)) is None


def test_live_count_counts_each_guardian_once(app, login_as):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    assert client.get("/messaging/audience/count").get_json() == {"guardians": 2, "students": 3}
    assert client.get("/messaging/audience/count?grade_levels=10").get_json() == {
        "guardians": 2, "students": 1}
    assert client.get("/messaging/audience/count?grade_levels=ten").status_code == 400
    # A number no grade has is refused by name (2147483648 failed PostgreSQL's integer).
    for level in ("2147483648", "21", "-2", "99999999999999999999"):
        refused = client.get(f"/messaging/audience/count?grade_levels=9,{level}")
        assert refused.status_code == 400, level
        assert refused.get_json()["errors"]["grade_levels"] == [
            "Grade levels go from -1 to 20."], level
    assert client.get("/messaging/audience/count?grade_levels=-1,20").get_json() == {
        "guardians": 0, "students": 0}  # pre-kindergarten and the highest grade are grades


def test_send_report_is_for_the_sender_and_colleagues_they_share_it_with(app, login_as):
    world = school_with_families()
    colleague = f.make_user(Role.TEACHER, world.school)
    outsider = f.make_user(Role.ADMINISTRATOR, f.make_school())
    db.session.commit()
    client = login_as(world.teacher)
    _compose(client, section_ids=str(world.section.id))
    campaign = db.session.scalar(select(Campaign))
    client.post(f"/messaging/campaigns/{campaign.id}/send")
    assert db.session.scalar(select(Message)) is not None  # one class: no confirmation needed
    report = f"/messaging/campaigns/{campaign.id}"
    for user, expected in ((colleague, 404), (outsider, 404), (world.admin, 200)):
        assert login_as(user).get(report).status_code == expected
    login_as(world.teacher).post(f"{report}/share",
                                              data={"colleagues": [str(colleague.id)]})
    assert login_as(colleague).get(report).status_code == 200
    assert login_as(outsider).get(f"{report}/status").status_code == 404


def test_guardians_cannot_use_staff_messaging(app, login_as):
    world = school_with_families()
    db.session.commit()
    assert login_as(world.mum.user).get("/messaging/").status_code == 403


def test_reach_report_lists_unreached_families_highest_risk_first(app, login_as):
    from portal.risk.models import RiskAssessment, RiskRuleSet

    world = school_with_families()
    world.gran.email_invalid, world.gran.email_invalid_reason = True, "550 No such mailbox"
    rules = RiskRuleSet(school_id=world.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    db.session.add(RiskAssessment(student_id=world.cara.id, rule_set_id=rules.id, score=90,
                                  level="high"))
    for child in (world.ana, world.ben, world.cara):  # no contact to-dos: see tests/risk
        f.make_interaction(child, world.admin, outcome="reached")
    db.session.commit()
    page = login_as(world.admin).get("/messaging/reach").get_data(as_text=True)
    assert page.index("Gisele") < page.index("Maria")
    assert "No valid email (550 No such mailbox)" in page and "Never signed in" in page
    other = login_as(f.make_user(Role.TEACHER, world.school))
    assert "Gisele" not in other.get("/messaging/reach").get_data(as_text=True)


def test_campaign_list_shows_sent_once_nothing_waits(app, login_as, smtp_server):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.teacher)
    _compose(client, section_ids=str(world.section.id))
    campaign = db.session.scalar(select(Campaign))
    client.post(f"/messaging/campaigns/{campaign.id}/send")
    assert "Sending" in client.get("/messaging/").get_data(as_text=True)
    drain()
    assert "Sent" in client.get("/messaging/").get_data(as_text=True)


def test_compose_starts_from_a_saved_audience_and_an_earlier_message(app, login_as):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    _compose(client, segment_name="Grade 10", grade_levels="10", subject_es="Hola",
             body_es="Hola {{ guardian_name }}")
    segment = db.session.scalar(select(Segment))
    template_id = db.session.scalar(select(Campaign.template_id))
    page = client.get(f"/messaging/campaigns/new?segment_id={segment.id}"
                      f"&template_id={template_id}").get_data(as_text=True)
    assert 'value="10"' in page and "Hola {{ guardian_name }}" in page
    assert "Trip for {{ student_name }}" in page


def test_the_campaign_list_costs_the_same_with_more_campaigns(app, login_as):
    world = school_with_families()
    client = login_as(world.admin)
    costs = []
    for count in (2, 12):
        while (made := db.session.scalar(select(func.count()).select_from(Campaign))) < count:
            assert _compose(client, title=f"Trip {made}").status_code == 302
        with count_queries() as counted:
            page = client.get("/messaging/").get_data(as_text=True)
        assert page.count('href="/messaging/campaigns/') >= count
        costs.append(counted.count)
    assert costs[0] == costs[1]
