"""Apply the people of a OneRoster set: students, staff, guardians, their links, enrollments.

Guardians become Guardian records; one with an email gets a portal account that is not
activated (no password, no email sent): an administrator invites them later.
"""

from sqlalchemy import select

from portal.auth.models import Role
from portal.auth.models import User as Account
from portal.extensions import db
from portal.imports.oneroster import GUARDIAN_ROLES
from portal.imports.roster_context import Context
from portal.imports.roster_records import Enrollment, User
from portal.people.models import Enrollment as Seat
from portal.people.models import Guardian, School, Section, Student, StudentGuardian

STAFF_ROLE = {"teacher": Role.TEACHER, "aide": Role.TEACHER, "proctor": Role.TEACHER,
              "counselor": Role.COUNSELLOR}
RELATIONSHIP = {"parent": "parent", "guardian": "guardian", "relative": "other"}
PLACEHOLDER_DOMAIN = "oneroster.invalid"


def _school(ctx: Context, user: User) -> School | None:
    return next((ctx.schools[org] for org in user.org_ids if org in ctx.schools), None)


def _name(user: User) -> dict:
    return {"first_name": user.given_name, "last_name": user.family_name}


def apply_users(ctx: Context) -> None:
    """Students, then staff, then guardians (who take the school of their first child)."""
    from portal.imports.roster_apply import grade_number

    users = ctx.roster.users
    for done, user in enumerate(users, start=1):
        if user.role == "student":
            _apply_student(ctx, user, grade_number(user.grades))
        elif user.role not in GUARDIAN_ROLES:
            _apply_staff(ctx, user)
        if done % 500 == 0:
            ctx.progress("users.csv", done, len(users))
    db.session.flush()
    links = _links(ctx)
    for user in (u for u in users if u.role in GUARDIAN_ROLES):
        _apply_guardian(ctx, user, links)
    _apply_links(ctx, links)
    if ctx.roster.is_bulk("users"):
        _deactivate_missing(ctx, {user.sourced_id for user in users})
    db.session.flush()
    ctx.progress("users.csv", len(users), len(users))


def _apply_student(ctx: Context, user: User, grade: int | None) -> None:
    student = ctx.students.get(user.sourced_id)
    if not user.active:
        if student is not None:
            ctx.deactivate("students", student)
        return
    school = _school(ctx, user) or (student.school if student else None)
    if school is None:
        ctx.unknown(user, "orgSourcedIds", ",".join(user.org_ids), "orgs (a school)")
        return
    values = {**_name(user), "school_id": school.id, "preferred_name": user.preferred_name or None,
              "external_id": user.identifier or None, "is_active": user.active,
              "grade_level": grade if grade is not None else (student.grade_level if student
                                                                 else 0)}
    if user.birth_date is not None:
        values["date_of_birth"] = user.birth_date
    student = ctx.upsert("students", Student, ctx.students, user.sourced_id, **values)
    student.refresh_search_name()


def _email(user: User) -> str:
    address = user.email or (user.username if "@" in user.username else "")
    return (address or f"{user.sourced_id}@{PLACEHOLDER_DOMAIN}").strip().lower()


def _account(ctx: Context, user: User, email: str) -> Account | None:
    """Return the account with this sourcedId, or a hand-made one with its email to adopt."""
    account = ctx.staff.get(user.sourced_id)
    if account is not None:
        return account
    other = db.session.scalar(select(Account).where(Account.email == email))
    if other is not None and other.sourced_id is None:
        return other
    if other is not None:
        ctx.errors.append(user.row.error("email", f"already belongs to user {other.sourced_id}"))
    return None


def _staff_role(user: User) -> str:
    """Our export's own role column wins (counsellors); else the OneRoster role decides."""
    exported = user.row.extensions.get("metadata.portal.role", "")
    return exported if exported in Role.STAFF else STAFF_ROLE.get(user.role, Role.ADMINISTRATOR)


