"""Forms of the measurement settings page: a program's holdout, a family left out."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from portal.core.fields import DecimalField, IntegerField, as_id


class MeasurementForm(FlaskForm):
    """Turn a program's measurement on or off, with its holdout share and its weeks.

    Each program's form has its own prefix (one page shows both); the app-wide CSRF check
    reads the page's token, so the form does not carry a prefixed copy of it.
    """

    class Meta:
        csrf = False

    measuring = BooleanField(_l("Measure this program with a holdout"))
    share_percent = DecimalField(_l("Families held out (%)"), places=None, default=10,
                                 validators=[InputRequired(), NumberRange(
                                     1, 50, _l("Hold out between 1 and 50 percent."))])
    weeks = IntegerField(_l("Weeks to measure"), default=8, validators=[
        InputRequired(), NumberRange(2, 40, _l("Enter a number of weeks from 2 to 40."))])
    submit = SubmitField(_l("Save"))


class ExcludeFamilyForm(FlaskForm):
    """Leave one family out of the measurement, at their request."""

    guardian_id = HiddenField(validators=[DataRequired()], filters=[
        lambda value: as_id(value) if value not in (None, "") else None])
