"""A scheduled campaign can be edited or cancelled before it goes; a sending one stopped."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import Role
from portal.extensions import db
from portal.messaging import worker
from portal.messaging.models import Campaign, Delivery, Message, TemplateVariant
from portal.messaging.queries import inbox_of
from portal.messaging.worker import drain
from tests import factories as f
from tests.messaging.helpers import acting_during_a_send, school_with_families

COMPOSE = {"title": "Trip", "kind": "events", "subject_en": "Trip on Friday",
           "body_en": "Dear {{ guardian_name }}, the trip is on Friday."}
SEND = {"confirm": "y", "confirm_count": "2"}
# TEST_NOW is 2026-11-25 15:00 UTC; the school of these tests keeps UTC.
LATER = "2026-11-27T10:00"


def _send(client, **fields) -> Campaign:
    client.post("/messaging/campaigns/new", data={**COMPOSE, **fields})
    campaign = db.session.scalar(select(Campaign).order_by(Campaign.id.desc()))
    assert client.post(f"/messaging/campaigns/{campaign.id}/send", data=SEND).status_code == 302
    return campaign


def _sent_by_admin(login_as, **fields):
    world = school_with_families()
    db.session.commit()
    client = login_as(world.admin)
    return world, client, _send(client, **fields)


def _statuses(campaign_id: int) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Delivery.status).where(
        Delivery.campaign_id == campaign_id)))


def test_a_cancelled_scheduled_campaign_never_goes_out(app, login_as, smtp_server, clock):
    world, client, campaign = _sent_by_admin(login_as, scheduled_at=LATER)
    report = f"/messaging/campaigns/{campaign.id}"
    page = client.get(report).get_data(as_text=True)
    assert "Cancel it" in page and f"{report}/edit" in page
    assert client.post(f"{report}/stop").status_code == 302
    assert _statuses(campaign.id) == ["cancelled", "cancelled"]
    clock.advance(days=3)
    assert drain().handled == 0 and smtp_server.messages == []
    assert inbox_of(world.gran.id) == []  # its inbox copy is gone too
    assert db.session.get(Campaign, campaign.id).status == "cancelled"
    page = login_as(world.admin).get(report).get_data(as_text=True)  # idle sign-out after 3 days
    assert 'data-count="cancelled">2<' in page and "Cancelled: nothing was sent." in page
    assert db.session.scalar(select(AuditEvent.changes).where(
        AuditEvent.object_type == "campaign")) == {"status": ["scheduled", "cancelled"]}


def test_an_edited_scheduled_campaign_goes_once_with_the_new_text(app, login_as, smtp_server,
                                                                  clock):
    world, client, campaign = _sent_by_admin(login_as, scheduled_at=LATER)
    edit = f"/messaging/campaigns/{campaign.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="Trip on Friday"' in form and f'value="{LATER}"' in form
    saved = client.post(edit, data={**COMPOSE, "subject_en": "Trip moved to Monday",
                                    "scheduled_at": LATER})
    assert saved.location.endswith(f"/messaging/campaigns/{campaign.id}/review")
    assert db.session.get(Campaign, campaign.id).status == "draft"
    assert _statuses(campaign.id) == [] and inbox_of(world.mum.id) == []
    assert db.session.scalars(select(TemplateVariant.subject)).all() == ["Trip moved to Monday"]
    client.post(f"/messaging/campaigns/{campaign.id}/send", data=SEND)
    clock.advance(days=3)
    drain()
    assert sorted((m["To"], m["Subject"]) for m in smtp_server.messages) == [
        ("gran@example.org", "Trip moved to Monday"), ("mum@example.org", "Trip moved to Monday")]


def test_a_campaign_that_has_started_going_cannot_be_edited(app, login_as):
    _world, client, campaign = _sent_by_admin(login_as)
    response = client.post(f"/messaging/campaigns/{campaign.id}/edit",
                           data={**COMPOSE, "subject_en": "Changed"})
    assert response.status_code == 409 and "stop it instead" in response.get_data(as_text=True)
    assert client.get(f"/messaging/campaigns/{campaign.id}/edit").status_code == 409
    assert db.session.scalars(select(TemplateVariant.subject)).all() == ["Trip on Friday"]


def test_stopping_a_sending_campaign_keeps_what_went_and_holds_the_rest(app, login_as,
                                                                       smtp_server):
    _world, client, campaign = _sent_by_admin(login_as)
    assert drain(batch_size=1, max_batches=1).sent == 1
    report = f"/messaging/campaigns/{campaign.id}"
    assert "Stop sending" in client.get(report).get_data(as_text=True)
    assert client.post(f"{report}/stop").status_code == 302
    assert drain().handled == 0
    assert len(smtp_server.messages) == 1
    assert _statuses(campaign.id) == ["cancelled", "sent"]
    assert db.session.get(Campaign, campaign.id).status == "stopped"
    # the inbox copy stays only with the family whose email went
    reached = db.session.scalar(select(Delivery.guardian_id).where(
        Delivery.campaign_id == campaign.id, Delivery.status == "sent"))
    assert list(db.session.scalars(select(Message.guardian_id).where(
        Message.campaign_id == campaign.id))) == [reached]
    status = client.get(f"{report}/status").get_json()
    assert (status["sent"], status["cancelled"], status["done"]) == (1, 1, True)
    again = client.post(f"{report}/stop")
    assert again.status_code == 409 and "already finished" in again.get_data(as_text=True)


def test_only_the_sender_and_administrators_may_stop_a_campaign(app, login_as):
    world = school_with_families()
    colleague = f.make_user(Role.TEACHER, world.school)
    outsider = f.make_user(Role.ADMINISTRATOR, f.make_school())
    db.session.commit()
    campaign = _send(login_as(world.teacher), section_ids=str(world.section.id),
                     scheduled_at=LATER)
    report = f"/messaging/campaigns/{campaign.id}"
    login_as(world.teacher).post(f"{report}/share", data={"colleagues": [str(colleague.id)]})
    assert "Cancel it" not in login_as(colleague).get(report).get_data(as_text=True)
    assert login_as(colleague).post(f"{report}/stop").status_code == 403
    assert login_as(colleague).get(f"{report}/edit").status_code == 403
    assert login_as(outsider).post(f"{report}/stop").status_code == 404
    assert _statuses(campaign.id) == ["queued", "queued"]
    assert login_as(world.admin).post(f"{report}/stop").status_code == 302
    assert _statuses(campaign.id) == ["cancelled", "cancelled"]


@pytest.mark.parametrize("the_send_fails", [False, True])
def test_a_stop_while_a_worker_holds_the_batch_sends_nothing_more(
        app, login_as, smtp_server, clock, monkeypatch, the_send_fails):
    """Stop pressed while the worker sends the first of its batch: what it holds after that
    stays unsent and cancelled, even the one whose send fails then (no retry later)."""
    world, client, campaign = _sent_by_admin(login_as)
    app.config["OUTBOX_RECHECK_SECONDS"] = 0  # read the batch again before every send
    app.config["OUTBOX_RATE_PER_MINUTE"] = 60
    pauses = []
    pause = worker._pause_for_rate
    monkeypatch.setattr(worker, "_pause_for_rate", lambda last: pauses.append(last) or pause(last))
    acting_during_a_send(
        monkeypatch, lambda: client.post(f"/messaging/campaigns/{campaign.id}/stop"),
        and_the_send_fails=the_send_fails)
    report = drain(batch_size=50)
    assert len(pauses) == 1  # before the first send only: the cancelled one waits for nothing
    assert (report.sent, report.cancelled) == ((0, 2) if the_send_fails else (1, 1))
    assert len(smtp_server.messages) == report.sent
    assert _statuses(campaign.id) == (["cancelled"] * 2 if the_send_fails
                                      else ["cancelled", "sent"])
    # Stopped (some went), not cancelled (none did), as the status page must say.
    assert db.session.get(Campaign, campaign.id).status == (
        "cancelled" if the_send_fails else "stopped")
    # The audit trail ends where the status does: the stop by the admin, then the system's.
    trail = db.session.execute(select(AuditEvent.actor_id, AuditEvent.changes).where(
        AuditEvent.object_type == "campaign", AuditEvent.object_id == campaign.id,
        AuditEvent.action == "update").order_by(AuditEvent.id)).all()
    stop = [(world.admin.id, {"status": ["sending", "cancelled"]})]
    assert trail == (stop if the_send_fails
                     else [*stop, (None, {"status": ["cancelled", "stopped"]})])
    clock.advance(days=1)
    assert drain().handled == 0 and len(smtp_server.messages) == report.sent
