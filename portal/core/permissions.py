"""Who may see which student, in one place: every list and every load goes through here.

A teacher sees the students of their sections, a counsellor their caseload and the grade
levels they are assigned, an administrator their school (or district), a guardian only
their own linked children whose link allows receiving information and who are still at
school (not left, not erased: family_child_condition), and only records marked as shared
with the family. Messages about a child follow the same rule (guardian_may_be_told).

Who may change what (seeing a record is not enough to change it):
- a need: its owner, the staff member who recorded it, or an administrator of its school
  (status, owner, visibility, notes); other staff who see the student read it and add
  their notes as a contact on the student's page;
- a follow-up (an interaction's): its owner, the interaction's author, or an administrator
  of the school may close it; the interaction itself stays its author's or an administrator's.
"""

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true

from portal.auth.models import Role, User
from portal.core.models import Visibility
from portal.core.params import query_int
from portal.extensions import db
from portal.people.models import (
    CounsellorAssignment,
    Enrollment,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)


def _signed_in(user: User | None) -> bool:
    return bool(user) and user.is_authenticated and user.is_active


def visible_school_ids(user: User) -> Select:
    """Select the ids of the schools this user works in (or whose children they have)."""
    if not _signed_in(user):
        return select(School.id).where(false())
    if user.is_district_administrator:
        return select(School.id).where(School.district_id == user.district_id)
    if user.is_guardian:
        return select(Guardian.school_id).where(Guardian.user_id == user.id)
    return select(School.id).where(School.id == user.school_id)


def visible_schools(user: User) -> list[School]:
    """Return the schools this user works in, by name (a district administrator: the district's)."""
    return list(db.session.scalars(
        select(School).where(School.id.in_(visible_school_ids(user))).order_by(School.name)))


def chosen_school_id(user: User) -> int | None:
    """Read the school filter (?school_id=): one of the user's schools, or None for all of them.

    Any other school, in another district or nowhere, is a 404: the filter never widens a view.
    """
    school_id = query_int("school_id")
    if school_id is not None and school_id not in db.session.scalars(
            visible_school_ids(user)).all():
        abort(404)
    return school_id


def student_condition(user: User) -> ColumnElement[bool]:
    """Return the SQL condition on Student that keeps only students this user may see."""
    if not _signed_in(user):
        return false()
    if user.role == Role.ADMINISTRATOR:
        return Student.school_id.in_(visible_school_ids(user))
    if user.role == Role.TEACHER:
        taught = (
            select(Enrollment.student_id)
            .join(Section, Section.id == Enrollment.section_id)
            .where(Section.teacher_id == user.id, Section.is_active.is_(True))
        )
        return Student.id.in_(taught)
    if user.role == Role.COUNSELLOR:
        grade_levels = select(CounsellorAssignment.grade_level).where(
            CounsellorAssignment.counsellor_id == user.id,
            CounsellorAssignment.school_id == user.school_id,
        )
        return or_(
            and_(Student.counsellor_id == user.id, Student.school_id == user.school_id),
            and_(Student.school_id == user.school_id, Student.grade_level.in_(grade_levels)),
        )
    if user.role == Role.GUARDIAN:
        return Student.id.in_(guardian_child_ids(user))
    return false()


def informed_link_condition() -> ColumnElement[bool]:
    """Return the SQL condition on StudentGuardian keeping links that may carry information:
    the link allows it, it has not ended, and its guardian is still active."""
    return and_(StudentGuardian.may_receive_information.is_(true()),
                StudentGuardian.is_active.is_(true()),
                StudentGuardian.guardian_id.in_(select(Guardian.id).where(
                    Guardian.is_active.is_(true()))))


def at_school_condition() -> ColumnElement[bool]:
    """Return the SQL condition on Student keeping the children a family may still see: at
    school (not left) and not erased."""
    return and_(Student.is_active.is_(true()), Student.erased_at.is_(None))


def family_child_condition() -> ColumnElement[bool]:
    """Return the SQL condition on StudentGuardian joined to its Student that decides which
    children a guardian sees and is told about: the link may carry information (see
    informed_link_condition) and the child is at school, not erased."""
    return and_(informed_link_condition(), at_school_condition())


def guardian_child_ids(user: User) -> Select:
    """Select the ids of the children this guardian may see (family_child_condition)."""
    return (
        select(StudentGuardian.student_id)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(Guardian.user_id == user.id, family_child_condition())
    )


