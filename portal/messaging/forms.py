"""Forms of the messaging pages: compose a campaign, confirm a send, share a report."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.core.fields import (
    HIGHEST_GRADE,
    LOWEST_GRADE,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    as_id,
    optional_id,
)
from portal.messaging.models import UpdateKind
from portal.risk.models import RiskLevel

KIND_LABELS = {
    UpdateKind.PROGRESS: _l("Progress"), UpdateKind.EVENTS: _l("Events"),
    UpdateKind.ABSENCE: _l("Absences"), UpdateKind.INTERVENTION: _l("Support and interventions"),
    UpdateKind.GENERAL: _l("General news"), UpdateKind.URGENT: _l("Urgent notices"),
    UpdateKind.ALERT: _l("Weekly alert: missing work, low grades and days missed"),
}


def _grade_levels(form, field) -> None:
    try:
        levels = [int(part) for part in (field.data or "").replace(",", " ").split()]
    except ValueError as error:
        raise ValidationError(_l("Write grade levels as numbers, e.g. 9, 10.")) from error
    if any(not LOWEST_GRADE <= level <= HIGHEST_GRADE for level in levels):
        raise ValidationError(_l("Grade levels go from %(lowest)s to %(highest)s.",
                                 lowest=LOWEST_GRADE, highest=HIGHEST_GRADE))


class AudienceForm(FlaskForm):
    """Who the message goes to; every filter is optional and they combine."""

    segment_name = StringField(_l("Save this audience as"),
                               validators=[Optional(), Length(max=200)])
    # Offered to a district's administrator only (choices: all schools, then each school).
    school_id = SelectField(_l("School"), coerce=optional_id, choices=[(None, "")])
    grade_levels = StringField(_l("Grade levels"), validators=[Optional(), _grade_levels])
    section_ids = SelectMultipleField(_l("Sections"), coerce=as_id, validate_choice=False)
    program_ids = SelectMultipleField(_l("Programs and activities"), coerce=as_id,
                                      validate_choice=False)
    risk_levels = SelectMultipleField(_l("Risk level"), choices=[
        (level, level.capitalize()) for level in RiskLevel.ALL])
    attendance_below = DecimalField(_l("Attendance rate below (%)"),
                                    validators=[Optional(), NumberRange(0, 100)])
    need_kinds = SelectMultipleField(_l("Open need of kind"), validate_choice=False)
    event_without_rsvp = SelectField(_l("Invited to an event but no answer yet"), coerce=as_id,
                                     validate_choice=False)
    languages = SelectMultipleField(_l("Guardian's language"), validate_choice=False)
    portal_activated = SelectField(_l("Portal account"), default="", choices=[
        ("", _l("Any")), ("yes", _l("Has signed in")), ("no", _l("Has never signed in"))])
    student_ids = SelectMultipleField(_l("Hand-picked students"), coerce=as_id,
                                      validate_choice=False)

    def criteria(self) -> dict:
        """Return the audience criteria as stored on a segment or campaign."""
        levels = [int(part) for part in (self.grade_levels.data or "").replace(",", " ").split()]
        found = {"grade_levels": levels, "section_ids": self.section_ids.data or [],
                 "program_ids": self.program_ids.data or [],
                 "risk_levels": self.risk_levels.data or [],
                 "attendance_below": float(self.attendance_below.data)
                 if self.attendance_below.data is not None else None,
                 "need_kinds": self.need_kinds.data or [],
                 "event_without_rsvp": self.event_without_rsvp.data or None,
                 "languages": self.languages.data or [],
                 "portal_activated": self.portal_activated.data or None,
                 "student_ids": self.student_ids.data or []}
        schools = [school_id for school_id, _name in self.school_id.choices if school_id]
        if len(schools) > 1:  # a district's audience: every school of it, or the one chosen
            found["school_ids"] = [self.school_id.data] if self.school_id.data else schools
        return {key: value for key, value in found.items() if value not in (None, [], "")}


class CampaignForm(AudienceForm):
    """A campaign: title, kind, schedule and one subject/body per language."""

    title = StringField(_l("Title (for staff)"), validators=[DataRequired(), Length(max=200)])
    seen = HiddenField()  # a draft as its edit form was filled from (lifecycle.campaign_version)
    # Chosen here, in the form that is sent, so what it shows is what the campaign uses.
    segment_id = SelectField(_l("Saved audience"), coerce=int, default=0)
    # The weekly alert is written by the portal, not sent as a campaign.
    kind = SelectField(_l("Kind of update"), default=UpdateKind.GENERAL, choices=[
        (kind, label) for kind, label in KIND_LABELS.items() if kind != UpdateKind.ALERT])
    scheduled_at = DateTimeLocalField(_l("Send at (leave empty to send now)"),
                                      format="%Y-%m-%dT%H:%M", validators=[Optional()])
    submit = SubmitField(_l("Review before sending"))


def add_language_fields(form_class: type, languages: dict[str, str]) -> type:
    """Return a subclass with a subject and a body field for every portal language."""
    fields = {}
    for code, name in languages.items():
        fields[f"subject_{code}"] = StringField(_l("Subject (%(language)s)", language=name),
                                                validators=[Optional(), Length(max=300)])
        fields[f"body_{code}"] = TextAreaField(_l("Message (%(language)s)", language=name),
                                               validators=[Optional()])
    return type(f"{form_class.__name__}WithLanguages", (form_class,), fields)


class SendForm(FlaskForm):
    """Send a reviewed campaign; a broad audience needs its count confirmed."""

    confirm = BooleanField(_l("I have checked the number of recipients"))
    submit = SubmitField(_l("Send"))


class RetryFailedForm(FlaskForm):
    """Put a campaign's failed deliveries back in the outbox (administrators)."""

    submit = SubmitField(_l("Retry failed deliveries"))


