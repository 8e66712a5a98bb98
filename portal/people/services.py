"""Write use cases of the base: a school's settings."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.signals import record_changed
from portal.extensions import db
from portal.people.changes import check_unchanged_since
from portal.people.models import School

SCHOOL_SETTINGS = ("name", "timezone", "default_language", "languages", "pass_mark_percent",
                   "sending_window_start_hour", "sending_window_end_hour",
                   "notify_family_of_risk_flags", "retention_years",
                   "request_escalation_school_days")


class SettingNotValid(DomainError):
    """A school setting the portal cannot work with; names the field."""

    status = 422


def is_timezone(name: str) -> bool:
    """Return True for an IANA time zone name such as "Europe/Paris"."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones()


def _check(settings: dict) -> None:
    if not is_timezone(settings["timezone"]):
        raise SettingNotValid(_("Choose a time zone such as Europe/Paris."), field="timezone")
    if settings["default_language"] not in settings["languages"]:
        raise SettingNotValid(_("Offer the school's own language too."), field="languages")
    start, end = settings["sending_window_start_hour"], settings["sending_window_end_hour"]
    if not 0 <= start < end <= 24:
        raise SettingNotValid(_("The sending window must start before it ends (0 to 24)."),
                              field="sending_window_end_hour")
    if not 0 <= settings["pass_mark_percent"] <= 100:
        raise SettingNotValid(_("Enter a pass mark between 0 and 100."),
                              field="pass_mark_percent")
    if not 1 <= settings["request_escalation_school_days"] <= 30:
        raise SettingNotValid(_("Enter a number of days from 1 to 30."),
                              field="request_escalation_school_days")


def update_school_settings(*, school: School, actor: User, settings: dict,
                           seen: str | None = None) -> dict:
    """Change the school's settings (all checked first); return what changed, old and new.
    Settings changed since the form (`seen`) was filled in are not overwritten."""
    check_unchanged_since(school, SCHOOL_SETTINGS, seen)
    settings = {key: settings[key] for key in SCHOOL_SETTINGS}
    _check(settings)
    return apply_school_settings(school=school, actor=actor, settings=settings)


def apply_school_settings(*, school: School, actor: User, settings: dict) -> dict:
    """Store already-checked settings of the school and announce what changed (old, new)."""
    changes = {key: [getattr(school, key), value] for key, value in settings.items()
               if getattr(school, key) != value}
    for key, (_old, new) in changes.items():
        setattr(school, key, new)
    db.session.flush()
    if changes:
        record_changed.send(actor, action="update", object_type="school", object_id=school.id,
                            school_id=school.id, changes=changes)
    return changes
