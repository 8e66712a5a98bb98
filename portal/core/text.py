"""Text helpers shared by search, imports and the CSV files the portal writes."""

import unicodedata


def fold(text: str | None) -> str:
    """Return text lower-cased and without accents, for accent-insensitive search."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def one_line(text: str | None) -> str:
    """Return text with its line breaks (any of Unicode's) as single spaces: an email's
    subject is one header line, and a line break in it would end the header there."""
    return " ".join((text or "").splitlines()).strip()


# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Return a CSV cell's value with text that a spreadsheet would run as a formula quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def name_sort_key(text: str | None) -> tuple[str, str]:
    """Return a key sorting names as people expect on any database: "Álvarez" next to
    "Alvarez" (letters first, accents only to break a tie), case ignored."""
    return fold(text), (text or "").casefold()
