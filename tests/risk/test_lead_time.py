"""Lead time and churn of the watch list on planted histories whose answers are known."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.outcomes.models import DailyAttendance, Grade
from portal.risk.lead_time import History, churn, lead_time_report, lead_times, list_accuracy
from portal.risk.lead_time_replay import replay_days, replay_school
from portal.risk.models import RiskAssessment
from tests import factories
from tests.risk.helpers import give_grade, record_attendance

SEP4, SEP11, SEP18 = date(2026, 9, 4), date(2026, 9, 11), date(2026, 9, 18)
SEP25 = date(2026, 9, 25)
OCT16, NOV10 = date(2026, 10, 16), date(2026, 11, 10)


@pytest.fixture
def history():
    """Five students over four weeks; 1 fails on Sep 25, 2 on Oct 16, 4 (never flagged) Sep 25."""
    return History(
        flagged={SEP4: {1}, SEP11: {1, 2}, SEP18: {2}, SEP25: {1, 2, 3}},
        failing_grades=[(1, SEP25), (2, OCT16), (4, SEP25)], students={1, 2, 3, 4, 5},
        groups={1: {"group": "a"}, 2: {"group": "a"}, 3: {"group": "b"}, 4: {"group": "b"},
                5: {"group": "b"}})


def test_lead_time_counts_weeks_from_the_first_flag_before_the_grade(history):
    assert lead_times(history) == [3.0, 5.0, None]
    summary = lead_time_report(history)["lead_time"]
    assert summary == {"failing_grades": 3, "flagged_before": 2, "never_flagged": 1,
                       "median_weeks": 3.0, "share_4_weeks": 33.3, "share_8_weeks": 0.0}


def test_a_flag_on_the_day_of_the_grade_is_not_ahead_of_it():
    late = History(flagged={SEP18: set(), SEP25: {7}}, failing_grades=[(7, SEP25)], students={7})
    assert lead_times(late) == [None]


def test_churn_counts_who_enters_and_leaves_the_list_each_week(history):
    report = churn(history)
    assert [(w["entered"], w["left"], w["stayed"], w["on_list"]) for w in report["weeks"]] == [
        (1, 0, 1, 2), (0, 1, 1, 1), (2, 0, 1, 3)]
    assert (report["mean_on_list"], report["mean_entered"], report["mean_left"]) == (1.8, 1.0, 0.3)
    assert report["weekly_turnover"] == 25.0  # 1 of the 4 places held before a step was left
    assert (report["students_ever_flagged"], report["flagged_more_than_once"]) == (3, 1)


def test_the_list_is_judged_against_the_next_term_grades(history):
    # Flagged against failing next: Sep 4 {1} / {1, 4}; Sep 11 {1, 2} / {1, 4};
    # Sep 18 {2} / {1, 4}; Sep 25 {1, 2, 3} / {2} (the next grading day is then Oct 16).
    assert list_accuracy(history) == {"precision": 45.8, "recall": 50.0,
                                      "false_positive_rate": 29.2}


def test_per_group_lead_time(history):
    groups = lead_time_report(history)["groups"]["group"]
    assert groups["a"]["lead_time"]["median_weeks"] == 4.0
    assert groups["b"]["lead_time"] == {"failing_grades": 1, "flagged_before": 0,
                                        "never_flagged": 1, "median_weeks": 0.0,
                                        "share_4_weeks": 0.0, "share_8_weeks": 0.0}


def test_replay_days_are_fridays_from_the_first_week_of_term():
    assert replay_days(date(2026, 9, 1), date(2026, 9, 25)) == [SEP4, SEP11, SEP18, SEP25]


def _dated_grade(student, section, period, score: float, on: date, kind: str) -> None:
    grade = give_grade(student, section, period, score, kind=kind)
    grade.recorded_on = on
    db.session.flush()


@pytest.fixture
def planted_school(app):
    """Two students: one slips from Oct 5 (absent, a failing quiz on Oct 9), one fails by surprise.

    Both get a failing first-quarter grade on Nov 10; until then the second has perfect
    attendance and an 85 % quiz, so only a replay that peeks at the future flags them early.
    """
    school = factories.make_school()
    term = factories.make_term(school)  # from Tuesday Sep 1; the first quarter ends Nov 10
    slipping, surprised = factories.make_student(school), factories.make_student(school)
    section = factories.make_section(school, None, slipping, surprised, term=term)
    first_quarter = min(term.grading_periods, key=lambda period: period.starts_on)
    days = [day for day in (date(2026, 9, 1) + timedelta(days=n) for n in range(80))
            if day.weekday() < 5]
    record_attendance(slipping, days, absent_on={day for day in days if day >= date(2026, 10, 5)})
    record_attendance(surprised, days)
    _dated_grade(slipping, section, first_quarter, 30, date(2026, 10, 9), "assessment")
    _dated_grade(surprised, section, first_quarter, 85, SEP25, "assessment")
    for student, score in ((slipping, 35), (surprised, 40)):
        _dated_grade(student, section, first_quarter, score, NOV10, "period")
    return school, slipping, surprised


def _stored_rows() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (DailyAttendance, Grade, RiskAssessment))


def test_the_replay_sees_each_week_only_what_was_known_then_and_stores_nothing(planted_school):
    school, slipping, surprised = planted_school
    before = _stored_rows()
    history = replay_school(school, until=date(2026, 11, 13))
    assert history.days[0] == SEP4 and history.days[-1] == date(2026, 11, 13)
    assert history.failing_grades == [(slipping.id, NOV10), (surprised.id, NOV10)]
    first_flag = min(day for day in history.days if slipping.id in history.flagged[day])
    assert first_flag == date(2026, 10, 9)  # the first Friday after the slide began
    assert lead_times(history) == [4.6, None]  # 32 days ahead; the surprise was not foreseeable
    assert surprised.id in history.flagged[date(2026, 11, 13)]  # once the grade is known
    assert _stored_rows() == before


def test_the_lead_time_command_reports_each_school(app, planted_school):
    school = planted_school[0]
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["risk", "lead-time", "--json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)["schools"]
    assert (report["school"], report["students"]) == (school.name, 2)
    assert report["lead_time"]["failing_grades"] == 2
    assert report["lead_time"]["flagged_before"] == 1
    text = app.test_cli_runner().invoke(args=["risk", "lead-time"]).output
    assert f"== {school.name}: 2 students" in text and "lead time: median 2.3 weeks" in text
