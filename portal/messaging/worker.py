"""The delivery worker: claims due deliveries, sends them (email, SMS, push), records each try.

A worker claims a batch of due deliveries (`batch_size`, 50 by default) with a lease
(`locked_until`) in one short transaction; on PostgreSQL the claim uses FOR UPDATE SKIP
LOCKED, on SQLite conditional updates, so several workers never take the same row. It
sends the batch over one SMTP connection, kept open from batch to batch, and records the
results (and settles the campaigns they finish) in one transaction. A worker killed at
any moment holds only its batch: once the lease runs out another worker sends it, and the
messages of it that had already gone are resent with the same Message-ID (recognisable as
the same message), their history noting the lost claim. The batch size is the trade: at
most that many messages sent twice after a crash, against a few round trips a batch
instead of several a message.

Stop and erasure cancel what a worker holds too: before a send it reads its batch again (at
most every OUTBOX_RECHECK_SECONDS) and leaves the deliveries cancelled meanwhile.
"""

import functools
import smtplib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy as email_policy

from flask import current_app
from flask_mail import BadHeaderError
from flask_mail import Message as MailMessage
from sqlalchemy import Row, or_, select, update

from portal.core.signals import record_changed
from portal.core.time import utcnow
from portal.extensions import db, mail
from portal.messaging.attempts import (
    PermanentFailure,
    TemporaryFailure,
    record_attempt,
    record_expired_lease,
    record_sent,
)
from portal.messaging.compose import GuardianEmails
from portal.messaging.mime import envelope_sender, mail_bytes
from portal.messaging.models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from portal.messaging.sms import GatewayError, send_sms
from portal.notifications.push import send_push

DEFAULT_LEASE_SECONDS = 300