def guardian_may_be_told(guardian_id: int, student_id: int | None) -> bool:
    """Return True when a message about this student may go to this guardian: the guardian
    may see the child (family_child_condition; a message about no child in particular may go
    to any active guardian)."""
    if student_id is None:
        return bool(db.session.scalar(select(Guardian.is_active).where(
            Guardian.id == guardian_id)))
    return db.session.scalar(
        select(StudentGuardian.id).join(Student, Student.id == StudentGuardian.student_id)
        .where(StudentGuardian.guardian_id == guardian_id, StudentGuardian.student_id == student_id,
               family_child_condition())) is not None


def visible_student_ids(user: User, *, school_id: int | None = None) -> Select:
    """Select the ids of the students this user may see (in one of their schools, if given)."""
    stmt = select(Student.id).where(student_condition(user))
    return stmt if school_id is None else stmt.where(Student.school_id == school_id)


def on_student_row(student_ids: Select) -> ColumnElement[bool]:
    """Return the condition on a joined Student row that keeps the students a select of
    their ids keeps: that select's own conditions when it reads Student.id from the students
    alone (visible_student_ids and the filters added to it), so the database checks the rows
    it joined already instead of hashing every matching student for a semi-join (15 ms of a
    50,000-student district's dashboard); else `Student.id IN (student_ids)`."""
    columns = list(student_ids.selected_columns)
    plain = (student_ids.get_final_froms() == [Student.__table__] and len(columns) == 1
             and columns[0].compare(Student.__table__.c.id)
             and student_ids._limit_clause is None and student_ids._offset_clause is None
             and not student_ids._group_by_clauses and not student_ids._distinct)
    if not plain:
        return Student.id.in_(student_ids)
    return true() if student_ids.whereclause is None else student_ids.whereclause


def visible_grade_levels(user: User, *, school_id: int | None = None) -> list[int]:
    """Return, in order, the grade levels of the students this user may see (in one of their
    schools, if given): read from the students' own rows, as `id IN (visible ids)` cost ~25
    ms at a school of 1,500 and ~30 ms across a 50,000-student district. An administrator
    sees whole schools: their levels are stepped through, school by school."""
    if _signed_in(user) and user.role == Role.ADMINISTRATOR:
        schools = visible_school_ids(user)
        if school_id is not None:
            schools = schools.where(School.id == school_id)
        return _schools_grade_levels(schools)
    return list(db.session.scalars(
        visible_student_ids(user, school_id=school_id)
        .with_only_columns(Student.grade_level).distinct().order_by(Student.grade_level)))


def _schools_grade_levels(school_ids: Select) -> list[int]:
    """Return, in order, the grade levels of these schools' students, each school's found by
    stepping its (school, grade level) index from one level to the next: a few index probes
    a school, where reading every student's level took 11 ms across a 50,000-student
    district (docs/performance.md)."""
    def next_level(school, above=None):
        lowest = select(func.min(Student.grade_level)).where(Student.school_id == school)
        return (lowest if above is None else lowest.where(Student.grade_level > above)
                ).scalar_subquery()

    levels = (select(School.id.label("school_id"), next_level(School.id).label("level"))
              .where(School.id.in_(school_ids)).cte("levels", recursive=True))
    levels = levels.union_all(
        select(levels.c.school_id, next_level(levels.c.school_id, levels.c.level))
        .where(levels.c.level.is_not(None)))
    return list(db.session.scalars(select(levels.c.level).where(levels.c.level.is_not(None))
                                   .distinct().order_by(levels.c.level)))


def visible_students(user: User) -> Select:
    """Select the students this user may see (add filters and ordering to it)."""
    return select(Student).where(student_condition(user))


def visible_children(user: User, guardian_ids) -> dict[int, list[Student]]:
    """Return, per guardian id, the linked children this user may see (by first name).

    A guardian the user may see can have other children the user may not: list only these.
    """
    rows = db.session.execute(
        select(StudentGuardian.guardian_id, Student)
        .join(Student, Student.id == StudentGuardian.student_id)
        .where(StudentGuardian.guardian_id.in_(list(guardian_ids)), student_condition(user))
        .order_by(Student.first_name, Student.id)).all()
    children: dict[int, list[Student]] = {guardian_id: [] for guardian_id in guardian_ids}
    for guardian_id, student in rows:
        children[guardian_id].append(student)
    return children


