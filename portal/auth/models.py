"""User accounts: one table for staff and guardians; the role decides what they may do."""

import secrets
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from portal.core.models import CODE, KEY, OWN_NAME, TimestampMixin
from portal.extensions import db


class Role:
    """The four kinds of people who log in."""

    ADMINISTRATOR = "administrator"
    TEACHER = "teacher"
    COUNSELLOR = "counsellor"
    GUARDIAN = "guardian"
    STAFF = (ADMINISTRATOR, TEACHER, COUNSELLOR)
    ALL = (ADMINISTRATOR, TEACHER, COUNSELLOR, GUARDIAN)


def new_nonce() -> str:
    """Return a fresh random value for a session stamp or a link nonce."""
    return secrets.token_urlsafe(24)


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when password matches the hash; without a hash, spend the same time."""
    if not password_hash:
        check_password_hash(_dummy_hash(), password)  # unknown accounts answer as slowly
        return False
    return check_password_hash(password_hash, password)


class User(UserMixin, TimestampMixin, db.Model):
    """Anyone who logs in: administrator, teacher, counsellor or guardian."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), info=OWN_NAME)
    role: Mapped[str] = mapped_column(String(20), index=True, info=CODE)
    password_hash: Mapped[str | None] = mapped_column(String(255), info=KEY)
    # An administrator with a district and no school sees every school of the district.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), unique=True, info=KEY)
    preferred_language: Mapped[str] = mapped_column(String(10), default="en", info=CODE)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    activated_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]
    # Part of every session id: a new stamp ends all the sessions signed in before it.
    session_stamp: Mapped[str] = mapped_column(String(64), default=new_nonce, info=KEY)
    # Part of every reset and invitation link: a new nonce makes the old links invalid.
    link_nonce: Mapped[str] = mapped_column(String(64), default=new_nonce, info=KEY)

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password; end sessions and outstanding links."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()
        self.link_nonce = new_nonce()

    def check_password(self, password: str) -> bool:
        """Return True when the password matches the stored hash."""
        return verify_password(self.password_hash, password)

    def end_sessions(self) -> None:
        """Sign the user out everywhere: sessions carrying the old stamp stop working."""
        self.session_stamp = new_nonce()

    def get_id(self) -> str:
        """Return the session id: the user's id and current session stamp."""
        return f"{self.id}:{self.session_stamp}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF

    @property
    def is_guardian(self) -> bool:
        return self.role == Role.GUARDIAN

    @property
    def is_district_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR and self.school_id is None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
