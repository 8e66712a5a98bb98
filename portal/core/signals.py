"""Signals features send so others (audit, risk, messaging) can react without imports."""

from blinker import Namespace

portal_signals = Namespace()

# sender: the acting user (or None); kwargs: action, object_type, object_id, student_id,
# school_id, changes
record_changed = portal_signals.signal("record-changed")
# sender: the acting user; kwargs: student
student_viewed = portal_signals.signal("student-viewed")
# sender: the user; kwargs: action ("login", "logout", "login_failed", "password_reset")
account_event = portal_signals.signal("account-event")
# sender: None; kwargs: student_id — a student's attendance, grades or behaviour changed
student_data_changed = portal_signals.signal("student-data-changed")
