"""Read staff notifications, and find the staff a change concerns."""

from sqlalchemy import func, select

from portal.auth.models import Role, User
from portal.core.bulk import among
from portal.extensions import db
from portal.notifications.models import StaffNotification
from portal.people.models import CounsellorAssignment, Enrollment, Section, Student


def unread_count(user: User) -> int:
    """Return how many of the user's notifications are unread (one COUNT)."""
    return db.session.scalar(select(func.count()).where(
        StaffNotification.user_id == user.id, StaffNotification.read_at.is_(None)))


def notifications_of(user: User, limit: int = 100) -> list[StaffNotification]:
    """Return the user's latest notifications, unread first."""
    return list(db.session.scalars(
        select(StaffNotification).where(StaffNotification.user_id == user.id)
        .order_by(StaffNotification.read_at.is_not(None), StaffNotification.created_at.desc(),
                  StaffNotification.id.desc()).limit(limit)))


def get_notification_or_404(user: User, notification_id: int) -> StaffNotification:
    """Load one of the user's notifications, or answer 404."""
    return db.first_or_404(select(StaffNotification).where(
        StaffNotification.id == notification_id, StaffNotification.user_id == user.id))


def counsellors_of(student: Student) -> list[User]:
    """Return the student's counsellor (or those of their grade level when none is named)."""
    return counsellors_of_each([student])[student.id]


def counsellors_of_each(students) -> dict[int, list[User]]:
    """Return counsellors_of for each of these students, by student id: the named
    counsellors in one query, the grade levels' assigned counsellors in another."""
    students = list(students)
    named = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(
        sorted({student.counsellor_id for student in students if student.counsellor_id}))))}
    levels = {(student.school_id, student.grade_level) for student in students
              if not student.counsellor_id}
    assigned: dict[tuple, list[User]] = {}
    if levels:
        for school_id, grade_level, user in db.session.execute(
                select(CounsellorAssignment.school_id, CounsellorAssignment.grade_level, User)
                .join(User, User.id == CounsellorAssignment.counsellor_id)
                .where(CounsellorAssignment.school_id.in_(sorted({school for school, _ in levels})))
                .order_by(User.id)):
            assigned.setdefault((school_id, grade_level), []).append(user)
    return {student.id: [named[student.counsellor_id]] if student.counsellor_id
            else assigned.get((student.school_id, student.grade_level), [])
            for student in students}


def students_by_id(student_ids) -> dict[int, Student]:
    """Return these students by id, read in one query."""
    return {student.id: student for student in db.session.scalars(
        select(Student).where(among(Student.id, sorted(set(student_ids)))))}


def teachers_and_counsellors_of(student: Student) -> list[User]:
    """Return the student's teachers and counsellors: who hears from the student's family."""
    teachers = db.session.scalars(select(User).join(Section, Section.teacher_id == User.id)
                                  .join(Enrollment, Enrollment.section_id == Section.id)
                                  .where(Enrollment.student_id == student.id).order_by(User.id))
    return list(teachers) + counsellors_of(student)


def administrators_of(school_id: int) -> list[User]:
    """Return the active administrators of a school (its own, not the district's)."""
    return list(db.session.scalars(select(User).where(
        User.role == Role.ADMINISTRATOR, User.school_id == school_id,
        User.is_active_account.is_(True)).order_by(User.id)))


def staff_by_ids(*user_ids: int | None) -> list[User]:
    """Return the users with these ids (None ids are left out)."""
    ids = [user_id for user_id in user_ids if user_id]
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids))))
