"""The outbox's own email writer gives the bytes the email package gives (mime.py)."""

import random
import re
from types import SimpleNamespace

import pytest
from flask_mail import sanitize_address

from portal.messaging.mime import mail_bytes, recipient
from portal.messaging.worker import build_mail

# What differs between two writings of the same email: its Date and its MIME boundaries.
VARYING = re.compile(rb"^Date: .*\r\n|={15}\d{19}==", re.MULTILINE)
UNSUBSCRIBE = {"List-Unsubscribe": "<https://portal.example/unsubscribe/" + "x" * 120 + ">",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _delivery(**fields) -> SimpleNamespace:
    return SimpleNamespace(**{
        "subject": "Winter concert on Friday", "to_address": "ana.garcia@example.org",
        "body_text": "Dear Ana,\nthe concert is on Friday.\r\nSee you there.",
        "body_html": "<p>Dear Ana,</p>\n<p>the concert is on Friday.</p>",
        "headers": UNSUBSCRIBE, "attachments": None,
        "message_id_header": "<42.campaign@portal.example>", **fields})


@pytest.mark.parametrize("fields", [
    {},
    {"subject": "Noticias de Ana — ¡excursión!", "body_text": "Estimada señora:\nla excursión.",
     "body_html": "<p>Estimada señora: la excursión — 午後</p>"},
    {"to_address": "Ana García <ana@example.org>"},
    {"to_address": "o'brien+news@mail.example.org", "headers": {}},
    {"to_address": "ana@exämple.org"},
    {"subject": ""},
], ids=["plain", "non-ascii", "display-name", "plus-and-quote", "idn-domain", "no-subject"])
def test_the_usual_email_is_written_as_the_email_package_writes_it(app, fields):
    delivery = _delivery(**fields)
    written = mail_bytes(delivery)
    assert written is not None
    assert VARYING.sub(b"", written) == VARYING.sub(b"", build_mail(delivery).as_bytes())


@pytest.mark.parametrize("fields", [
    {"attachments": [{"filename": "event.ics", "content_type": "text/calendar", "text": "X"}]},
    {"body_html": None},
    {"headers": {"X-Note": "first line\nsecond line"}},
    {"headers": {"X-Note": "é"}},
], ids=["attachment", "plain-text-only", "header-with-newline", "non-ascii-header"])
def test_an_unusual_email_is_left_to_the_email_package(app, fields):
    assert mail_bytes(_delivery(**fields)) is None


def _outcome(write, address: str):
    """What a writer makes of an address: its text, or the kind of error it raises."""
    try:
        return write(address)
    except ValueError as error:  # UnicodeError among them
        return type(error)


def test_a_recipient_is_written_as_flask_mail_writes_it():
    """The plain-address shortcut never changes what sanitize_address would write."""
    alphabet = "abcXYZ019.@+-_'\"!#$%&*/=?^`{|}~ ()<>[],;:\\é"
    draw = random.Random(20261202)
    addresses = ["a..b@c.d", ".a@b.c", "a.@b.c", "a@b..c", "a@-b.c", "a@b.c.", "a b@c.d",
                 '"a b"@c.d', "a@[1.2.3.4]", "A@B.C", "ana@exämple.org", "Ana <a@b.c>", "@b.c",
                 "a@", "a@b", "a(c)@b.c"]
    addresses += ["".join(draw.choice(alphabet) for _ in range(draw.randint(1, 12)))
                  + "@" + draw.choice(["b.c", "b..c", "b-c.d", "b c", "b.c>", "é.c"])
                  for _ in range(3000)]
    for address in addresses:
        assert _outcome(recipient, address) == _outcome(sanitize_address, address), address
    assert recipient("ana.garcia@example.org") == "ana.garcia@example.org"


def test_a_calendar_attachment_says_its_text_is_utf_8(app):
    """The .ics of a booking names "García" and "Parent–Teacher": without a charset, mail
    programs read its bytes as ASCII or Latin-1 and garble them."""
    delivery = _delivery(attachments=[{"filename": "conference.ics",
                                       "content_type": "text/calendar",
                                       "text": "SUMMARY:Parent–Teacher, García"}])
    written = build_mail(delivery).as_bytes()
    assert b'Content-Type: text/calendar; charset=utf-8' in written
