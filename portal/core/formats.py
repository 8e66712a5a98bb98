"""Numbers and percentages written the way each language writes them (98,4 % in French,
۹۸٫۴٪ in Persian): Babel's patterns and symbols, in the language's own digits."""

from babel import Locale
from babel.numbers import parse_pattern

# Babel gives the symbols of a numbering system, not its digits.
DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "deva": "०१२३४५६७८९"}


def native_digits(text: str, locale: Locale) -> str:
    """Write the digits of an already formatted text in the language's own digits."""
    digits = DIGITS.get(locale.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def _formatted(value: float, pattern: str, locale: Locale, digits: int | None) -> str:
    number_pattern = parse_pattern(pattern)
    if digits is not None:
        number_pattern.frac_prec = (digits, digits)
    text = number_pattern.apply(value, locale, numbering_system="default")
    return native_digits(text, locale)


def format_number(value: float, locale: Locale, digits: int | None = None) -> str:
    """Write a number with the language's separators (digits: fixed decimals, else as is)."""
    return _formatted(value, locale.decimal_formats[None].pattern, locale, digits)


def format_percentage(points: float, locale: Locale, digits: int | None = None) -> str:
    """Write a percentage given in points (98.4 → "98,4 %" in French; digits: fixed
    decimals, else none for a whole number and one otherwise)."""
    if digits is None:
        digits = 0 if float(points).is_integer() else 1
    return _formatted(points / 100, locale.percent_formats[None].pattern, locale, digits)
