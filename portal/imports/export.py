"""Write the roster as a OneRoster 1.1 CSV set (bulk: every active record, status left blank).

Records typed in by hand get a stable sourcedId made of their kind and id. Counsellors have
no OneRoster 1.1 role: they go out as teachers with `metadata.portal.role`, which the
importer reads back.
"""

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.extensions import db
from portal.people.models import (
    AcademicTerm,
    Course,
    District,
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)

HEADERS = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                        "parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
               "orgSourcedId,subjects,subjectCodes",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
               "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "users": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
             "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
             "password,metadata.portal.role",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
                   "userSourcedId,role,primary,beginDate,endDate",
    "demographics": "sourcedId,status,dateLastModified,birthDate",
}
STAFF_ROLES = {Role.TEACHER: "teacher", Role.COUNSELLOR: "teacher",
               Role.ADMINISTRATOR: "administrator"}
GUARDIAN_ROLES = {"guardian": "guardian", "other": "relative"}
GRADE_NAMES = {-1: "PK", 0: "KG"}


def sourced_id(item, kind: str) -> str:
    """Return the record's sourcedId, or a stable one made from its kind and id."""
    return item.sourced_id or f"portal-{kind}-{item.id}"


def grade_name(grade: int | None) -> str:
    """Return the CEDS grade of a grade level (9 → "09", 0 → "KG")."""
    return "" if grade is None else GRADE_NAMES.get(grade, f"{grade:02d}")


def _all(model, *conditions) -> list:
    """Return the model's rows (plain column values, attribute access) in id order."""
    table = model.__table__
    return list(db.session.execute(select(table).where(*conditions).order_by(table.c.id)))


def _by_id(model, *conditions) -> dict:
    return {row.id: row for row in _all(model, *conditions)}


def _org_rows() -> list[list]:
    rows = [[sourced_id(d, "district"), "", "", d.name, "district", "", ""]
            for d in _all(District)]
    districts = {d.id: sourced_id(d, "district") for d in _all(District)}
    rows += [[sourced_id(s, "school"), "", "", s.name, "school", "",
              districts.get(s.district_id, "")] for s in _all(School)]
    return rows


def _unique(rows: list[list]) -> list[list]:
    """Keep one row per sourcedId (a session or course shared by several schools)."""
    seen = {}
    for row in rows:
        seen.setdefault(row[0], row)
    return list(seen.values())


def _session_rows() -> list[list]:
    return _unique([[sourced_id(t, "term"), "", "", t.name, "term", t.starts_on.isoformat(),
                     t.ends_on.isoformat(), "", str(t.ends_on.year)] for t in _all(AcademicTerm)])


def _course_rows() -> list[list]:
    schools = {s.id: sourced_id(s, "school") for s in _all(School)}
    return _unique([[sourced_id(c, "course"), "", "", "", c.name, c.code, "",
                     schools[c.school_id], c.subject, ""] for c in _all(Course)])


def _section_schools() -> dict[int, str]:
    """Return each section's school as its sourcedId, by section id (through its term)."""
    schools = {s.id: sourced_id(s, "school") for s in _all(School)}
    terms = {t.id: schools[t.school_id] for t in _all(AcademicTerm)}
    return {s.id: terms[s.term_id] for s in _all(Section)}


def _class_rows() -> list[list]:
    courses = _by_id(Course)
    schools = _section_schools()
    terms = {t.id: sourced_id(t, "term") for t in _all(AcademicTerm)}
    rows = []
    for section in _all(Section):
        course = courses[section.course_id]
        rows.append([sourced_id(section, "section"), "", "", section.name,
                     grade_name(section.grade_level), sourced_id(course, "course"), "",
                     "scheduled", section.room or "", schools[section.id],
                     terms[section.term_id], course.subject, "", ""])
    return rows


