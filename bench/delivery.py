"""Campaign benchmark: enqueue a campaign to every guardian of the district (the district
administrator's; each school's own, one after the other, measured too and rolled back), then
deliver samples of it.

Delivery runs the real worker (bench/worker.py, portal.messaging.worker.drain) in 1, 2
and 4 processes against a counting SMTP sink in a process of its own; the floor is a
raw smtplib loop sending the same messages over one connection to the same sink.
"""

import os
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bench.pages import district_administrator
from bench.sink import read_log
from portal.auth.models import Role, User
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.campaigns import create_campaign, send_campaign
from portal.messaging.compose import GuardianEmails
from portal.messaging.models import Campaign, Delivery, DeliveryStatus
from portal.messaging.segments import count_recipients
from portal.messaging.worker import build_mail, claimed
from portal.people.models import School

ROOT = Path(__file__).resolve().parents[1]
WORKER_COUNTS = (1, 2, 4)


INVITATION = {"en": ("Winter concert on Friday",
                     "Dear {{ guardian_name }}, the winter concert is on Friday at 6 pm.")}


def _send(sender: User, school: School, criteria: dict) -> None:
    """Write, count (as the review page does) and send one campaign, as its sender would."""
    campaign = create_campaign(sender=sender, school=school, title="Winter concert",
                               kind="general", criteria=criteria, variants=INVITATION)
    count = count_recipients(criteria=criteria, school_id=school.id, sender=sender)
    send_campaign(campaign=campaign, sender=sender, confirmed_count=count["guardians"])


def _timed(enqueue) -> dict:
    """Run an enqueue; return the deliveries it wrote, its seconds and this process's CPU
    seconds (the machine's load inflates the first, hardly the second)."""
    before = db.session.scalar(select(func.count()).select_from(Delivery))
    started, cpu_started = time.perf_counter(), time.process_time()
    enqueue()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"deliveries": db.session.scalar(select(func.count()).select_from(Delivery)) - before,
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2)}


def enqueue_district_campaign() -> dict:
    """The district's administrator sends one campaign to every guardian of the district."""
    schools = db.session.scalars(select(School).order_by(School.id)).all()
    administrator = district_administrator(schools[0])

    def enqueue():
        _send(administrator, schools[0], {"school_ids": [school.id for school in schools]})
        db.session.commit()
    return _timed(enqueue)


def enqueue_school_campaigns() -> dict:
    """Each school's administrator sends a campaign to all its guardians, one after the other;
    rolled back after (the district's campaign is the one delivered)."""
    def enqueue():
        for school in db.session.scalars(select(School).order_by(School.id)).all():
            administrator = db.session.scalar(select(User).where(
                User.school_id == school.id, User.role == Role.ADMINISTRATOR))
            _send(administrator, school, {})
            db.session.flush()
    before = db.session.scalar(select(func.count()).select_from(Campaign))
    try:
        timed = _timed(enqueue)
        return {**timed, "campaigns": db.session.scalar(
            select(func.count()).select_from(Campaign)) - before}
    finally:
        db.session.rollback()


def _release_sample(size: int) -> list[int]:
    """Make the first `size` emails of the district's campaign (the newest: the generator's
    newsletters went before it) due now and every other one wait; return their ids."""
    now = utcnow()
    newest = select(func.max(Campaign.id)).scalar_subquery()
    sample = list(db.session.scalars(select(Delivery.id).where(
        Delivery.channel == "email", Delivery.campaign_id == newest)
        .order_by(Delivery.id).limit(size)))
    db.session.execute(update(Delivery).where(Delivery.status == DeliveryStatus.QUEUED,
                                              Delivery.id.not_in(sample))
                       .values(next_attempt_at=now + timedelta(days=30)))
    # Each run sends the same sample again: put it back in the queue as it was.
    db.session.execute(update(Delivery).where(Delivery.id.in_(sample)).values(
        status=DeliveryStatus.QUEUED, attempts=0, sent_at=None, first_attempt_at=None,
        locked_until=None, next_attempt_at=now - timedelta(minutes=1)))
    db.session.commit()
    return sample


