"""Templates that loop, compute or grow too big are refused with a clear message, never a 500."""

from html import unescape

from sqlalchemy import select, update

from portal.extensions import db
from portal.messaging.campaigns import create_campaign
from portal.messaging.models import Campaign, TemplateVariant
from tests.messaging.helpers import school_with_families

COMPOSE = {"title": "Trip", "kind": "events", "subject_en": "Trip",
           "body_en": "Dear {{ guardian_name }}, the trip is on Friday."}


def test_saving_a_template_with_a_loop_or_arithmetic_names_the_problem(app, login_as):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    for body, named in (("{% for i in range(9999) %}{% for j in range(9999) %}x"
                         "{% endfor %}{% endfor %}", "loops ({% for %}) cannot be used"),
                        ("{{ 'x' * 50000000 }}", "arithmetic cannot be used")):
        response = client.post("/messaging/campaigns/new", data={**COMPOSE, "body_en": body})
        page = unescape(response.get_data(as_text=True))
        assert response.status_code == 422  # refused, named on the form
        assert 'id="body_en-error"' in page and named in page
    assert db.session.scalar(select(Campaign)) is None


def test_preview_of_a_stored_template_that_breaks_the_rules_shows_why(app, login_as):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="Old",
                               kind="general", criteria={},
                               variants={"en": ("Old", "Dear {{ guardian_name }}")})
    # Written before the rules existed: a loop over the children.
    db.session.execute(update(TemplateVariant).values(
        body="{% for child in children %}{{ child.name }}{% endfor %}"))
    db.session.commit()
    response = login_as(world.admin).get(f"/messaging/campaigns/{campaign.id}/review")
    assert response.status_code == 422
    assert "loops ({% for %}) cannot be used" in unescape(response.get_data(as_text=True))
