"""Locale and time zone of the current request: the user's language, the school's zone."""

import flask_babel
from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user


def _supported() -> list[str]:
    return list(current_app.config["PORTAL_LANGUAGES"])


def _primary(code: str) -> str:
    return code.replace("-", "_").split("_")[0].lower()


def browser_language(supported: list[str]) -> str | None:
    """Return the supported language the browser asks for first (cs-CZ finds cs, zh-CN zh_Hans)."""
    by_primary = {_primary(code): code for code in supported}
    for asked, _quality in request.accept_languages:  # best first
        if asked != "*" and _primary(asked) in by_primary:
            return by_primary[_primary(asked)]
    return None


def _signed_in() -> bool:
    return bool(current_user) and current_user.is_authenticated


def select_locale() -> str:
    """Pick the user's language, else the browser's, else the school's default.

    Signed-out pages (sign in, reset, invitation, unsubscribe) follow the link's `lang`
    (emails put the recipient's language there), else the browser.
    """
    supported = _supported()
    if not has_request_context():
        return supported[0]
    if _signed_in() and current_user.preferred_language in supported:
        return current_user.preferred_language
    if not _signed_in() and request.args.get("lang") in supported:
        return request.args["lang"]
    school = _school() if _signed_in() else None
    default = school.default_language if school is not None else None
    return browser_language(supported) or (default if default in supported else supported[0])


def language_of(user) -> str:
    """Return the language a user's emails go out in: their choice, else their school's."""
    if user.preferred_language:
        return user.preferred_language
    from portal.people.queries import school_of

    school = school_of(user)
    return (school.default_language if school is not None else "") or _supported()[0]


def html_lang() -> str:
    """Return the page's language as an HTML lang attribute (BCP 47: zh-Hans, not zh_Hans)."""
    locale = get_locale() or Locale.parse(_supported()[0])
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)


def text_direction() -> str:
    """Return "rtl" for a right-to-left page language (Persian), else "ltr"."""
    locale = get_locale()
    return locale.text_direction if locale is not None else "ltr"


def select_timezone() -> str:
    """Show times in the signed-in user's school time zone."""
    return school_timezone()


def _school():
    from portal.people.queries import school_of

    return school_of(current_user)


def show_times_in(timezone: str) -> None:
    """Show this request's times in a school's zone: a signed-out page about one school's
    event (an answer link) has no user whose school would say it."""
    g.shown_timezone = timezone
    flask_babel.refresh()  # forget a zone worked out earlier in the request


def school_timezone() -> str:
    """Return the time zone of the current user's school (UTC when there is none)."""
    if has_request_context() and g.get("shown_timezone"):
        return g.shown_timezone
    if _signed_in():
        school = _school()
        if school is not None:
            return school.timezone
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")
