"""Each school's students per risk level and day, kept up as assessments are written.

The dashboard's risk chart counts, for every day, the students at each level by their last
assessment that day. Counted from the assessments, that costs more with every day of a
school's history (one more assessment a student every night, and one more for every change
of their attendance, grades or behaviour); these counts grow by a few rows a school a day.
Every writer of assessments (`_store`, `record_past_assessments`) calls `count_levels` with
what it wrote and each student's assessment before it: a student's earlier assessment the
same day leaves that day's count of its level, the new one joins its own.
"""

from collections import Counter
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.core.bulk import among
from portal.extensions import db
from portal.people.models import Student
from portal.risk.models import RiskAssessment, RiskLevelCount
from portal.risk.queries import newest_assessment_ids


class Newest(NamedTuple):
    """A student's newest assessment, as a writer compares a new one with it."""

    level: str
    computed_at: datetime
    id: int
    rule_set_id: int
    carries_new_flag: bool
    acknowledged_at: datetime | None


def assessments_before(student_ids: list[int]) -> dict[int, Newest]:
    """Return {student_id: Newest} of each student's newest assessment."""
    newest = newest_assessment_ids(select(Student.id).where(among(Student.id, student_ids)))
    rows = db.session.execute(
        select(RiskAssessment.student_id, RiskAssessment.level, RiskAssessment.computed_at,
               RiskAssessment.id, RiskAssessment.rule_set_id,
               RiskAssessment.carries_new_flag, RiskAssessment.acknowledged_at)
        .where(RiskAssessment.id.in_(newest)))
    return {student_id: Newest(*values) for student_id, *values in rows}


def count_levels(written: list[tuple[int, str, datetime]], before: dict[int, Newest]) -> None:
    """Add assessments just written, (student_id, level, computed_at), to the day counts;
    `before` is assessments_before() of those students, read before writing."""
    if not written:
        return
    places = {student_id: (school_id, grade_level) for student_id, school_id, grade_level
              in db.session.execute(select(Student.id, Student.school_id, Student.grade_level)
                                    .where(among(Student.id, [row[0] for row in written])))}
    changes: Counter = Counter()
    for student_id, level, computed_at in written:
        place = places[student_id]
        changes[(*place, computed_at.date(), level)] += 1
        earlier = before.get(student_id)
        if earlier is not None and earlier.computed_at.date() == computed_at.date():
            changes[(*place, computed_at.date(), earlier.level)] -= 1
    _add(changes)


def _add(changes: Counter) -> None:
    rows = [{"school_id": school_id, "grade_level": grade_level, "day": day, "level": level,
             "students": change}
            # In key order: two writers upserting the same rows lock them in the same order.
            for (school_id, grade_level, day, level), change in sorted(changes.items())
            if change]
    if not rows:
        return
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    table = RiskLevelCount.__table__
    statement = insert(table).values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.school_id, table.c.day, table.c.grade_level, table.c.level],
        set_={"students": table.c.students + statement.excluded.students}))


def levels_by_day(school_ids: Select,
                  grade_levels: Select | list[int] | None = None) -> list[tuple]:
    """Return (day, level, students) of these schools (of these grade levels, if given)."""
    statement = (select(RiskLevelCount.day, RiskLevelCount.level,
                        func.sum(RiskLevelCount.students))
                 .where(RiskLevelCount.school_id.in_(school_ids))
                 .group_by(RiskLevelCount.day, RiskLevelCount.level)
                 .order_by(RiskLevelCount.day))
    if grade_levels is not None:
        statement = statement.where(RiskLevelCount.grade_level.in_(grade_levels))
    return [(day if isinstance(day, date) else date.fromisoformat(str(day)), level, int(count))
            for day, level, count in db.session.execute(statement)]
