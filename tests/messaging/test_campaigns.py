"""Campaigns against a real SMTP server: right people, once each, their language, headers."""

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.core.errors import Conflict
from portal.extensions import db
from portal.messaging.campaigns import TemplateNotUsable, create_campaign, send_campaign
from portal.messaging.models import Delivery, Message, NotificationPreference
from portal.messaging.segments import count_recipients
from portal.messaging.worker import drain
from tests import factories as f
from tests.messaging.helpers import html_part, school_with_families, text_part

VARIANTS = {
    "en": ("News about {{ student_name }}", "Dear {{ guardian_name }},\n{{ student_name }}: "
           "attendance {{ attendance_rate }}.\n{{ portal_link }}"),
    "es": ("Noticias de {{ student_name }}", "Estimada {{ guardian_name }}:\n{{ student_name }}"),
}


def _send(world, criteria, variants=VARIANTS, kind="general", confirm=True):
    campaign = create_campaign(sender=world.admin, school=world.school, title="News",
                               kind=kind, criteria=criteria, variants=variants)
    count = count_recipients(criteria=criteria, school_id=world.school.id, sender=world.admin)
    send_campaign(campaign=campaign, sender=world.admin,
                  confirmed_count=count["guardians"] if confirm else None)
    db.session.commit()
    return campaign


def test_each_guardian_gets_exactly_one_message_in_their_language(app, smtp_server):
    world = school_with_families()
    _send(world, {})
    assert drain().sent == 2
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert sorted(by_address) == ["gran@example.org", "mum@example.org"]  # not dad
    mum = by_address["mum@example.org"]
    # The children named as Spanish lists them ("y"), not "&" or English's "and".
    assert mum["Subject"] == "Noticias de Ana Lopez, Ben Lopez y Cara Lopez"
    assert "Estimada Maria" in text_part(mum)
    # Gisele prefers French: there is none, so the school's default language (English).
    gran = by_address["gran@example.org"]
    assert gran["Subject"] == "News about Cara Lopez"
    assert "Dear Gisele" in text_part(gran) and "http://localhost/family/inbox" in text_part(gran)
    assert db.session.scalar(select(Message).where(
        Message.guardian_id == world.gran.id)).student_id == world.cara.id


