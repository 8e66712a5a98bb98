"""One-click unsubscribe links (RFC 8058) and the guardian's choice of updates."""

from functools import cached_property

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, Serializer, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode

from portal.core.errors import DomainError
from portal.core.time import utcnow
from portal.core.urls import portal_url
from portal.extensions import db
from portal.messaging.models import NotificationPreference, UpdateKind
from portal.people.models import Guardian


class InvalidUnsubscribeLink(DomainError):
    """An unsubscribe link that was altered or cut short."""

    status = 404


class _OneKeySigner(Signer):
    """itsdangerous's signer deriving its key once, not again for every link it signs."""

    @cached_property
    def _key(self) -> bytes:
        return super().derive_key()

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        return self._key if secret_key is None else super().derive_key(secret_key)


class _LinkSerializer(URLSafeSerializer):
    """itsdangerous's URL-safe tokens, never compressed: a guardian id and a kind are too
    short for zlib to shorten, and trying costs more than the rest of the link. Links made
    compressed (as any URLSafeSerializer may) still read."""

    def dump_payload(self, obj) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


def _serializer() -> URLSafeSerializer:
    return _LinkSerializer(current_app.config["SECRET_KEY"], salt="portal-unsubscribe",
                           signer=_OneKeySigner)


def unsubscribe_url(guardian: Guardian, kind: str) -> str:
    """Return the signed one-click link that stops this kind of update for this guardian."""
    token = _serializer().dumps({"g": guardian.id, "k": kind})
    return portal_url("messaging.unsubscribe", token=token, lang=guardian.preferred_language)


class UnsubscribeLinks:
    """unsubscribe_url for many guardians: the link built once per language, signed for each."""

    def __init__(self, kind: str):
        self.kind, self.serializer, self.by_language = kind, _serializer(), {}
        self.signer = self.serializer.make_signer()  # one signer (and key) for every link

    def __call__(self, guardian: Guardian) -> str:
        language = guardian.preferred_language
        if language not in self.by_language:  # tokens are URL-safe: the rest never changes
            self.by_language[language] = portal_url(
                "messaging.unsubscribe", token="TOKEN", lang=language).split("TOKEN")
        before, after = self.by_language[language]
        payload = self.serializer.dump_payload({"g": guardian.id, "k": self.kind})
        return before + self.signer.sign(payload).decode("ascii") + after


def read_unsubscribe_token(token: str) -> tuple[Guardian, str]:
    """Return the guardian and kind a link names, or raise InvalidUnsubscribeLink."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise InvalidUnsubscribeLink(_("This unsubscribe link is not valid.")) from error
    guardian = db.session.get(Guardian, payload.get("g"))
    if guardian is None or payload.get("k") not in UpdateKind.OPTIONAL:
        raise InvalidUnsubscribeLink(_("This unsubscribe link is not valid."))
    return guardian, payload["k"]


def set_preference(*, guardian: Guardian, kind: str, enabled: bool, via: str = "portal") -> None:
    """Turn one kind of update on or off for a guardian (urgent notices stay on)."""
    if kind not in UpdateKind.OPTIONAL:
        return
    preference = db.session.scalar(db.select(NotificationPreference).where(
        NotificationPreference.guardian_id == guardian.id, NotificationPreference.kind == kind))
    if preference is None:
        preference = NotificationPreference(guardian_id=guardian.id, kind=kind)
        db.session.add(preference)
    elif preference.enabled == enabled:
        return
    preference.enabled, preference.changed_at, preference.changed_via = enabled, utcnow(), via
    db.session.flush()


def preferences_of(guardian: Guardian) -> dict[str, NotificationPreference | None]:
    """Return the stored preference row (or None: wanted) for every optional kind."""
    rows = db.session.scalars(db.select(NotificationPreference).where(
        NotificationPreference.guardian_id == guardian.id)).all()
    by_kind = {row.kind: row for row in rows}
    return {kind: by_kind.get(kind) for kind in UpdateKind.OPTIONAL}
