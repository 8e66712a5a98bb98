"""Filters and globals shared by every template."""

from datetime import date

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.core.chart_data import chart_table
from portal.core.navigation import navigation
from portal.core.permissions import can_close_follow_up

LABELS = {
    "absent_excused": _l("Absent (excused)"),
    "absent_unexcused": _l("Absent (unexcused)"),
    "in_progress": _l("In progress"),
    "learning_support": _l("Learning support"),
    "home_visit": _l("Home visit"),
    "no_answer": _l("No answer"),
    "left_message": _l("Left message"),
    "no_show": _l("No show"),
    "in_person": _l("In person"),
    "video": _l("Video"),
}


def humanize(value: str | None) -> str:
    """Turn a stored code like "absent_unexcused" into words for people."""
    if not value:
        return ""
    if value in LABELS:
        return str(LABELS[value])
    # Other codes read as words ("phone" → "Phone"); most are in the catalogues too.
    return _(value.replace("_", " ").capitalize())


def nl2br(text: str | None) -> Markup:
    """Escape text and keep its line breaks."""
    return Markup("<br>").join(escape(text or "").splitlines())


def chart_value(value) -> str:
    """Write one number or day of a chart's table for the reader's language."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(round(value, 1), format="#,##0.#")
    text = str(value)
    try:
        return format_date(date.fromisoformat(text[:10])) if len(text) >= 10 else text
    except ValueError:
        return text


def register(app: Flask) -> None:
    """Register the shared filters and globals on the app."""
    app.jinja_env.filters["humanize"] = humanize
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else "")
    app.jinja_env.filters["chart_value"] = chart_value
    app.jinja_env.globals["chart_table"] = chart_table
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["can_close_follow_up"] = can_close_follow_up
    app.jinja_env.globals["get_locale"] = get_locale  # base.html's <html lang>
    app.jinja_env.globals["portal_languages"] = lambda: current_app.config["PORTAL_LANGUAGES"]
