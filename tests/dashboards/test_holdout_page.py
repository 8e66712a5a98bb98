"""The measured messages' dashboard on a school with a planted effect of the weekly alert."""

from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select

from portal.auth.models import Role
from portal.dashboards.holdout_page import State, program_effect
from portal.extensions import db
from portal.messaging.holdout import assign_new_families
from portal.messaging.models import HoldoutAssignment, HoldoutSetting
from portal.outcomes.models import DailyAttendance, Grade, WorkMark
from portal.people.models import StudentGuardian
from tests import factories as f

START = date(2026, 9, 28)  # a Monday; six weeks later is 9 November, before TEST_NOW
SCHOOL_DAYS = [START + timedelta(days=d) for d in range(42) if (START + timedelta(days=d))
               .weekday() < 5]


def _measured_school(families: int = 40, share: float = 40):
    """Add a school whose families were drawn for the weekly alert six weeks ago; commit."""
    school = f.make_school(timezone="UTC")
    admin = f.make_user(Role.ADMINISTRATOR, school)
    term = f.make_term(school)
    children = [f.make_student(school) for _ in range(families)]
    section = f.make_section(school, None, *children, term=term)
    for number, child in enumerate(children):
        # Fixed ids: the lots are drawn from the ids, and PostgreSQL's sequences move on
        # from test to test, which made the planted outcomes' split (and the null test's
        # interval) depend on which tests ran before.
        f.link(child, f.make_guardian(school, id=900_000 + number))
    setting = HoldoutSetting(school_id=school.id, program="weekly_alert", measuring=True,
                             share_percent=share, weeks=6, seed="planted", started_on=START,
                             changed_at=datetime(2026, 9, 28, 8))
    db.session.add(setting)
    db.session.flush()
    assign_new_families(setting=setting)
    return school, admin, section, term, setting


def _plant(section, term, *, absence: dict, missing: dict, score: dict, seed: int = 1) -> None:
    """Record six weeks of results, by lot: absence chance, missing work, mean score."""
    rng = np.random.default_rng(seed)
    rows = db.session.execute(select(StudentGuardian.student_id, HoldoutAssignment.held_out)
                              .join(HoldoutAssignment, HoldoutAssignment.guardian_id
                                    == StudentGuardian.guardian_id)
                              .order_by(StudentGuardian.student_id)).all()  # seeded: same order
    period = term.grading_periods[0].id
    for student_id, held_out in rows:
        for day in SCHOOL_DAYS:
            status = "absent_unexcused" if rng.random() < absence[held_out] else "present"
            db.session.add(DailyAttendance(school_id=section.course.school_id,
                                           student_id=student_id, on_date=day, status=status,
                                           recorded_at=datetime(2026, 10, 1)))
        for number in range(rng.poisson(missing[held_out])):
            db.session.add(WorkMark(student_id=student_id, section_id=section.id,
                                    grading_period_id=period, assessment_name=f"Task {number}",
                                    status="missing", due_on=SCHOOL_DAYS[number]))
        db.session.add(Grade(student_id=student_id, section_id=section.id,
                             grading_period_id=period, score=rng.normal(score[held_out], 8),
                             recorded_on=SCHOOL_DAYS[5]))
    db.session.commit()


def test_the_effect_of_a_planted_alert_is_shown_with_an_interval_that_covers_it(app, login_as):
    school, admin, section, term, _ = _measured_school()
    _plant(section, term, absence={False: 0.05, True: 0.20}, missing={False: 1, True: 3},
           score={False: 72, True: 58})
    result = program_effect(school, "weekly_alert", date(2026, 11, 25))
    assert result["state"] == State.DONE
    found = {row["outcome"]: row["comparison"] for row in result["outcomes"]}
    attendance = found["attendance"]
    assert attendance.held_out_families == 16 and attendance.messaged_families == 24
    assert attendance.low < 15 < attendance.high and attendance.low > 0
    assert found["missing_work"].low < -2 < found["missing_work"].high
    assert found["missing_work"].high < 0
    assert found["failing"].estimate < 0
    page = login_as(admin).get("/dashboards/messages").get_data(as_text=True)
    assert "What this shows" in page and "What it does not show" in page
    shown = next(row["shown"] for row in result["outcomes"] if row["outcome"] == "attendance")
    assert shown["estimate"] in page and shown["low"] in page


def test_no_effect_gives_an_interval_that_covers_zero(app):
    school, _, section, term, _ = _measured_school()
    _plant(section, term, absence={False: 0.1, True: 0.1}, missing={False: 2, True: 2},
           score={False: 65, True: 65}, seed=4)
    result = program_effect(school, "weekly_alert", date(2026, 11, 25))
    assert all(row["comparison"].low < 0 < row["comparison"].high
               for row in result["outcomes"] if row["outcome"] != "failing")


def test_no_result_before_the_weeks_are_over_nor_after_an_early_stop(app, login_as):
    school, admin, _, _, setting = _measured_school(families=12)
    running = program_effect(school, "weekly_alert", date(2026, 11, 8))
    assert running["state"] == State.RUNNING and "outcomes" not in running
    setting.measuring, setting.changed_at = False, datetime(2026, 10, 20, 9)
    db.session.commit()
    assert program_effect(school, "weekly_alert", date(2026, 11, 25))["state"] == State.STOPPED
    assert program_effect(school, "attendance_nudge", date(2026, 11, 25))["state"] == State.OFF
    page = login_as(admin).get("/dashboards/messages")
    assert page.status_code == 200
    assert "stopped before its weeks were over" in page.get_data(as_text=True)


def test_too_few_families_give_no_estimate(app):
    school, _, section, term, _ = _measured_school(families=12)
    _plant(section, term, absence={False: 0.05, True: 0.2}, missing={False: 1, True: 3},
           score={False: 72, True: 58})
    result = program_effect(school, "weekly_alert", date(2026, 11, 25))
    assert all(row["comparison"].estimate is None for row in result["outcomes"])


def test_only_administrators_open_the_page(app, login_as):
    school = f.make_school()
    counsellor = f.make_user(Role.COUNSELLOR, school)
    db.session.commit()
    assert login_as(counsellor).get("/dashboards/messages").status_code == 403
