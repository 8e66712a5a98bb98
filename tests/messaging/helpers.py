"""Test data for messaging: a school with a teacher, a class and families."""

import smtplib
from dataclasses import dataclass

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.messaging import worker
from portal.messaging.compose import GuardianEmails
from portal.messaging.models import Delivery
from portal.messaging.services import notify_guardian
from portal.messaging.worker import claimed
from portal.people.models import Guardian, School, Section, Student
from tests import factories as f


@dataclass
class SchoolWithFamilies:
    school: School
    admin: User
    teacher: User
    section: Section
    ana: Student
    ben: Student
    cara: Student
    mum: Guardian   # mother of Ana, Ben and Cara, Spanish-speaking
    dad: Guardian   # father of Ana, may not receive information
    gran: Guardian  # grandmother of Cara, French


def school_with_families(**school_fields) -> SchoolWithFamilies:
    """Add a school whose three children share a mother; one father may not be informed."""
    school = f.make_school(**{"timezone": "UTC", **school_fields})
    admin = f.make_user(Role.ADMINISTRATOR, school)
    teacher = f.make_user(Role.TEACHER, school)
    ana = f.make_student(school, first_name="Ana", last_name="Lopez")
    ben = f.make_student(school, first_name="Ben", last_name="Lopez")
    cara = f.make_student(school, first_name="Cara", last_name="Lopez", grade_level=10)
    section = f.make_section(school, teacher, ana, ben, cara)
    _, mum = f.make_family(school, ana, ben, cara, email="mum@example.org",
                           first_name="Maria", preferred_language="es")
    _, dad = f.make_family(school, ana, email="dad@example.org", first_name="Diego",
                           may_receive_information=False)
    gran = f.make_guardian(school, email="gran@example.org", first_name="Gisele",
                           preferred_language="fr")
    f.link(cara, gran)
    return SchoolWithFamilies(school, admin, teacher, section, ana, ben, cara, mum, dad, gran)


def queue_notes(count: int) -> list[str]:
    """Queue one email to each of `count` new families; return their Message-IDs."""
    school = f.make_school(timezone="UTC")
    for number in range(count):
        guardian = f.make_guardian(school, email=f"family{number}@example.org")
        notify_guardian(guardian=guardian, kind="general", subject=f"Note {number}",
                        body_text="Hello")
    db.session.commit()
    return list(db.session.scalars(select(Delivery.message_id_header).order_by(Delivery.id)))


def text_part(message) -> str:
    """Return the decoded plain-text part of a received email."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def html_part(message) -> str:
    """Return the decoded HTML part of a received email."""
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def start_worker(database_url: str, smtp_port: int, *extra: str):
    """Start `flask --app portal outbox work` as a real process on the test database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_port), "PORTAL_CONFIG": "default"}
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen(
        [str(flask), "--app", "portal", "outbox", "work", "--batch-size", "10",
         "--idle-seconds", "0.2", "--lease-seconds", "2", *extra],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_until(condition, *, timeout: float = 60.0) -> bool:
    """Poll until condition() is true (or the timeout passes); return the last answer."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def as_sent(deliveries: list[Delivery]) -> list:
    """Return the deliveries as the worker sends them: guardians' emails written from their
    inbox copies (compose.py)."""
    return GuardianEmails()(claimed([delivery.id for delivery in deliveries]))


def acting_during_a_send(monkeypatch, act, *, and_the_send_fails: bool = False) -> None:
    """Make the worker's first SMTP send do `act` (someone's Stop or erasure, committed)
    while the worker holds the rest of its batch; the send then goes, or fails (the
    connection drops) when `and_the_send_fails`."""
    send, acted = worker.Mailer._send, []

    def send_and_act(mailer, delivery):
        if not acted:
            acted.append(act())
            db.session.commit()
            if and_the_send_fails:
                raise smtplib.SMTPServerDisconnected("the connection dropped")
        send(mailer, delivery)

    monkeypatch.setattr(worker.Mailer, "_send", send_and_act)