def staff_who_may_see(student: Student, kept: int | None = None) -> list[User]:
    """Return, by name, the active staff of the student's school who may see the student
    (student_condition asked the other way round, in one query): its administrators, the
    teachers of its active classes and its counsellors, named or of its grade level; and
    the staff member `kept` (a record's owner chosen before) whoever they are."""
    teaches = (select(Section.teacher_id).join(Enrollment, Enrollment.section_id == Section.id)
               .where(Enrollment.student_id == student.id, Section.is_active.is_(True)))
    counsels = select(CounsellorAssignment.counsellor_id).where(
        CounsellorAssignment.school_id == student.school_id,
        CounsellorAssignment.grade_level == student.grade_level)
    return list(db.session.scalars(select(User).where(
        User.school_id == student.school_id, User.is_active_account.is_(True),
        or_(User.role == Role.ADMINISTRATOR,
            and_(User.role == Role.TEACHER, User.id.in_(teaches)),
            and_(User.role == Role.COUNSELLOR,
                 or_(User.id == student.counsellor_id, User.id.in_(counsels))),
            User.id == kept))
        .order_by(User.full_name, User.id)))


def can_see_student(user: User, student_id: int) -> bool:
    """Return True when this user may see this student."""
    found = db.session.scalar(
        select(Student.id).where(Student.id == student_id, student_condition(user))
    )
    return found is not None


def get_student_or_404(user: User, student_id: int) -> Student:
    """Load a student this user may see, or answer 404 (never someone else's data)."""
    student = db.session.scalar(visible_students(user).where(Student.id == student_id))
    if student is None:
        abort(404)
    return student


def visible_records(user: User, model) -> Select:
    """Select rows of a student-owned model (with student_id) that this user may see.

    Guardians only get rows shared with the family when the model has a visibility.
    """
    stmt = select(model).where(model.student_id.in_(visible_student_ids(user)))
    if user.is_guardian and hasattr(model, "visibility"):
        stmt = stmt.where(model.visibility == Visibility.FAMILY)
    return stmt


def get_record_or_404(user: User, model, record_id: int):
    """Load one student-owned record this user may see, or answer 404."""
    record = db.session.scalar(visible_records(user, model).where(model.id == record_id))
    if record is None:
        abort(404)
    return record


def visible_guardians(user: User) -> Select:
    """Select the guardians this user may see (staff: of visible students; a guardian: self)."""
    if not _signed_in(user):
        return select(Guardian).where(false())
    if user.is_guardian:
        return select(Guardian).where(Guardian.user_id == user.id)
    linked = select(StudentGuardian.guardian_id).where(
        StudentGuardian.student_id.in_(visible_student_ids(user))
    )
    return select(Guardian).where(Guardian.id.in_(linked))


def get_guardian_or_404(user: User, guardian_id: int) -> Guardian:
    """Load a guardian this user may see, or answer 404."""
    guardian = db.session.scalar(visible_guardians(user).where(Guardian.id == guardian_id))
    if guardian is None:
        abort(404)
    return guardian


def guardian_for(user: User) -> Guardian | None:
    """Return the guardian record of a guardian's account."""
    if not _signed_in(user) or not user.is_guardian:
        return None
    return db.session.scalar(select(Guardian).where(Guardian.user_id == user.id))


def can_manage_school(user: User, school_id: int) -> bool:
    """Return True when the user administers this school (directly or through the district)."""
    if not _signed_in(user) or user.role != Role.ADMINISTRATOR:
        return False
    ids = db.session.scalars(visible_school_ids(user)).all()
    return school_id in ids


def _owner_author_or_administrator(user: User, owner_id, author_id, student_id: int) -> bool:
    if not _signed_in(user) or not user.is_staff:
        return False
    if user.id in (owner_id, author_id):
        return True
    student = db.session.get(Student, student_id)
    return student is not None and can_manage_school(user, student.school_id)


def can_change_need(user: User, need) -> bool:
    """Return True when the user may change this need: its owner, its author or an administrator."""
    return _owner_author_or_administrator(user, need.owner_id, need.created_by_id,
                                          need.student_id)


def can_close_follow_up(user: User, interaction) -> bool:
    """Return True when the user may close this follow-up: its owner, the interaction's author
    or an administrator."""
    return _owner_author_or_administrator(user, interaction.follow_up_owner_id,
                                          interaction.author_id, interaction.student_id)


def roles_required(*roles: str):
    """Let only signed-in users with one of these roles into a view (others get 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not _signed_in(current_user):
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # refused before any parameter is read (tests rely on it)
        return wrapped

    return decorator


staff_required = roles_required(*Role.STAFF)
guardian_required = roles_required(Role.GUARDIAN)
administrator_required = roles_required(Role.ADMINISTRATOR)
