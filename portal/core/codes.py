"""The stored codes people see (a channel, a status, a role) in the reader's language.

Every code the models define is here, so `make extract` finds each label; a code missing
from the list shows as plain words ("wrong_number" → "Wrong number"), untranslated, and a
test names it.
"""

from flask_babel import lazy_gettext as _l

CODE_LABELS = {
    # Roles
    "administrator": _l("Administrator"), "teacher": _l("Teacher"),
    "counsellor": _l("Counsellor"), "guardian": _l("Guardian"),
    # Risk levels
    "none": _l("None"), "watch": _l("Watch"), "high": _l("High"),
    # Channels, directions and outcomes of a contact
    "phone": _l("Phone"), "email": _l("Email"), "meeting": _l("Meeting"),
    "home_visit": _l("Home visit"), "note": _l("Note"), "message": _l("Message"),
    "sms": _l("SMS"), "video": _l("Video"), "in_person": _l("In person"),
    "outbound": _l("Outbound"), "inbound": _l("Inbound"), "internal": _l("Internal"),
    "reached": _l("Reached"), "meeting_held": _l("Meeting held"), "replied": _l("Replied"),
    "no_answer": _l("No answer"), "left_message": _l("Left message"),
    "wrong_number": _l("Wrong number"), "not_applicable": _l("Not applicable"),
    # Needs and families' requests
    "learning_support": _l("Learning support"), "health": _l("Health"),
    "language": _l("Language"), "social": _l("Social"), "financial": _l("Financial"),
    "other": _l("Other"), "open": _l("Open"), "in_progress": _l("In progress"),
    "resolved": _l("Resolved"), "declined": _l("Declined"), "request": _l("Request"),
    "question": _l("Question"), "complaint": _l("Complaint"), "compliment": _l("Compliment"),
    "new": _l("New"), "answered": _l("Answered"), "closed": _l("Closed"),
    # Attendance, work and programs
    "present": _l("Present"), "absent_excused": _l("Absent (excused)"),
    "absent_unexcused": _l("Absent (unexcused)"), "tardy": _l("Tardy"),
    "missing": _l("Missing"), "late": _l("Late"), "excused": _l("Excused"),
    "special_program": _l("Special program"), "tutoring": _l("Tutoring"), "club": _l("Club"),
    "sport": _l("Sport"),
    # Events, slots and answers
    "school_event": _l("School event"), "class_meeting": _l("Class meeting"),
    "conference": _l("Conference"), "parent_workshop": _l("Parent workshop"),
    "student_activity": _l("Student activity"), "booked": _l("Booked"),
    "blocked": _l("Blocked"), "held": _l("Held"), "no_show": _l("No show"),
    "cancelled": _l("Cancelled"), "yes": _l("Yes"), "no": _l("No"), "maybe": _l("Maybe"),
    # Updates, campaigns and deliveries
    "progress": _l("Progress"), "events": _l("Events"), "absence": _l("Absence"),
    "intervention": _l("Intervention"), "general": _l("General"), "urgent": _l("Urgent"),
    "draft": _l("Draft"), "scheduled": _l("Scheduled"), "sending": _l("Sending"),
    "sent": _l("Sent"), "sent_with_failures": _l("Sent with failures"),
    "stopped": _l("Stopped"), "queued": _l("Queued"), "failed": _l("Failed"),
    "alert": _l("Weekly family alert"), "held_back": _l("Held back by the weekly limit"),
    "immediate": _l("Immediately"), "daily": _l("Daily"), "never": _l("Never"),
    # Who may read a record; family relationships
    "staff": _l("Staff"), "family": _l("Family"), "mother": _l("Mother"),
    "father": _l("Father"), "parent": _l("Parent"), "grandparent": _l("Grandparent"),
    "foster_parent": _l("Foster parent"),
}


def label_of(code: str | None) -> str:
    """Return a stored code in words for people, in the current language."""
    if not code:
        return ""
    if code in CODE_LABELS:
        return str(CODE_LABELS[code])
    return code.replace("_", " ").capitalize()


def code_choices(codes) -> list[tuple[str, str]]:
    """Return (code, label) choices for a select field; the labels follow the language."""
    return [(code, CODE_LABELS.get(code, code)) for code in codes]


# Codes said inside a sentence ("Dora answered yes", "newly flagged (high)"): lower case,
# and lazy, so a notification reads them in its recipient's language.
SENTENCE_WORDS = {
    "yes": _l("yes"), "no": _l("no"), "maybe": _l("maybe"),
    "none": _l("none"), "watch": _l("watch"), "high": _l("high"),
    "request": _l("request"), "question": _l("question"), "complaint": _l("complaint"),
    "compliment": _l("compliment"),
}


def word_of(code: str | None):
    """Return a code as a lower-case word for a sentence (lazy: read in its reader's language)."""
    return SENTENCE_WORDS.get(code or "", code or "")
