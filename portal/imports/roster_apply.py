"""Apply a parsed OneRoster set to the database, upserting by sourcedId: flush, never commit.

The dry run is this same run rolled back, so what it reports is exactly what an import
would change. Each step works out its changes in Python against the records loaded once
(roster_context) and writes them per table in bulk. Orgs, sessions, courses and classes are
here; people in roster_people.
"""

from collections.abc import Callable
from itertools import chain, count

from sqlalchemy import select

from portal.core.bulk import among
from portal.core.signals import guardian_links_ended, students_left
from portal.extensions import db
from portal.imports.oneroster import GUARDIAN_ROLES
from portal.imports.roster_context import Context, ImportSummary
from portal.imports.roster_enrollments import apply_enrollments
from portal.imports.roster_people import apply_users, email_of
from portal.imports.roster_records import Class, Roster
from portal.people.models import Course, Section

GRADE_NUMBERS = {"IT": -1, "PR": -1, "PK": -1, "TK": 0, "KG": 0}


def grade_number(grades: list[str]) -> int | None:
    """Return the number of the first grade ("09" → 9, "KG" → 0), None if there is none."""
    for grade in grades:
        if grade.upper() in GRADE_NUMBERS:
            return GRADE_NUMBERS[grade.upper()]
        if grade.isdecimal():  # "²" is a digit int() refuses; parse_grades checked the size
            return int(grade)
    return None


def apply_roster(roster: Roster, *, progress: Callable[[str, int, int], None] | None = None,
                 allowed_school_ids: set[int] | None = None,
                 district_id: int | None = None) -> ImportSummary:
    """Create, update and deactivate records to match the roster; raise ImportFailed if wrong.

    allowed_school_ids: when given, a set that names any other school is refused; with
    district_id too, new schools of that district are allowed and every org must stay in it.
    """
    db.session.flush()
    ctx = Context(roster=roster, progress=progress or (lambda *args: None))
    for step in (apply_orgs, apply_sessions, apply_courses, apply_classes):
        step(ctx)
        if step is apply_orgs and allowed_school_ids is not None:
            _refuse_other_schools(ctx, allowed_school_ids, district_id)
        ctx.fail_if_errors()
    apply_users(ctx)
    ctx.fail_if_errors()
    apply_enrollments(ctx)
    ctx.fail_if_errors()
    ctx.note_erased()
    db.session.expire_all()  # objects the session holds may have been written in bulk
    if ctx.left_student_ids:
        students_left.send(None, student_ids=sorted(ctx.left_student_ids))
    if ctx.ended_links:
        guardian_links_ended.send(None, links=sorted(ctx.ended_links,
                                                     key=lambda link: (link[0], link[1] or 0)))
    return ctx.summary


def apply_orgs(ctx: Context) -> None:
    """Districts first, then their schools; other kinds of org are not kept."""
    orgs = ctx.roster.orgs
    for org in (org for org in orgs if org.type == "district"):
        ctx.upsert("districts", ctx.districts, org.sourced_id, name=org.name)
    ctx.write("districts")
    for org in (org for org in orgs if org.type == "school"):
        district = ctx.districts.get(org.parent_id)
        ctx.upsert("schools", ctx.schools, org.sourced_id, name=org.name,
                   district_id=district["id"] if district else None)
    ctx.write("schools")
    ctx.imported_school_ids = {ctx.schools[org.sourced_id]["id"] for org in orgs
                               if org.type == "school"}
    ctx.progress("orgs.csv", len(orgs), len(orgs))


