"""Forms for outcomes entry: the day's attendance, a grade grid, behaviour, programs, plans."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.codes import code_choices
from portal.core.fields import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    SelectField,
    as_id,
    optional_id,
)
from portal.core.models import Visibility
from portal.interactions.forms import DATETIME_FORMATS
from portal.outcomes.models import InterventionStatus, ProgramKind

DATE_REQUIRED = _l("Enter a date as YYYY-MM-DD.")
VISIBILITY = [(Visibility.STAFF, _l("Staff only")),
              (Visibility.FAMILY, _l("Shared with the family"))]


class AttendanceForm(FlaskForm):
    """The day; the per-student statuses come as status-<id> and reason-<id> fields."""

    on_date = DateField(_l("Day"), validators=[DataRequired(DATE_REQUIRED)])


class GradeGridForm(FlaskForm):
    """The assessment; the per-student scores come as score-<id> fields."""

    grading_period_id = SelectField(_l("Grading period"), coerce=as_id)
    kind = SelectField(_l("Kind"), choices=[("assessment", _l("Assessment")),
                                            ("period", _l("Grade for the period"))])
    assessment_name = StringField(_l("Assessment"), validators=[Optional(), Length(max=200)])
    max_score = DecimalField(_l("Out of"), default=100, validators=[
        DataRequired(_l("Enter the highest possible score.")),
        NumberRange(min=1, max=1000, message=_l("Enter a number from 1 to 1000."))])
    recorded_on = DateField(_l("Date"), validators=[DataRequired(DATE_REQUIRED)])


class BehaviourForm(FlaskForm):
    occurred_at = DateTimeLocalField(_l("Date and time"), format=DATETIME_FORMATS, validators=[
        DataRequired(_l("Enter the date and time as YYYY-MM-DD HH:MM."))])
    is_positive = BooleanField(_l("Positive behaviour"))
    severity = SelectField(_l("Severity"), coerce=as_id, choices=[
        (1, _l("Minor")), (2, _l("Moderate")), (3, _l("Major"))])
    category = StringField(_l("Category"), validators=[
        DataRequired(_l("Enter a category, e.g. disruption or helpfulness.")), Length(max=50)])
    description = TextAreaField(_l("What happened"), validators=[
        DataRequired(_l("Describe what happened.")), Length(max=5000)])
    action_taken = TextAreaField(_l("Action taken"), validators=[Optional(), Length(max=5000)])
    visibility = SelectField(_l("Who may read it"), choices=VISIBILITY)


class ProgramForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the program.")),
                                               Length(max=200)])
    kind = SelectField(_l("Kind"), choices=code_choices(ProgramKind.ALL))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    places_by_lottery = BooleanField(_l("Places are allocated by lottery"), description=_l(
        "Tick only if a lottery decides who gets a place: the impact page may then say the "
        "program caused the difference."))
    seen = HiddenField()  # the program as its edit form was filled from (changes.version_of)


class ProgramStatusForm(FlaskForm):
    """Deactivate (is_active left out) or reactivate (is_active sent) a program."""

    is_active = BooleanField(_l("Active"))


class ProgramEnrollmentForm(FlaskForm):
    student_id = SelectField(_l("Student"), coerce=optional_id, validate_choice=False,
                             validators=[DataRequired(_l("Choose a student."))])
    starts_on = DateField(_l("Starts"), validators=[DataRequired(DATE_REQUIRED)])
    ends_on = DateField(_l("Ends (optional)"), validators=[Optional()])


class EndEnrollmentForm(FlaskForm):
    ends_on = DateField(_l("Ended on"), validators=[DataRequired(DATE_REQUIRED)])


class InterventionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Say why the student needs this plan.")), Length(max=5000)])
    need_id = SelectField(_l("Related need"), coerce=optional_id, validate_choice=False)
    risk_assessment_id = SelectField(_l("Related risk flag"), coerce=optional_id,
                                     validate_choice=False)
    goal = TextAreaField(_l("Goal"), validators=[DataRequired(_l("Write the goal.")),
                                                 Length(max=5000)])
    actions = TextAreaField(_l("Actions"), validators=[Optional(), Length(max=5000)])
    owner_id = SelectField(_l("Owner"), coerce=optional_id, validate_choice=False,
                           validators=[DataRequired(_l("Choose who owns the plan."))])
    review_on = DateField(_l("Review date"), validators=[Optional()])
    visibility = SelectField(_l("Who may read it"), choices=VISIBILITY)
    seen = HiddenField()  # the plan as the form was filled from (people/changes.version_of)


class InterventionNoteForm(FlaskForm):
    body = TextAreaField(_l("Progress note"), validators=[DataRequired(_l("Write the note.")),
                                                          Length(max=5000)])


class CloseInterventionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=code_choices(InterventionStatus.OUTCOMES))