class ShareForm(FlaskForm):
    """Colleagues who may see the send report."""

    colleagues = SelectMultipleField(_l("Share the report with"), coerce=as_id)
    submit = SubmitField(_l("Share"))


class AnswerForm(FlaskForm):
    """A staff member's answer in a family's thread."""

    body = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Send answer"))


class FamilyMessageSettingsForm(FlaskForm):
    """The school's weekly alert, attendance nudges, weekly limit and readability limits."""

    weekly_alert_enabled = BooleanField(_l("Send the weekly family alert"))
    attendance_nudges_enabled = BooleanField(_l("Send attendance nudges"))
    nudge_threshold_percent = DecimalField(
        _l("First nudge when a student has missed this share of school days (%)"),
        places=None, validators=[InputRequired(), NumberRange(
            1, 50, _l("Enter a share from 1 to 50 %%."))])
    nudge_step_up_percent = DecimalField(
        _l("Invitation to talk and a counsellor task from this share of days missed (%)"),
        places=None, validators=[InputRequired(), NumberRange(
            2, 100, _l("Enter a share from 2 to 100 %%."))])
    nudge_repeat_days = IntegerField(
        _l("At most one nudge about a student every (days)"), validators=[
            InputRequired(), NumberRange(7, 365, _l("Enter a number of days from 7 to 365."))])
    weekly_message_cap = IntegerField(
        _l("Most non-urgent messages a family receives in 7 days"), validators=[
            InputRequired(), NumberRange(1, 20, _l("Enter a number from 1 to 20."))])
    reading_grade_limit = DecimalField(
        _l("Warn above this reading grade"), places=None, validators=[
            InputRequired(), NumberRange(1, 18, _l("Enter a grade from 1 to 18."))])
    message_word_limit = IntegerField(
        _l("Warn above this many words"), validators=[
            InputRequired(), NumberRange(20, 2000, _l("Enter a number from 20 to 2000."))])
    submit = SubmitField(_l("Save settings"))
    seen = HiddenField()  # the settings as the form was filled from (people/changes.version_of)

    def settings(self) -> dict:
        """Return the submitted settings (call after validate())."""
        return {"weekly_alert_enabled": bool(self.weekly_alert_enabled.data),
                "attendance_nudges_enabled": bool(self.attendance_nudges_enabled.data),
                "nudge_threshold_percent": float(self.nudge_threshold_percent.data),
                "nudge_step_up_percent": float(self.nudge_step_up_percent.data),
                "nudge_repeat_days": self.nudge_repeat_days.data,
                "weekly_message_cap": self.weekly_message_cap.data,
                "reading_grade_limit": float(self.reading_grade_limit.data),
                "message_word_limit": self.message_word_limit.data}
