"""Two workers never send the same delivery, even on SQLite (no row locks there)."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus
from portal.messaging.worker import _take
from tests.messaging.helpers import queue_notes


def test_a_delivery_another_worker_claimed_after_we_read_it_is_left_to_that_worker(app):
    queue_notes(2)
    first, second = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
    lease = utcnow() + timedelta(minutes=5)
    with db.engine.begin() as other_worker:  # claims the first between our read and our claim
        other_worker.execute(update(Delivery).where(Delivery.id == first.id)
                             .values(status=DeliveryStatus.SENDING, locked_until=lease))
    assert _take(first, lease) is False
    assert _take(second, lease) is True
