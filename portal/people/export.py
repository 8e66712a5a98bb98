"""The student list as CSV (pure: rows in, text out)."""

import csv
import io

HEADER = ("student_id", "last_name", "first_name", "grade_level", "risk_level",
          "attendance_rate", "last_family_contact", "open_needs")


def students_csv(rows) -> str:
    """Return the student list rows (student, risk, rate, last contact, open needs) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for student, risk_level, rate, last_contact, open_needs in rows:
        writer.writerow([
            student.external_id or student.id, _safe(student.last_name),
            _safe(student.preferred_name or student.first_name), student.grade_level,
            risk_level or "not_assessed", "" if rate is None else f"{rate:.1f}",
            last_contact.date().isoformat() if last_contact else "", open_needs,
        ])
    return out.getvalue()


def _safe(text: str) -> str:
    """Keep spreadsheet programs from running a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
