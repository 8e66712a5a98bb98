"""Create staff notifications (in the cause's transaction), read them, change the choices."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from portal.auth.models import User
from portal.core.bulk import among
from portal.core.errors import DomainError
from portal.core.locale import language_of
from portal.core.permissions import student_condition
from portal.core.time import utcnow
from portal.extensions import db
from portal.messaging.models import UpdateKind
from portal.messaging.outbox import queue_email
from portal.notifications.models import (
    DEFAULT_EMAIL,
    EmailChoice,
    NotificationKind,
    NotificationSettings,
    StaffNotification,
)
from portal.people.models import Student


def local_path(endpoint: str, **values) -> str:
    """Return the path of an endpoint, also outside a request (periodic jobs)."""
    return current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)


def settings_of(user: User) -> NotificationSettings:
    """Return the user's notification settings (unsaved defaults when they never chose)."""
    return settings_of_each([user])[user.id]


def settings_of_each(users) -> dict[int, NotificationSettings]:
    """Return each user's notification settings by user id, read in one query."""
    ids = sorted({user.id for user in users})
    saved = {settings.user_id: settings for settings in db.session.scalars(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(ids)))}
    return {user_id: saved.get(user_id) or NotificationSettings(
        user_id=user_id, muted=[], email={}, summary_hour=7) for user_id in ids}


def email_choice(settings: NotificationSettings, kind: str) -> str:
    """Return when this kind is emailed to the settings' owner."""
    return (settings.email or {}).get(kind, DEFAULT_EMAIL[kind])


def emails_at_once(user: User, kind: str) -> bool:
    """Tell whether the notification centre emails this kind to the user immediately."""
    settings = settings_of(user)
    return (bool(user.email) and kind not in (settings.muted or [])
            and email_choice(settings, kind) == EmailChoice.IMMEDIATE)


def _may_receive(user: User | None, actor: User | None) -> bool:
    if user is None or not user.is_staff or not user.is_active_account:
        return False
    return actor is None or user.id != actor.id  # nobody is told of their own change


def _students_each_may_see(notices: list["Notice"], users: dict[int, User]) -> dict[int, set]:
    """The notices' students each of these users may see: one query a user, for all."""
    asked: dict[int, set] = {user_id: set() for user_id in users}
    for notice in notices:
        for user in notice.users:
            if notice.student_id is not None and user is not None and user.id in asked:
                asked[user.id].add(notice.student_id)
    return {user_id: set(db.session.scalars(select(Student.id).where(
        student_condition(users[user_id]), among(Student.id, sorted(ids))))) if ids else set()
        for user_id, ids in asked.items()}


def _already_told(user: User, kind: str, object_type: str, object_id: int | None) -> bool:
    return db.session.scalar(select(StaffNotification.id).where(
        StaffNotification.user_id == user.id, StaffNotification.kind == kind,
        StaffNotification.object_type == object_type,
        StaffNotification.object_id == object_id).limit(1)) is not None


@dataclass(frozen=True)
class Notice:
    """One change to tell staff of: whom, what, and the student and record it is about."""

    users: list
    title: object  # a text, or a lazy_gettext text translated for each staff member
    link: str
    object_type: str
    object_id: int | None
    student_id: int | None = None


def notify_users(*, users, kind: str, title, link: str, object_type: str,
                 object_id: int | None, student_id: int | None = None,
                 actor: User | None = None, once: bool = False) -> list[StaffNotification]:
    """Notify each of these staff who may see the student and has not muted the kind.

    The title is a text, or a lazy_gettext text translated for each staff member.
    With once=True a staff member already told of this kind about this object is skipped.
    An immediate email is queued in the outbox with the notification.
    """
    return notify_each(kind, [Notice(users=list(users), title=title, link=link,
                                     object_type=object_type, object_id=object_id,
                                     student_id=student_id)], actor=actor, once=once)


def notify_each(kind: str, notices: list[Notice], *, actor: User | None = None,
                once: bool = False) -> list[StaffNotification]:
    """notify_users for many notices of one kind (a night's new flags): the staff's settings
    and the students each may see are read once for them all, the rows written together."""
    if kind not in NotificationKind.ALL:
        raise ValueError(kind)
    users = {user.id: user for notice in notices for user in notice.users
             if _may_receive(user, actor)}
    settings = settings_of_each(users.values())
    visible = _students_each_may_see(notices, users)
    created = []
    for notice in notices:
        for user in {user.id: user for user in notice.users if user is not None}.values():
            if user.id not in users or kind in (settings[user.id].muted or []):
                continue
            if notice.student_id is not None and notice.student_id not in visible[user.id]:
                continue
            if once and _already_told(user, kind, notice.object_type, notice.object_id):
                continue
            notification = StaffNotification(
                user_id=user.id, kind=kind, student_id=notice.student_id,
                object_type=notice.object_type, object_id=notice.object_id,
                title=_title_for(user, notice.title), link=notice.link, created_at=utcnow(),
                email=email_choice(settings[user.id], kind) if user.email else EmailChoice.NEVER)
            if notification.email == EmailChoice.IMMEDIATE:
                _queue_immediate(user, notification)
            created.append(notification)
    db.session.add_all(created)
    db.session.flush()
    return created


def _title_for(user: User, title) -> str:
    with force_locale(language_of(user)):  # a lazy text: in their language
        return str(title)[:300]


def _queue_immediate(user: User, notification: StaffNotification) -> None:
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    queue_email(to_address=user.email, subject=notification.title,
                body_text=f"{notification.title}\n\n{base}{notification.link}",
                kind=UpdateKind.GENERAL, user_id=user.id)
    notification.emailed_at = utcnow()


def open_notification(*, notification: StaffNotification, user: User) -> str:
    """Mark the user's notification read and return where it leads."""
    if notification.user_id != user.id:
        raise DomainError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification.link


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; return how many."""
    count = db.session.execute(update(StaffNotification).where(
        StaffNotification.user_id == user.id, StaffNotification.read_at.is_(None))
        .values(read_at=utcnow())).rowcount
    db.session.flush()
    return count


def save_settings(*, user: User, muted: list[str], email: dict[str, str],
                  summary_hour: int) -> NotificationSettings:
    """Save which kinds the user mutes, how each is emailed and the summary hour."""
    if any(kind not in NotificationKind.ALL for kind in muted):
        raise DomainError(_("Choose kinds from the list."), field="muted")
    if any(kind not in NotificationKind.ALL or choice not in EmailChoice.ALL
           for kind, choice in email.items()):
        raise DomainError(_("Choose immediately, daily summary or never."), field="email")
    if not 0 <= summary_hour <= 23:
        raise DomainError(_("Choose an hour from 0 to 23."), field="summary_hour")
    settings = settings_of(user)
    settings.muted, settings.email, settings.summary_hour = sorted(muted), dict(email), summary_hour
    db.session.add(settings)
    db.session.flush()
    return settings
