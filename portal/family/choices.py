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
