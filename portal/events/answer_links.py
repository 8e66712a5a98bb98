"""One-step answers from an invitation email: a signed link per answer (yes, maybe, no).

Opening the link only shows what it will do; the answer is recorded by the page's POST
button, so a mail scanner that follows links changes nothing.
"""

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.core.errors import DomainError
from portal.core.permissions import guardian_may_be_told
from portal.core.urls import portal_url
from portal.events.models import EventInvitation
from portal.extensions import db

LINK_MAX_AGE = 90 * 24 * 60 * 60  # an invitation may go out a term ahead


class InvalidAnswerLink(DomainError):
    """An answer link that is altered, expired, names no invitation, or one about a child the
    guardian may no longer see."""

    status = 400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portal-event-answer")


def answer_url(invitation: EventInvitation, answer: str) -> str:
    """Return the signed link that answers this invitation with `answer`."""
    token = _serializer().dumps({"invitation": invitation.id, "answer": answer})
    return portal_url("family.answer_by_link", token=token, lang=str(get_locale()))


def read_answer_link(token: str) -> tuple[EventInvitation, str]:
    """Return the invitation and answer a link names, or raise InvalidAnswerLink saying why."""
    try:
        data = _serializer().loads(token, max_age=LINK_MAX_AGE)
    except SignatureExpired as error:
        raise InvalidAnswerLink(_("This link has expired. Please answer in the portal.")) from error
    except BadSignature as error:
        raise InvalidAnswerLink(_("This link is not valid. Check that you copied all of it.")) \
            from error
    invitation = db.session.get(EventInvitation, data.get("invitation"))
    if invitation is None:
        raise InvalidAnswerLink(_("This invitation no longer exists."))
    if not guardian_may_be_told(invitation.guardian_id, invitation.student_id):
        raise InvalidAnswerLink(_("This invitation is about a child you can no longer see, so "
                                  "it can no longer be answered."))
    return invitation, data.get("answer")


def answer_links_text(invitation: EventInvitation) -> str:
    """Return the lines of an invitation email that answer it in one step."""
    return "\n".join([_("Answer in one step:"),
                      _("Yes, we will come: %(url)s", url=answer_url(invitation, "yes")),
                      _("Maybe: %(url)s", url=answer_url(invitation, "maybe")),
                      _("No, we cannot come: %(url)s", url=answer_url(invitation, "no"))])
