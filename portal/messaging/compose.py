"""A guardian's email, written when it is sent: the inbox copy in the school's email layout.

An email to a guardian is queued as a delivery that names its inbox message (address,
subject, extra headers and attachments, but no body). The worker writes the body when it
sends it: the message's text and HTML in the school's layout, in the guardian's language,
with the guardian's own one-click unsubscribe link. Each school's layout is rendered once
per language and kind for a worker's pass, with markers where each guardian's parts go;
a campaign to 90,000 families then writes each body once (the inbox copy), not twice.
Emails without an inbox message (account emails, staff notices) keep the body they were
queued with.
"""

import re
import uuid
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import select

from portal.core.urls import portal_url
from portal.extensions import db
from portal.messaging.attempts import PermanentFailure, TemporaryFailure
from portal.messaging.models import Message, UpdateKind
from portal.messaging.rendering import text_to_html
from portal.messaging.unsubscribe import UnsubscribeLinks
from portal.people.models import Guardian, School


def _email_parts(guardian, *, kind: str, body_text: str, body_html: str, unsubscribe_link):
    """Render the school's layout around a body, in the guardian's language."""
    school = db.session.get(School, guardian.school_id)
    context = {"school": school, "body_text": body_text, "body_html": body_html,
               "preferences_link": portal_url("family.updates"),
               "unsubscribe_link": unsubscribe_link if kind in UpdateKind.OPTIONAL else None}
    with force_locale(guardian.preferred_language):
        return (render_template("email/update.txt", **context),
                render_template("email/update.html", **context))


class EmailWrapper:
    """The layout of one kind of update, rendered once per school and language with markers
    where the guardian's parts go, then filled in for each guardian."""

    BODY_TEXT, BODY_HTML, LINK = (f"\x00{uuid.uuid4().hex}{part}\x00"
                                  for part in ("text", "html", "link"))
    SLOTS = re.compile(f"({BODY_TEXT}|{BODY_HTML}|{LINK})")

    def __init__(self, kind: str):
        self.kind, self.links, self.layouts = kind, UnsubscribeLinks(kind), {}

    def _pieces(self, guardian) -> tuple[list[str], list[str]]:
        key = (guardian.school_id, guardian.preferred_language)
        if key not in self.layouts:
            text, html = _email_parts(guardian, kind=self.kind, body_text=self.BODY_TEXT,
                                      body_html=Markup(self.BODY_HTML),
                                      unsubscribe_link=self.LINK)
            self.layouts[key] = (self.SLOTS.split(text), self.SLOTS.split(html))
        return self.layouts[key]

    def __call__(self, guardian, *, body_text: str, body_html: str | None,
                 headers: dict) -> tuple[str, str, dict]:
        """Return the email's text, HTML and headers (List-Unsubscribe added when optional)."""
        text_pieces, html_pieces = self._pieces(guardian)
        headers, link = dict(headers), None
        if self.kind in UpdateKind.OPTIONAL:
            link = self.links(guardian)
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        html = Markup(body_html) if body_html else text_to_html(body_text)
        text_slots = {self.BODY_TEXT: body_text, self.LINK: link}
        html_slots = {self.BODY_HTML: str(html), self.LINK: str(escape(link))}
        return ("".join(text_slots.get(piece, piece) for piece in text_pieces),
                "".join(html_slots.get(piece, piece) for piece in html_pieces), headers)


class GuardianEmails:
    """Writes the bodies of a batch's guardian emails from their inbox copies (one query a
    batch); keep one for a worker's pass, so each layout is rendered once."""

    def __init__(self):
        self.wrappers: dict[str, EmailWrapper] = {}

    def __call__(self, deliveries: list) -> list:
        """Return the deliveries, those without a body given theirs."""
        unwritten = {delivery.message_id for delivery in deliveries
                     if delivery.body_text is None and delivery.message_id is not None}
        inbox = {row.message_id: row for row in db.session.execute(
            select(Message.id.label("message_id"), Message.body_text, Message.body_html,
                   Guardian.id, Guardian.school_id, Guardian.preferred_language)
            .join(Guardian, Guardian.id == Message.guardian_id)
            .where(Message.id.in_(unwritten)))} if unwritten else {}
        return [self._written(delivery, inbox.get(delivery.message_id))
                if delivery.body_text is None else delivery for delivery in deliveries]

    def _written(self, delivery, message) -> SimpleNamespace:
        """The delivery with its body; one that cannot be written carries `unwritable`, the
        failure the worker records for it instead of sending (the rest of the batch goes)."""
        fields = delivery._asdict()
        if message is None:  # its inbox copy was withdrawn (unlinked, or gone since the claim)
            return SimpleNamespace(**fields, unwritable=PermanentFailure(
                "The message was withdrawn before it was sent."))
        if delivery.kind not in self.wrappers:
            self.wrappers[delivery.kind] = EmailWrapper(delivery.kind)
        try:
            fields["body_text"], fields["body_html"], fields["headers"] = self.wrappers[
                delivery.kind](message, body_text=message.body_text,
                               body_html=message.body_html, headers=delivery.headers or {})
        except Exception as error:  # a broken layout or translation: tried again later
            current_app.logger.exception("Could not write delivery %s", delivery.id)
            return SimpleNamespace(**fields, unwritable=TemporaryFailure(
                f"Could not write the email in the school's layout: {error!r}"))
        return SimpleNamespace(**fields)
