"""Plotly's locale for a portal language, from Babel's data: month and day names, and the
decimal and thousands separators (Plotly's own locale files are not shipped by plotly.py)."""

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)  # Babel counts from Monday, d3 from Sunday


def plotly_locale(code: str) -> dict:
    """Return the argument of Plotly.register() for a language code (fr, zh_Hans, fa)."""
    locale = Locale.parse(code)
    # Stand-alone names: an axis says "leden 2026" where a sentence says "1. ledna".
    months, days = locale.months["stand-alone"], locale.days["stand-alone"]
    periods = locale.day_periods["format"]["abbreviated"]
    return {
        "moduleType": "locale",
        "name": code.replace("_", "-"),
        "dictionary": {},
        "format": {
            "days": [days["wide"][day] for day in SUNDAY_FIRST],
            "shortDays": [days["abbreviated"][day] for day in SUNDAY_FIRST],
            "months": [months["wide"][month] for month in range(1, 13)],
            "shortMonths": [months["abbreviated"][month] for month in range(1, 13)],
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            "decimal": get_decimal_symbol(locale, numbering_system="default"),
            "thousands": get_group_symbol(locale, numbering_system="default"),
            "grouping": [3],
        },
    }
