"""Numbers and percentages written the way each language writes them (98,4 % in French,
۹۸٫۴٪ in Persian): Babel's patterns and symbols, in the language's own digits."""

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

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
    """Write one number (kept: a dashboard writes the same thresholds hundreds of times)."""
    text = _number_pattern(pattern, digits).apply(value, locale, numbering_system="default")
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
