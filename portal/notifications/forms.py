"""The notification choices form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from portal.core.fields import SelectField
from portal.notifications.models import EMAIL_LABELS, KIND_LABELS, NotificationKind


class SettingsForm(FlaskForm):
    """Mute kinds, choose email per kind and the hour of the daily summary."""

    summary_hour = IntegerField(_l("Daily summary at (hour, 0–23)"), validators=[
        InputRequired(), NumberRange(0, 23, _l("Enter an hour from 0 to 23."))])
    submit = SubmitField(_l("Save my choices"))

    def rows(self) -> list[tuple[object, BooleanField, SelectField]]:
        """Return (label, mute field, email field) per kind."""
        return [(KIND_LABELS[kind], self[f"mute_{kind}"], self[f"email_{kind}"])
                for kind in NotificationKind.ALL]

    def choices(self) -> tuple[list[str], dict[str, str]]:
        """Return the muted kinds and the email choice per kind (call after validate())."""
        muted = [kind for kind in NotificationKind.ALL if self[f"mute_{kind}"].data]
        return muted, {kind: self[f"email_{kind}"].data for kind in NotificationKind.ALL}


for _kind in NotificationKind.ALL:
    setattr(SettingsForm, f"mute_{_kind}", BooleanField(_l("Mute")))
    setattr(SettingsForm, f"email_{_kind}", SelectField(
        _l("Email"), choices=[(key, label) for key, label in EMAIL_LABELS.items()]))


class MarkReadForm(FlaskForm):
    """Mark every notification read."""

    submit = SubmitField(_l("Mark all read"))


class LanguageForm(FlaskForm):
    """The staff member's language for the portal and its emails."""

    preferred_language = SelectField(_l("Language"), validate_choice=False)
    submit_language = SubmitField(_l("Save my language"))

    def offer(self, languages: dict[str, str]) -> "LanguageForm":
        """Offer the portal's languages, and the browser's language (no fixed choice)."""
        self.preferred_language.choices = [("", _l("My browser's language"))] + list(
            languages.items())
        return self
