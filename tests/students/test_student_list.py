"""The staff student list: search, filters, sorting, CSV, and only visible students."""

import csv
import io
from datetime import date, timedelta

import pytest

from portal.auth.models import Role
from portal.core.paging import last_page
from portal.core.time import utcnow
from portal.extensions import db
from portal.needs.models import Need
from portal.outcomes.models import DailyAttendance, Program, ProgramEnrollment
from portal.risk.models import RiskAssessment, RiskRuleSet
from portal.students import student_list
from portal.students.student_list import StudentFilters, find_students
from tests import factories as f
from tests.people.helpers import classroom


def _names(response) -> str:
    return response.get_data(as_text=True)


def test_search_without_accents_finds_accented_names(app, login_as):
    room = classroom()
    page = _names(login_as(room.admin).get("/students?q=novak"))
    assert "Novák, Tomáš" in page
    assert "Other, Ana" not in page


def test_teacher_lists_only_their_own_students_and_csv_too(app, login_as):
    room = classroom()
    client = login_as(room.other_teacher)
    assert "Novák" not in _names(client.get("/students"))
    csv_text = client.get("/students.csv").get_data(as_text=True)
    assert "Other" in csv_text and "Novák" not in csv_text


@pytest.mark.parametrize(("query", "named"), [
    ("grade_level=11", "Grade level"), ("section_id=999999", "Class"),
    ("attendance_below=nan", "Attendance below (%)"),
    ("no_contact_days=-1", "No family contact in (days)")])
def test_an_export_with_a_filter_it_cannot_apply_exports_nobody(app, login_as, query, named):
    """The list answers these with its form again (400); the export answered with every
    student the user may see, as if unfiltered."""
    room = classroom()
    response = login_as(room.teacher).get(f"/students.csv?{query}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert "The list was not exported" in text and "Novák" not in text
    assert f"{named}: " in text  # the filter named


def test_guardian_cannot_open_the_staff_list(app, login_as):
    room = classroom()
    assert login_as(room.parent).get("/students").status_code == 403


def _risk(student, level, days_ago):
    rules = RiskRuleSet(school_id=student.school_id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id, score=1.0,
                                  level=level, computed_at=utcnow() - timedelta(days=days_ago)))


def test_filters_by_latest_risk_level_and_not_assessed(app, login_as):
    room = classroom()
    _risk(room.student, "high", days_ago=10)
    rules = db.session.query(RiskRuleSet).first()
    db.session.add(RiskAssessment(student_id=room.student.id, rule_set_id=rules.id, score=0.2,
                                  level="watch", computed_at=utcnow()))
    db.session.commit()
    client = login_as(room.admin)
    assert "Novák" in _names(client.get("/students?risk_level=watch"))
    assert "Novák" not in _names(client.get("/students?risk_level=high"))
    not_assessed = _names(client.get("/students?risk_level=not_assessed"))
    assert "Other, Ana" in not_assessed and "Novák" not in not_assessed


def test_filters_by_attendance_below_a_rate(app, login_as):
    room = classroom()
    for day, status in ((1, "present"), (2, "absent_unexcused"), (3, "present"), (4, "present")):
        db.session.add(DailyAttendance(school_id=room.school.id, student_id=room.student.id,
                                       on_date=date(2026, 10, day), status=status,
                                       recorded_at=utcnow()))
    db.session.commit()
    client = login_as(room.admin)
    assert "Novák" in _names(client.get("/students?attendance_below=80"))
    assert "Novák" not in _names(client.get("/students?attendance_below=70"))


def test_filters_by_no_family_contact_open_needs_program_and_grade(app, login_as):
    room = classroom()
    room.guardian.last_successful_contact_at = utcnow() - timedelta(days=3)
    db.session.add(Need(student_id=room.outsider.id, kind="health", title="Asthma plan"))
    program = Program(school_id=room.school.id, name="Robotics", kind="club")
    db.session.add(program)
    db.session.flush()
    db.session.add(ProgramEnrollment(program_id=program.id, student_id=room.student.id,
                                     starts_on=date(2026, 9, 1)))
    other_grade = f.make_student(room.school, grade_level=11, last_name="Eleven")
    db.session.commit()
    client = login_as(room.admin)
    stale = _names(client.get("/students?no_contact_days=30"))
    assert "Other, Ana" in stale and "Novák" not in stale
    assert "Novák" in _names(client.get("/students?no_contact_days=2"))
    needy = _names(client.get("/students?open_needs=y"))
    assert "Other, Ana" in needy and "Novák" not in needy
    assert "Novák" in _names(client.get(f"/students?program_id={program.id}"))
    assert "Other, Ana" not in _names(client.get(f"/students?program_id={program.id}"))
    by_grade = _names(client.get("/students?grade_level=11"))
    assert other_grade.last_name in by_grade and "Novák" not in by_grade
    assert "Novák" in _names(client.get(f"/students?section_id={room.section.id}"))


