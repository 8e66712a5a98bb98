"""`flask --app portal outbox work [--once]`: the delivery worker."""

import time
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core.jobs import registered_jobs, run_due_jobs
from portal.extensions import db
from portal.messaging.digest import send_weekly_digests
from portal.messaging.mailsink import run_mail_sink
from portal.messaging.nudges import send_attendance_nudges
from portal.messaging.worker import drain


@click.group("outbox")
def outbox() -> None:
    """Send what the portal has queued."""


@outbox.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch-size", default=50, show_default=True,
              help="Deliveries claimed and recorded per transaction; a worker killed mid-batch "
                   "may send up to this many twice (same Message-ID).")
@click.option("--idle-seconds", default=5.0, show_default=True, help="Pause when nothing is due.")
@click.option("--lease-seconds", default=None, type=int,
              help="How long a claimed delivery stays with this worker (OUTBOX_LEASE_SECONDS).")
@with_appcontext
def work(once: bool, batch_size: int, idle_seconds: float, lease_seconds: int | None) -> None:
    """Run due periodic jobs and send due deliveries; --once does one pass and exits."""
    if lease_seconds:
        current_app.config["OUTBOX_LEASE_SECONDS"] = lease_seconds
    # Jobs that run every few seconds (queued imports) would fill the log: name the others.
    frequent = {job.name for job in registered_jobs() if job.every < timedelta(minutes=1)}
    while True:
        for name in run_due_jobs():
            if name not in frequent:
                click.echo(f"outbox: ran periodic job {name}")
        report = drain(batch_size=batch_size)
        if report.handled:
            click.echo(f"outbox: sent {report.sent}, retrying {report.retried}, "
                       f"failed {report.failed}")
            for error in report.errors[:5]:
                click.echo(f"  {error}", err=True)
        if once:
            return
        time.sleep(idle_seconds)


@click.command("mail-sink")
@click.option("--port", default=None, type=int, help="Defaults to MAIL_PORT.")
@with_appcontext
def mail_sink(port: int | None) -> None:
    """Run a local SMTP server that saves every email in instance/mail/ (for developers)."""
    folder = Path(current_app.instance_path) / "mail"
    run_mail_sink(folder=folder, host="127.0.0.1", port=port or current_app.config["MAIL_PORT"])


@click.command("weekly-alert")
@click.option("--any-day", is_flag=True,
              help="Send now to every family who had no weekly message in six days, "
                   "instead of waiting for Friday 16:00.")
@with_appcontext
def weekly_alert(any_day: bool) -> None:
    """Queue the weekly family message (the alert, joined with the digest)."""
    sent = send_weekly_digests(any_day=any_day, checkpoint=db.session.commit)
    db.session.commit()
    click.echo(f"weekly alert: queued {sent} messages")


@click.command("attendance-nudges")
@with_appcontext
def attendance_nudges() -> None:
    """Send the attendance nudges that are due (the worker also runs this daily)."""
    nudged = send_attendance_nudges(checkpoint=db.session.commit)
    db.session.commit()
    click.echo(f"attendance nudges: {nudged} students' families told")


commands = [outbox, mail_sink, weekly_alert, attendance_nudges]
