"""The worker as a real process: killed mid-batch it loses nothing and resends only what of
its batch had gone."""

import asyncio
import os
import signal
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.jobs import JobRun, registered_jobs
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.attempts import LEASE_EXPIRED
from portal.messaging.models import Delivery, DeliveryAttempt, DeliveryStatus
from portal.messaging.worker import drain
from tests.conftest import is_postgres
from tests.messaging.helpers import queue_notes, start_worker, wait_until
from tests.smtp_server import RecordingHandler


class KillOnNthMessage(RecordingHandler):
    """Accept mail, but SIGKILL the worker while it waits for the answer to message n."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.seen, self.worker = n, 0, None

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.n and self.worker is not None:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            return "451 4.3.0 Connection lost before acceptance"
        return await super().handle_DATA(server, session, envelope)


class KillAfterAccepting(RecordingHandler):
    """Keep message n, then SIGKILL the worker before it can record that it was accepted."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.seen, self.worker = n, 0, None

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        self.seen += 1
        if self.seen == self.n and self.worker is not None:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
        return answer


class HoldUntilTwoWorkersConnect(RecordingHandler):
    """Hold every message until two SMTP sessions (two workers) are open at once: up to two
    minutes, for a second worker slow to start on a loaded machine (CI runs two test passes
    and a browser at once); in 30 s the first once sent everything alone."""

    def __init__(self):
        super().__init__()
        self.peers: set = set()

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        for _ in range(2400):
            if len(self.peers) >= 2:
                break
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def _all_sent() -> bool:
    db.session.rollback()  # see what the worker committed
    return db.session.scalar(select(func.count()).where(
        Delivery.status != DeliveryStatus.SENT)) == 0


def _stop(worker) -> None:
    if worker.poll() is None:
        worker.terminate()
        worker.wait(timeout=10)


@pytest.mark.real_clock
def test_worker_killed_mid_batch_sends_every_message_exactly_once(app, smtp_server,
                                                                   database_url):
    message_ids = queue_notes(6)
    smtp_server.stop()
    smtp_server.handler = KillOnNthMessage(3)
    smtp_server.start()
    first = start_worker(database_url, smtp_server.port, "--batch-size", "2")
    smtp_server.handler.worker = first
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL
        db.session.rollback()
        statuses = Counter(db.session.scalars(select(Delivery.status)))
        # Only the batch in flight (the third and fourth) is held; the rest was never claimed.
        assert statuses == Counter({DeliveryStatus.SENT: 2, DeliveryStatus.SENDING: 2,
                                    DeliveryStatus.QUEUED: 2})
        second = start_worker(database_url, smtp_server.port)
        try:
            assert wait_until(_all_sent)
        finally:
            _stop(second)
    finally:
        _stop(first)
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert received == Counter({message_id: 1 for message_id in message_ids})


def _statuses() -> list[str]:
    db.session.rollback()  # see what the workers committed
    return list(db.session.scalars(select(Delivery.status).order_by(Delivery.id)))


@pytest.mark.real_clock
def test_a_worker_killed_in_flight_holds_only_its_batch_and_resends_what_had_gone_unchanged(
        app, smtp_server, database_url):
    queue_notes(6)
    smtp_server.stop()
    smtp_server.handler = KillAfterAccepting(3)
    smtp_server.start()
    first = start_worker(database_url, smtp_server.port, "--lease-seconds", "600",
                         "--batch-size", "2")
    smtp_server.handler.worker = first
    second = None
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL
        second = start_worker(database_url, smtp_server.port)
        # The rest goes at once; the lost batch (3rd, 4th) waits for the dead worker's lease.
        assert wait_until(lambda: _statuses().count(DeliveryStatus.SENT) == 4)
        held = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()[2:4]
        assert [delivery.status for delivery in held] == [DeliveryStatus.SENDING] * 2
        in_flight = held[0]
        for delivery in held:
            delivery.locked_until = utcnow() - timedelta(seconds=1)  # the lease runs out
        db.session.commit()
        assert wait_until(_all_sent)
    finally:
        for worker in (first, second):
            if worker is not None:
                _stop(worker)
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert sorted(received.values()) == [1, 1, 1, 1, 1, 2]
    assert received[in_flight.message_id_header] == 2
    history = db.session.scalars(select(DeliveryAttempt.error)
                                 .where(DeliveryAttempt.delivery_id == in_flight.id)
                                 .order_by(DeliveryAttempt.id)).all()
    assert history == [LEASE_EXPIRED, None]


@pytest.mark.real_clock
@pytest.mark.postgres_only
def test_two_workers_on_postgresql_never_send_the_same_delivery(app, smtp_server, database_url):
    if not is_postgres():
        pytest.skip("FOR UPDATE SKIP LOCKED needs PostgreSQL; SQLite runs one worker")
    message_ids = queue_notes(60)
    # The periodic jobs ran just now: a worker starting on one that mails staff (the daily
    # summary, due on a test database at some hours of the real day) opened the second SMTP
    # session itself, and the other worker sent all sixty while it was busy.
    db.session.add_all(JobRun(name=job.name, last_run_at=utcnow()) for job in registered_jobs())
    db.session.commit()
    smtp_server.stop()
    smtp_server.handler = HoldUntilTwoWorkersConnect()
    smtp_server.start()
    # A lease longer than the hold: the first worker's batch waits for the second to start.
    workers = [start_worker(database_url, smtp_server.port, "--batch-size", "3",
                            "--lease-seconds", "600") for _ in range(2)]
    try:
        assert wait_until(_all_sent, timeout=180)
    finally:
        for worker in workers:
            _stop(worker)
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert received == Counter({message_id: 1 for message_id in message_ids})
    for worker in workers:  # each sent its share
        output = worker.stdout.read().decode()
        assert "outbox: sent" in output, output


@pytest.mark.real_clock
def test_the_command_once_drains_what_is_due_and_exits(app, smtp_server, database_url):
    queue_notes(2)
    worker = start_worker(database_url, smtp_server.port, "--once")
    assert worker.wait(timeout=60) == 0
    assert b"outbox: sent 2" in worker.stdout.read()
    assert len(smtp_server.messages) == 2 and drain().handled == 0
