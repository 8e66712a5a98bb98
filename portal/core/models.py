"""Model mixins shared by every feature."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from portal.core.time import utcnow

CODE = {"code": True}
"""A column's info for a code the portal writes (a status, a kind, a language): never a
person's words, name or address, so erasure does not search it (privacy/erasure.py)."""


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