def _apply_staff(ctx: Context, user: User) -> None:
    email = _email(user)
    school = _school(ctx, user)
    district = next((ctx.districts[o] for o in user.org_ids if o in ctx.districts), None)
    values = {"full_name": f"{user.given_name} {user.family_name}".strip(),
              "role": _staff_role(user),
              "school_id": school.id if school else None,
              "district_id": school.district_id if school else (district and district.id),
              "sourced_id": user.sourced_id}
    known_errors = len(ctx.errors)
    account = _account(ctx, user, email)
    if account is None:
        if user.active and len(ctx.errors) == known_errors:
            ctx.staff[user.sourced_id] = ctx.create("staff", Account, email=email, **values,
                                                    is_active_account=user.enabled)
        return
    if not user.active:
        ctx.deactivate("staff", account, "is_active_account")
        return
    ctx.save("staff", account, email=email, is_active_account=user.enabled, **values)
    ctx.staff[user.sourced_id] = account


def _links(ctx: Context) -> dict[tuple[str, str], str]:
    """Return (student, guardian) → relationship, from the agentSourcedIds of either side."""
    roles = {user.sourced_id: user.role for user in ctx.roster.users}
    links = {}
    for user in ctx.roster.users:
        for agent in user.agent_ids:
            if user.role in GUARDIAN_ROLES:
                links[(agent, user.sourced_id)] = RELATIONSHIP[user.role]
            elif user.role == "student" and roles.get(agent, "parent") in GUARDIAN_ROLES:
                links.setdefault((user.sourced_id, agent), RELATIONSHIP[roles.get(agent, "parent")])
    return links


def _apply_guardian(ctx: Context, user: User, links: dict) -> None:
    guardian = ctx.guardians.get(user.sourced_id)
    if not user.active:
        if guardian is not None:
            ctx.deactivate("guardians", guardian)
        return
    children = [ctx.students.get(s) for (s, g) in links if g == user.sourced_id]
    school = next((child.school for child in children if child is not None), None)
    school = school or _school(ctx, user) or (guardian.school if guardian else None)
    if school is None:
        ctx.unknown(user, "agentSourcedIds", ",".join(user.agent_ids), "users (a student)")
        return
    values = {**_name(user), "school_id": school.id, "email": user.email.lower() or None,
              "phone": user.phone or None}
    guardian = ctx.upsert("guardians", Guardian, ctx.guardians, user.sourced_id,
                          is_active=True, **values)
    guardian.refresh_search_name()
    _guardian_account(ctx, guardian)


def _guardian_account(ctx: Context, guardian: Guardian) -> None:
    """Give a guardian with an email an account to be invited to later, never activated here."""
    if guardian.user_id is not None or guardian.user is not None or not guardian.email:
        return
    if db.session.scalar(select(Account.id).where(Account.email == guardian.email)):
        ctx.summary.warnings.append(
            f"{guardian.email} already has an account: guardian {guardian.sourced_id} "
            "was given none.")
        return
    guardian.user = ctx.create("guardian accounts", Account, email=guardian.email,
                               full_name=guardian.display_name, role=Role.GUARDIAN,
                               school_id=guardian.school_id)


def _apply_links(ctx: Context, links: dict[tuple[str, str], str]) -> None:
    db.session.flush()
    for (student_id, guardian_id), relationship in links.items():
        student, guardian = ctx.students.get(student_id), ctx.guardians.get(guardian_id)
        if student is None or guardian is None:
            continue  # a deactivated or unknown person: nothing to link
        link = db.session.scalar(select(StudentGuardian).where(
            StudentGuardian.student_id == student.id, StudentGuardian.guardian_id == guardian.id))
        if link is None:
            ctx.create("guardian links", StudentGuardian, student_id=student.id,
                       guardian_id=guardian.id, relationship_kind=relationship)
        else:
            ctx.save("guardian links", link, is_active=True)
    if ctx.roster.is_bulk("users"):
        wanted = {(ctx.students[s].id, ctx.guardians[g].id) for (s, g) in links
                  if s in ctx.students and g in ctx.guardians}
        for link in db.session.scalars(select(StudentGuardian).join(Student).where(
                Student.school_id.in_(ctx.imported_school_ids),
                Student.sourced_id.is_not(None))):
            if (link.student_id, link.guardian_id) not in wanted:
                ctx.deactivate("guardian links", link)


