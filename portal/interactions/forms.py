"""The form to log (or edit) a contact with a family."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.codes import code_choices
from portal.core.fields import (
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    as_id,
    optional_id,
)
from portal.core.models import Visibility
from portal.interactions.models import Channel, Outcome
from portal.interactions.notes import NOTE_MAX_LENGTH
from portal.people.labels import guardian_label

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class InteractionForm(FlaskForm):
    channel = SelectField(_l("Channel"), choices=code_choices(Channel.ALL))
    direction = SelectField(_l("Direction"), choices=[
        ("outbound", _l("We contacted the family")), ("inbound", _l("The family contacted us")),
        ("internal", _l("Internal note"))])
    occurred_at = DateTimeLocalField(_l("Date and time"), format=DATETIME_FORMATS, validators=[
        DataRequired(_l("Enter the date and time as YYYY-MM-DD HH:MM."))])
    # Choices are checked by the service, which names the field and the reason.
    staff_ids = SelectMultipleField(_l("Staff who took part"), coerce=as_id, validate_choice=False)
    guardian_ids = SelectMultipleField(_l("Family members who took part"), coerce=as_id,
                                       validate_choice=False)
    summary = TextAreaField(_l("Summary"), validators=[
        DataRequired(_l("Write a short summary.")), Length(max=5000)])
    outcome = SelectField(_l("Outcome"), choices=[("", _l("—"))] + code_choices(Outcome.ALL))
    follow_up_due_on = DateField(_l("Follow-up due"), validators=[Optional()])
    follow_up_owner_id = SelectField(_l("Follow-up owner"), coerce=optional_id,
                                     validate_choice=False)
    visibility = SelectField(_l("Who may read it"), choices=[
        (Visibility.STAFF, _l("Staff only")), (Visibility.FAMILY, _l("Shared with the family"))])
    seen = HiddenField()  # the contact as an edit form was filled from (changes.version_of)

    def set_people(self, staff, guardian_links, owners) -> None:
        """Offer the school's staff as participants, the student's guardians (those whose
        link has ended only when already chosen), and the staff who may see the student as
        follow-up owners."""
        chosen = set(self.guardian_ids.data or [])
        self.staff_ids.choices = [(u.id, u.full_name) for u in staff]
        self.guardian_ids.choices = [(link.guardian.id, guardian_label(link.guardian, [link]))
                                     for link in guardian_links
                                     if link.is_active or link.guardian.id in chosen]
        self.follow_up_owner_id.choices = [(None, _l("Nobody"))] + [(u.id, u.full_name)
                                                                    for u in owners]



def interaction_form(student, guardian_links, *, author, interaction=None, **kwargs):
    """Build the interaction form for a student: their guardians and school's staff offered."""
    from portal.core.permissions import staff_who_may_see
    from portal.core.time import to_local, utcnow
    from portal.people.queries import staff_of_school

    zone = student.school.timezone
    moment = interaction.occurred_at if interaction else utcnow()
    defaults = {"occurred_at": to_local(moment, zone).replace(tzinfo=None, second=0,
                                                              microsecond=0)}
    if interaction is None:
        defaults["staff_ids"] = [author.id]
    form = InteractionForm(obj=interaction, data=defaults if interaction is None else None,
                           **kwargs)
    if interaction is not None and (not form.is_submitted() or "formdata" in kwargs):
        form.occurred_at.data = defaults["occurred_at"]  # filled from the record: local time
    form.set_people(staff_of_school(student.school_id), guardian_links, staff_who_may_see(
        student, kept=interaction.follow_up_owner_id if interaction else None))
    return form


class TeacherNoteForm(FlaskForm):
    """This week's one-line note to a student's family."""

    note = StringField(_l("What to work on this week"), validators=[
        DataRequired(_l("Write the note first.")),
        Length(max=NOTE_MAX_LENGTH, message=_l("Keep the note to %(count)d characters or fewer.",
                                               count=NOTE_MAX_LENGTH))])
