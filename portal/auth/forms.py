"""Forms for signing in, resetting a password and inviting people."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.core.fields import SelectField, as_id

MIN_PASSWORD_LENGTH = 10


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter your email address.")),
        Email(_l("That is not a valid email address.")), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("The password must be at least %(n)d characters.",
                          n=MIN_PASSWORD_LENGTH)),
    ])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same.")),
    ])


class InvitationForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter an email address.")),
        Email(_l("That is not a valid email address.")), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter the person's name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=[
        ("teacher", _l("Teacher")), ("counsellor", _l("Counsellor")),
        ("administrator", _l("Administrator")),
    ])
    # Asked of a district's administrator only (set_schools): staff work in one school.
    school_id = SelectField(_l("School"), coerce=as_id, validate_choice=True)

    def set_schools(self, schools: list) -> None:
        """Offer the inviting administrator's schools, or drop the question (their own)."""
        if schools:
            self.school_id.choices = [(school.id, school.name) for school in schools]
        else:
            del self.school_id
