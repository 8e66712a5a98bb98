"""Signals features send so others (audit, risk, messaging) can react without imports."""

from blinker import Namespace

portal_signals = Namespace()

# sender: the acting user (or None); kwargs: action ("create", "update", "delete"),
# object_type, object_id, student_id, school_id, changes ({field: [old, new]})
record_changed = portal_signals.signal("record-changed")
# sender: the acting user; kwargs: student
student_viewed = portal_signals.signal("student-viewed")
# sender: the user; kwargs: action ("login", "logout", "login_failed", "password_reset", ...)
account_event = portal_signals.signal("account-event")
# sender: the acting user (or None); kwargs: student_id — attendance, grades, behaviour,
# programs or interventions changed, so the risk engine recomputes that student
student_data_changed = portal_signals.signal("student-data-changed")
# sender: the acting user; kwargs: records (list of DailyAttendance just saved for a day)
attendance_recorded = portal_signals.signal("attendance-recorded")
# sender: None; kwargs: assessments (the RiskAssessments of one recompute whose students
# are newly flagged), so a counsellor hears of a whole recompute in one notice
students_flagged = portal_signals.signal("students-flagged")
# sender: the acting user (or None); kwargs: student_ids — students who left the school or
# were erased just now (by hand, by an import, by erasure), so features let go of what they
# still held for them (a conference booking)
students_left = portal_signals.signal("students-left")
# sender: the acting user (or None); kwargs: links — (guardian_id, student_id) pairs whose
# link ended just now (custody changed: by hand or by an import), student_id None for all the
# guardian's children (the guardian was erased or marked inactive), so features let go of what
# the guardian held for those children (a conference booking)
guardian_links_ended = portal_signals.signal("guardian-links-ended")
