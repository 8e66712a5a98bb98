"""Apply the enrollments of a OneRoster set: students' seats in classes, classes' teachers.

Worked out in Python against the records loaded once (roster_context), then written in bulk.
"""

from portal.imports.roster_context import Context
from portal.imports.roster_records import Enrollment
from portal.imports.roster_taken import SEAT, refuse_taken


def apply_enrollments(ctx: Context) -> None:
    """Students take a seat in a section; a teacher enrollment makes the section's teacher."""
    enrollments = ctx.roster.enrollments
    listed_users = {user.sourced_id for user in ctx.roster.users}
    taught: set[int] = set()  # the sections this file gave their teacher
    section_schools = ctx.section_schools()
    for enrollment in sorted(enrollments, key=lambda e: (e.active, not e.primary)):
        section = ctx.sections.get(enrollment.class_id)
        if section is None:
            ctx.unknown(enrollment, "classSourcedId", enrollment.class_id, "classes")
        elif _not_the_class_school(ctx, enrollment, section_schools[section["id"]]):
            continue
        elif enrollment.role == "student":
            _apply_seat(ctx, enrollment, section, listed_users, section_schools[section["id"]])
        elif enrollment.role == "teacher":
            _apply_teacher(ctx, enrollment, section, listed_users, taught)
    if ctx.roster.is_bulk("enrollments"):
        _remove_unlisted_seats(ctx, {enrollment.sourced_id for enrollment in enrollments})
        _remove_unlisted_teachers(ctx, taught)
    _refuse_second_seats(ctx)
    ctx.write("enrollments", "sections")
    ctx.progress("enrollments.csv", len(enrollments), len(enrollments))


def _refuse_second_seats(ctx: Context) -> None:
    """Name an enrollment giving a student a place in a class that another seat, one the run
    does not end, still holds."""
    given = [(enrollment, "userSourcedId", ctx.enrollments[enrollment.sourced_id])
             for enrollment in ctx.roster.enrollments
             if enrollment.role == "student" and enrollment.active
             and enrollment.sourced_id in ctx.enrollments]
    if refuse_taken(ctx, SEAT, given, [*ctx.enrollments.values(), *ctx.seats.values()],
                    gone=ctx.pending["enrollments"].deleted):
        ctx.fail_if_errors()


def _remove_unlisted_seats(ctx: Context, listed: set[str]) -> None:
    """A seat of an imported school whose enrollment the bulk file no longer lists has ended.

    A seat taken over by a listed enrollment (same class and student, new sourcedId) stays.
    """
    imported = ctx.imported_section_ids()
    seats = {id(seat): seat for seat in ctx.enrollments.values()}
    for seat in seats.values():
        if seat["sourced_id"] not in listed and seat["section_id"] in imported:
            _remove_seat(ctx, seat)


def _remove_unlisted_teachers(ctx: Context, taught: set[int]) -> None:
    """A class of an imported school whose teacher enrollment the bulk file no longer lists
    has no teacher (until the roster names one). An ended class keeps who taught it."""
    imported = ctx.imported_section_ids()
    for section in ctx.sections.values():
        if section["id"] in imported and section["id"] not in taught and \
                section["teacher_id"] and section["is_active"]:
            ctx.save("sections", section, teacher_id=None)


def _school_names(ctx: Context) -> dict[int, str]:
    return {school["id"]: school["name"] for school in ctx.schools.values()}


def _not_the_class_school(ctx: Context, enrollment: Enrollment, school_id: int) -> bool:
    """Name an enrollment whose schoolSourcedId is not the school of its class (another
    school, a district, or no school at all)."""
    named = ctx.schools.get(enrollment.school_id)
    if named is not None and named["id"] == school_id:
        return False
    what = f"is {named['name']}" if named else "names no school of orgs.csv or the database"
    ctx.errors.append(enrollment.row.error("schoolSourcedId", (
        f"{what}; class {enrollment.class_id} is {_school_names(ctx).get(school_id)}'s")))
    return True


