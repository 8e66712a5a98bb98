"""Recompute a student's risk when their attendance, grades or behaviour change."""

from portal.core.signals import student_data_changed
from portal.extensions import db
from portal.people.models import Student
from portal.risk.services import assess_students


def on_student_data_changed(actor, *, student_id: int, **details) -> None:
    student = db.session.get(Student, student_id)
    if student is not None and student.is_active:
        assess_students(school=student.school, student_ids=[student.id])


def connect() -> None:
    """Listen to student_data_changed (the function is module-level, so it stays)."""
    student_data_changed.connect(on_student_data_changed)
