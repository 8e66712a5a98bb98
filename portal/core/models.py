"""Model mixins shared by every feature."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from portal.core.time import utcnow

CODE = {"code": True}
"""A column's info for a code the portal writes (a status, a kind, a language): never a
person's words, name or address, so erasure does not search it (privacy/erasure.py)."""

DERIVED = {"derived": True}
"""A column's info for a value worked out from its own row (a name folded for sorting and
searching): it names no one but its row's person, whose erasure writes it anew, so erasure
does not search it (another person of the same name keeps their own)."""

OWN_NAME = {"own_name": True}
"""A column's info for a person's own name in their own row (an account's full name): the
erasure of someone else who has the same name does not search it; their own erasure writes
it anew."""

KEY = {"key": True}
"""A column's info for a key no person writes: another system's identifier (a OneRoster
sourcedId: an erased person's own stays, so the next roster import knows them and leaves
them erased), or a token, hash or key the portal makes. Erasure does not search it: a
student number masked inside one would break what it points at (a sign-in, a push, a
roster's match)."""


class TimestampMixin:
    """Adds created_at and updated_at, in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Visibility:
    """Who may read a record: staff only, or also the student's family."""

    STAFF = "staff"
    FAMILY = "family"
    ALL = (STAFF, FAMILY)


from portal.core.jobs import JobRun  # noqa: E402,F401 — so Alembic sees the table
from portal.core.once import FormSubmission  # noqa: E402,F401 — so Alembic sees the table
