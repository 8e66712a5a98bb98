"""Signed-in sessions: the stamp that ends them everywhere, and the idle timeout."""

import hmac
from datetime import datetime, timedelta

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import logout_user

from portal.auth.models import User
from portal.core.time import utcnow
from portal.extensions import db

LAST_SEEN = "_last_seen"


def load_user(session_id: str) -> User | None:
    """Return the user of a session id "<id>:<stamp>" whose stamp is still current."""
    user_id, _sep, stamp = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not hmac.compare_digest(user.session_stamp.encode(), stamp.encode()):
        return None
    return user


def start_idle_clock(_app, **_extra) -> None:
    """Note the moment of signing in, from which the idle timeout counts."""
    session[LAST_SEEN] = utcnow().isoformat()


def end_idle_session() -> None:
    """Sign out a session idle for longer than SESSION_IDLE_MINUTES; else note this request."""
    if "_user_id" not in session:
        return
    now = utcnow()
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    last_seen = _last_seen()
    if last_seen is None or now - last_seen > idle_limit:
        logout_user()
        session.pop(LAST_SEEN, None)
        flash(_("You were signed out after a while without activity. Sign in again."), "info")
        return
    session[LAST_SEEN] = now.isoformat()


def _last_seen() -> datetime | None:
    try:
        return datetime.fromisoformat(session.get(LAST_SEEN, ""))
    except (TypeError, ValueError):
        return None
