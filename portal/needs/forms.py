"""Forms for needs and for answering families' requests."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.codes import code_choices
from portal.core.fields import DateField, SelectField, optional_id
from portal.core.models import Visibility
from portal.needs.models import FeedbackStatus, NeedKind, NeedStatus


class NeedForm(FlaskForm):
    kind = SelectField(_l("Kind of need"), choices=code_choices(NeedKind.ALL))
    is_family_request = BooleanField(_l("The family asked for this"))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the need a short title.")),
                                                 Length(max=200)])
    details = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    owner_id = SelectField(_l("Owner"), coerce=optional_id, validate_choice=False)
    status = SelectField(_l("Status"), choices=code_choices(NeedStatus.ALL))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    visibility = SelectField(_l("Who may read it"), choices=[
        (Visibility.STAFF, _l("Staff only")), (Visibility.FAMILY, _l("Shared with the family"))])
    seen = HiddenField()  # the need as the form was filled from (people/changes.version_of)

    def set_staff(self, staff) -> None:
        """Offer the school's staff as owners."""
        self.owner_id.choices = [(None, _l("Nobody yet"))] + [(u.id, u.full_name) for u in staff]


class FeedbackUpdateForm(FlaskForm):
    assigned_to_id = SelectField(_l("Assigned to"), coerce=optional_id, validate_choice=False)
    status = SelectField(_l("Status"), choices=code_choices(FeedbackStatus.ALL))

    def set_staff(self, staff) -> None:
        """Offer the school's staff as assignees."""
        self.assigned_to_id.choices = [(None, _l("Nobody yet"))] + [
            (u.id, u.full_name) for u in staff]


class FeedbackReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply to the family"), validators=[
        DataRequired(_l("Write the reply.")), Length(max=5000)])


class ConvertToNeedForm(FlaskForm):
    kind = SelectField(_l("Kind of need"), choices=code_choices(NeedKind.ALL))
