"""Generate a demo district of any size: schools of about 1,500 students and a full year.

The same size, seed and day give the same district. Each school's year is the 180
school days up to today, so a district of 50,000 students holds about 9 million daily
attendance rows. People and staff go in through the models; the millions of rows go in
bulk (portal.demo.bulk: COPY on PostgreSQL). The caller commits.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.demo.bulk import TableIds, move_sequences_past
from portal.demo.district_people import (
    DistrictSchool,
    add_district_administrator,
    add_families,
    create_school,
    enrol,
)
from portal.demo.district_records import (
    log_contacts,
    record_attendance,
    record_grades,
    record_programs_and_behaviour,
    send_newsletters,
)
from portal.demo.names import is_holiday
from portal.extensions import db
from portal.people.models import District

STUDENTS_PER_SCHOOL = 1_500
SCHOOL_DAYS = 180


@dataclass(frozen=True)
class DistrictSummary:
    """What the district generator created."""

    schools: int
    students: int
    guardians: int
    staff: int
    attendance_rows: int
    grades: int
    administrator: str  # the first school's administrator's email
    district_administrator: str  # the email of the district's administrator (every school)


def school_sizes(students: int) -> list[int]:
    """Split the district's students into schools of about 1,500 (the first ones larger)."""
    schools = max(1, round(students / STUDENTS_PER_SCHOOL))
    base, extra = divmod(students, schools)
    return [base + (1 if number < extra else 0) for number in range(schools)]


def school_year(today: date, days: int = SCHOOL_DAYS) -> list[date]:
    """Return the last `days` school days up to today (weekdays less the holidays)."""
    found = []
    day = today
    while len(found) < days:
        if day.weekday() < 5 and not is_holiday(day):
            found.append(day)
        day -= timedelta(days=1)
    return found[::-1]


def generate_district(*, students: int, today: date, seed: int = 2026,
                      progress: Callable[[str], None] | None = None) -> DistrictSummary:
    """Add a district of this many students with a year of records; flush, never commit."""
    report = progress or (lambda message: None)
    district = District(name=f"Demo District ({students:,} students)")
    db.session.add(district)
    db.session.flush()
    days = school_year(today)
    ids = TableIds()
    totals: Counter = Counter()
    sizes = school_sizes(students)
    administrator = None
    for number, size in enumerate(sizes, 1):
        school = create_school(district=district, number=number, size=size, days=days,
                               seed=seed, today=today, ids=ids)
        _fill_school(school, ids, totals)
        administrator = administrator or school.admin.email
        report(f"School {number}/{len(sizes)}: {totals['students']:,} students, "
               f"{totals['guardians']:,} guardians, {totals['attendance_rows']:,} attendance "
               f"days, {totals['grades']:,} grades")
    district_admin = add_district_administrator(district)
    move_sequences_past(db.Model.metadata.tables[name] for name in ids)
    db.session.flush()
    return DistrictSummary(schools=len(sizes), students=totals["students"],
                           guardians=totals["guardians"], staff=totals["staff"],
                           attendance_rows=totals["attendance_rows"], grades=totals["grades"],
                           administrator=administrator,
                           district_administrator=district_admin.email)


def _fill_school(school: DistrictSchool, ids: TableIds, totals: Counter) -> None:
    totals["staff"] += school.staff_count
    totals["students"] += len(school.students)
    totals["guardians"] += add_families(school, ids)
    enrol(school, ids)
    totals["attendance_rows"] += record_attendance(school, ids)
    totals["grades"] += record_grades(school, ids)
    record_programs_and_behaviour(school, ids)
    log_contacts(school, ids)
    send_newsletters(school, ids)

