"""Account use cases: sign in, reset a password, invite people, create users."""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.auth.models import Role, User, verify_password
from portal.auth.tokens import make_token, read_token
from portal.core.errors import Conflict, DomainError
from portal.core.locale import language_of
from portal.core.signals import account_event
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.extensions import db
from portal.messaging.outbox import queue_email


class WrongCredentials(DomainError):
    """Email or password did not match an active account."""

    status = 401


def normalize_email(email: str) -> str:
    """Return the email address as stored: trimmed and lower-cased."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this email address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def authenticate(*, email: str, password: str) -> User:
    """Return the active user with this email and password, or raise WrongCredentials."""
    user = find_user_by_email(email)
    # Always verify a hash (a dummy one without an account): timing tells no one who has one.
    matches = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active_account or not matches:
        account_event.send(user, action="login_failed", email=normalize_email(email))
        raise WrongCredentials("The email address or the password is not right.")
    user.last_login_at = utcnow()
    if user.activated_at is None:
        user.activated_at = user.last_login_at
    account_event.send(user, action="login")
    return user


def sign_out_everywhere(*, user: User) -> None:
    """End every session of this user, on every device."""
    user.end_sessions()
    account_event.send(user, action="logout")


def _queue_account_email(user: User, *, template: str, subject, endpoint: str,
                         token: str) -> None:
    """Queue an account email in its owner's language, with a link that opens in it too."""
    language = language_of(user)
    with force_locale(language):
        context = {"user": user, "link": portal_url(endpoint, token=token, lang=language)}
        queue_email(
            to_address=user.email,
            subject=str(subject),
            body_text=render_template(f"email/{template}.txt", **context),
            body_html=render_template(f"email/{template}.html", **context),
            kind="urgent",
            user_id=user.id,
        )


def request_password_reset(*, email: str) -> None:
    """Email a single-use reset link when the address belongs to an active account.

    Says nothing either way, so the form cannot be used to find out who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    _queue_account_email(user, template="password_reset", endpoint="auth.reset_password",
                         token=make_token(user, "reset"),
                         subject=_l("Reset your school portal password"))


def set_language(*, user: User, language: str, languages: dict[str, str]) -> None:
    """Save the language the portal and its emails use for this user ("" = the browser's)."""
    if language and language not in languages:
        raise DomainError(_("Choose one of the languages offered."), field="preferred_language")
    user.preferred_language = language
    db.session.flush()


def reset_password(*, token: str, password: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = read_token(token, "reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    user.set_password(password)
    account_event.send(user, action="password_reset")
    return user


def invite_user(*, email: str, full_name: str, role: str, school_id: int | None,
                actor: User | None, district_id: int | None = None, language: str = "") -> User:
    """Create an account without a password and email its owner a link to set one.

    The language is the invited person's ("" = their browser's; the email then goes out in
    the school's default language).
    """
    if role not in Role.ALL:
        raise DomainError(_("Unknown role %(role)s.", role=role), field="role")
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.password_hash:
            raise Conflict(_("%(email)s already has an account.", email=normalize_email(email)),
                           field="email")
        user = existing
    else:
        user = User(email=normalize_email(email), full_name=full_name.strip(), role=role,
                    school_id=school_id, district_id=district_id)
        db.session.add(user)
        db.session.flush()
    user.invited_at = utcnow()
    user.preferred_language = language
    _queue_account_email(user, template="invitation", endpoint="auth.accept_invitation",
                         token=make_token(user, "invitation"),
                         subject=_l("You are invited to the school portal"))
    account_event.send(actor, action="invited", invited_user_id=user.id)
    return user


def accept_invitation(*, token: str, password: str) -> User:
    """Set the password of an invited account and activate it."""
    user = read_token(token, "invitation", current_app.config["INVITATION_MAX_AGE"])
    user.set_password(password)
    user.activated_at = utcnow()
    account_event.send(user, action="activated")
    return user


def create_user(*, email: str, full_name: str, role: str, password: str,
                school_id: int | None = None, district_id: int | None = None) -> User:
    """Create an active account with a password (for the first administrator)."""
    if role not in Role.ALL:
        raise DomainError(_("Unknown role %(role)s; choose one of %(roles)s.", role=role,
                            roles=", ".join(Role.ALL)))
    if find_user_by_email(email) is not None:
        raise Conflict(_("%(email)s already has an account.", email=normalize_email(email)))
    user = User(email=normalize_email(email), full_name=full_name.strip(), role=role,
                school_id=school_id, district_id=district_id, activated_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