def _wrong_person(ctx: Context, enrollment: Enrollment, kind: str, people: dict,
                  listed_users: set[str]) -> bool:
    if enrollment.user_id in people:
        return False
    if ctx.is_erased(enrollment.user_id):
        return True  # erased at the school's request: never enrolled again
    if enrollment.user_id in ctx.students or enrollment.user_id in ctx.staff or \
            enrollment.user_id in ctx.guardians:
        ctx.errors.append(enrollment.row.error(
            "role", f"user {enrollment.user_id} is not a {kind}, so cannot be enrolled as one"))
    elif enrollment.user_id in listed_users:
        return True  # listed as tobedeleted: nothing to enrol
    else:
        ctx.unknown(enrollment, "userSourcedId", enrollment.user_id, "users")
    return True


def _remove_seat(ctx: Context, seat: dict) -> None:
    """An ended enrollment: the seat goes (the student's records keep their section)."""
    ctx.delete("enrollments", seat)
    ctx.enrollments.pop(seat["sourced_id"], None)
    pair = (seat["section_id"], seat["student_id"])
    if ctx.seats.get(pair) is seat:
        del ctx.seats[pair]
    ctx.summary.deactivated["enrollments"] += 1


def _other_school(ctx: Context, enrollment: Enrollment, student: dict,
                  school_id: int) -> bool:
    """Name a seat in a class of a school that is not the student's (the portal keeps one
    school a student; another school's teacher would see a student who is not theirs)."""
    if student["school_id"] == school_id:
        return False
    names = _school_names(ctx)
    ctx.errors.append(enrollment.row.error("classSourcedId", (
        f"is a class of {names.get(school_id)}, and student {enrollment.user_id} is "
        f"{names.get(student['school_id'])}'s (a student takes their own school's classes)")))
    return True


def _apply_seat(ctx: Context, enrollment: Enrollment, section: dict, listed_users: set[str],
                school_id: int) -> None:
    if _wrong_person(ctx, enrollment, "student", ctx.students, listed_users):
        return
    if enrollment.sourced_id in ctx.erased_seats:
        ctx.errors.append(enrollment.row.error("sourcedId", (
            "is the enrollment of a student erased at the school's request: give this one "
            "another sourcedId")))
        return
    seat = ctx.enrollments.get(enrollment.sourced_id)
    if not enrollment.active:
        if seat is not None:
            _remove_seat(ctx, seat)
        return
    student = ctx.students[enrollment.user_id]
    if _other_school(ctx, enrollment, student, school_id):
        return
    pair = (section["id"], student["id"])
    values = {"section_id": section["id"], "student_id": student["id"],
              "starts_on": enrollment.starts_on, "ends_on": enrollment.ends_on}
    seat = seat or ctx.seats.get(pair)
    if seat is None:
        seat = ctx.create("enrollments", sourced_id=enrollment.sourced_id, **values)
    else:
        if ctx.seats.get((seat["section_id"], seat["student_id"])) is seat:
            del ctx.seats[(seat["section_id"], seat["student_id"])]
        ctx.save("enrollments", seat, sourced_id=enrollment.sourced_id, **values)
    ctx.seats[pair] = ctx.enrollments[enrollment.sourced_id] = seat


def _apply_teacher(ctx: Context, enrollment: Enrollment, section: dict,
                   listed_users: set[str], taught: set[int]) -> None:
    """Make the section's teacher the one the file names: the first of its teachers (primary
    ones come first). A bulk file names every class's teacher; a delta changes a class's
    other teacher only with a primary enrollment (the portal keeps one teacher a class)."""
    if _wrong_person(ctx, enrollment, "staff member", ctx.staff, listed_users):
        return
    teacher = ctx.staff[enrollment.user_id]
    if not enrollment.active:
        if section["teacher_id"] == teacher["id"]:
            ctx.save("sections", section, teacher_id=None)
        return
    if section["id"] in taught:
        return
    if ctx.roster.is_bulk("enrollments") or enrollment.primary or \
            section["teacher_id"] in (None, teacher["id"]):
        ctx.save("sections", section, teacher_id=teacher["id"])
        taught.add(section["id"])
