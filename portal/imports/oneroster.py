"""Parse and validate a OneRoster 1.1 or 1.2 CSV set into plain records: no Flask, no database.

References are checked against the files of the set when the file they point into is a
bulk file; in a delta the target may already be in the database, so apply checks those.
"""

from datetime import date, timedelta

from portal.core.time import utcnow
from portal.imports.csvfiles import (
    ImportFailed,
    Row,
    RowError,
    parse_bool,
    parse_date,
    parse_enum,
    parse_grades,
    parse_list,
    parse_status,
    read_rows,
)
from portal.imports.oneroster_checks import check_emails, check_references, find_duplicates
from portal.imports.roster_records import (
    Class,
    Course,
    Enrollment,
    Org,
    Roster,
    Session,
    User,
)

VERSIONS = ("1.1", "1.2")
MODES = ("bulk", "delta", "absent")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
# A session is at most a school year or a few; a longer one is a fault in the file (a term's
# weeks are the rows of its charts and analyses).
LONGEST_SESSION = timedelta(days=5 * 366)
GUARDIAN_ROLES = ("guardian", "parent", "relative")
STAFF_ROLES = ("administrator", "aide", "proctor", "teacher", "counselor", "principal",
               "districtAdministrator", "siteAdministrator", "systemAdministrator")
USER_ROLES = ("student", *GUARDIAN_ROLES, *STAFF_ROLES)
ENROLLMENT_ROLES = ("student", "teacher", "aide", "proctor", "administrator")
REQUIRED = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"),
    "users": ("sourcedId", "givenName", "familyName"),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    "demographics": ("sourcedId",),
    "roles": ("userSourcedId", "role", "orgSourcedId"),
}
OPTIONAL_FILES = ("demographics", "roles")


def read_manifest(files: dict[str, bytes]) -> tuple[str, dict[str, str]]:
    """Return the OneRoster version and each file's mode; no manifest: 1.1, files present bulk."""
    if "manifest.csv" not in files:
        return "1.1", {name: "bulk" if f"{name.lower()}.csv" in files else "absent"
                       for name in REQUIRED}
    rows = read_rows("manifest.csv", files["manifest.csv"], required=("propertyName", "value"))
    properties = {row.get("propertyName").lower(): row for row in rows}
    version_row = properties.get("oneroster.version")
    version = version_row.get("value") if version_row else "1.1"
    if version not in VERSIONS:
        raise ImportFailed([version_row.error(
            "value", f"OneRoster version {version} is not supported: this importer reads "
                     f"OneRoster {' and '.join(VERSIONS)} CSV")])
    modes = {}
    for name in REQUIRED:
        row = properties.get(f"file.{name.lower()}")
        modes[name] = parse_enum(row, "value", MODES) if row else "absent"
    return version, modes


def parse_roster(files: dict[str, bytes]) -> Roster:
    """Parse and check a whole set; raise ImportFailed listing every problem found."""
    version, modes = read_manifest(files)
    roster = Roster(version=version, modes=modes)
    errors: list[RowError] = []
    rows = {}
    for name, mode in modes.items():
        data = files.get(f"{name.lower()}.csv")
        if mode == "absent":
            continue
        if data is None:
            errors.append(RowError("manifest.csv", 0, f"file.{name}", mode,
                                   f"{name}.csv is listed as {mode} but is not in the set"))
            continue
        try:
            rows[name] = read_rows(f"{name}.csv", data, required=_required(name, version))
        except ImportFailed as failed:
            errors.extend(failed.errors)
    if errors:
        raise ImportFailed(errors)
    for name, reader, target in READERS:
        getattr(roster, target).extend(_each(rows.get(name, []), reader, errors))
    _apply_roles(roster, rows.get("roles", []), errors)
    _apply_demographics(roster, rows.get("demographics", []), errors)
    errors.extend(find_duplicates(roster))
    errors.extend(check_references(roster))
    errors.extend(check_emails(roster))
    if errors:
        raise ImportFailed(errors)
    return roster


def _required(name: str, version: str) -> tuple[str, ...]:
    if name == "users" and version == "1.1":
        return (*REQUIRED["users"], "role", "orgSourcedIds")
    return REQUIRED[name]


def _each(rows: list[Row], reader, errors: list[RowError]) -> list:
    records = []
    for row in rows:
        try:
            records.append(reader(row))
        except ImportFailed as failed:
            errors.extend(failed.errors)
    return records


# What the portal keeps of each text, by file (the lengths of the columns they go to,
# portal/people/models.py and portal/auth/models.py): a longer one is named, not cut.
LONGEST = {
    "orgs": {"name": 200},
    "academicsessions": {"title": 100},
    "courses": {"title": 200, "courseCode": 40},
    "classes": {"title": 100, "location": 50},
    "users": {"givenName": 100, "familyName": 100, "preferredFirstName": 100,
              "preferredGivenName": 100, "identifier": 64, "email": 254, "phone": 40,
              "sms": 40},
}


def _base(row: Row) -> dict:
    if not row.get("sourcedId"):
        raise ImportFailed([row.error("sourcedId", "is required")])
    longest = {"sourcedId": 255, **LONGEST.get(row.file.lower().removesuffix(".csv"), {})}
    too_long = [row.error(column, f"is longer than {length} characters")
                for column, length in longest.items() if len(row.get(column)) > length]
    if too_long:
        raise ImportFailed(too_long)
    return {"sourced_id": row.get("sourcedId"), "active": parse_status(row), "row": row}


