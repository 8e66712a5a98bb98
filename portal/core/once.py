"""Actions that send, book or create, done once: a double click, a second tab or a browser
sending the form again must not send the family two emails or write two records.

A submission is known by a digest of who sent it, to which address, and every field's value
(not the CSRF token, which each tab has its own of). The first claims the digest in a row of
its own, committed before the action runs; the same submission within ONCE_WINDOW finds it
taken (the database's primary key decides between two sent at the same moment), is not acted
on, and is sent where the first one's answer went, with a note saying so. A submission the
action refused (a 4xx, or an error note flashed) or failed on gives its claim back: corrected
or not, it may be sent again. The same words sent again after the window are a new message,
as they would be by hand.
"""

import hashlib
import json
import time
from datetime import datetime, timedelta
from functools import wraps

from flask import flash, make_response, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.errors import Conflict
from portal.core.models import KEY
from portal.core.time import utcnow
from portal.extensions import db

ONCE_WINDOW = timedelta(minutes=10)
FIRST_ANSWER_WAIT = 3.0  # seconds a second press waits for the first one's answer
LONGEST_LOCATION = 2000


class FormSubmission(db.Model):
    """A form sent to an action that must happen once, and where its answer sent the user."""

    __tablename__ = "form_submissions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True, info=KEY)
    sent_at: Mapped[datetime] = mapped_column(index=True)
    answered_with: Mapped[str | None] = mapped_column(String(LONGEST_LOCATION))


def sent_once(view=None, *, actions: tuple[str, ...] | None = None):
    """Run the view's POST once per submission (see the module's docstring); with `actions`,
    only those of a route's `action` argument (a request's reply, not its status)."""
    if view is None:
        return lambda view: sent_once(view, actions=actions)

    @wraps(view)
    def once(*args, **kwargs):
        if request.method != "POST" or (actions is not None
                                        and kwargs.get("action") not in actions):
            return view(*args, **kwargs)
        digest = submission_digest()
        deadline = time.monotonic() + FIRST_ANSWER_WAIT
        while not _claim(digest):
            first = _first_answer(digest)
            if first is not None or time.monotonic() > deadline:
                return _already_sent(first)
            time.sleep(0.05)  # the first press is still being answered (or just gave up)
        errors_before = _flashed_errors()
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _settle(digest, None)
            raise
        refused = response.status_code >= 400 or _flashed_errors() > errors_before
        _settle(digest, None if refused else _kept_location(response.location))
        return response

    return once


def _kept_location(location: str | None) -> str:
    """Where the answer sent the user, as kept for a second press ("" for a page shown, or an
    address longer than the column: the second press is then told with a 409)."""
    return location if location and len(location) <= LONGEST_LOCATION else ""


def _flashed_errors() -> int:
    """How many error notes this request has flashed so far: a view that refuses by going back
    to its page with one (a button's form) refused, as one answering 4xx did."""
    return sum(1 for category, _message in session.get("_flashes", []) if category == "error")


def submission_digest() -> str:
    """Who sends what where: the same press of the same form gives the same digest."""
    fields = sorted((name, value) for name, values in request.form.lists()
                    for value in values if name != "csrf_token")
    sent = json.dumps([current_user.get_id(), request.path, fields], ensure_ascii=False)
    return hashlib.sha256(sent.encode()).hexdigest()


def _claim(digest: str) -> bool:
    """Claim the submission in a committed row; False when a claim of it stands."""
    now = utcnow()
    db.session.execute(delete(FormSubmission).where(FormSubmission.sent_at < now - ONCE_WINDOW))
    db.session.add(FormSubmission(digest=digest, sent_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _settle(digest: str, location: str | None) -> None:
    """Keep the claim with where its answer went ("" for a page shown), or, when the action
    refused or failed (None), give it back."""
    if location is None:
        db.session.rollback()  # what a failed action left unsaved is not to be written here
        db.session.execute(delete(FormSubmission).where(FormSubmission.digest == digest))
    else:
        db.session.execute(update(FormSubmission).where(FormSubmission.digest == digest)
                           .values(answered_with=location))
    db.session.commit()


def _first_answer(digest: str) -> str | None:
    """Where the first press's answer went, once it has one (None while it is being
    answered, or when it gave its claim back: the caller claims again)."""
    answer = db.session.scalar(select(FormSubmission.answered_with)
                               .where(FormSubmission.digest == digest))
    db.session.rollback()  # the next look sees what the first press has committed since
    return answer


def _already_sent(location: str | None):
    """Answer a second press: where the first one's answer went, saying why."""
    message = _("This was already sent a moment ago; it was not sent again.")
    if not location:
        raise Conflict(message)
    flash(message, "info")
    return redirect(location, 303)
