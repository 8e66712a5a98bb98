"""The demo school's records so far this year: attendance, grades, behaviour, programs."""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from portal.core.bulk import copy_rows
from portal.core.models import Visibility
from portal.demo.people import COURSES, DemoContext
from portal.extensions import db
from portal.outcomes.models import (
    AttendanceStatus,
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Program,
    ProgramEnrollment,
    WorkMark,
    WorkStatus,
)
from portal.people.models import Course, GradingPeriod, Section, Student

ASSESSMENT_LABELS = {"English": "Essay", "Science": "Lab Report", "Art": "Project",
                     "Computer Science": "Project", "History": "Quiz", "Mathematics": "Quiz"}
EXCUSES = ("Illness", "Medical appointment", "Family emergency", "Religious holiday",
           "College visit")
NEGATIVE_BEHAVIOUR = (
    ("disruption", 1, "Repeatedly talked over the teacher during the lesson."),
    ("phone use", 1, "Used a phone in class after two reminders."),
    ("tardiness", 1, "Late to first period three times this week."),
    ("disrespect", 2, "Used rude language toward a substitute teacher."),
    ("truancy", 2, "Left school grounds at lunch without permission."),
    ("bullying", 3, "Sent hurtful messages to a classmate."),
    ("fighting", 3, "Involved in a fight in the cafeteria."),
)
POSITIVE_BEHAVIOUR = (
    ("kindness", "Helped a new student find their way around all week."),
    ("leadership", "Led the group project and kept everyone on track."),
    ("effort", "Stayed after class to master a difficult topic."),
    ("service", "Volunteered at the school food drive."),
)
ACTIONS = {1: "Verbal warning", 2: "Detention and a call home",
           3: "Meeting with the family and the counsellor"}
# name, kind, description, weak subject that sends students there (None: anyone), places
PROGRAMS = (
    ("Math Tutoring", "tutoring", "Small-group help with Mathematics after school.",
     "Mathematics", 15),
    ("Robotics Club", "club", "Build and program robots for the spring competition.", None, 18),
    ("Soccer", "sport", "The school's soccer team: practice Tuesday and Thursday.", None, 24),
    ("Reading Intervention", "special_program", "Daily guided reading with a specialist.",
     "English", 12),
)


@dataclass
class Profile:
    """How a demo student does: a steady level, subject strengths, and their attendance."""

    ability: float
    strengths: dict[str, float]
    absence_rate: float
    tardy_rate: float
    decline_from: date | None  # from this day on, grades slide and absences grow

    @property
    def is_struggling(self) -> bool:
        return self.absence_rate >= 0.1 or self.decline_from is not None

    def level(self, subject: str) -> float:
        return self.ability + self.strengths[subject]


def create_profiles(ctx: DemoContext) -> None:
    """Give every student a steady level; a few are chronically absent or start declining."""
    rng = ctx.rng("profiles")
    for student in ctx.students:
        ctx.profiles[student.id] = plan_profile(rng, ctx.past_day, len(ctx.school_days) >= 20)


# A typical school, not a struggling one (docs/evaluation.md, "List sizes with the defaults"):
# about 6 % chronically absent, 5 % who start declining during the term, and grades centred
# on a B- so that fewer than one student in ten fails a core course in a quarter.
CHRONIC_SHARE = 0.06
DECLINING_SHARE = 0.05
ABILITY = (81.0, 8.0)  # mean and spread of a student's steady level, in percent


def plan_profile(rng: random.Random, past_day: Callable, may_decline: bool) -> Profile:
    """Roll one student's profile: a few are chronically absent, a few start declining."""
    chronic = rng.random() < CHRONIC_SHARE
    declining = rng.random() < DECLINING_SHARE and may_decline
    return Profile(
        ability=min(96.0, max(45.0, rng.gauss(*ABILITY) - (6 if chronic else 0))),
        strengths={name: rng.gauss(0, 5) for _, name, _ in COURSES},
        absence_rate=rng.uniform(0.10, 0.25) if chronic else rng.uniform(0.0, 0.05),
        tardy_rate=rng.uniform(0.0, 0.05),
        decline_from=past_day(rng, 0.3, 0.7) if declining else None,
    )


