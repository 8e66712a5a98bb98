"""Text helpers shared by search and imports."""

import unicodedata


def fold(text: str | None) -> str:
    """Return text lower-cased and without accents, for accent-insensitive search."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def name_sort_key(text: str | None) -> tuple[str, str]:
    """Return a key sorting names as people expect on any database: "Álvarez" next to
    "Alvarez" (letters first, accents only to break a tie), case ignored."""
    return fold(text), (text or "").casefold()