@dataclass
class BatchReport:
    """What one pass of the worker did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0  # cancelled while this worker held them (Stop, erasure): not sent
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, delivery_id: int, outcome: str, error: Exception | None) -> None:
        """Count one recorded try (and keep its error)."""
        setattr(self, outcome, getattr(self, outcome) + 1)
        if error is not None:
            self.errors.append(f"delivery {delivery_id}: {error}")


def claim_due(*, limit: int, channel: str = "email") -> list[int]:
    """Take up to `limit` due deliveries of a channel for this worker and commit the claim."""
    now = utcnow()
    until = now + timedelta(seconds=_lease_seconds())
    stmt = (
        select(Delivery.id, Delivery.status, Delivery.locked_until)
        .where(
            Delivery.channel == channel,
            Delivery.next_attempt_at <= now,
            or_(
                Delivery.status == DeliveryStatus.QUEUED,
                # A worker died holding these: its lease ran out.
                (Delivery.status == DeliveryStatus.SENDING) & (Delivery.locked_until < now),
            ),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = db.session.execute(stmt).all()
    if db.engine.dialect.name != "postgresql":
        rows = [row for row in rows if _take(row, until)]
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                           .values(status=DeliveryStatus.SENDING, locked_until=until)
                           .execution_options(synchronize_session=False))
    lapsed = [row.id for row in rows if row.status == DeliveryStatus.SENDING]
    if lapsed:
        for delivery in db.session.scalars(select(Delivery).where(Delivery.id.in_(lapsed))):
            record_expired_lease(delivery)
    db.session.commit()
    return ids


def _take(delivery, until) -> bool:
    """Claim a row only if no other worker changed it since we read it (SQLite has no row
    locks, so without this two workers could both send it)."""
    seen = (Delivery.locked_until.is_(None) if delivery.locked_until is None
            else Delivery.locked_until == delivery.locked_until)
    taken = db.session.execute(
        update(Delivery).where(Delivery.id == delivery.id, Delivery.status == delivery.status,
                               seen).values(locked_until=until)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


class PortalMail(MailMessage):
    """An email whose long headers stay plain (a List-Unsubscribe URL must not be encoded)."""

    def _message(self):
        message = super()._message()
        # RFC 5322 allows 998 characters; folding a URL into encoded words breaks RFC 2369.
        message.policy = email_policy.SMTP.clone(max_line_length=998)
        return message


def build_mail(delivery: Delivery) -> PortalMail:
    """Turn a delivery row into the email the SMTP server receives (ValueError for a header
    with a line break: it would end there and start another)."""
    for name, value in (delivery.headers or {}).items():
        if len(f"{name}{value}".splitlines()) > 1:
            raise ValueError(f"a line break in the header {name!r}")
    message = PortalMail(
        subject=delivery.subject, recipients=[delivery.to_address], body=delivery.body_text,
        html=delivery.body_html, extra_headers=dict(delivery.headers or {}),
    )
    message.msgId = delivery.message_id_header
    for attachment in delivery.attachments or []:
        kind = attachment["content_type"]
        if kind.startswith("text/") and "charset" not in kind:  # its bytes are UTF-8: say so
            kind += "; charset=utf-8"
        message.attach(attachment["filename"], kind, attachment["text"].encode("utf-8"))
    return message


def _classify(error: Exception) -> Exception:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(error.recipients.values()))
        return _by_code(code, reason)
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_code(error.smtp_code, error.smtp_error)
    return TemporaryFailure(f"Could not reach the mail server: {error}")


def _by_code(code: int, reason) -> Exception:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if 500 <= code < 600:
        return PermanentFailure(f"{code} {text}")
    return TemporaryFailure(f"{code} {text}")


def settle_campaign(campaign_id: int | None) -> None:
    """Mark a campaign sent (or sent with failures) once none of its deliveries waits; one
    cancelled while a worker sent the first of it, stopped (some of it went)."""
    if campaign_id is None:
        return
    # Lock the campaign so two workers finishing its last deliveries cannot both miss it.
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id)
                                 .with_for_update().execution_options(populate_existing=True))
    of_campaign = Delivery.campaign_id == campaign_id
    if campaign is not None and campaign.status == CampaignStatus.CANCELLED and _any(
            of_campaign, DeliveryStatus.SENT):
        # Cancelled while a worker sent the first: the audit trail ends where the status does,
        # by the system (lifecycle._announce's event; lifecycle imports campaigns, which
        # imports this module, so it is written here).
        campaign.status = CampaignStatus.STOPPED
        record_changed.send(None, action="update", object_type="campaign", object_id=campaign_id,
                            school_id=campaign.school_id,
                            changes={"status": [CampaignStatus.CANCELLED, campaign.status]})
    if campaign is None or campaign.status in (CampaignStatus.DRAFT, *CampaignStatus.FINISHED):
        return
    # One indexed probe per delivery, not a count of the whole campaign's rows (which made
    # a district campaign's sending quadratic).
    waiting = db.session.scalar(select(Delivery.id).where(
        of_campaign, Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.SENDING)))
        .limit(1))
    if waiting is not None:
        if campaign.status == CampaignStatus.SCHEDULED and _any(of_campaign,
                                                                DeliveryStatus.SENT):
            campaign.status = CampaignStatus.SENDING
        return
    if campaign.scheduled_at is None or campaign.scheduled_at <= utcnow():
        campaign.status = (CampaignStatus.SENT_WITH_FAILURES
                           if _any(of_campaign, DeliveryStatus.FAILED) else CampaignStatus.SENT)


def _any(of_campaign, status: str) -> bool:
    """Whether any of the campaign's deliveries has this status (one indexed probe)."""
    return db.session.scalar(select(Delivery.id).where(of_campaign, Delivery.status == status)
                             .limit(1)) is not None


