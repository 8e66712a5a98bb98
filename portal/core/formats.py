"""Numbers and percentages written the way each language writes them (98,4 % in French,
۹۸٫۴٪ in Persian): Babel's patterns and symbols, in the language's own digits."""

import re
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import NumberPattern, parse_pattern

from portal.core.time import to_local

# Babel gives the symbols of a numbering system, not its digits.
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९"}
TO_DIGITS = {system: str.maketrans("0123456789", digits) for system, digits in DIGITS.items()}


def native_digits(text: str, locale: Locale) -> str:
    """Write the digits of an already formatted text in the language's own digits."""
    table = TO_DIGITS.get(locale.default_numbering_system)
    return text.translate(table) if table else text


@lru_cache(maxsize=512)
def _number_pattern(pattern: str, digits: int | None) -> NumberPattern:
    """Parse a pattern once (a page writes hundreds of numbers with a handful of patterns)."""
    number_pattern = parse_pattern(pattern)  # a new object: safe to fix its decimals
    if digits is not None:
        number_pattern.frac_prec = (digits, digits)
    return number_pattern


@lru_cache(maxsize=4096, typed=True)
def _formatted(value: float, pattern: str, locale: Locale, digits: int | None) -> str:
    """Write one number (kept: a dashboard writes the same thresholds hundreds of times);
    a negative number that rounds to zero is written as zero ("0.0", never "-0.0")."""
    number_pattern = _number_pattern(pattern, digits)
    text = number_pattern.apply(value, locale, numbering_system="default")
    if value < 0 and not any(digit in text for digit in "123456789"):
        text = number_pattern.apply(0, locale, numbering_system="default")
    return native_digits(text, locale)


def format_number(value: float, locale: Locale, digits: int | None = None) -> str:
    """Write a number with the language's separators (digits: fixed decimals, else as is)."""
    # `or 0`: -0.0 is written "0", as 0.0 (they are one key of _formatted's cache).
    return _formatted(value or 0, locale.decimal_formats[None].pattern, locale, digits)


def format_percentage(points: float, locale: Locale, digits: int | None = None) -> str:
    """Write a percentage given in points (98.4 → "98,4 %" in French; digits: fixed
    decimals, else none for a whole number and one otherwise)."""
    if digits is None:
        digits = 0 if float(points).is_integer() else 1
    return _formatted(points / 100 or 0, locale.percent_formats[None].pattern, locale, digits)


@lru_cache(maxsize=32)
def locale_of(code: str) -> Locale:
    """Return the Babel locale of a portal language code (fr, zh_Hans), parsed once."""
    return Locale.parse(code)


def format_names(names: list[str], locale: Locale) -> str:
    """Write a list the way the language does ("Ana, Ben and Cleo", "Ana, Ben y Cleo",
    "Ana、Ben和Cleo"); "" for none."""
    return format_list(list(names), style="standard", locale=locale) if names else ""


def format_day(day: date, locale: Locale) -> str:
    """Write a day the way the language writes dates ("7 déc. 2026", "07.12.2026")."""
    return native_digits(format_date(day, "medium", locale=locale), locale)


def format_moment(moment: datetime, timezone: str, locale: Locale) -> str:
    """Write a naive UTC moment as the day and time in a zone, the way the language does."""
    return native_digits(to_the_minute(to_local(moment, timezone), "medium", locale), locale)


# The seconds of a CLDR time pattern ("h:mm:ss a", "HH:mm:ss zzzz"): a school's times have none.
SECONDS = re.compile(r"[:.]ss(?:[.,]S+)?")


def to_the_minute(local: datetime, width: str, locale: Locale) -> str:
    """Write an aware moment as Babel's format_datetime does at a width ("medium", "full"),
    to the minute; a pattern of Babel's own is written as it says."""
    if width not in ("short", "medium", "long", "full"):
        return format_datetime(local, width, locale=locale)
    pattern = (str(locale.datetime_formats[width])
               .replace("{0}", SECONDS.sub("", locale.time_formats[width].pattern))
               .replace("{1}", locale.date_formats[width].pattern))
    return format_datetime(local, pattern, locale=locale)
