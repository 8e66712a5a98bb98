"""Replies to the school's SMS: STOP ends them for that number, START brings them back.

Providers apply the same carrier keywords themselves (Twilio, Vonage and ClickSend block
an opted-out number and answer it); recording them here keeps the outbox from queueing
messages the provider would refuse, and shows staff who asked to stop.
"""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.people.models import Guardian

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT",
                        "REVOKE"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def guardians_with_phone(phone: str) -> list[Guardian]:
    """Return the guardians whose number is this one, however it was written."""
    digits = _digits(phone)
    if len(digits) < 6:
        return []
    candidates = db.session.scalars(select(Guardian).where(
        Guardian.phone.like(f"%{digits[-4:]}"))).all()
    # Numbers stored without the country code still match on their national digits.
    return [g for g in candidates if _digits(g.phone) and (
        digits.endswith(_digits(g.phone)) or _digits(g.phone).endswith(digits))]


def record_sms_reply(*, phone: str, text: str) -> str | None:
    """Apply a STOP or START reply to every guardian with that number; return which it was."""
    word = (text or "").strip().split(maxsplit=1)[0].upper() if (text or "").strip() else ""
    if word not in STOP_WORDS | START_WORDS:
        return None
    for guardian in guardians_with_phone(phone):
        guardian.sms_opted_out = word in STOP_WORDS
    db.session.flush()
    return "stop" if word in STOP_WORDS else "start"
