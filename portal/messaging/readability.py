"""Word count and reading level of a message (pure: no Flask, no database).

The reading level is the Flesch-Kincaid grade computed by `textstat`; the formula was
made for English, so it is given for English only. Other languages get the word count
(Chinese, written without spaces, its character count). A merge field counts as one word;
conditionals ({% if %}) are left out.
"""

import re
from dataclasses import dataclass

from textstat.textstat import textstatistics

_FIELDS = re.compile(r"\{\{.*?\}\}", re.S)  # a merge field reads as one word (a name)
_TAGS = re.compile(r"\{[%#].*?[%#]\}", re.S)  # {% if %} and comments are not read at all
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Readability:
    """How long and how hard one text is, and whether it passes the school's limits."""

    words: int
    characters_counted: bool  # True for Chinese: `words` holds characters
    grade: float | None  # None when no reading level is computed for the language
    too_long: bool
    too_hard: bool


def measure(text: str, language: str, *, grade_limit: float,
            word_limit: int) -> Readability:
    """Return the word count, reading grade and whether either passes the school's limit."""
    plain = _TAGS.sub("", _FIELDS.sub("Name", text or ""))
    if language.startswith("zh"):
        count = len(_HAN.findall(plain))
        # Roughly 1.5 characters make a word in Chinese prose.
        return Readability(count, True, None, count > word_limit * 1.5, False)
    statistics = textstatistics()
    count = statistics.lexicon_count(plain)
    grade = None
    if language == "en" and count:
        statistics.set_lang("en_US")
        grade = round(statistics.flesch_kincaid_grade(plain), 1)
    return Readability(count, False, grade, count > word_limit,
                       grade is not None and grade > grade_limit)


def measure_texts(texts: list[tuple[str, str]], *, grade_limit: float,
                  word_limit: int) -> list[tuple[str, Readability]]:
    """Measure each non-empty (language, text) against the school's limits."""
    return [(language, measure(text, language, grade_limit=grade_limit, word_limit=word_limit))
            for language, text in texts if (text or "").strip()]
