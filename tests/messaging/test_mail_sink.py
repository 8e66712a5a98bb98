"""The newcomer's path: compose, send, the worker delivers, the .eml lands in a folder."""

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.extensions import db
from portal.messaging.mailsink import SaveToFolder
from portal.messaging.models import Campaign
from tests.messaging.helpers import school_with_families, start_worker
from tests.smtp_server import free_port


@pytest.mark.real_clock  # a real worker process sends: it shares the system clock
def test_a_composed_message_ends_up_as_an_eml_file(app, login_as, database_url, tmp_path):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.teacher)
    client.post("/messaging/campaigns/new", data={
        "title": "Welcome", "kind": "general", "section_ids": str(world.section.id),
        "subject_en": "Welcome, {{ guardian_name }}", "body_en": "Hello from {{ school_name }}"})
    campaign = db.session.scalar(select(Campaign))
    client.post(f"/messaging/campaigns/{campaign.id}/send")
    port = free_port()
    sink = Controller(SaveToFolder(tmp_path / "mail"), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        assert start_worker(database_url, port, "--once").wait(timeout=60) == 0
    finally:
        sink.stop()
    saved = sorted((tmp_path / "mail").glob("*.eml"))
    subjects = sorted(subject for subject in (message_from_bytes(path.read_bytes())["Subject"]
                                              for path in saved) if subject.startswith("Welcome"))
    assert subjects == [f"Welcome, {world.gran.display_name}", f"Welcome, {world.mum.display_name}"]
