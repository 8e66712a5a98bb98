"""A small school with a term of records, for the dashboard tests and the benchmark."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from portal.auth.models import Role
from portal.extensions import db
from portal.outcomes.models import (
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    Program,
    ProgramEnrollment,
)
from tests import factories
from tests.risk.helpers import TODAY, school_days


@dataclass
class BuiltSchool:
    school: object
    admin: object
    counsellor: object
    teacher: object
    students: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    program: object = None


def build_school(students: int = 24, *, seed: int = 7, today: date = TODAY) -> BuiltSchool:
    """Add a school with staff, two sections, a term of attendance, grades and behaviour."""
    rng = random.Random(seed)
    school = factories.make_school("Riverside High")
    term = factories.make_term(school)
    built = BuiltSchool(school, factories.make_user(Role.ADMINISTRATOR, school),
                        factories.make_user(Role.COUNSELLOR, school),
                        factories.make_user(Role.TEACHER, school))
    factories.assign_counsellor(built.counsellor, school, 9)
    built.students = [factories.make_student(school, grade_level=9 + n % 2)
                      for n in range(students)]
    built.sections = [factories.make_section(school, built.teacher, *built.students, term=term),
                      factories.make_section(school, None, *built.students, term=term,
                                             subject="Art", is_core=False)]
    days = school_days(today, (today - term.starts_on).days * 5 // 7)
    struggling = set(rng.sample(range(students), max(students // 4, 1)))
    _attendance(built, days, struggling, rng)
    _grades(built, term, today, struggling, rng)
    _behaviour(built, days, struggling, rng)
    _program_and_interventions(built, days, rng)
    return built


def _attendance(built, days, struggling, rng) -> None:
    rows = []
    for n, student in enumerate(built.students):
        chance = 0.2 if n in struggling else 0.03
        for day in days:
            rows.append({"school_id": built.school.id, "student_id": student.id, "on_date": day,
                         "status": "absent_unexcused" if rng.random() < chance else "present",
                         "recorded_at": datetime.combine(day, datetime.min.time())})
    db.session.execute(insert(DailyAttendance), rows)


def _grades(built, term, today, struggling, rng) -> None:
    rows = []
    for period in term.grading_periods:
        if period.starts_on > today:
            continue
        for n, student in enumerate(built.students):
            level = 52 if n in struggling else 78
            for section in built.sections:
                rows.append({"student_id": student.id, "section_id": section.id,
                             "grading_period_id": period.id, "kind": "assessment",
                             "score": float(min(100, max(0, round(rng.gauss(level, 8))))),
                             "max_score": 100.0, "recorded_on": period.starts_on
                             + timedelta(days=10)})
    db.session.execute(insert(Grade), rows)


def _behaviour(built, days, struggling, rng) -> None:
    for n in sorted(struggling):
        for day in rng.sample(days, 3):
            db.session.add(BehaviourIncident(
                student_id=built.students[n].id, category="disruption",
                description="Disrupted the lesson",
                occurred_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=10)))
    db.session.flush()


def _program_and_interventions(built, days, rng) -> None:
    built.program = Program(school_id=built.school.id, name="Homework club", kind="club")
    db.session.add(built.program)
    db.session.flush()
    for student in built.students[::3]:  # both grade levels
        db.session.add(ProgramEnrollment(program_id=built.program.id, student_id=student.id,
                                         starts_on=days[len(days) // 2]))
    for student in built.students[:4]:
        db.session.add(Intervention(student_id=student.id, owner_id=built.counsellor.id,
                                    kind=rng.choice(("attendance", "academic")),
                                    reason="Flagged", goal="Attend every day",
                                    opened_on=days[len(days) // 3]))
    db.session.flush()
