"""Filters and globals shared by every template."""

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.core.navigation import navigation

LABELS = {
    "absent_excused": "Absent (excused)",
    "absent_unexcused": "Absent (unexcused)",
    "in_progress": "In progress",
    "learning_support": "Learning support",
    "home_visit": "Home visit",
    "no_answer": "No answer",
    "left_message": "Left message",
    "no_show": "No show",
    "in_person": "In person",
}


def humanize(value: str | None) -> str:
    """Turn a stored code like "absent_unexcused" into words for people."""
    if not value:
        return ""
    return _(LABELS.get(value, value.replace("_", " ").capitalize()))


def nl2br(text: str | None) -> Markup:
    """Escape text and keep its line breaks."""
    return Markup("<br>").join(escape(text or "").splitlines())


def register(app: Flask) -> None:
    """Register the shared filters and globals on the app."""
    app.jinja_env.filters["humanize"] = humanize
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else "")
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["get_locale"] = get_locale  # base.html's <html lang>
    app.jinja_env.globals["portal_languages"] = lambda: current_app.config["PORTAL_LANGUAGES"]
