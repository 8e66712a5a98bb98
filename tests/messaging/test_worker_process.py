"""The worker as a real process: killed mid-batch it loses nothing and sends nothing twice."""

import asyncio
import os
import signal
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.messaging.models import Delivery, DeliveryStatus
from portal.messaging.services import notify_guardian
from portal.messaging.worker import drain
from tests import factories as f
from tests.conftest import is_postgres
from tests.messaging.helpers import start_worker, wait_until
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


class HoldUntilTwoWorkersConnect(RecordingHandler):
    """Hold every message until two SMTP sessions (two workers) are open at once."""

    def __init__(self):
        super().__init__()
        self.peers: set = set()

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        for _ in range(600):
            if len(self.peers) >= 2:
                break
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def _queue(count: int) -> list[str]:
    school = f.make_school(timezone="UTC")
    for number in range(count):
        guardian = f.make_guardian(school, email=f"family{number}@example.org")
        notify_guardian(guardian=guardian, kind="general", subject=f"Note {number}",
                        body_text="Hello")
    db.session.commit()
    return list(db.session.scalars(select(Delivery.message_id_header)))


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
    message_ids = _queue(6)
    smtp_server.stop()
    smtp_server.handler = KillOnNthMessage(3)
    smtp_server.start()
    first = start_worker(database_url, smtp_server.port)
    smtp_server.handler.worker = first
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL
        db.session.rollback()
        statuses = Counter(db.session.scalars(select(Delivery.status)))
        assert statuses[DeliveryStatus.SENT] == 2 and statuses[DeliveryStatus.SENDING] == 4
        second = start_worker(database_url, smtp_server.port)
        try:
            assert wait_until(_all_sent)
        finally:
            _stop(second)
    finally:
        _stop(first)
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert received == Counter({message_id: 1 for message_id in message_ids})


@pytest.mark.real_clock
@pytest.mark.postgres_only
def test_two_workers_on_postgresql_never_send_the_same_delivery(app, smtp_server, database_url):
    if not is_postgres():
        pytest.skip("FOR UPDATE SKIP LOCKED needs PostgreSQL; SQLite runs one worker")
    message_ids = _queue(60)
    smtp_server.stop()
    smtp_server.handler = HoldUntilTwoWorkersConnect()
    smtp_server.start()
    workers = [start_worker(database_url, smtp_server.port, "--batch-size", "3")
               for _ in range(2)]
    try:
        assert wait_until(_all_sent)
    finally:
        for worker in workers:
            _stop(worker)
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert received == Counter({message_id: 1 for message_id in message_ids})
    output = [worker.stdout.read().decode() for worker in workers]
    assert all("outbox: sent" in text for text in output), output


@pytest.mark.real_clock
def test_the_command_once_drains_what_is_due_and_exits(app, smtp_server, database_url):
    _queue(2)
    worker = start_worker(database_url, smtp_server.port, "--once")
    assert worker.wait(timeout=60) == 0
    assert b"outbox: sent 2" in worker.stdout.read()
    assert len(smtp_server.messages) == 2 and drain().handled == 0
