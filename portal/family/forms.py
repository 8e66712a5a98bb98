"""Forms of the family pages: requests and feedback, preferences, consents."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.fields import SelectField, as_id
from portal.family.choices import CHANNELS, FEEDBACK_KINDS

# The longest subject and text a family may send. The limits' messages get the limit from
# our translation call (not WTForms' own filling), so it is written in the reader's language.
SUBJECT_MAX, TEXT_MAX = 200, 5000
# A reply's limit, the same on a request's page and in the inbox.
REPLY_LENGTH = Length(max=TEXT_MAX, message=_l("The reply can have at most %(max)d characters.",
                                               max=TEXT_MAX))


def child_id(value) -> int:
    """Read the posted child: empty means "the school in general" (0)."""
    return as_id(value) if value not in (None, "", "None") else 0


class FeedbackForm(FlaskForm):
    kind = SelectField(_l("What is it?"), choices=list(FEEDBACK_KINDS.items()))
    # The choices are the guardian's own children; the service refuses any other id.
    student_id = SelectField(_l("About"), coerce=child_id, validate_choice=False)
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Write a short subject.")),
        Length(max=SUBJECT_MAX, message=_l("The subject can have at most %(max)d characters.",
                                           max=SUBJECT_MAX))])
    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Write your message.")),
        Length(max=TEXT_MAX, message=_l("The message can have at most %(max)d characters.",
                                        max=TEXT_MAX))])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), validators=[
        DataRequired(_l("Write your reply.")),
        REPLY_LENGTH])


class PreferencesForm(FlaskForm):
    preferred_language = SelectField(_l("Language"))
    preferred_channel = SelectField(_l("How should the school contact you first?"),
                                    choices=list(CHANNELS.items()))


class ConsentForm(FlaskForm):
    purpose = HiddenField()
    grant = SubmitField(_l("I agree"))
    withdraw = SubmitField(_l("I do not agree"))