def record_attendance(ctx: DemoContext) -> None:
    """Insert a daily attendance row for every student and school day up to today."""
    rng = ctx.rng("attendance")
    recorded_at = {day: ctx.at(day, 9, 15) for day in ctx.school_days}
    rows = []
    for student in ctx.students:
        profile = ctx.profiles[student.id]
        homeroom = next(s.teacher_id for s in ctx.timetables[student.id]
                        if s.course.code == "ENG")
        for day in ctx.school_days:
            status, reason = attendance_status(rng, profile, day)
            rows.append({"school_id": ctx.school.id, "student_id": student.id, "on_date": day,
                         "status": status, "reason": reason, "recorded_by_id": homeroom,
                         "recorded_at": recorded_at[day]})
    write_rows(DailyAttendance, rows)
    ctx.counts["attendance_rows"] = len(rows)


def write_rows(model: type[db.Model], rows: list[dict]) -> None:
    """Write a step's rows (dicts of the same keys) in one statement: on PostgreSQL one COPY,
    so the summaries' statement triggers run once over them all, not once per batch of an
    INSERT (a demo school's attendance took 7 s, 48 s on tables the planner thought empty)."""
    if rows:
        columns = tuple(rows[0])
        copy_rows(model.__table__, columns, (tuple(row[name] for name in columns) for row in rows))


def attendance_status(rng: random.Random, profile: Profile, day: date) -> tuple[str, str | None]:
    rate = profile.absence_rate
    if profile.decline_from and day >= profile.decline_from:
        rate = min(0.5, 2 * rate + 0.08)
    roll = rng.random()
    if roll < rate:
        if rng.random() < (0.35 if rate >= 0.1 else 0.7):
            return AttendanceStatus.ABSENT_EXCUSED, rng.choice(EXCUSES)
        return AttendanceStatus.ABSENT_UNEXCUSED, None
    if roll < rate + profile.tardy_rate:
        return AttendanceStatus.TARDY, rng.choice((None, "Late bus", "Overslept"))
    return AttendanceStatus.PRESENT, None


def record_grades(ctx: DemoContext) -> None:
    """Insert an assessment about every two weeks per section, and ended periods' grades.

    Some work is missing (no score), late or excused; struggling students miss more.
    """
    rng, work_rng = ctx.rng("grades"), ctx.rng("work")
    rows, marks = [], []
    for index, section in enumerate(ctx.sections):
        label = ASSESSMENT_LABELS.get(section.course.name, "Quiz")
        scores: dict[tuple[int, int], list[float]] = defaultdict(list)
        # Every tenth school day, staggered so sections do not all test on the same day.
        for number, day in enumerate(ctx.school_days[7 + index % 5::10], 1):
            period = period_on(ctx.periods, day)
            for student_id in ctx.rosters[section.id]:
                score = score_for(rng, ctx.profiles[student_id], section.course, day)
                status = work_status(work_rng, ctx.profiles[student_id], day)
                if status:
                    marks.append({"student_id": student_id, "section_id": section.id,
                                  "grading_period_id": period.id, "status": status,
                                  "assessment_name": f"{label} {number}", "due_on": day,
                                  "recorded_by_id": section.teacher_id})
                if status in WorkStatus.WITHOUT_SCORE:
                    continue
                scores[student_id, period.id].append(score)
                rows.append(_grade_row(section, student_id, period, day, score,
                                       kind="assessment", name=f"{label} {number}"))
        for period in ctx.periods:
            if period.ends_on < ctx.today:
                rows += [_grade_row(section, student_id, period, period.ends_on,
                                    round(fmean(scores[student_id, period.id])), kind="period")
                         for student_id in ctx.rosters[section.id]
                         if scores.get((student_id, period.id))]
    write_rows(Grade, rows)
    write_rows(WorkMark, marks)
    ctx.counts["grades"], ctx.counts["work marks"] = len(rows), len(marks)


