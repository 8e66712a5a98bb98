"""Personal calendar feed links: a secret token per guardian, stored as a hash, revocable."""

import hashlib
import secrets

from sqlalchemy import select

from portal.core.time import utcnow
from portal.events.models import CalendarFeed
from portal.extensions import db
from portal.people.models import Guardian


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def revoke_feeds(*, guardian: Guardian) -> int:
    """Stop every feed link of the guardian; return how many were active."""
    active = db.session.scalars(select(CalendarFeed).where(
        CalendarFeed.guardian_id == guardian.id, CalendarFeed.revoked_at.is_(None))).all()
    for feed in active:
        feed.revoked_at = utcnow()
    db.session.flush()
    return len(active)


def create_feed(*, guardian: Guardian) -> str:
    """Replace the guardian's feed link with a new one; return its secret token (shown once)."""
    revoke_feeds(guardian=guardian)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(guardian_id=guardian.id, token_hash=_hash(token),
                                created_at=utcnow()))
    db.session.flush()
    return token


def find_feed(token: str) -> CalendarFeed | None:
    """Return the feed a token belongs to (active or revoked), or None."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))


def has_active_feed(guardian: Guardian) -> bool:
    """Return True when the guardian has a feed link that works."""
    return db.session.scalar(select(CalendarFeed.id).where(
        CalendarFeed.guardian_id == guardian.id, CalendarFeed.revoked_at.is_(None))) is not None
