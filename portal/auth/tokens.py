"""Signed, expiring, single-use links for password reset and invitations."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.extensions import db


class InvalidLink(DomainError):
    """A reset or invitation link that is wrong, used or expired."""

    status = 400


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def make_token(user: User, purpose: str) -> str:
    """Sign a link token for this user and purpose ("reset" or "invitation")."""
    return _serializer(purpose).dumps({"uid": user.id, "nonce": user.link_nonce})


def read_token(token: str, purpose: str, max_age: int) -> User:
    """Return the user a valid token names, or raise InvalidLink saying why."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidLink("This link has expired. Ask for a new one.") from error
    except BadSignature as error:
        raise InvalidLink("This link is not valid. Check that you copied all of it.") from error
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.is_active_account or payload.get("nonce") != user.link_nonce:
        raise InvalidLink("This link has already been used or is no longer valid.")
    return user
