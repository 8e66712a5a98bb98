"""The student list as CSV (pure: rows in, text out)."""

import csv
import io

from portal.core.text import spreadsheet_safe

HEADER = ("student_id", "last_name", "first_name", "grade_level", "risk_level",
          "attendance_rate", "last_family_contact", "open_needs")


def students_csv(rows) -> str:
    """Return the student list rows (student, risk, rate, last contact, open needs) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for student, risk_level, rate, last_contact, open_needs in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in (
            student.external_id or student.id, student.last_name,
            student.preferred_name or student.first_name, student.grade_level,
            risk_level or "not_assessed", "" if rate is None else f"{rate:.1f}",
            last_contact.date().isoformat() if last_contact else "", open_needs,
        )])
    return out.getvalue()
