"""Check a parsed OneRoster set as a whole: repeated records, references between files and
the addresses the portal will write to.

No Flask, no database: references into a delta file are checked by apply.
"""

from email_validator import EmailNotValidError, validate_email

from portal.imports.csvfiles import RowError
from portal.imports.roster_records import PLACEHOLDER_DOMAIN, Roster


def _repeated(records, key, column: str, reason: str) -> list[RowError]:
    """An error for each record whose key an earlier one has; reason is formatted with the
    record and the earlier one's line."""
    first, errors = {}, []
    for record in records:
        if key(record) in first:
            errors.append(record.row.error(column, reason.format(record=record,
                                                                 line=first[key(record)])))
        first.setdefault(key(record), record.row.line)
    return errors


def find_duplicates(roster: Roster) -> list[RowError]:
    """Return an error for each record that repeats an earlier one (sourcedId, a school's
    student number, a student's place in a class)."""
    errors = []
    for records in (roster.orgs, roster.sessions, roster.courses, roster.classes,
                    roster.users, roster.enrollments):
        errors += _repeated(records, lambda r: r.sourced_id, "sourcedId",
                            "duplicate sourcedId (first on line {line})")
    # A school's student numbers are its own, one a student.
    errors += _repeated([u for u in roster.users if u.role == "student" and u.identifier],
                        lambda u: (u.org_ids[0] if u.org_ids else "", u.identifier),
                        "identifier", "is another student's number too (line {line})")
    # One place a student in a class (an ended enrollment may stand beside the new one).
    errors += _repeated([e for e in roster.enrollments if e.role == "student" and e.active],
                        lambda e: (e.class_id, e.user_id), "userSourcedId",
                        "is enrolled in class {record.class_id} on line {line} too (one "
                        "enrollment per student and class)")
    return errors


def check_references(roster: Roster) -> list[RowError]:
    """Return an error for each reference into a bulk file that names no record of it."""
    known = {
        "orgs": {org.sourced_id for org in roster.orgs},
        "academicSessions": {session.sourced_id for session in roster.sessions},
        "courses": {course.sourced_id for course in roster.courses},
        "classes": {cls.sourced_id for cls in roster.classes},
        "users": {user.sourced_id for user in roster.users},
    }
    known = {target: ids for target, ids in known.items() if roster.is_bulk(target)}
    errors = []

    def check(record, column: str, target: str, ids) -> None:
        if target in known:
            for unknown in [value for value in ids if value and value not in known[target]]:
                errors.append(RowError(record.row.file, record.row.line, column, unknown,
                                       f"names no record of {target}.csv"))

    for org in roster.orgs:
        check(org, "parentSourcedId", "orgs", (org.parent_id,))
    for course in roster.courses:
        check(course, "orgSourcedId", "orgs", (course.org_id,))
    for cls in roster.classes:
        check(cls, "courseSourcedId", "courses", (cls.course_id,))
        check(cls, "schoolSourcedId", "orgs", (cls.school_id,))
        check(cls, "termSourcedIds", "academicSessions", cls.term_ids)
    for user in roster.users:
        check(user, "orgSourcedIds", "orgs", user.org_ids)
        check(user, "agentSourcedIds", "users", user.agent_ids)
    for enrollment in roster.enrollments:
        check(enrollment, "classSourcedId", "classes", (enrollment.class_id,))
        check(enrollment, "schoolSourcedId", "orgs", (enrollment.school_id,))
        check(enrollment, "userSourcedId", "users", (enrollment.user_id,))
    return errors


def check_emails(roster: Roster) -> list[RowError]:
    """Return an error for each staff member's or guardian's email that is not an address the
    portal could write to (its sign-in and invitation forms' rule); a student's is not kept,
    and a placeholder of our own export's (an account the file gave no address) stays one."""
    errors = []
    for user in roster.users:
        if (user.role == "student" or not user.email
                or user.email.lower().endswith(f"@{PLACEHOLDER_DOMAIN}")):
            continue
        try:
            validate_email(user.email, check_deliverability=False)
        except EmailNotValidError as refused:
            errors.append(user.row.error("email", f"is not an email address: {refused}"))
    return errors
