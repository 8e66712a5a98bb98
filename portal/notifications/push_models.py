"""A family's Web Push subscriptions: one per device (browser) that turned notifications on."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import KEY
from portal.extensions import db


class PushSubscription(db.Model):
    """Where the browser's push service takes messages for one device, and its keys."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, info=KEY)
    # SHA-256 of the endpoint: one row per device, found again when it turns push off.
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True, info=KEY)
    p256dh: Mapped[str] = mapped_column(String(200), info=KEY)
    auth: Mapped[str] = mapped_column(String(100), info=KEY)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
