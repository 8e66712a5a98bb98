"""Forms of the family inbox and the choice of updates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from portal.core.fields import SelectField
from portal.family.forms import REPLY_LENGTH, child_id
from portal.messaging.forms import KIND_LABELS
from portal.messaging.models import UpdateKind


class ReplyForm(FlaskForm):
    """A guardian's reply to a message from the school."""

    # The choices are the guardian's own children and the school in general (0); the service
    # refuses any other id, a child no longer theirs included, saying why.
    student_id = SelectField(_l("About which child"), coerce=child_id, validate_choice=False)
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), REPLY_LENGTH])
    submit = SubmitField(_l("Send reply"))


class UpdatesForm(FlaskForm):
    """Which kinds of update the guardian wants (urgent notices always come)."""

    submit = SubmitField(_l("Save my choices"))


for _kind in UpdateKind.OPTIONAL:
    setattr(UpdatesForm, _kind, BooleanField(KIND_LABELS[_kind]))
