"""The bytes of an outbox email, written directly instead of through the email package.

The email package's generator parses and refolds every header of every part again
(several milliseconds a message, more than the SMTP exchange itself). A campaign's emails
all have the same shape, so mail_bytes writes it out: the same bytes as
`build_mail(delivery).as_bytes()` (tests/messaging/test_mime.py compares them) but for the
random MIME boundaries and the Date. Anything unusual (attachments, no HTML part, a
header the package would refold or encode) returns None and is built by the package.
"""

import random
import re
import sys
import time
from email import policy as email_policy
from email.utils import formatdate
from functools import lru_cache

from flask import current_app
from flask_mail import sanitize_address, sanitize_subject

POLICY = email_policy.SMTP.clone(max_line_length=998)  # as worker.PortalMail
_NEWLINE = re.compile(r"\r\n|\r|\n")
# An address with no name, no quotes and no non-ASCII character (RFC 5322's dot-atom).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_WIDTH = len(repr(sys.maxsize - 1))


class Unusual(ValueError):
    """A header the email package would write some other way: leave the email to it."""


def _header(name: str, value: str) -> bytes:
    """Write a header as the email package writes one Flask-Mail set (as given, folded
    only past 998 characters)."""
    lines = value.splitlines()
    if not value.isascii() or (lines and len(lines[0]) + len(name) + 2 > POLICY.max_line_length) \
            or any(len(line) > POLICY.max_line_length for line in lines[1:]):
        raise Unusual(name)
    return (name + ": " + "\r\n".join(lines) + "\r\n").encode("ascii")


def _boundary(*texts: str) -> str:
    """A boundary as the email package draws it, not found in the parts it separates."""
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):0{_WIDTH}d}" + "=="
        if not any(boundary in text for text in texts):
            return boundary


def _text_part(content: str, subtype: str) -> bytes:
    body = _NEWLINE.sub("\r\n", content).encode("utf-8")
    encoding = "7bit" if body.isascii() else "8bit"
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode("ascii") + body


def envelope_sender() -> str:
    """The MAIL FROM address, as Flask-Mail gives it."""
    return _sanitized(current_app.config["MAIL_DEFAULT_SENDER"])


@lru_cache(maxsize=16)
def _sanitized(address: str) -> str:
    return sanitize_address(address)


def recipient(address: str) -> str:
    """The To header's address, as Flask-Mail writes it: a plain address is written as it
    is, without parsing it (parsing was half the cost of an email's bytes)."""
    return address if _PLAIN_ADDRESS.fullmatch(address) else sanitize_address(address)


@lru_cache(maxsize=4)
def _date(second: int) -> str:
    """The Date header of a moment (whole seconds: the header has no fractions)."""
    return formatdate(second, localtime=True)


def mail_bytes(delivery, *, sent_at: float | None = None) -> bytes | None:
    """Return the email of a delivery as sent, or None when it is not the usual shape."""
    headers = dict(delivery.headers or {})
    if delivery.attachments or not delivery.body_html or any(
            "\r" in text or "\n" in text for text in
            (delivery.subject, delivery.to_address, *headers, *map(str, headers.values()))):
        return None
    text_part = _text_part(delivery.body_text, "plain")
    html_part = _text_part(delivery.body_html, "html")
    inner = _boundary(delivery.body_text, delivery.body_html)
    alternative = (f'Content-Type: multipart/alternative; boundary="{inner}"\r\n'
                   f"MIME-Version: 1.0\r\n\r\n--{inner}\r\n").encode("ascii") + text_part + \
        f"\r\n--{inner}\r\n".encode("ascii") + html_part + f"\r\n--{inner}--\r\n".encode("ascii")
    outer = _boundary(alternative.decode("utf-8"))
    lines = [f'Content-Type: multipart/mixed; boundary="{outer}"\r\nMIME-Version: 1.0\r\n'
             .encode("ascii")]
    fields = [("Subject", sanitize_subject(delivery.subject, "utf-8"))] if delivery.subject else []
    fields += [("From", envelope_sender()), ("To", recipient(delivery.to_address)),
               ("Date", _date(int(sent_at or time.time()))),
               ("Message-ID", delivery.message_id_header),
               *((name, str(value)) for name, value in headers.items())]
    try:
        lines += [_header(name, value) for name, value in fields]
    except Unusual:
        return None
    return b"".join([*lines, f"\r\n--{outer}\r\n".encode("ascii"), alternative,
                     f"\r\n--{outer}--\r\n".encode("ascii")])
