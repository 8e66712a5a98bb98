"""Forms of the event pages (times typed in the school's time zone)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.fields import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    as_id,
)
from portal.events.conferences import MODES, OUTCOMES
from portal.events.models import EventKind

KIND_LABELS = {
    "school_event": _l("School event"), "class_meeting": _l("Class or grade meeting"),
    "conference": _l("Parent–teacher conferences"), "parent_workshop": _l("Workshop for parents"),
    "student_activity": _l("Student activity"),
}
MODE_LABELS = {"in_person": _l("In person"), "phone": _l("Phone"), "video": _l("Video link")}
DATETIME = "%Y-%m-%dT%H:%M"


class EventForm(FlaskForm):
    booked_by_slot = EventKind.BOOKED_BY_SLOT  # no RSVP box nor capacity; a booking close
    kind = SelectField(_l("Kind"), choices=[(k, KIND_LABELS[k]) for k in EventKind.ALL])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    seen = HiddenField()  # the event as an edit form was filled from (changes.version_of)
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME, validators=[InputRequired()])
    whole_school = BooleanField(_l("Whole school"))
    grade_levels = SelectMultipleField(_l("Grade levels"), coerce=as_id, validate_choice=False)
    section_ids = SelectMultipleField(_l("Sections"), coerce=as_id, validate_choice=False)
    program_id = SelectField(_l("Program"), coerce=as_id, validate_choice=False, default=0)
    segment_id = SelectField(_l("A saved audience of this school"), coerce=as_id,
                             validate_choice=False, default=0)
    rsvp_requested = BooleanField(_l("Ask families to answer (RSVP)"))
    capacity = IntegerField(_l("Capacity (families)"), validators=[Optional()])
    booking_closes_at = DateTimeLocalField(_l("Conference booking closes"), format=DATETIME,
                                           validators=[Optional()])
    repeat = SelectField(_l("Repeats"), choices=[("", _l("Does not repeat")),
                                                ("weekly", _l("Every week")),
                                                ("monthly", _l("Every month"))], default="")
    repeat_until = DateField(_l("Repeat until"), validators=[Optional()])

    def audience(self) -> dict:
        """Return the audience as stored on the event."""
        return {"whole_school": bool(self.whole_school.data),
                "grade_levels": list(self.grade_levels.data or []),
                "section_ids": list(self.section_ids.data or []),
                "program_id": self.program_id.data or None,
                "segment_id": self.segment_id.data or None}

    def offers_rsvp(self) -> bool:
        """False for a kind families book by slot: the RSVP box and the capacity are neither
        shown nor sent (the booking close is, and only for such a kind)."""
        return self.kind.data not in EventKind.BOOKED_BY_SLOT


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Message to families (optional)"), validators=[Length(max=1000)])


class SlotPlanForm(FlaskForm):
    days = StringField(_l("Days (YYYY-MM-DD, separated by commas)"), validators=[DataRequired()])
    day_starts = TimeField(_l("First slot starts"), validators=[InputRequired()])
    day_ends = TimeField(_l("Last slot ends by"), validators=[InputRequired()])
    length_minutes = IntegerField(_l("Length of a slot (minutes)"), default=15,
                                  validators=[InputRequired(), NumberRange(5, 240)])
    break_minutes = IntegerField(_l("Break between slots (minutes)"), default=0,
                                 validators=[InputRequired(), NumberRange(0, 120)])
    mode = SelectField(_l("How"), choices=[(m, MODE_LABELS[m]) for m in MODES])
    location = StringField(_l("Room, phone number or video link"),
                           validators=[Optional(), Length(max=300)])


class BookOnBehalfForm(FlaskForm):
    slot_id = IntegerField(_l("Slot"), validators=[InputRequired()])
    student_id = IntegerField(_l("Child"), validators=[InputRequired()])
    guardian_id = IntegerField(_l("Guardian"), validators=[InputRequired()])


class MoveForm(FlaskForm):
    to_slot_id = SelectField(_l("Move to"), coerce=as_id, validate_choice=False)


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("What happened"), choices=[(o, o) for o in OUTCOMES])


class GuardianChoiceForm(FlaskForm):
    guardian_id = IntegerField(_l("Family"), validators=[InputRequired()])


def event_details(form: EventForm):
    """Return the EventDetails the form describes."""
    from portal.events.services import EventDetails

    return EventDetails(
        kind=form.kind.data, title=form.title.data, description=form.description.data or None,
        location=form.location.data or None, starts_local=form.starts_at.data,
        ends_local=form.ends_at.data, audience=form.audience(),
        rsvp_requested=bool(form.rsvp_requested.data), capacity=form.capacity.data,
        booking_closes_local=form.booking_closes_at.data)