def _record_batch(results: list[tuple[Row, Exception | None]], report: BatchReport,
                  unsent: list[int]) -> None:
    """Record every try of a batch, give back what was not tried and settle its campaigns,
    in one transaction."""
    if unsent:
        db.session.execute(update(Delivery).where(
            Delivery.id.in_(unsent), Delivery.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.QUEUED, locked_until=None)
            .execution_options(synchronize_session=False))
    record_sent([delivery.id for delivery, error in results if error is None])
    for delivery, error in results:
        outcome = "sent" if error is None else record_attempt(
            db.session.get(Delivery, delivery.id), error=error)
        report.add(delivery.id, outcome, error)
    # In id order, so two workers settling the same campaigns lock them in the same order.
    for campaign_id in sorted({delivery.campaign_id for delivery, _ in results
                               if delivery.campaign_id is not None}):
        settle_campaign(campaign_id)
    db.session.commit()


def _pause_for_rate(last_sent_at: float | None) -> float:
    per_minute = current_app.config.get("OUTBOX_RATE_PER_MINUTE", 0)
    if per_minute and last_sent_at is not None:
        wait = 60.0 / per_minute - (time.monotonic() - last_sent_at)
        if wait > 0:
            time.sleep(wait)
    return time.monotonic()


def claimed(ids: list[int]) -> list[Row]:
    """Load the deliveries a claim returned (plain rows: only read), in one query, in the
    claim's order."""
    if not ids:
        return []
    table = Delivery.__table__
    rows = {row.id: row for row in db.session.execute(select(table).where(table.c.id.in_(ids)))}
    return [rows[delivery_id] for delivery_id in ids]


def _send_claimed(channel: str, limit: int, report: BatchReport, send_one,
                  prepare=lambda deliveries: deliveries) -> int:
    """Claim up to `limit` due deliveries, `prepare` them (emails: write their bodies), send
    them, record the results; return how many.

    One transaction claims the batch and one records it: a worker killed in between holds
    the batch until its lease runs out, and resends (same Message-ID) only those of it that
    had already gone.
    """
    waiting = prepare(claimed(claim_due(limit=batch_limit(limit), channel=channel)))
    holding, results, last_sent_at, until = Holding(waiting), [], None, _send_until()
    skipped = 0
    while waiting:
        if results and time.monotonic() > until:
            break  # half the lease gone (a slow server): the rest goes back to the queue
        delivery = waiting.pop(0)
        # No pause for one already known cancelled (a stopped batch is left at once); read
        # again after the pause, which may have been long.
        if channel == "email" and holding.still_holds(delivery.id):
            last_sent_at = _pause_for_rate(last_sent_at)
        if holding.still_holds(delivery.id):
            results.append((delivery, send_one(delivery)))
        else:
            report.cancelled, skipped = report.cancelled + 1, skipped + 1
    if results:
        _record_batch(results, report, [delivery.id for delivery in waiting])
    return len(results) + skipped


class Holding:
    """The deliveries of a batch this worker still holds, read again before a send when
    OUTBOX_RECHECK_SECONDS (1 by default) have passed: Stop and erasure cancel a delivery
    a worker holds (outbox.cancel_waiting), and from then on it must not go."""

    def __init__(self, deliveries: list[Row]):
        self.ids = {delivery.id for delivery in deliveries}
        self.read_at = time.monotonic()

    def still_holds(self, delivery_id: int) -> bool:
        every = current_app.config.get("OUTBOX_RECHECK_SECONDS", 1.0)
        if self.ids and time.monotonic() - self.read_at >= every:
            self.ids = set(db.session.scalars(select(Delivery.id).where(
                Delivery.id.in_(self.ids), Delivery.status == DeliveryStatus.SENDING)))
            self.read_at = time.monotonic()
        return delivery_id in self.ids


