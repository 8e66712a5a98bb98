"""Locale and time zone of the current request: the user's language, the school's zone."""

from flask import current_app, request
from flask_login import current_user


def select_locale() -> str:
    """Pick the signed-in user's language, else the browser's best supported one."""
    supported = list(current_app.config["PORTAL_LANGUAGES"])
    asked = request.args.get("lang") if request else None
    if asked in supported:
        return asked
    if current_user and current_user.is_authenticated:
        if current_user.preferred_language in supported:
            return current_user.preferred_language
    if request:
        return request.accept_languages.best_match(supported) or supported[0]
    return supported[0]


def select_timezone() -> str:
    """Show times in the signed-in user's school time zone."""
    return school_timezone()


def school_timezone() -> str:
    """Return the time zone of the current user's school (UTC when there is none)."""
    from portal.people.queries import school_of

    if current_user and current_user.is_authenticated:
        school = school_of(current_user)
        if school is not None:
            return school.timezone
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