def _user_rows() -> list[list]:
    schools = {s.id: sourced_id(s, "school") for s in _all(School)}
    districts = {d.id: sourced_id(d, "district") for d in _all(District)}
    guardians = _by_id(Guardian, Guardian.is_active.is_(True))
    students = _by_id(Student, Student.is_active.is_(True))
    guardians_of, children_of = defaultdict(list), defaultdict(list)
    for link in _all(StudentGuardian, StudentGuardian.is_active.is_(True)):
        if link.guardian_id in guardians:
            guardians_of[link.student_id].append(link)
        if link.student_id in students:
            children_of[link.guardian_id].append(link)
    rows = []
    for student in students.values():
        agents = [sourced_id(guardians[link.guardian_id], "guardian")
                  for link in guardians_of[student.id]]
        rows.append([sourced_id(student, "student"), "", "", "true", schools[student.school_id],
                     "student", "", "", student.first_name, student.last_name, "",
                     student.external_id or "", "", "", "", ",".join(agents),
                     grade_name(student.grade_level), "", ""])
    for guardian in guardians.values():
        mine = children_of[guardian.id]
        role = GUARDIAN_ROLES.get(mine[0].relationship_kind, "parent") if mine else "parent"
        rows.append([sourced_id(guardian, "guardian"), "", "", "true",
                     schools[guardian.school_id], role, "", "", guardian.first_name,
                     guardian.last_name, "", "", guardian.email or "", "", guardian.phone or "",
                     ",".join(sourced_id(students[link.student_id], "student") for link in mine),
                     "", "", ""])
    for user in _all(User, User.role.in_(Role.STAFF), User.is_active_account.is_(True)):
        first, _, last = user.full_name.partition(" ")
        org = schools.get(user.school_id) or districts.get(user.district_id, "")
        rows.append([sourced_id(user, "user"), "", "", "true", org, STAFF_ROLES[user.role],
                     user.email, "", first, last, "", "", user.email, "", "", "", "", "",
                     user.role])
    return rows


def _enrollment_rows() -> list[list]:
    schools = {s.id: sourced_id(s, "school") for s in _all(School)}
    students = _by_id(Student, Student.is_active.is_(True))
    sections = {s.id: sourced_id(s, "section") for s in _all(Section)}
    section_schools = _section_schools()
    rows = []
    for seat in _all(Enrollment):
        student = students.get(seat.student_id)
        if student is not None:
            rows.append([sourced_id(seat, "enrollment"), "", "", sections[seat.section_id],
                         schools[student.school_id], sourced_id(student, "student"), "student",
                         "false", seat.starts_on or "", seat.ends_on or ""])
    teachers = _by_id(User, User.is_active_account.is_(True))
    for section in _all(Section, Section.teacher_id.is_not(None)):
        if section.teacher_id in teachers:
            rows.append([f"{sections[section.id]}-teacher", "", "", sections[section.id],
                         section_schools[section.id],
                         sourced_id(teachers[section.teacher_id], "user"), "teacher", "true",
                         "", ""])
    return rows


def _demographic_rows() -> list[list]:
    return [[sourced_id(s, "student"), "", "", s.date_of_birth.isoformat()]
            for s in _all(Student, Student.is_active.is_(True), Student.date_of_birth.is_not(None))]


FILES = {"orgs": _org_rows, "academicSessions": _session_rows, "courses": _course_rows,
         "classes": _class_rows, "users": _user_rows, "enrollments": _enrollment_rows,
         "demographics": _demographic_rows}


def export_oneroster(*, directory: Path) -> dict[str, int]:
    """Write manifest.csv and one CSV per kind of record; return the rows written per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, build in FILES.items():
        rows = build()
        _write(directory / f"{name}.csv", HEADERS[name].split(","), rows)
        counts[name] = len(rows)
    manifest = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
    manifest += [[f"file.{name}", "bulk"] for name in FILES]
    manifest += [[f"file.{name}", "absent"] for name in ("resources", "classResources",
                                                        "courseResources", "categories",
                                                        "classresults", "lineItems", "results")]
    _write(directory / "manifest.csv", ["propertyName", "value"], manifest)
    return counts


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