def test_sorting_and_pagination(app, login_as):
    room = classroom()
    for n in range(55):
        f.make_student(room.school, last_name=f"Zed{n:02d}")
    db.session.commit()
    client = login_as(room.admin)
    first = _names(client.get("/students"))
    assert "Novák" in first and "Zed54" not in first and "Next page" in first
    assert "Zed54" in _names(client.get("/students?page=2"))
    by_contact = _names(client.get("/students?sort=last_contact"))
    assert "Page 1 of 2" in by_contact


def test_a_page_past_the_last_is_a_404_naming_the_last_page(app, login_as):
    room = classroom()
    for n in range(55):
        f.make_student(room.school, last_name=f"Zed{n:02d}")
    db.session.commit()
    client = login_as(room.admin)
    past_the_end = client.get("/students?sort=grade&page=3")
    assert past_the_end.status_code == 404  # as every paged list
    assert "its last page is 2" in past_the_end.get_data(as_text=True)
    assert client.get("/students?q=nobody&page=2").status_code == 404  # an empty list: page 1
    assert client.get("/students?q=nobody").status_code == 200
    for page in ("0", "-1", "two"):
        assert client.get(f"/students?page={page}").status_code == 400


def test_bad_filter_values_are_refused_with_a_message(app, login_as):
    room = classroom()
    response = login_as(room.admin).get("/students?attendance_below=150&no_contact_days=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a rate between 0 and 100." in page
    assert 'id="no_contact_days-error"' in page


def test_csv_export_has_the_filtered_rows(app, login_as):
    room = classroom()
    response = login_as(room.admin).get("/students.csv?q=novak")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("student_id,last_name")
    assert len(lines) == 2 and "Novák" in lines[1] and "not_assessed" in lines[1]


def test_csv_export_quotes_names_a_spreadsheet_would_run(app, login_as):
    room = classroom()
    names = ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCr"]
    for name in names:
        f.make_student(room.school, first_name="Kid", last_name=name)
    db.session.commit()
    text = login_as(room.admin).get("/students.csv").get_data(as_text=True)
    last_names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert sorted(n for n in last_names if n.startswith("'")) == sorted("'" + n for n in names)
    assert not [n for n in last_names if n[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_page_by_name_or_grade_carries_the_same_rows_and_figures_as_the_whole_list(
        app, monkeypatch):
    """By name or grade, with no filter on a figure, the page is chosen from the students
    alone and only its rows' figures are worked out: the same rows, figures and total as
    cutting the whole list, as with a filter or an order on a figure; a teacher's page holds
    only their students."""
    monkeypatch.setattr(student_list, "PER_PAGE", 4)
    room = classroom()
    rules = RiskRuleSet(school_id=room.school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    students = [f.make_student(room.school, last_name=f"Ito{n}", grade_level=9 + n % 3)
                for n in range(9)]
    for n, student in enumerate(students):
        days = [date(2026, 10, day) for day in range(1, 1 + n % 4 + 1)]
        for day in days + [date(2026, 8, 20)] * (n % 2):  # before `since`: not counted
            db.session.add(DailyAttendance(
                school_id=room.school.id, student_id=student.id, on_date=day,
                status="absent_unexcused" if day.day % 2 == 0 else "present",
                recorded_at=utcnow()))
        if n % 2:
            db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id,
                                          score=10 * n, level="watch"))
        if n % 4 == 0:  # a family reached two days ago
            guardian = f.make_guardian(room.school)
            guardian.last_successful_contact_at = utcnow() - timedelta(days=2)
            f.link(student, guardian)
        if n % 3 == 0:
            db.session.add(Need(student_id=student.id, kind="academic", title="Reading help",
                                created_by_id=room.admin.id))
    db.session.commit()
    # The first four choose the page from the students; the others need the figures first.
    for user, filters in ((room.admin, StudentFilters()),
                          (room.admin, StudentFilters(sort="grade")),
                          (room.admin, StudentFilters(search="ito", grade_level=10)),
                          (room.teacher, StudentFilters()),
                          (room.admin, StudentFilters(open_needs=True)),
                          (room.admin, StudentFilters(risk_level="watch")),
                          (room.admin, StudentFilters(attendance_below=60)),
                          (room.admin, StudentFilters(no_contact_days=30, sort="grade")),
                          (room.admin, StudentFilters(sort="risk")),
                          (room.admin, StudentFilters(sort="attendance"))):
        whole, total = find_students(user, filters, since=date(2026, 9, 1), page=None)
        assert total == len(whole)
        for page in range(1, last_page(total, 4) + 1):  # past the last: a 404
            rows, counted = find_students(user, filters, since=date(2026, 9, 1), page=page)
            assert counted == total
            assert [tuple(row) for row in rows] == \
                [tuple(row) for row in whole[(page - 1) * 4:page * 4]], (filters, page)
    assert {row[0] for row in find_students(room.teacher, StudentFilters())[0]} == {room.student}


def _record_days(school, student, days) -> None:
    for on_date, status in days:
        db.session.add(DailyAttendance(school_id=school.id, student_id=student.id,
                                       on_date=on_date, status=status, recorded_at=utcnow()))


def _assert_rates_since(admin, days: dict, since: date | None) -> dict:
    """Check each student's listed rate is the share of their days on or after `since` that
    were not absences (None with no such day); return the listed rates."""
    expected = {}
    for student_id, rows in days.items():
        counted = [status for on_date, status in rows if since is None or on_date >= since]
        absent = sum(status.startswith("absent") for status in counted)
        expected[student_id] = 100 * (len(counted) - absent) / len(counted) \
            if counted else None
    found = {row[0].id: row.attendance_rate
             for row in find_students(admin, StudentFilters(), since=since, page=None)[0]}
    assert found == pytest.approx(expected), since
    return found


def test_the_attendance_rate_counts_each_day_since_the_term_began_and_no_other(app):
    """The rate (from the totals to date and the days before the first Monday) is the share
    of the student's days on or after the day that were not absences, whatever weekday the
    term began on; a student with no day since has no rate."""
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    statuses = ("present", "absent_unexcused", "tardy", "absent_excused", "present")
    days = {}
    for n in range(5):
        student = f.make_student(school, last_name=f"Rate{n}")
        days[student.id] = [(date(2026, 9, 7) + timedelta(days=step),
                             statuses[(step * (n + 1)) % len(statuses)])
                            for step in range(0, 36 - 7 * n, 1 + n % 2) if step % 7 < 5]
        _record_days(school, student, days[student.id])
    db.session.commit()
    for since in (None, date(2026, 9, 7), date(2026, 9, 16), date(2026, 9, 20),
                  date(2026, 9, 29), date(2026, 10, 5)):
        found = _assert_rates_since(admin, days, since)
    assert list(found.values())[3:] == [None, None]  # no day since 5 October


def test_a_term_begun_mid_week_after_a_holiday_counts_its_first_days_and_no_earlier_one(app):
    """A term beginning on a Thursday after a holiday: its first days count whether or not
    some school recorded a day earlier that week (a student who moved from it, here)."""
    school, other = f.make_school(), f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    statuses = ("absent_unexcused", "present", "tardy", "present", "absent_excused")
    term = date(2026, 10, 15)  # a Thursday; the term before ended on Friday 2 October
    days = {}
    for n in range(3):
        student = f.make_student(school, last_name=f"Term{n}")
        days[student.id] = [(day, statuses[(step + n) % len(statuses)])
                            for step, day in enumerate(
                                [date(2026, 9, 28) + timedelta(days=k) for k in range(5)]
                                + [term + timedelta(days=k) for k in range(0, 12 - 3 * n)])
                            if day.weekday() < 5]
        _record_days(school, student, days[student.id])
    db.session.commit()
    _assert_rates_since(admin, days, term)

    moved = f.make_student(school, last_name="Moved")
    days[moved.id] = [(date(2026, 10, 13), "absent_unexcused"), (term, "present")]
    _record_days(other, moved, days[moved.id][:1])  # its old school's day, that Tuesday
    _record_days(school, moved, days[moved.id][1:])
    db.session.commit()
    assert _assert_rates_since(admin, days, term)[moved.id] == 100


def test_a_page_shows_each_student_it_chose_even_if_a_figure_changed_since(app, monkeypatch):
    """The page is chosen first, then its rows read: a family reached in between (another
    tab, another staff member) leaves the student on the page, not a page one row short of
    its count."""
    room = classroom()
    guardian = f.make_guardian(room.school)
    f.link(room.student, guardian)
    db.session.commit()
    choose = student_list.page_with_total

    def reached_in_between(*args):
        chosen = choose(*args)
        guardian.last_successful_contact_at = utcnow()
        room.guardian.last_successful_contact_at = utcnow()
        db.session.flush()
        return chosen

    monkeypatch.setattr(student_list, "page_with_total", reached_in_between)
    rows, total = find_students(room.admin, StudentFilters(no_contact_days=30))
    assert total == len(rows) >= 1 and room.student in [row[0] for row in rows]
