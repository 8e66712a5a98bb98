"""Missing, late and excused work: the gradebook's marks beside the scores.

Rules: only an assessment's work can be marked (not a period grade); missing and excused work
has no score (a score given with such a mark is refused, and a score stored before is removed
when the mark is saved); late work may have a score or not yet. Excused work is left out of
every average and count; missing work is not counted as zero in averages — it has its own
indicators (`missing_work_share`, `missing_work_count`).
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.outcomes.models import Grade, WorkMark, WorkStatus
from portal.people.changes import (
    add_record,
    announce_change,
    announce_update,
    snapshot,
)
from portal.people.models import GradingPeriod, Section, Student

MARK_FIELDS = ("assessment_name", "status", "due_on")
REMOVED_GRADE_FIELDS = ("assessment_name", "score", "max_score")


def status_errors(statuses: dict[int, str], scores: dict[int, str], kind: str) -> dict[int, str]:
    """Return {student_id: message} for marks that break the rules above."""
    errors = {}
    for student_id, status in statuses.items():
        if not status:
            continue
        if status not in WorkStatus.ALL:
            errors[student_id] = _("Choose missing, late or excused from the list.")
        elif kind != "assessment":
            errors[student_id] = _("Only an assessment's work can be marked missing, late "
                                   "or excused.")
        elif status in WorkStatus.WITHOUT_SCORE and (scores.get(student_id) or "").strip():
            errors[student_id] = _("Missing or excused work has no score: clear the score "
                                   "or the mark.")
    return errors


def stored_marks(section: Section, grading_period_id: int, name: str | None
                 ) -> dict[int, WorkMark]:
    """Return one assessment's marks already stored, by student id."""
    if not name:
        return {}
    return {mark.student_id: mark for mark in db.session.scalars(select(WorkMark).where(
        WorkMark.section_id == section.id, WorkMark.grading_period_id == grading_period_id,
        WorkMark.assessment_name == name))}


def save_marks(*, section: Section, roster: list[Student], grading_period: GradingPeriod,
               name: str, due_on: date, statuses: dict[int, str], grades: dict[int, Grade],
               actor: User) -> None:
    """Store, change or clear each student's mark; missing and excused work loses its score."""
    existing = stored_marks(section, grading_period.id, name)
    for student in roster:
        status, mark = statuses.get(student.id) or "", existing.get(student.id)
        if status in WorkStatus.WITHOUT_SCORE and student.id in grades:
            remove_record(grades.pop(student.id), REMOVED_GRADE_FIELDS, object_type="grade",
                    student=student, actor=actor)
        if not status:
            if mark is not None:
                remove_record(mark, MARK_FIELDS, object_type="work_mark", student=student,
                              actor=actor)
            continue
        if mark is None:
            mark = WorkMark(student_id=student.id, section_id=section.id,
                            grading_period_id=grading_period.id, assessment_name=name,
                            status=status, due_on=due_on, recorded_by_id=actor.id)
            add_record(mark, actor=actor, object_type="work_mark", student=student,
                       fields=MARK_FIELDS)
            continue
        before = snapshot(mark, MARK_FIELDS)
        mark.status, mark.due_on, mark.recorded_by_id = status, due_on, actor.id
        announce_update(before, mark, actor=actor, object_type="work_mark", student=student)


def remove_record(record, fields: tuple[str, ...], *, object_type: str, student: Student,
                  actor: User) -> None:
    """Delete a grade or mark of a student, announcing what it held."""
    removed = {name: [value, None] for name, value in snapshot(record, fields).items()}
    announce_change(actor=actor, action="delete", object_type=object_type, record=record,
                    student=student, changes=removed)
    db.session.delete(record)
    db.session.flush()