def _deactivate_missing(ctx: Context, listed: set[str]) -> None:
    """In a bulk file, a rostered person of an imported school who is not listed has left."""
    schools = ctx.imported_school_ids
    for kind, people, attribute in (("students", ctx.students, "is_active"),
                                    ("guardians", ctx.guardians, "is_active"),
                                    ("staff", ctx.staff, "is_active_account")):
        for sourced_id, person in people.items():
            if sourced_id not in listed and person.school_id in schools:
                ctx.deactivate(kind, person, attribute)


def apply_enrollments(ctx: Context) -> None:
    """Students take a seat in a section; a teacher enrollment makes the section's teacher."""
    enrollments = ctx.roster.enrollments
    for enrollment in sorted(enrollments, key=lambda e: (e.active, not e.primary)):
        section = ctx.sections.get(enrollment.class_id)
        if section is None:
            ctx.unknown(enrollment, "classSourcedId", enrollment.class_id, "classes")
        elif enrollment.role == "student":
            _apply_seat(ctx, enrollment, section)
        elif enrollment.role == "teacher":
            _apply_teacher(ctx, enrollment, section)
    if ctx.roster.is_bulk("enrollments"):
        listed = {enrollment.sourced_id for enrollment in enrollments}
        schools = ctx.imported_school_ids
        for sourced_id, seat in list(ctx.enrollments.items()):
            if sourced_id not in listed and seat.section.course.school_id in schools:
                _remove_seat(ctx, seat)
    db.session.flush()
    ctx.progress("enrollments.csv", len(enrollments), len(enrollments))


def _wrong_person(ctx: Context, enrollment: Enrollment, kind: str, people: dict) -> bool:
    if enrollment.user_id in people:
        return False
    if enrollment.user_id in ctx.students or enrollment.user_id in ctx.staff or \
            enrollment.user_id in ctx.guardians:
        ctx.errors.append(enrollment.row.error(
            "role", f"user {enrollment.user_id} is not a {kind}, so cannot be enrolled as one"))
    elif any(u.sourced_id == enrollment.user_id for u in ctx.roster.users):
        return True  # listed as tobedeleted: nothing to enrol
    else:
        ctx.unknown(enrollment, "userSourcedId", enrollment.user_id, "users")
    return True


def _remove_seat(ctx: Context, seat: Seat) -> None:
    """An ended enrollment: the seat goes (the student's records keep their section)."""
    db.session.delete(seat)
    ctx.enrollments.pop(seat.sourced_id, None)
    ctx.summary.deactivated["enrollments"] += 1


def _apply_seat(ctx: Context, enrollment: Enrollment, section: Section) -> None:
    if _wrong_person(ctx, enrollment, "student", ctx.students):
        return
    seat = ctx.enrollments.get(enrollment.sourced_id)
    if not enrollment.active:
        if seat is not None:
            _remove_seat(ctx, seat)
        return
    student = ctx.students[enrollment.user_id]
    values = {"section_id": section.id, "student_id": student.id,
              "starts_on": enrollment.starts_on, "ends_on": enrollment.ends_on}
    seat = seat or db.session.scalar(select(Seat).where(
        Seat.section_id == section.id, Seat.student_id == student.id))
    if seat is None:
        seat = ctx.create("enrollments", Seat, sourced_id=enrollment.sourced_id, **values)
    else:
        ctx.save("enrollments", seat, sourced_id=enrollment.sourced_id, **values)
    ctx.enrollments[enrollment.sourced_id] = seat


def _apply_teacher(ctx: Context, enrollment: Enrollment, section: Section) -> None:
    if _wrong_person(ctx, enrollment, "staff member", ctx.staff):
        return
    teacher = ctx.staff[enrollment.user_id]
    if not enrollment.active:
        if section.teacher_id == teacher.id:
            ctx.save("sections", section, teacher_id=None)
        return
    if section.teacher_id is None or enrollment.primary or section.teacher_id == teacher.id:
        ctx.save("sections", section, teacher_id=teacher.id)
