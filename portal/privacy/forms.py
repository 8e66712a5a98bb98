"""Forms of the privacy pages: deactivate, reactivate, end a link, erase, merge."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class DeactivateForm(FlaskForm):
    """Deactivate a person: why, and since when."""

    reason = StringField(_l("Reason (left the school, custody changed…)"),
                         validators=[DataRequired(), Length(max=200)])
    inactive_since = DateField(_l("Since"), validators=[Optional()])
    submit = SubmitField(_l("Deactivate"))


class EndLinkForm(DeactivateForm):
    """End one student–guardian link (custody changed): why, and since when."""

    submit = SubmitField(_l("End this link"))


class ReactivateForm(FlaskForm):
    """Make an inactive person or link active again."""

    submit = SubmitField(_l("Make active again"))


class EraseForm(FlaskForm):
    """Erase a person on request: the request it answers, confirmed by typing ERASE."""

    reason = StringField(_l("Request (who asked, when)"),
                         validators=[DataRequired(), Length(max=200)])
    confirm = StringField(_l("Type ERASE to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Erase for good"))


class MergeForm(FlaskForm):
    """Merge one record (the duplicate) into another (the one kept)."""

    survivor_id = HiddenField(validators=[DataRequired()])
    loser_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Keep this one, merge the others into it"))
