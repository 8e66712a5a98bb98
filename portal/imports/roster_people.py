"""Apply the people of a OneRoster set: students, staff, guardians and their links.

Guardians become Guardian records; one with an email gets a portal account that is not
activated (no password, no email sent): an administrator invites them later. Each kind of
record is worked out in Python against the records loaded once, then written in bulk.
"""

from collections import defaultdict

from portal.auth.models import Role
from portal.core.fields import HIGHEST_GRADE
from portal.imports.oneroster import GUARDIAN_ROLES
from portal.imports.roster_context import Context, search_names
from portal.imports.roster_records import PLACEHOLDER_DOMAIN, User
from portal.imports.roster_taken import EMAIL, STUDENT_NUMBER, refuse_taken
from portal.people.models import Guardian, Student

STAFF_ROLE = {"teacher": Role.TEACHER, "aide": Role.TEACHER, "proctor": Role.TEACHER,
              "counselor": Role.COUNSELLOR}
RELATIONSHIP = {"parent": "parent", "guardian": "guardian", "relative": "other"}


def _school(ctx: Context, user: User) -> dict | None:
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
    _refuse_taken(ctx)
    ctx.write("students", "staff")
    links = _links(ctx)
    children = defaultdict(list)
    for student_id, guardian_id in links:
        children[guardian_id].append(student_id)
    new_accounts = []
    for user in (u for u in users if u.role in GUARDIAN_ROLES):
        _apply_guardian(ctx, user, children[user.sourced_id], new_accounts)
    ctx.write("guardian accounts")
    for guardian, account in new_accounts:
        ctx.set_quietly("guardians", guardian, user_id=account["id"])
    ctx.write("guardians")
    _apply_links(ctx, links)
    if ctx.roster.is_bulk("users"):
        _deactivate_missing(ctx, {user.sourced_id for user in users})
    ctx.write("students", "guardians", "staff", "guardian links")
    ctx.progress("users.csv", len(users), len(users))


def _apply_student(ctx: Context, user: User, grade: int | None) -> None:
    if ctx.is_erased(user.sourced_id):  # their record stays as the erasure left it
        return
    student = ctx.students.get(user.sourced_id)
    if not user.active:
        if student is not None:
            ctx.deactivate("students", student)
        return
    school = _school(ctx, user)
    school_id = school["id"] if school else (student["school_id"] if student else None)
    if school_id is None:
        ctx.unknown(user, "orgSourcedIds", ",".join(user.org_ids), "orgs (a school)")
        return
    if grade is None and not user.grades and student is not None:
        grade = student["grade_level"]  # the file says nothing: the grade stays
    if grade is None:  # UG, Other, PS (postsecondary): the portal has no such grade level
        ctx.errors.append(user.row.error("grades", "names no grade level the portal keeps for "
                                         f"a student (KG, PK or a number up to {HIGHEST_GRADE})"))
        return
    values = {**_name(user), "school_id": school_id, "preferred_name": user.preferred_name or None,
              "external_id": user.identifier or None, "is_active": user.active,
              **ctx.ACTIVE_AGAIN, "grade_level": grade}
    if user.birth_date is not None:
        values["date_of_birth"] = user.birth_date
    student = ctx.upsert("students", ctx.students, user.sourced_id, **values)
    ctx.set_quietly("students", student, **search_names(Student, student))


def _refuse_taken(ctx: Context) -> None:
    """Name the student numbers and emails the file gives that another record keeps."""
    listed = [user for user in ctx.roster.users if user.active]
    named = refuse_taken(ctx, STUDENT_NUMBER, [
        (user, "identifier", ctx.students[user.sourced_id]) for user in listed
        if user.role == "student" and user.sourced_id in ctx.students], ctx.students.values())
    named += refuse_taken(ctx, EMAIL, [
        (user, "email" if user.email else "username", ctx.staff[user.sourced_id])
        for user in listed if user.role != "student" and user.role not in GUARDIAN_ROLES
        and user.sourced_id in ctx.staff], ctx.staff.values())
    if named:
        ctx.fail_if_errors()


def email_of(user: User) -> str:
    """The address a roster user's account has (a placeholder when the file gives none)."""
    address = user.email or (user.username if "@" in user.username else "")
    return (address or f"{user.sourced_id}@{PLACEHOLDER_DOMAIN}").strip().lower()


def _account(ctx: Context, user: User, email: str) -> dict | None:
    """Return the account with this sourcedId, or a hand-made staff account with its email
    to adopt (a family's account is never made a staff one). An email another rostered
    account keeps is named once every row is read (_refuse_taken): that one may be moving."""
    account = ctx.staff.get(user.sourced_id)
    if account is not None:
        return account
    other = ctx.accounts.get(email)
    if other is not None and other["role"] == Role.GUARDIAN:
        ctx.errors.append(user.row.error("email", "is a family's account in the portal"))
        return None
    return other if other is not None and other["sourced_id"] is None else None


def _staff_role(user: User) -> str:
    """Our export's own role column wins (counsellors); else the OneRoster role decides."""
    exported = user.row.extensions.get("metadata.portal.role", "")
    return exported if exported in Role.STAFF else STAFF_ROLE.get(user.role, Role.ADMINISTRATOR)