def _org(row: Row) -> Org:
    return Org(**_base(row), name=row.get("name"), type=parse_enum(row, "type", ORG_TYPES),
               parent_id=row.get("parentSourcedId"))


def _session(row: Row) -> Session:
    session = Session(**_base(row), title=row.get("title"),
                      type=parse_enum(row, "type", SESSION_TYPES),
                      starts_on=parse_date(row, "startDate", required=True),
                      ends_on=parse_date(row, "endDate", required=True))
    if session.ends_on < session.starts_on:
        raise ImportFailed([row.error("endDate", "is before startDate")])
    if session.ends_on - session.starts_on > LONGEST_SESSION:
        raise ImportFailed([row.error("endDate", "is more than five years after startDate")])
    return session


def _course(row: Row) -> Course:
    return Course(**_base(row), title=row.get("title"), code=row.get("courseCode"),
                  org_id=row.get("orgSourcedId"), subject=(parse_list(row, "subjects") or [""])[0])


def _class(row: Row) -> Class:
    return Class(**_base(row), title=row.get("title"), course_id=row.get("courseSourcedId"),
                 school_id=row.get("schoolSourcedId"), term_ids=parse_list(row, "termSourcedIds"),
                 grades=parse_grades(row, "grades"), room=row.get("location"))


# An account's full name is "givenName familyName" (portal/auth/models.py keeps 200).
LONGEST_FULL_NAME = 200


def _user(row: Row) -> User:
    base = _base(row)
    if len(f"{row.get('givenName')} {row.get('familyName')}") > LONGEST_FULL_NAME:
        raise ImportFailed([row.error(
            "familyName", f"with givenName is longer than {LONGEST_FULL_NAME} characters")])
    return User(**base, role=parse_enum(row, "role", USER_ROLES) if "role" in row.values
                else "", enabled=parse_bool(row, "enabledUser", default=True),
                org_ids=parse_list(row, "orgSourcedIds"), given_name=row.get("givenName"),
                family_name=row.get("familyName"),
                preferred_name=row.get("preferredFirstName") or row.get("preferredGivenName"),
                identifier=row.get("identifier"), email=row.get("email"),
                username=row.get("username"), phone=row.get("phone") or row.get("sms"),
                agent_ids=parse_list(row, "agentSourcedIds"), grades=parse_grades(row, "grades"))


def _enrollment(row: Row) -> Enrollment:
    enrollment = Enrollment(
        **_base(row), class_id=row.get("classSourcedId"), school_id=row.get("schoolSourcedId"),
        user_id=row.get("userSourcedId"), role=parse_enum(row, "role", ENROLLMENT_ROLES),
        primary=parse_bool(row, "primary", default=False),
        starts_on=parse_date(row, "beginDate"), ends_on=parse_date(row, "endDate"))
    if enrollment.starts_on and enrollment.ends_on and enrollment.ends_on < enrollment.starts_on:
        raise ImportFailed([row.error("endDate", "is before beginDate")])
    return enrollment


READERS = (("orgs", _org, "orgs"), ("academicSessions", _session, "sessions"),
           ("courses", _course, "courses"), ("classes", _class, "classes"),
           ("users", _user, "users"), ("enrollments", _enrollment, "enrollments"))


def _apply_roles(roster: Roster, rows: list[Row], errors: list[RowError]) -> None:
    """OneRoster 1.2: a user's role and orgs come from roles.csv, the primary role first.

    Only a role held today counts (active, begun, not ended); a user whose roles are all
    past, future or tobedeleted is imported as inactive, as one listed tobedeleted."""
    users = {user.sourced_id: user for user in roster.users}
    today, ended = utcnow().date(), {}
    for row in sorted(rows, key=lambda r: r.get("roleType").lower() != "primary"):
        try:
            role, held = parse_enum(row, "role", USER_ROLES), _held_on(row, today)
        except ImportFailed as failed:
            errors.extend(failed.errors)
            continue
        user = users.get(row.get("userSourcedId"))
        if user is None:
            errors.append(row.error("userSourcedId", "is not a user of users.csv"))
        elif not held:
            ended.setdefault(user.sourced_id, role)
        else:
            user.role = user.role or role
            if row.get("orgSourcedId") not in user.org_ids:
                user.org_ids.append(row.get("orgSourcedId"))
    for user in roster.users:
        if not user.role and user.sourced_id in ended:
            user.role, user.active = ended[user.sourced_id], False
        if not user.role:
            errors.append(user.row.error("role", "the user has no role (users.csv or roles.csv)"))


def _held_on(row: Row, today: date) -> bool:
    """Whether a roles.csv row is a role held today: active, begun and not yet ended."""
    begins, ends = parse_date(row, "beginDate"), parse_date(row, "endDate")
    if begins and ends and ends < begins:
        raise ImportFailed([row.error("endDate", "is before beginDate")])
    return parse_status(row) and (begins or today) <= today <= (ends or today)


def _apply_demographics(roster: Roster, rows: list[Row], errors: list[RowError]) -> None:
    users = {user.sourced_id: user for user in roster.users}
    for row in rows:
        try:
            birth_date = parse_date(row, "birthDate")
        except ImportFailed as failed:
            errors.extend(failed.errors)
            continue
        if row.get("sourcedId") in users:
            users[row.get("sourcedId")].birth_date = birth_date
