"""Load Riverside High School: a realistic demo school, the same for the same seed and day.

The loader adds everything to the session and flushes; the caller (the `demo-data`
command, or a test) commits. The steps live in demo_names (the pure family plan),
demo_people, demo_records, demo_contacts and demo_events.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.extensions import db
from portal.imports.demo_contacts import log_interactions, record_needs
from portal.imports.demo_events import schedule_events
from portal.imports.demo_names import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    SCHOOL_TIMEZONE,
    school_days,
)
from portal.imports.demo_people import (
    DemoContext,
    create_families,
    create_sections,
    create_staff,
)
from portal.imports.demo_records import (
    create_profiles,
    enrol_programs,
    record_attendance,
    record_behaviour,
    record_grades,
)
from portal.people.models import AcademicTerm, District, GradingPeriod, School

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoSummary", "load_demo_school",
           "school_days", "school_year_start"]

STEPS = (
    ("Creating staff accounts", (create_staff,)),
    ("Creating students, guardians and family accounts", (create_families,)),
    ("Creating courses, sections and enrolments", (create_sections,)),
    ("Recording daily attendance", (create_profiles, record_attendance)),
    ("Recording grades", (record_grades,)),
    ("Recording behaviour and programs", (record_behaviour, enrol_programs)),
    ("Logging interactions and needs", (log_interactions, record_needs)),
    ("Scheduling events and conference slots", (schedule_events,)),
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo loader created."""

    students: int
    guardians: int
    staff: int
    attendance_rows: int
    grades: int
    school_id: int


def load_demo_school(*, today: date, seed: int = 2026,
                     progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Add the demo district, school, people and records up to today; flush, never commit."""
    report = progress or (lambda message: None)
    report("Creating the district, the school and its year")
    ctx = _create_school_year(today=today, seed=seed)
    for message, steps in STEPS:
        report(message)
        for step in steps:
            step(ctx)
    db.session.flush()
    return DemoSummary(students=len(ctx.students), guardians=len(ctx.guardians),
                       staff=len(ctx.staff), attendance_rows=ctx.counts["attendance_rows"],
                       grades=ctx.counts["grades"], school_id=ctx.school.id)


def school_year_start(today: date) -> int:
    """Return the calendar year in which the school year containing today began."""
    return today.year if today.month >= 8 else today.year - 1


def _create_school_year(*, today: date, seed: int) -> DemoContext:
    district = District(name="Demo District")
    db.session.add(district)
    db.session.flush()
    school = School(district_id=district.id, name="Riverside High School",
                    timezone=SCHOOL_TIMEZONE, default_language="en", pass_mark_percent=60.0)
    db.session.add(school)
    db.session.flush()
    year = school_year_start(today)
    starts_on = _next_weekday(date(year, 9, 1))
    ends_on = _friday_on_or_before(date(year + 1, 6, 15))
    term = AcademicTerm(school_id=school.id, name=f"{year}–{year + 1}",
                        starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    periods = _create_quarters(term)
    return DemoContext(seed=seed, today=today, school=school, term=term, periods=periods,
                       school_days=school_days(starts_on, min(today, ends_on)))


def _create_quarters(term: AcademicTerm) -> list[GradingPeriod]:
    length = (term.ends_on - term.starts_on).days
    periods = []
    starts_on = term.starts_on
    for quarter in range(1, 5):
        ends_on = term.ends_on if quarter == 4 else _friday_on_or_before(
            term.starts_on + timedelta(days=round(quarter * length / 4)))
        periods.append(GradingPeriod(term_id=term.id, name=f"Quarter {quarter}",
                                     starts_on=starts_on, ends_on=ends_on))
        starts_on = ends_on + timedelta(days=3)  # the Monday after
    db.session.add_all(periods)
    db.session.flush()
    return periods


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)