def _lease_seconds() -> int:
    return current_app.config.get("OUTBOX_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)


def batch_limit(limit: int) -> int:
    """Cap a batch to what the send rate lets go in half its lease: what a worker still
    holds when its lease runs out, another worker takes (and would send a second time)."""
    per_minute = current_app.config.get("OUTBOX_RATE_PER_MINUTE", 0)
    if not per_minute:
        return limit
    return max(1, min(limit, int(_lease_seconds() * per_minute / 120)))


def _send_until() -> float:
    """The moment (time.monotonic) after which a batch stops sending: half its lease."""
    return time.monotonic() + _lease_seconds() / 2


class Mailer:
    """One SMTP connection kept open across batches; opened again after it fails. It writes
    the guardians' emails as it sends them (compose.py), each layout rendered once."""

    def __init__(self):
        self.connection = None
        self.unreachable: Exception | None = None
        self.write_bodies = GuardianEmails()

    def send(self, delivery: Row) -> Exception | None:
        """Send one email; return the failure to record, or None when the server took it."""
        unwritable = getattr(delivery, "unwritable", None)  # compose.GuardianEmails
        if unwritable is not None:
            return unwritable
        if self.unreachable is not None:
            return self.unreachable  # the server is down: the rest waits for the next pass
        try:
            if self.connection is None:
                self.connection = mail.connect()
                self.connection.__enter__()
        except (OSError, smtplib.SMTPException) as error:
            self.connection, self.unreachable = None, _classify(error)
            return self.unreachable
        try:
            self._send(delivery)
        except (BadHeaderError, ValueError) as error:  # a header that cannot be written
            return PermanentFailure(f"The email could not be written: {error!r}")
        except (smtplib.SMTPServerDisconnected, OSError) as raw:
            self.close()  # the next message opens a new connection
            return _classify(raw)
        except smtplib.SMTPException as raw:
            return _classify(raw)
        return None

    def _send(self, delivery: Row) -> None:
        message = mail_bytes(delivery)
        if message is None:  # not the usual shape: the email package builds it
            self.connection.send(build_mail(delivery))
        elif self.connection.host is not None:  # None: MAIL_SUPPRESS_SEND
            self.connection.host.sendmail(envelope_sender(), [delivery.to_address], message)

    def close(self) -> None:
        """Close the connection (quietly: it may be gone already)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.__exit__(None, None, None)
            except (OSError, smtplib.SMTPException):
                pass


def send_batch(limit: int, report: BatchReport, mailer: Mailer | None = None) -> int:
    """Send up to `limit` due emails (over the mailer's open connection); return how many."""
    if mailer is not None:
        mailer.unreachable = None  # each batch tries the server again
        return _send_claimed("email", limit, report, mailer.send, mailer.write_bodies)
    mailer = Mailer()
    try:
        return _send_claimed("email", limit, report, mailer.send, mailer.write_bodies)
    finally:
        mailer.close()


def _send_one_sms(delivery: Row) -> Exception | None:
    try:
        send_sms(to=delivery.to_address, message=delivery.body_text)
    except GatewayError as failure:
        return (PermanentFailure if failure.permanent else TemporaryFailure)(str(failure))
    return None


def send_sms_batch(limit: int, report: BatchReport) -> int:
    """Hand up to `limit` due short messages to the SMS gateway; return how many."""
    return _send_claimed("sms", limit, report, _send_one_sms)


def send_push_batch(limit: int, report: BatchReport) -> int:
    """Hand up to `limit` due pushes to the families' push services; return how many."""
    return _send_claimed("push", limit, report, send_push)


def drain(*, batch_size: int = 50, max_batches: int | None = None) -> BatchReport:
    """Send everything that is due now, batch by batch, and report what happened.

    `batch_size` deliveries are claimed, and their results recorded, per transaction: the
    larger it is, the fewer round trips a message costs, and the more messages a worker
    killed mid-batch may send twice (see the module's docstring).
    """
    report, mailer = BatchReport(), Mailer()
    email_batch = functools.partial(send_batch, mailer=mailer)
    try:
        for send in (email_batch, send_sms_batch, send_push_batch):
            batches = 0
            while max_batches is None or batches < max_batches:
                before = report.sent
                if not send(batch_size, report):
                    break
                batches += 1
                if report.sent == before and report.retried:
                    break  # the server is down; wait for the next pass instead of spinning
    finally:
        mailer.close()
    return report
