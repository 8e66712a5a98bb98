"""The choices a guardian makes on the family pages, with their labels."""

from flask_babel import lazy_gettext as _l

FEEDBACK_KINDS = {
    "question": _l("A question"),
    "request": _l("A request"),
    "complaint": _l("A complaint"),
    "compliment": _l("A compliment"),
}

CHANNELS = {
    "email": _l("Email"),
    "sms": _l("Text message"),
    "phone": _l("Phone call"),
    "portal": _l("Only in the portal"),
}

CONSENT_PURPOSES = {
    "photos": _l("Photos of my child in school publications and on the school website"),
    "school_directory": _l("My contact details in the class contact list for other families"),
    "learning_tools": _l("Sharing my child's name and class with the school's online "
                         "learning tools"),
    "trips": _l("Local walking trips during school hours"),
}

# Codes stored by other features, in the words the family pages show them.
CODE_LABELS = {
    "feedback": {"new": _l("New"), "in_progress": _l("In progress"),
                 "answered": _l("Answered"), "closed": _l("Closed"), **FEEDBACK_KINDS},
    "attendance": {"present": _l("Present"), "absent_excused": _l("Absent (excused)"),
                   "absent_unexcused": _l("Absent (unexcused)"), "tardy": _l("Late")},
    "program": {"special_program": _l("Special program"), "tutoring": _l("Tutoring"),
                "club": _l("Club"), "sport": _l("Sport"), "other": _l("Other activity")},
    "contact": {"phone": _l("Phone call"), "email": _l("Email"), "meeting": _l("Meeting"),
                "home_visit": _l("Home visit"), "note": _l("Note"), "message": _l("Message"),
                "sms": _l("Text message"), "video": _l("Video call")},
    "rsvp": {"yes": _l("Coming"), "no": _l("Not coming"), "maybe": _l("Maybe"),
             "waitlisted": _l("On the waiting list")},
}


def label_of(group: str, code: str | None) -> str:
    """Return the family-facing words for a stored code (the code itself when unknown)."""
    return str(CODE_LABELS[group].get(code, code or ""))
