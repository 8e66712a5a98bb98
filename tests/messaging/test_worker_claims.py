"""Two workers never send the same delivery, even on SQLite (no row locks there)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging import worker
from portal.messaging.models import Delivery, DeliveryStatus
from portal.messaging.worker import _take, drain
from portal.people.models import Guardian
from portal.privacy.erasure import erase_guardian
from tests.conftest import is_postgres
from tests.messaging.helpers import acting_during_a_send, queue_notes


def test_a_delivery_another_worker_claimed_after_we_read_it_is_left_to_that_worker(app):
    queue_notes(2)
    first, second = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
    lease = utcnow() + timedelta(minutes=5)
    with db.engine.begin() as other_worker:  # claims the first between our read and our claim
        other_worker.execute(update(Delivery).where(Delivery.id == first.id)
                             .values(status=DeliveryStatus.SENDING, locked_until=lease))
    assert _take(first, lease) is False
    assert _take(second, lease) is True


def test_with_a_send_rate_a_batch_holds_only_what_goes_out_within_half_its_lease(
        app, smtp_server):
    """At 60 a minute and a 2-second lease one message a batch, not fifty still held (and
    taken by another worker) when the lease runs out."""
    queue_notes(3)
    app.config.update(OUTBOX_RATE_PER_MINUTE=60, OUTBOX_LEASE_SECONDS=2)
    assert drain(batch_size=50, max_batches=1).sent == 1
    assert len(smtp_server.messages) == 1
    waiting = db.session.scalars(select(Delivery.status).where(
        Delivery.status != DeliveryStatus.SENT)).all()
    assert waiting == [DeliveryStatus.QUEUED] * 2


def test_a_batch_past_half_its_lease_gives_the_rest_back_untried(app, smtp_server, monkeypatch):
    """A slow server: once half the lease is gone the unsent part of the batch is queued
    again for any worker, with no try recorded, instead of lapsing in this worker's hands."""
    queue_notes(3)
    monkeypatch.setattr(worker, "_send_until", lambda: 0.0)  # already past
    assert drain(batch_size=50, max_batches=1).sent == 1
    rest = db.session.scalars(select(Delivery).where(Delivery.status != DeliveryStatus.SENT)
                              .execution_options(populate_existing=True)).all()
    assert [(d.status, d.locked_until, d.attempts) for d in rest] == [
        (DeliveryStatus.QUEUED, None, 0)] * 2
    assert drain(batch_size=50).sent == 2  # then sent, once each
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 3


def test_a_family_erased_while_a_worker_holds_their_email_is_not_written_to(
        app, smtp_server, monkeypatch):
    queue_notes(3)
    app.config["OUTBOX_RECHECK_SECONDS"] = 0
    second = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()[1]
    guardian = db.session.get(Guardian, second.guardian_id)
    acting_during_a_send(monkeypatch, lambda: erase_guardian(
        guardian=guardian, actor=None, reason="The family asked to be forgotten."))
    assert drain(batch_size=50).sent == 2
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "family0@example.org", "family2@example.org"]
    assert db.session.get(Delivery, second.id, populate_existing=True).status == "cancelled"


@pytest.mark.postgres_only
def test_on_postgresql_a_worker_skips_what_another_worker_is_claiming(app):
    """Two workers claiming at the same moment: the rows one holds locked in its unfinished
    claim are skipped by the other, which takes the rest at once (never the same rows, and
    never waiting on the other's lock)."""
    if not is_postgres():
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL")
    queue_notes(4)
    ids = sorted(db.session.scalars(select(Delivery.id)))
    db.session.commit()
    with db.engine.connect() as other_worker, other_worker.begin():
        held = select(Delivery.id).where(Delivery.id.in_(ids[:2]))
        other_worker.execute(held.with_for_update())
        other_worker.execute(update(Delivery).where(Delivery.id.in_(ids[:2])).values(
            status=DeliveryStatus.SENDING, locked_until=utcnow() + timedelta(minutes=5)))
        db.session.execute(text("SET LOCAL lock_timeout = '3s'"))  # waiting would fail
        assert sorted(worker.claim_due(limit=10)) == ids[2:]