def test_bulk_email_carries_one_click_unsubscribe_headers(app, smtp_server, client):
    world = school_with_families()
    _send(world, {"grade_levels": [10]})
    drain()
    (message,) = [m for m in smtp_server.messages if m["To"] == "gran@example.org"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link in text_part(message) and link in html_part(message)
    delivery = db.session.scalar(select(Delivery).where(Delivery.to_address == "gran@example.org"))
    assert message["Message-ID"] == delivery.message_id_header
    response = client.post(urlparse(link).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = db.session.scalar(select(NotificationPreference))
    assert (preference.guardian_id, preference.kind, preference.enabled,
            preference.changed_via) == (world.gran.id, "general", False, "unsubscribe-link")


def test_guardian_who_opted_out_finds_it_in_the_inbox_only(app, smtp_server):
    """The family's updates page: "Every message also stays in your portal inbox. Choose
    which ones you also want by email." """
    world = school_with_families()
    db.session.add(NotificationPreference(guardian_id=world.mum.id, kind="events", enabled=False))
    _send(world, {}, kind="events")
    drain()
    assert [m["To"] for m in smtp_server.messages] == ["gran@example.org"]
    kept = db.session.scalar(select(Message).where(Message.guardian_id == world.mum.id))
    assert kept is not None and kept.kind == "events"
    assert db.session.scalar(select(Delivery).where(Delivery.guardian_id == world.mum.id)) is None


def test_html_in_a_students_name_is_escaped_in_the_html_part(app, smtp_server):
    world = school_with_families()
    world.cara.first_name = "<b>Cara</b>"
    _send(world, {"student_ids": [world.cara.id]})
    drain()
    message = next(m for m in smtp_server.messages if m["To"] == "gran@example.org")
    html = html_part(message)
    assert "<b>Cara</b>" not in html and "&lt;b&gt;Cara&lt;/b&gt;" in html


def test_a_template_escaping_the_sandbox_is_refused_before_anything_is_saved(app):
    world = school_with_families()
    with pytest.raises(TemplateNotUsable) as problem:
        create_campaign(sender=world.admin, school=world.school, title="x", kind="general",
                        criteria={}, variants={"en": ("Hi", "{{ ''.__class__.__mro__ }}")})
    assert problem.value.field == "body_en" and "merge field" in problem.value.message


def test_sending_beyond_one_section_needs_the_count_confirmed(app):
    world = school_with_families()
    campaign = create_campaign(sender=world.admin, school=world.school, title="All",
                               kind="general", criteria={}, variants=VARIANTS)
    with pytest.raises(Conflict, match="2 guardians"):
        send_campaign(campaign=campaign, sender=world.admin, confirmed_count=None)
    one_class = create_campaign(sender=world.admin, school=world.school, title="Class",
                                kind="general", criteria={"section_ids": [world.section.id]},
                                variants=VARIANTS)
    assert send_campaign(campaign=one_class, sender=world.admin, confirmed_count=None) == 2


def test_a_teacher_reaches_only_families_of_their_own_students(app):
    world = school_with_families()
    other_teacher = f.make_user(Role.TEACHER, world.school)
    f.make_section(world.school, other_teacher, world.cara)
    counts = count_recipients(criteria={}, school_id=world.school.id, sender=other_teacher)
    assert counts == {"guardians": 2, "students": 1}  # Cara's mother and grandmother
    outsider = f.make_user(Role.TEACHER, f.make_school())
    assert count_recipients(criteria={}, school_id=world.school.id,
                            sender=outsider)["guardians"] == 0


def test_segment_filters_by_language_and_portal_activation(app):
    world = school_with_families()
    assert count_recipients(criteria={"languages": ["fr"]}, school_id=world.school.id,
                            sender=world.admin)["guardians"] == 1
    assert count_recipients(criteria={"portal_activated": "no"}, school_id=world.school.id,
                            sender=world.admin)["guardians"] == 2


def test_scheduled_campaign_waits_in_the_outbox_and_the_inbox(app, smtp_server):
    from datetime import timedelta

    from portal.core.time import utcnow
    from portal.messaging.queries import inbox_of

    world = school_with_families()
    later = utcnow() + timedelta(days=2)
    campaign = create_campaign(sender=world.admin, school=world.school, title="Later",
                               kind="general", criteria={"languages": ["fr"]},
                               variants=VARIANTS, scheduled_at=later)
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=None)
    db.session.commit()
    assert campaign.status == "scheduled"
    assert drain().handled == 0 and inbox_of(world.gran.id) == []
    assert db.session.scalar(select(Delivery.next_attempt_at)) == later


def test_segment_filters_by_each_childs_newest_risk_level(app):
    """A family is in a risk-level audience through a child whose newest assessment has that
    level: Ana was high, then none; Cara is high; Ben was never assessed."""
    from portal.risk.models import RiskAssessment, RiskRuleSet

    world = school_with_families()
    rules = RiskRuleSet(school_id=world.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    for child, level in ((world.ana, "high"), (world.cara, "high"), (world.ana, "none")):
        db.session.add(RiskAssessment(student_id=child.id, rule_set_id=rules.id, score=50,
                                      level=level))
        db.session.flush()  # in this order: the newest is the last
    db.session.commit()

    def audience(*levels):
        return count_recipients(criteria={"risk_levels": list(levels)},
                                school_id=world.school.id, sender=world.admin)

    assert audience("high") == {"guardians": 2, "students": 1}  # Cara's mum and gran
    assert audience("none") == {"guardians": 1, "students": 1}  # Ana's mum (dad may not be told)
    assert audience("watch") == {"guardians": 0, "students": 0}
