"""The staff pages cost a fixed number of SQL statements, however many students a school has."""

from datetime import date, timedelta

from sqlalchemy import event, select

from portal.auth.models import Role
from portal.core.time import utcnow
from portal.extensions import db
from portal.needs.models import Need
from portal.outcomes.models import AttendanceStatus, DailyAttendance, Grade
from portal.people.models import District, Enrollment, School
from portal.risk.models import RiskAssessment, RiskRuleSet
from tests import factories as f

PAGES = ("/students/{student}", "/students?grade_level=10&sort=risk&attendance_below=95",
         "/dashboards/")


def _add_students(school, section, period, rules, count: int) -> list:
    """Add students of grade 10 with a family, a term of attendance, grades, a need and risk."""
    added = []
    for n in range(count):
        student = f.make_student(school, grade_level=10)
        f.make_family(school, student)
        db.session.add(Enrollment(section_id=section.id, student_id=student.id))
        day = date(2026, 9, 1)
        while day < date(2026, 11, 25):
            if day.weekday() < 5:
                status = AttendanceStatus.ABSENT_UNEXCUSED if (day.day + n) % 9 == 0 \
                    else AttendanceStatus.PRESENT
                db.session.add(DailyAttendance(school_id=school.id, student_id=student.id,
                                               on_date=day, status=status,
                                               recorded_at=utcnow()))
            day += timedelta(days=1)
        for week in range(4):
            db.session.add(Grade(student_id=student.id, section_id=section.id,
                                 grading_period_id=period.id,
                                 score=40 + 15 * week + n % 10,
                                 recorded_on=date(2026, 9, 7) + timedelta(weeks=week)))
        db.session.add(Need(student_id=student.id, title="Bus pass", kind="other"))
        db.session.add(RiskAssessment(student_id=student.id, rule_set_id=rules.id,
                                      score=0.5, level=("high", "watch", "none")[n % 3],
                                      computed_at=utcnow() - timedelta(days=20)))
        added.append(student)
    db.session.flush()
    return added


def _statements(client, path: str) -> int:
    db.session.commit()
    db.session.expire_all()  # both measurements start from the same session state
    seen = []
    listener = event.listens_for(db.engine, "before_cursor_execute")(
        lambda *args: seen.append(1))
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_each_page_sends_as_many_statements_for_30_students_as_for_3(app, login_as):
    school = f.make_school()
    admin = f.make_user(Role.ADMINISTRATOR, school)
    term = f.make_term(school)  # starts on a Tuesday: the first week is counted from days
    section = f.make_section(school, f.make_user(Role.TEACHER, school), term=term)
    period = term.grading_periods[0]
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    first = _add_students(school, section, period, rules, 3)[0]
    client = login_as(admin)
    pages = [page.format(student=first.id) for page in PAGES]
    for page in pages:
        client.get(page)  # the first request of a page fills the app's caches
    few = [_statements(client, page) for page in pages]
    _add_students(school, section, period, rules, 27)
    many = [_statements(client, page) for page in pages]
    assert many == few


def test_the_district_list_names_each_school_without_a_statement_per_school(app, login_as):
    """Across schools the list names each student's school: read with the page, not one
    school at a time as the rows are shown."""
    schools = [f.make_school(), f.make_school()]
    district_id = f.make_district("Valley", *schools).id
    for school in schools:
        f.make_student(school, grade_level=10)
    client = login_as(f.make_district_admin(db.session.get(District, district_id)))
    page = "/students?sort=name"
    client.get(page)

    def statements() -> int:
        db.session.commit()
        db.session.expunge_all()  # a request's session starts empty, as in production
        return _statements(client, page)

    few = statements()
    names = [school.name for school in db.session.scalars(select(School))]
    for _ in range(3):
        school = f.make_school(district_id=district_id)
        f.make_student(school, grade_level=10)
        names.append(school.name)
    assert statements() == few
    assert all(name in client.get(page).text for name in names)
