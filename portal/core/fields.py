"""Form fields that answer out-of-range input with a form error, never a server error.

Forms import their number, date and choice fields from here instead of from wtforms: an
integer beyond the database's range, a NaN or infinite number, a year outside
MIN_YEAR–MAX_YEAR, or a choice that is no id becomes a message on the field, in the
portal's words.
"""

import math
from decimal import Decimal

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.urls import MAX_INTEGER

MIN_YEAR, MAX_YEAR = 1900, 2200
# A grade level: -1 is pre-kindergarten (OneRoster's PK, PR, IT), 0 kindergarten; no school
# has one above 20. Anything else is a fault, not a grade.
LOWEST_GRADE, HIGHEST_GRADE = -1, 20


def in_id_range(value: int) -> bool:
    """Return True when value fits the database's integer columns."""
    return -MAX_INTEGER - 1 <= value <= MAX_INTEGER


def as_id(value) -> int:
    """Coerce a select's value to an id; ValueError (a form error) beyond the id range."""
    number = int(value)
    if not in_id_range(number):
        raise ValueError(_("That choice is not available."))
    return number


def optional_id(value) -> int | None:
    """Coerce a select's value to an id, keeping the empty choice as None."""
    return as_id(value) if value not in (None, "", "None") else None


def is_finite(number) -> bool:
    """Return True for a number that is neither NaN (quiet or signalling) nor infinite."""
    if isinstance(number, Decimal):
        return number.is_finite()
    return math.isfinite(number)


def sane_year(year: int) -> bool:
    """Return True for a year a school date can have."""
    return MIN_YEAR <= year <= MAX_YEAR


class _Checked:
    """Reject what the wtforms field parsed but the portal cannot store or compute with."""

    message: str  # each field's own

    def acceptable(self, value) -> bool:
        raise NotImplementedError

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.acceptable(self.data):
            self.data = None
            raise ValueError(str(self.message))


class IntegerField(_Checked, wtforms.IntegerField):
    message = _l("Enter a smaller number.")

    def acceptable(self, value) -> bool:
        return in_id_range(value)


class _Finite(_Checked):
    message = _l("Enter a number.")

    def acceptable(self, value) -> bool:
        return is_finite(value) and abs(value) <= MAX_INTEGER


class _InSaneYears(_Checked):
    message = _l("Enter a date between the years 1900 and 2200.")

    def acceptable(self, value) -> bool:
        return sane_year(value.year)


class DecimalField(_Finite, wtforms.DecimalField):
    """A decimal number; NaN, infinity and huge values are form errors."""


class FloatField(_Finite, wtforms.FloatField):
    """A number; NaN, infinity and huge values are form errors."""


class DateField(_InSaneYears, wtforms.DateField):
    """A date between the years MIN_YEAR and MAX_YEAR."""


class DateTimeLocalField(_InSaneYears, wtforms.DateTimeLocalField):
    """A date and time between the years MIN_YEAR and MAX_YEAR."""


class _ChoiceInPortalWords:
    """A choice its field cannot read (not an id, beyond the id range) is refused with the
    portal's sentence, not wtforms' "could not coerce"."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as refused:
            raise ValueError(_("That choice is not available.")) from refused


class SelectField(_ChoiceInPortalWords, wtforms.SelectField):
    """One choice of a list."""


class SelectMultipleField(_ChoiceInPortalWords, wtforms.SelectMultipleField):
    """Several choices of a list."""