def _apply_staff(ctx: Context, user: User) -> None:
    email = email_of(user)
    school = _school(ctx, user)
    district = next((ctx.districts[o] for o in user.org_ids if o in ctx.districts), None)
    values = {"full_name": f"{user.given_name} {user.family_name}".strip(),
              "role": _staff_role(user),
              "school_id": school["id"] if school else None,
              "district_id": school["district_id"] if school else (district and district["id"]),
              "sourced_id": user.sourced_id}
    known_errors = len(ctx.errors)
    account = _account(ctx, user, email)
    if account is None:
        if user.active and len(ctx.errors) == known_errors:
            ctx.staff[user.sourced_id] = ctx.accounts[email] = ctx.create(
                "staff", email=email, **values, is_active_account=user.enabled)
        return
    if not user.active:
        ctx.deactivate("staff", account, "is_active_account")
        return
    if ctx.accounts.get(account["email"]) is account:
        del ctx.accounts[account["email"]]
    ctx.save("staff", account, email=email, is_active_account=user.enabled, **values)
    ctx.staff[user.sourced_id] = ctx.accounts[email] = account


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


def _apply_guardian(ctx: Context, user: User, children: list[str], new_accounts: list) -> None:
    if ctx.is_erased(user.sourced_id):  # their record stays as the erasure left it
        return
    guardian = ctx.guardians.get(user.sourced_id)
    if not user.active:
        if guardian is not None:
            ctx.deactivate("guardians", guardian)
        return
    school_id = next((ctx.students[s]["school_id"] for s in children if s in ctx.students), None)
    school = _school(ctx, user)
    school_id = school_id or (school and school["id"]) or (guardian and guardian["school_id"])
    if not school_id:
        ctx.unknown(user, "agentSourcedIds", ",".join(user.agent_ids), "users (a student)")
        return
    values = {**_name(user), "school_id": school_id, "email": user.email.lower() or None,
              "phone": user.phone or None}
    guardian = ctx.upsert("guardians", ctx.guardians, user.sourced_id, is_active=True,
                          **ctx.ACTIVE_AGAIN, **values)
    ctx.set_quietly("guardians", guardian, **search_names(Guardian, guardian))
    _guardian_account(ctx, guardian, new_accounts)


def _guardian_account(ctx: Context, guardian: dict, new_accounts: list) -> None:
    """Give a guardian with an email an account to be invited to later, never activated here."""
    if guardian.get("user_id") is not None or not guardian["email"]:
        return
    if guardian["email"] in ctx.accounts:
        ctx.summary.warnings.append(
            f"{guardian['email']} already has an account: guardian {guardian['sourced_id']} "
            "was given none.")
        return
    account = ctx.create("guardian accounts", email=guardian["email"],
                         full_name=f"{guardian['first_name']} {guardian['last_name']}",
                         role=Role.GUARDIAN, school_id=guardian["school_id"])
    ctx.accounts[guardian["email"]] = account
    new_accounts.append((guardian, account))


def _apply_links(ctx: Context, links: dict[tuple[str, str], str]) -> None:
    for (student_id, guardian_id), relationship in links.items():
        student, guardian = ctx.students.get(student_id), ctx.guardians.get(guardian_id)
        if student is None or guardian is None:
            continue  # a deactivated or unknown person: nothing to link
        pair = (student["id"], guardian["id"])
        link = ctx.links.get(pair)
        if link is None:
            ctx.links[pair] = ctx.create("guardian links", student_id=student["id"],
                                         guardian_id=guardian["id"],
                                         relationship_kind=relationship)
        else:
            ctx.save("guardian links", link, is_active=True, **ctx.ACTIVE_AGAIN)
    wanted = {(ctx.students[s]["id"], ctx.guardians[g]["id"]) for (s, g) in links
              if s in ctx.students and g in ctx.guardians}
    if ctx.roster.is_bulk("users"):
        rostered = {student["id"]: student["school_id"] for student in ctx.students.values()}
        for pair, link in ctx.links.items():
            if rostered.get(pair[0]) in ctx.imported_school_ids and pair not in wanted:
                ctx.deactivate("guardian links", link)
        return
    # A delta's row is the whole of that person: the links of a student or guardian it lists
    # with their agents end where the file no longer names them (custody changes).
    named = {ctx.students[u.sourced_id]["id"] for u in ctx.roster.users
             if u.role == "student" and u.agent_ids and u.sourced_id in ctx.students}
    naming = {ctx.guardians[u.sourced_id]["id"] for u in ctx.roster.users
              if u.role in GUARDIAN_ROLES and u.agent_ids and u.sourced_id in ctx.guardians}
    for pair, link in ctx.links.items():
        if (pair[0] in named or pair[1] in naming) and pair not in wanted:
            ctx.deactivate("guardian links", link)


def _deactivate_missing(ctx: Context, listed: set[str]) -> None:
    """In a bulk file, a rostered person of an imported school who is not listed has left."""
    schools = ctx.imported_school_ids
    for kind, people, attribute in (("students", ctx.students, "is_active"),
                                    ("guardians", ctx.guardians, "is_active"),
                                    ("staff", ctx.staff, "is_active_account")):
        for sourced_id, person in people.items():
            if sourced_id not in listed and person["school_id"] in schools:
                ctx.deactivate(kind, person, attribute)
