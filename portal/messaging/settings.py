"""A school's family alerts and nudges, its weekly message limit and its readability limits."""

from flask_babel import gettext as _

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.people.changes import check_unchanged_since
from portal.people.models import School
from portal.people.services import apply_school_settings

MESSAGE_SETTINGS = ("weekly_alert_enabled", "attendance_nudges_enabled",
                    "nudge_threshold_percent", "nudge_step_up_percent", "nudge_repeat_days",
                    "weekly_message_cap", "reading_grade_limit", "message_word_limit")


class MessageSettingNotValid(DomainError):
    """A family-message setting the portal cannot work with; names the field."""

    status = 422


def update_message_settings(*, school: School, actor: User, settings: dict,
                            seen: str | None = None) -> dict:
    """Change the school's family-message settings; return what changed, old and new.
    Settings changed since the form (`seen`) was filled in are not overwritten."""
    check_unchanged_since(school, MESSAGE_SETTINGS, seen)
    settings = {key: settings[key] for key in MESSAGE_SETTINGS}
    if settings["nudge_step_up_percent"] <= settings["nudge_threshold_percent"]:
        raise MessageSettingNotValid(
            _("The stronger message must come at a higher share of days missed than the "
              "first nudge."), field="nudge_step_up_percent")
    return apply_school_settings(school=school, actor=actor, settings=settings)
