"""A campaign queued in bulk sends each family the very email the one-by-one path sends."""

import gc
import re

from sqlalchemy import select

from portal.extensions import db
from portal.messaging import campaigns
from portal.messaging.campaigns import create_campaign, render_for, send_campaign
from portal.messaging.models import Delivery, Message
from portal.messaging.segments import count_recipients, resolve_recipients
from portal.messaging.services import notify_guardian
from portal.messaging.unsubscribe import set_preference
from portal.messaging.worker import drain
from tests import factories as f
from tests.messaging.helpers import school_with_families
from tests.smtp_server import RecordingHandler

VARIANTS = {
    "en": ("News about {{ student_name }}", "Dear {{ guardian_name }},\n\n{{ student_name }} "
           "<b>&</b> the trip: https://example.org/trip?a=1&b=2\n{{ portal_link }}"),
    "es": ("Noticias de {{ student_name }} — ¡excursión!", "Estimada {{ guardian_name }}:\n"
           "{{ student_name }} y la excursión."),
}
# What differs between two sends of the same email: its Message-ID, Date and MIME boundaries.
VARYING = re.compile(rb"^(Message-ID|Date): .*$|={15}\d{19}==", re.MULTILINE)


class KeepRaw(RecordingHandler):
    """Keep the bytes each email arrived as, by recipient."""

    def __init__(self):
        super().__init__()
        self.raw: dict[str, list[bytes]] = {}

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            self.raw.setdefault(address, []).append(
                VARYING.sub(b"", envelope.original_content or envelope.content))
        return await super().handle_DATA(server, session, envelope)


def test_bulk_campaign_emails_are_byte_for_byte_the_one_by_one_emails(app, smtp_server):
    world = school_with_families()  # Maria reads Spanish, Gisele French (no French variant)
    campaign = create_campaign(sender=world.admin, school=world.school, title="Trip",
                               kind="general", criteria={}, variants=VARIANTS)
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=2)
    for recipient in resolve_recipients(criteria={}, school_id=world.school.id,
                                        sender=world.admin):
        rendered = render_for(campaign, recipient, world.school)
        # The inbox copy keeps the text; its email's HTML is written from it when sent.
        notify_guardian(guardian=recipient.guardian, kind="general",
                        subject=rendered["subject"], body_text=rendered["text"],
                        sender=world.admin,
                        student=recipient.students[0] if len(recipient.students) == 1 else None,
                        language=rendered["language"])
    db.session.commit()
    smtp_server.stop()
    smtp_server.handler = KeepRaw()
    smtp_server.start()
    assert drain().sent == 4
    raw = smtp_server.handler.raw
    assert sorted(raw) == ["gran@example.org", "mum@example.org"]
    for address, (bulk, one_by_one) in raw.items():
        assert bulk == one_by_one, address
    assert "excursión".encode() in raw["mum@example.org"][0]
    assert b"List-Unsubscribe: <" in raw["gran@example.org"][0]
    # The rows behind them too: inbox copies and deliveries.
    for model, fields in ((Message, ("subject", "body_text", "body_html", "language",
                                     "student_id", "kind", "created_at")),
                          (Delivery, ("subject", "body_text", "body_html", "headers", "kind",
                                      "status", "next_attempt_at", "to_address"))):
        for guardian in (world.mum, world.gran):
            bulk, one_by_one = db.session.scalars(select(model).where(
                model.guardian_id == guardian.id).order_by(model.id)).all()
            assert bulk.campaign_id == campaign.id and one_by_one.campaign_id is None
            assert [getattr(bulk, name) for name in fields] == \
                [getattr(one_by_one, name) for name in fields]


def test_a_campaign_written_a_family_at_a_time_gives_each_family_one_copy(app, monkeypatch):
    """Who opted out, and the inbox copies' ids, are looked up once for the whole audience
    and shared by every chunk; the rows are built with the cycle collector held off."""
    monkeypatch.setattr(campaigns, "QUEUE_CHUNK", 1)
    collector_on = []

    for_recipient = campaigns.CampaignText.for_recipient

    def rendering(*args, **kwargs):
        collector_on.append(gc.isenabled())
        return for_recipient(*args, **kwargs)

    monkeypatch.setattr(campaigns.CampaignText, "for_recipient", rendering)
    world = school_with_families()
    quiet = f.make_guardian(world.school, email="quiet@example.org", first_name="Quinn")
    f.link(world.ben, quiet)
    set_preference(guardian=quiet, kind="general", enabled=False)
    aunt = f.make_guardian(world.school, email="aunt@example.org", first_name="Alma")
    f.link(world.ana, aunt)
    campaign = create_campaign(sender=world.admin, school=world.school, title="Trip",
                               kind="general", criteria={}, variants=VARIANTS)
    count = count_recipients(criteria={}, school_id=world.school.id, sender=world.admin)
    assert count["guardians"] == 4  # Maria, Gisele, Quinn (opted out) and Alma
    send_campaign(campaign=campaign, sender=world.admin, confirmed_count=4)
    messages = db.session.scalars(select(Message).where(Message.campaign_id == campaign.id)
                                  .order_by(Message.guardian_id)).all()
    assert [message.guardian_id for message in messages] == \
        sorted([world.mum.id, world.gran.id, quiet.id, aunt.id])  # Quinn's in the inbox only
    address = {world.mum.id: "mum@example.org", world.gran.id: "gran@example.org",
               aunt.id: "aunt@example.org"}
    emails = db.session.scalars(select(Delivery).where(Delivery.campaign_id == campaign.id)).all()
    assert sorted((email.guardian_id, email.message_id, email.to_address) for email in emails) \
        == sorted((message.guardian_id, message.id, address[message.guardian_id])
                  for message in messages if message.guardian_id != quiet.id)
    assert collector_on == [False, False, False, False]