def work_status(rng: random.Random, profile: Profile, day: date) -> str | None:
    """Roll whether a piece of work is missing, late or excused (or handed in on time)."""
    slipping = profile.is_struggling and (profile.decline_from is None
                                          or day > profile.decline_from)
    roll = rng.random()
    missing, late = (0.18, 0.15) if slipping else (0.02, 0.05)
    if roll < missing:
        return WorkStatus.MISSING
    if roll < missing + late:
        return WorkStatus.LATE
    return WorkStatus.EXCUSED if roll > 0.995 else None


def period_on(periods: list[GradingPeriod], day: date) -> GradingPeriod:
    return next((p for p in reversed(periods) if p.starts_on <= day), periods[0])


def score_for(rng: random.Random, profile: Profile, course: Course, day: date) -> float:
    level = profile.level(course.name) + (0 if course.is_core else 5)
    if profile.decline_from and day > profile.decline_from:
        level -= min(35.0, 2.5 * (day - profile.decline_from).days / 7)
    return float(round(min(100.0, max(0.0, rng.gauss(level, 7)))))


def _grade_row(section: Section, student_id: int, period: GradingPeriod, day: date,
               score: float, *, kind: str, name: str | None = None) -> dict:
    return {"student_id": student_id, "section_id": section.id, "grading_period_id": period.id,
            "kind": kind, "assessment_name": name, "score": score, "max_score": 100.0,
            "recorded_on": day, "recorded_by_id": section.teacher_id}


def record_behaviour(ctx: DemoContext, count: int = 36) -> None:
    """Add a few dozen behaviour notes, negative ones mostly about struggling students."""
    rng = ctx.rng("behaviour")
    students = ctx.students
    weights = [4 if ctx.profiles[s.id].is_struggling else 1 for s in students]
    for _ in range(count):
        student = rng.choices(students, weights)[0]
        if rng.random() < 0.35:
            category, description = rng.choice(POSITIVE_BEHAVIOUR)
            severity, action, positive = 1, None, True
        else:
            category, severity, description = rng.choice(NEGATIVE_BEHAVIOUR)
            action, positive = ACTIONS[severity], False
        db.session.add(BehaviourIncident(
            student_id=student.id, is_positive=positive, severity=severity, category=category,
            description=description, action_taken=action,
            occurred_at=ctx.at(ctx.past_day(rng), rng.randint(8, 14), rng.choice((0, 20, 40))),
            reported_by_id=rng.choice(ctx.timetables[student.id]).teacher_id,
            visibility=Visibility.FAMILY if rng.random() < 0.4 else Visibility.STAFF))


def enrol_programs(ctx: DemoContext) -> None:
    """Add the four programs and their participants; some have already left."""
    rng = ctx.rng("programs")
    for name, kind, description, weak_subject, places in PROGRAMS:
        program = Program(school_id=ctx.school.id, name=name, kind=kind, description=description)
        db.session.add(program)
        db.session.flush()
        for student in _participants(ctx, rng, weak_subject, places):
            starts_on = ctx.past_day(rng, 0.0, 0.6)
            ends_on = ctx.past_day(rng, 0.7, 1.0) if rng.random() < 0.25 else None
            db.session.add(ProgramEnrollment(
                program_id=program.id, student_id=student.id, starts_on=starts_on,
                ends_on=ends_on if ends_on and ends_on > starts_on else None))


def _participants(ctx: DemoContext, rng: random.Random, weak_subject: str | None,
                  places: int) -> list[Student]:
    if weak_subject is None:
        return rng.sample(ctx.students, places)
    # The weakest students in the subject, give or take: referrals are not an exact science.
    ranked = sorted(ctx.students,
                    key=lambda s: ctx.profiles[s.id].level(weak_subject) + rng.gauss(0, 4))
    return ranked[:places]
