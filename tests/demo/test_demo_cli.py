"""The `demo-data` command: loads the demo school once, refuses a database with data."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from portal.auth.models import User
from portal.demo.school import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
)
from portal.extensions import db
from portal.outcomes.models import (
    DailyAttendance,
)
from portal.people.models import (
    Guardian,
    School,
    Student,
)
from portal.risk.models import RiskAssessment

TODAY = date(2025, 12, 3)  # a Wednesday, a week after Thanksgiving


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_data_loads_300_students_once_then_skips_or_refuses_and_keeps_the_data(app):
    """One load (as `make run` asks: --if-empty), then every later call on the same data."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    grade_levels = Counter(db.session.scalars(select(Student.grade_level)))
    assert sorted(grade_levels) == [9, 10, 11, 12]
    assert sum(grade_levels.values()) == 300
    assert all(60 <= count <= 90 for count in grade_levels.values())
    assert "Recording grades" in result.output
    assessed = db.session.scalar(select(func.count(RiskAssessment.student_id.distinct())))
    assert assessed == sum(grade_levels.values())
    assert DEMO_PASSWORD in result.output
    for email, _, _ in DEMO_ACCOUNTS:
        assert email in result.output
    counts = (_count(Student), _count(Guardian), _count(User), _count(DailyAttendance))

    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0
    assert "skipping the demo school" in again.output
    assert "parent@demo.school" in again.output
    refused = runner.invoke(args=["demo-data"])
    assert refused.exit_code == 1
    assert "already has data (300 students); use --force" in refused.output
    forced = runner.invoke(args=["demo-data", "--force"])
    assert forced.exit_code == 1
    assert "demo accounts already exist" in forced.output
    assert (_count(Student), _count(Guardian), _count(User), _count(DailyAttendance)) == counts


def test_force_adds_the_demo_school_next_to_another_school(app):
    db.session.add(School(name="Hillside Middle School"))
    db.session.commit()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["demo-data"])
    assert refused.exit_code == 1
    assert "(0 students)" in refused.output
    assert runner.invoke(args=["demo-data", "--force"]).exit_code == 0
    assert _count(School) == 2