def _refuse_other_schools(ctx: Context, allowed: set[int], district_id: int | None) -> None:
    """Refuse a set that names, or would change a record of, a school the importing
    administrator does not administer: every file is checked, not only orgs.csv (a users-only
    delta names no org, yet its people may be another school's)."""
    def administered(school: dict | None) -> bool:
        return school is not None and (
            school["id"] in allowed or (district_id is not None and id(school) in ctx.created_now)
        ) and (district_id is None or school["district_id"] == district_id)

    def other(school_id: int | None) -> bool:  # a stored class's school
        return school_id is not None and school_id not in allowed

    def others(person: dict) -> bool:  # a stored person (or account) of another school
        if person.get("school_id") is not None:
            return person["school_id"] not in allowed
        return district_id is None or person.get("district_id") != district_id

    for org in ctx.roster.orgs:
        district = ctx.districts.get(org.sourced_id) if org.type == "district" else None
        if district is not None and district_id is not None and district["id"] != district_id:
            ctx.errors.append(org.row.error("sourcedId", "is a district you do not administer"))
        school = ctx.schools.get(org.sourced_id)
        if school is not None and not administered(school):
            ctx.errors.append(org.row.error("sourcedId", "is a school you do not administer"))
    for record, column in [*((cls, "schoolSourcedId") for cls in ctx.roster.classes),
                           *((seat, "schoolSourcedId") for seat in ctx.roster.enrollments)]:
        school = ctx.schools.get(record.school_id)
        if school is not None and not administered(school):
            ctx.errors.append(record.row.error(column, "is a school you do not administer"))
    section_schools = _section_schools([cls.sourced_id for cls in ctx.roster.classes])
    for cls in ctx.roster.classes:
        if other(section_schools.get(cls.sourced_id)):
            ctx.errors.append(cls.row.error("sourcedId", "is a class of a school you do not "
                                            "administer"))
    for user in ctx.roster.users:
        if any(not administered(ctx.schools[org]) for org in user.org_ids if org in ctx.schools):
            ctx.errors.append(user.row.error("orgSourcedIds", "names a school you do not "
                                             "administer"))
        adopted = ctx.accounts.get(email_of(user)) if user.role not in GUARDIAN_ROLES else None
        stored = [ctx.students.get(user.sourced_id), ctx.guardians.get(user.sourced_id),
                  ctx.staff.get(user.sourced_id),
                  adopted if adopted is not None and adopted["sourced_id"] is None else None]
        if any(others(record) for record in stored if record is not None):
            ctx.errors.append(user.row.error("sourcedId", "is a person of a school you do not "
                                             "administer"))


def _section_schools(sourced_ids: list[str]) -> dict[str, int]:
    """The school of each stored class (section) with one of these sourcedIds."""
    return dict(db.session.execute(
        select(Section.sourced_id, Course.school_id).join(Course, Course.id == Section.course_id)
        .where(among(Section.sourced_id, sourced_ids))).all()) if sourced_ids else {}


def apply_sessions(ctx: Context) -> None:
    """Update the terms already made from these sessions; new ones come with their classes."""
    sessions = {session.sourced_id: session for session in ctx.roster.sessions}
    for (_school_id, sourced_id), term in ctx.terms.items():
        session = sessions.get(sourced_id)
        if session is not None:
            ctx.save("terms", term, name=session.title, starts_on=session.starts_on,
                     ends_on=session.ends_on)
    ctx.write("terms")
    ctx.progress("academicSessions.csv", len(sessions), len(sessions))


def _school_term(ctx: Context, school_id: int, cls: Class) -> dict | None:
    sourced_id = cls.term_ids[0] if cls.term_ids else ""
    term = ctx.terms.get((school_id, sourced_id))
    if term is not None:
        return term
    session = ctx.file_sessions.get(sourced_id)
    model = session and {"name": session.title, "starts_on": session.starts_on,
                         "ends_on": session.ends_on}
    if model is None:
        other = next((t for (_, sid), t in ctx.terms.items() if sid == sourced_id), None)
        model = other and {"name": other["name"], "starts_on": other["starts_on"],
                           "ends_on": other["ends_on"]}
    if model is None:
        ctx.unknown(cls, "termSourcedIds", sourced_id, "academicSessions")
        return None
    return ctx.upsert("terms", ctx.terms, (school_id, sourced_id), school_id=school_id, **model)


def _course_values(ctx: Context, sourced_id: str) -> dict | None:
    course = ctx.file_courses.get(sourced_id)
    if course is not None:
        return {"name": course.title, "subject": course.subject, "code": course.code}
    other = next((c for (_, sid), c in ctx.courses.items() if sid == sourced_id), None)
    return other and {"name": other["name"], "subject": other["subject"], "code": other["code"]}


