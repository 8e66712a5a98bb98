"""Blank language variants never reach a family; pages say when a campaign really goes."""

from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.messaging.campaigns import choose_variant
from portal.messaging.models import Campaign, TemplateVariant
from portal.messaging.worker import drain
from tests.messaging.helpers import school_with_families

COMPOSE = {"title": "Trip", "kind": "events", "subject_en": "Trip on Friday",
           "body_en": "Dear {{ guardian_name }}, the trip is on Friday."}
SEND = {"confirm": "y", "confirm_count": "2"}


def test_a_language_left_blank_is_dropped_and_its_families_get_the_schools(app, login_as,
                                                                          smtp_server):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    response = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "subject_fr": "   ", "body_fr": " \r\n \t "})
    assert response.status_code == 302
    assert db.session.scalars(select(TemplateVariant.language)).all() == ["en"]
    campaign_id = db.session.scalar(select(Campaign.id))
    client.post(f"/messaging/campaigns/{campaign_id}/send", data=SEND)
    drain()
    subjects = {message["To"]: message["Subject"] for message in smtp_server.messages}
    assert subjects["gran@example.org"] == "Trip on Friday"  # Gisele reads French


def test_a_language_with_a_subject_but_a_blank_message_is_refused_naming_it(app, login_as):
    world = school_with_families()
    db.session.commit()
    response = login_as(world.admin).post("/messaging/campaigns/new", data={
        **COMPOSE, "subject_es": "Excursión", "body_es": "  \r\n  "})
    page = response.get_data(as_text=True)
    assert 'id="body_es-error"' in page
    assert "Write both a subject and a message in Español, or leave both empty." in page
    assert db.session.scalar(select(Campaign)) is None


def test_a_blank_default_language_is_refused(app, login_as):
    world = school_with_families()
    db.session.commit()
    response = login_as(world.admin).post("/messaging/campaigns/new", data={
        **COMPOSE, "subject_en": " ", "body_en": " ", "subject_es": "Hola", "body_es": "Hola"})
    assert "default language" in response.get_data(as_text=True)
    assert db.session.scalar(select(Campaign)) is None


def test_a_blank_variant_stored_earlier_never_stands_in_for_a_language(app):
    english = TemplateVariant(language="en", subject="News", body="Dear family")
    blank_french = TemplateVariant(language="fr", subject=" ", body="\n")
    assert choose_variant([english, blank_french], "fr", "en") is english


def _paris_school_at_nine_pm(clock):
    world = school_with_families(timezone="Europe/Paris", sending_window_start_hour=7,
                                 sending_window_end_hour=20)
    db.session.commit()
    clock.set(datetime(2026, 11, 25, 20, 0))  # 21:00 in Paris
    return world


def test_review_and_report_say_the_window_holds_a_late_campaign_until_seven(app, login_as,
                                                                           clock):
    world = _paris_school_at_nine_pm(clock)
    client = login_as(world.admin)
    review = client.post("/messaging/campaigns/new", data={
        **COMPOSE, "scheduled_at": "2026-11-25T21:00"}).location
    page = client.get(review).get_data(as_text=True)
    assert "It goes out at 11/26/26, 7:00" in page and "9:00" not in page
    campaign_id = db.session.scalar(select(Campaign.id))
    client.post(f"/messaging/campaigns/{campaign_id}/send", data=SEND)
    report = client.get(f"/messaging/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Goes out at 11/26/26, 7:00" in report and "9:00" not in report


def test_an_urgent_campaign_at_nine_pm_goes_at_once(app, login_as, clock):
    world = _paris_school_at_nine_pm(clock)
    client = login_as(world.admin)
    review = client.post("/messaging/campaigns/new", data={**COMPOSE, "kind": "urgent"}).location
    assert "It goes out at" not in client.get(review).get_data(as_text=True)
