"""The school's settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.fields import DecimalField, IntegerField, SelectField, SelectMultipleField


class SchoolSettingsForm(FlaskForm):
    """The school's name, time zone, language, pass mark and sending window."""

    name = StringField(_l("School name"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    default_language = SelectField(_l("School's language (used when a family's is missing)"))
    languages = SelectMultipleField(_l("Languages the school writes to families in"))
    pass_mark_percent = DecimalField(_l("Pass mark (%)"), places=None, validators=[
        InputRequired(), NumberRange(0, 100, _l("Enter a pass mark between 0 and 100."))])
    sending_window_start_hour = IntegerField(_l("Send messages from (hour, 0–23)"), validators=[
        InputRequired(), NumberRange(0, 23, _l("Enter an hour from 0 to 23."))])
    sending_window_end_hour = IntegerField(_l("Until (hour, 1–24)"), validators=[
        InputRequired(), NumberRange(1, 24, _l("Enter an hour from 1 to 24."))])
    notify_family_of_risk_flags = BooleanField(_l("Tell families when their child is flagged"))
    retention_years = IntegerField(_l("Erase people inactive for more than (years)"), validators=[
        Optional(), NumberRange(1, 100, _l("Enter a number of years from 1 to 100."))])
    request_escalation_school_days = IntegerField(
        _l("Escalate a family's unanswered request after (school days)"), validators=[
            InputRequired(), NumberRange(1, 30, _l("Enter a number of days from 1 to 30."))])
    submit = SubmitField(_l("Save settings"))
    seen = HiddenField()  # the settings as the form was filled from (people/changes.version_of)

    def settings(self) -> dict:
        """Return the submitted settings (call after validate())."""
        return {"name": self.name.data.strip(), "timezone": self.timezone.data.strip(),
                "default_language": self.default_language.data,
                "languages": list(self.languages.data or []),
                "pass_mark_percent": float(self.pass_mark_percent.data),
                "sending_window_start_hour": self.sending_window_start_hour.data,
                "sending_window_end_hour": self.sending_window_end_hour.data,
                "notify_family_of_risk_flags": bool(self.notify_family_of_risk_flags.data),
                "retention_years": self.retention_years.data,
                "request_escalation_school_days": self.request_escalation_school_days.data}