def _free_code(ctx: Context, school_id: int, code: str, sourced_id: str) -> str:
    """Return the course code; when it is empty or another course of the school has it, the
    sourcedId (cut to the column's 40 characters, with a number if that is taken too)."""
    candidates = chain([code] if code else [], [sourced_id[:40]],
                       (f"{sourced_id[:40 - len(str(n)) - 1]}~{n}" for n in count(2)))
    holders = ((candidate, ctx.course_codes.get((school_id, candidate)))
               for candidate in candidates)
    return next(candidate for candidate, holder in holders
                if holder is None or holder["sourced_id"] == sourced_id)


def _school_course(ctx: Context, school_id: int, sourced_id: str) -> dict | None:
    """Create or update the school's course once a run; later calls return it as it is."""
    key = (school_id, sourced_id)
    if key in ctx.courses_done:
        return ctx.courses.get(key)
    ctx.courses_done.add(key)
    course = ctx.courses.get(key)
    values = _course_values(ctx, sourced_id)
    if values is None:
        return course
    values["code"] = _free_code(ctx, school_id, values["code"], sourced_id)
    if course is not None and ctx.course_codes.get((school_id, course["code"])) is course:
        del ctx.course_codes[(school_id, course["code"])]
    course = ctx.upsert("courses", ctx.courses, key, school_id=school_id, **values)
    ctx.course_codes[(school_id, course["code"])] = course
    return course


def apply_courses(ctx: Context) -> None:
    """A school's own courses now; a district's courses in each school that teaches them."""
    for course in ctx.roster.courses:
        school_ids = {school_id for (school_id, sid) in ctx.courses if sid == course.sourced_id}
        own = ctx.schools.get(course.org_id)
        if own is not None:
            school_ids.add(own["id"])
        elif course.org_id not in ctx.districts:
            ctx.unknown(course, "orgSourcedId", course.org_id, "orgs")
        for school_id in sorted(school_ids):
            _school_course(ctx, school_id, course.sourced_id)
    ctx.write("courses")
    ctx.progress("courses.csv", len(ctx.roster.courses), len(ctx.roster.courses))


def apply_classes(ctx: Context) -> None:
    """Create or update a section for each class, in its school's term and course.

    A class listed as tobedeleted, or missing from a bulk file of its school, deactivates
    its section: grades and attendance stay, its teacher no longer sees it. The courses and
    terms the classes need are written first, then the sections in one go.
    """
    placed = []
    for cls in ctx.roster.classes:
        if not cls.active:
            if cls.sourced_id in ctx.sections:
                ctx.deactivate("sections", ctx.sections[cls.sourced_id])
            continue
        school = ctx.schools.get(cls.school_id)
        if school is None:
            ctx.unknown(cls, "schoolSourcedId", cls.school_id, "orgs")
            continue
        course = _school_course(ctx, school["id"], cls.course_id)
        term = _school_term(ctx, school["id"], cls)
        if course is None:
            ctx.unknown(cls, "courseSourcedId", cls.course_id, "courses")
        if course is not None and term is not None:
            placed.append((cls, course, term))
    ctx.write("courses", "terms")
    for cls, course, term in placed:
        ctx.upsert("sections", ctx.sections, cls.sourced_id, course_id=course["id"],
                   term_id=term["id"], name=cls.title, grade_level=grade_number(cls.grades),
                   room=cls.room or None, is_active=True)
    if ctx.roster.is_bulk("classes"):
        listed = {cls.sourced_id for cls in ctx.roster.classes}
        imported = ctx.imported_section_ids()
        for sourced_id, section in ctx.sections.items():
            if sourced_id not in listed and section["id"] in imported:
                ctx.deactivate("sections", section)
    ctx.write("sections")
    ctx.section_courses.update({s["id"]: s["course_id"] for s in ctx.sections.values()})
    ctx.progress("classes.csv", len(ctx.roster.classes), len(ctx.roster.classes))
