"""Attendance totals to date (migration 0026), kept by the database: always each student's
weekly totals added up from their first week, whichever writer changed the days and in
whatever order the weeks arrived."""

from datetime import date, datetime, timedelta
from itertools import accumulate

from sqlalchemy import delete, select, update

from portal.core.bulk import copy_rows
from portal.extensions import db
from portal.outcomes.models import AttendanceToDate, AttendanceWeek, DailyAttendance
from portal.privacy.merge import merge_people
from tests import factories

MONDAY = date(2026, 9, 14)


def _kept() -> dict:
    table = AttendanceToDate
    return {(student, str(week)[:10]): (days, absences) for student, week, days, absences in
            db.session.execute(select(table.student_id, table.week_start, table.days,
                                      table.absences))}


def _added_up() -> dict:
    """The same totals the slow way: each student's weeks in order, added up in Python."""
    weeks: dict[int, list] = {}
    for student, week, days, absences in db.session.execute(
            select(AttendanceWeek.student_id, AttendanceWeek.week_start, AttendanceWeek.days,
                   AttendanceWeek.absences).order_by(AttendanceWeek.week_start)):
        weeks.setdefault(student, []).append((str(week)[:10], days, absences))
    totals = {}
    for student, rows in weeks.items():
        running = accumulate(rows, lambda to_date, week: (week[0], to_date[1] + week[1],
                                                          to_date[2] + week[2]))
        totals.update({(student, week): (days, absences) for week, days, absences in running})
    return totals


def _day(student, on_date, status="present"):
    db.session.add(DailyAttendance(school_id=student.school_id, student_id=student.id,
                                   on_date=on_date, status=status,
                                   recorded_at=datetime(2026, 10, 20)))
    db.session.flush()


def _week(n: int) -> str:
    return (MONDAY + timedelta(weeks=n)).isoformat()


def test_totals_to_date_follow_every_writer_in_any_order(app):
    school = factories.make_school()
    ann, ben = factories.make_student(school), factories.make_student(school)
    _day(ann, MONDAY + timedelta(weeks=1))
    _day(ann, MONDAY, "absent_unexcused")  # an earlier week entered after a later one
    _day(ann, MONDAY + timedelta(weeks=2, days=1))
    assert _kept() == _added_up() == {(ann.id, _week(0)): (1, 1), (ann.id, _week(1)): (2, 1),
                                      (ann.id, _week(2)): (3, 1)}
    # Many rows in one statement (COPY on PostgreSQL), in weeks before, between and after.
    copy_rows(DailyAttendance.__table__, ("school_id", "student_id", "on_date", "status",
                                          "recorded_at"),
              [(school.id, student.id, MONDAY + timedelta(days=day), "absent_excused",
                datetime(2026, 10, 20))
               for student in (ann, ben) for day in (-7, 2, 22)])
    assert _kept() == _added_up()
    assert _kept()[(ann.id, _week(3))] == (6, 4)
    assert _kept()[(ben.id, _week(3))] == (3, 3)
    # A register corrected in an early week moves every later week's totals.
    db.session.execute(update(DailyAttendance).where(DailyAttendance.student_id == ann.id,
                                                     DailyAttendance.on_date == MONDAY)
                       .values(status="present"))
    assert _kept() == _added_up()
    assert _kept()[(ann.id, _week(3))] == (6, 3)
    # A whole week taken away: its row goes, and the later weeks lose its days.
    db.session.execute(delete(DailyAttendance).where(
        DailyAttendance.student_id == ann.id,
        DailyAttendance.on_date.between(MONDAY, MONDAY + timedelta(days=6))))
    assert _kept() == _added_up()
    assert (ann.id, _week(0)) not in _kept() and _kept()[(ann.id, _week(3))] == (4, 2)
    # A merge moves one record's days to the other (the clashing day is dropped).
    merge_people(survivor=ben, loser=ann, actor=factories.make_user(school=school))
    assert _kept() == _added_up()
    assert not [key for key in _kept() if key[0] == ann.id]
    assert _kept()[(ben.id, _week(3))] == (5, 3)
    # A writer of the weekly totals themselves: a week moved to another student.
    cleo = factories.make_student(school)
    db.session.execute(update(AttendanceWeek).where(AttendanceWeek.student_id == ben.id,
                                                    AttendanceWeek.week_start == MONDAY)
                       .values(student_id=cleo.id))
    assert _kept() == _added_up()
    assert _kept()[(ben.id, _week(3))] == (4, 2) and _kept()[(cleo.id, _week(0))] == (1, 1)
    # Everything gone (cleo's week had no days of its own): nothing kept.
    db.session.execute(delete(DailyAttendance))
    assert _kept() == _added_up() == {(cleo.id, _week(0)): (1, 1)}
    db.session.execute(delete(AttendanceWeek))
    assert _kept() == _added_up() == {}
