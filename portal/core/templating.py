"""Filters and globals shared by every template."""

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import format_date, format_decimal, get_locale, to_user_timezone
from markupsafe import Markup, escape

from portal.core.chart_data import chart_table
from portal.core.codes import label_of
from portal.core.formats import format_number, format_percentage, native_digits, to_the_minute
from portal.core.locale import html_lang, text_direction
from portal.core.navigation import navigation
from portal.core.paging import last_page
from portal.core.permissions import can_close_follow_up


def nl2br(text: str | None) -> Markup:
    """Escape text and keep its line breaks."""
    return Markup("<br>").join(escape(text or "").splitlines())

def number(value: float | None, digits: int | None = None) -> str:
    """Write a number for the page's language ("—" when there is none)."""
    return "—" if value is None else format_number(value, get_locale(), digits)

def percent(points: float | None, digits: int | None = None) -> str:
    """Write a percentage given in points for the page's language ("—" when there is none)."""
    return "—" if points is None else format_percentage(points, get_locale(), digits)

def moment(value: datetime | None, width: str = "medium") -> str:
    """Write a UTC moment in the page's language and zone, to the minute ("" when none)."""
    if not value:
        return ""
    return native_digits(to_the_minute(to_user_timezone(value), width, get_locale()),
                         get_locale())

def chart_value(value) -> str:
    """Write one number or day of a chart's table for the reader's language."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(round(value, 1) + 0.0, format="#,##0.#")  # + 0.0: never "-0"
    text = str(value)
    try:
        return format_date(date.fromisoformat(text[:10])) if len(text) >= 10 else text
    except ValueError:
        return text


def register(app: Flask) -> None:
    """Register the shared filters and globals on the app."""
    app.jinja_env.filters["humanize"] = label_of
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["datetime"] = moment
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        native_digits(format_date(value, fmt), get_locale()) if value else "")
    app.jinja_env.filters["chart_value"] = chart_value
    app.jinja_env.globals["chart_table"] = chart_table
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["last_page"] = last_page  # the pager's "of N", as check_page
    app.jinja_env.globals["can_close_follow_up"] = can_close_follow_up
    app.jinja_env.globals["html_lang"] = html_lang  # base.html's <html lang dir>
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["portal_languages"] = lambda: current_app.config["PORTAL_LANGUAGES"]