class Sink:
    """The counting SMTP sink process."""

    def __enter__(self):
        self.folder = tempfile.TemporaryDirectory()
        self.log = Path(self.folder.name) / "received.log"
        with socket_port() as port:
            self.port = port
        self.process = subprocess.Popen([sys.executable, "-m", "bench.sink", str(self.port),
                                         str(self.log)], cwd=ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.process.stdout.readline()  # "ready"
        return self

    def received(self) -> list[tuple[float, str]]:
        return read_log(self.log)

    def received_after(self, before: int, expected: int) -> list[tuple[float, str]]:
        """Return the arrivals after the first `before`, waiting briefly for `expected`."""
        deadline = time.monotonic() + 30
        arrivals = self.received()[before:]
        while len(arrivals) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
            arrivals = self.received()[before:]
        return arrivals

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.folder.cleanup()


class socket_port:
    """A free local TCP port (closed again before the sink binds it)."""

    def __enter__(self) -> int:
        import socket
        self.probe = socket.socket()
        self.probe.bind(("127.0.0.1", 0))
        return self.probe.getsockname()[1]

    def __exit__(self, *exc):
        self.probe.close()


def run_workers(count: int, sink: Sink, database_url: str, expected: int) -> dict:
    """Run `count` worker processes until the due emails are sent; time them at the sink."""
    before = len(sink.received())
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(sink.port), "OUTBOX_RATE_PER_MINUTE": "0"}
    workers = [subprocess.Popen([sys.executable, "-m", "bench.worker", "200"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, text=True)
               for _ in range(count)]
    peak_kib = 0
    for worker in workers:
        output, _ = worker.communicate()
        for line in output.splitlines():
            if line.startswith("peak_rss_kib "):  # the worker's own (bench/worker.py)
                peak_kib = max(peak_kib, int(line.split()[1]))
    arrivals = sink.received_after(before, expected)
    ids = [message_id for _, message_id in arrivals]
    return {"workers": count, "delivered": len(arrivals),
            "duplicates": len(ids) - len(set(ids)),
            "delivered_per_second": _rate(arrivals),
            "peak_rss_mb": round(peak_kib / 1024, 1)}


def _rate(arrivals: list[tuple[float, str]]) -> float:
    if len(arrivals) < 2:
        return 0.0
    span = arrivals[-1][0] - arrivals[0][0]
    return round((len(arrivals) - 1) / span, 1) if span > 0 else 0.0


def smtplib_floor(sample: list[int], sink: Sink) -> float:
    """Send the sample's emails with a bare smtplib loop over one connection; per second.

    The emails are written before the clock starts, the worker's way (compose.py), so the
    loop sends exactly what the worker sends.
    """
    messages = [(delivery.to_address, build_mail(delivery).as_bytes()) for delivery in
                GuardianEmails()(claimed(sample))]
    before = len(sink.received())
    with smtplib.SMTP("127.0.0.1", sink.port) as connection:
        for address, message in messages:
            connection.sendmail("portal@demo.school", [address], message)
    return _rate(sink.received_after(before, len(messages)))


def measure_campaign(database_url: str, sample_size: int,
                     worker_counts: tuple[int, ...] = WORKER_COUNTS) -> dict:
    """Enqueue the campaign, then deliver samples with 1, 2 and 4 workers and with smtplib."""
    load_before = os.getloadavg()[0]
    per_school = enqueue_school_campaigns()
    district = enqueue_district_campaign()
    runs = []
    with Sink() as sink:
        floor_sample = _release_sample(sample_size)
        floor = smtplib_floor(floor_sample, sink)
        for count in worker_counts:
            runs.append(run_workers(count, sink, database_url, len(_release_sample(sample_size))))
    single = runs[0]
    return {"recipients": district["deliveries"], "enqueue_seconds": district["seconds"],
            "enqueue_cpu_seconds": district["cpu_seconds"],
            "enqueue_seconds_for_90000": round(
                district["seconds"] * 90_000 / max(district["deliveries"], 1), 1),
            "per_school_campaigns": per_school,
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "delivery_sample": sample_size,
            "delivered_per_second": single["delivered_per_second"],
            "smtplib_per_second": floor,
            "delivery_ratio": (round(single["delivered_per_second"] / floor, 3) if floor
                               else None),
            "worker_peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
            "workers": runs}
