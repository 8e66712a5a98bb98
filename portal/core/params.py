"""Query-string parameters read at the edge: a bad value is a 400 naming the parameter."""

from datetime import date, datetime

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from portal.core.fields import sane_year
from portal.core.urls import MAX_INTEGER


def query_int(name: str, default: int | None = None, *, minimum: int = 0,
              maximum: int = MAX_INTEGER) -> int | None:
    """Return the whole-number parameter, the default when absent; 400 when out of range."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        abort(400, _("The parameter “%(name)s” must be a whole number from %(minimum)s to "
                     "%(maximum)s.", name=name, minimum=minimum, maximum=maximum))
    return value


def required_param(name: str, choices: tuple[str, ...] | None = None) -> str:
    """Return a parameter that must be given (and be one of the choices, when there are
    any); 400 naming it."""
    value = request.args.get(name, "").strip()
    if not value:
        abort(400, _("The parameter “%(name)s” is missing.", name=name))
    if choices is not None and value not in choices:
        abort(400, _("The parameter “%(name)s” must be one of: %(choices)s.", name=name,
                     choices=", ".join(choices)))
    return value


def query_date(name: str, fmt: str = "%Y-%m-%d", *, required: bool = False) -> date | None:
    """Return the date parameter (None when absent, 400 when required); 400 when unreadable
    or out of range."""
    text = required_param(name) if required else request.args.get(name, "").strip()
    if not text:
        return None
    try:
        value = datetime.strptime(text, fmt).date()
    except ValueError:
        value = None
    if value is None or not sane_year(value.year):
        example = date(2026, 9, 1).strftime(fmt)
        abort(400, _("The parameter “%(name)s” must be a date like %(example)s between the "
                     "years 1900 and 2200.", name=name, example=example))
    return value


def refuse_unreadable_json() -> None:
    """Answer 400 for a JSON body the portal cannot read: not JSON, nested deeper than the
    parser goes, or anything but an object (every JSON body the portal takes is one)."""
    if not request.is_json:
        return
    try:
        body = request.get_json()
    except (BadRequest, RecursionError):
        abort(400, _("The request's body is not JSON the portal can read."))
    if not isinstance(body, dict):
        abort(400, _("The request's body must be a JSON object."))


def refuse_nul_characters() -> None:
    """Answer 400 when the path, a parameter, a form field or a JSON body's key or text
    holds a NUL character (PostgreSQL cannot store or compare text with one)."""
    body = request.get_json(silent=True) if request.is_json else None
    for name, value in [("path", request.path), *request.args.items(multi=True),
                        *request.form.items(multi=True), *_json_texts(body)]:
        if "\x00" in name or "\x00" in value:
            abort(400, _("The parameter “%(name)s” holds a NUL character.",
                         name=name.replace("\x00", "")))


def _json_texts(value, name: str = "json"):
    """Yield (name, text) for every key and string of a parsed JSON body."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield name, str(key)
            yield from _json_texts(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item, name)


def register(app: Flask) -> None:
    """Check every request's input for what no route can handle."""
    app.before_request(refuse_unreadable_json)
    app.before_request(refuse_nul_characters)
