"""What a guardian may read about their children (always through the permissions module)."""


from portal.auth.models import User
from portal.core.permissions import visible_records, visible_students
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.outcomes.queries import attendance_summary, latest_grades
from portal.people.models import Student


def children_of(user: User) -> list[Student]:
    """Return the guardian's children they may receive information about."""
    return list(db.session.scalars(
        visible_students(user).order_by(Student.first_name, Student.id)
    ))


def child_overview(user: User, student: Student) -> dict:
    """Return what the family page shows of one child: attendance, grades, shared notes."""
    shared_notes = db.session.scalars(
        visible_records(user, Interaction)
        .where(Interaction.student_id == student.id)
        .order_by(Interaction.occurred_at.desc()).limit(20)
    ).all()
    return {
        "attendance": attendance_summary(student),
        "grades": latest_grades(student),
        "shared_notes": shared_notes,
    }
