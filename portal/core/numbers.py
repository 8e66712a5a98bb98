"""A number as a person types one in a form or a spreadsheet cell: "17", "17.5" or "17,5".
One reader for the gradebook and the grades file (no Flask): what it refuses, each caller
words (the gradebook in the teacher's language, the import in its report's)."""

import math
import re

NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")  # not "1_0", "1e3", "inf" or "nan", as float() reads
# "1,000": a thousand with a thousands separator, or one with a decimal comma?
THOUSANDS = re.compile(r"-?[1-9]\d{0,2},\d{3}")


class UnreadableNumber(ValueError):
    """The text is not a number."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class TwoSeparators(UnreadableNumber):
    """The text has a thousands separator and a decimal mark ("1.000,5", "1,000.5")."""


class AmbiguousNumber(UnreadableNumber):
    """The text could be two numbers: `whole` with a thousands separator, `decimal` with a
    decimal comma ("1,000": 1000 or 1)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.whole = int(text.replace(",", ""))
        self.decimal = float(text.replace(",", "."))


def read_number(text: str) -> float:
    """Read a number with "." or "," as its decimal mark; raise an UnreadableNumber for
    anything else, for one with two separators, and for one a reader could take for two."""
    text = text.strip()
    if text.count(",") + text.count(".") > 1:
        raise TwoSeparators(text)
    if THOUSANDS.fullmatch(text):
        raise AmbiguousNumber(text)
    number = float(text.replace(",", ".")) if NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(number):  # not a number, or too many digits for one (1e999)
        raise UnreadableNumber(text)
    return number
