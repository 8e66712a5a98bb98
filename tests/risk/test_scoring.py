"""The pure scoring engine: one vote per domain, reasons, levels, to-dos, the top-k cap."""

import pytest

from portal.risk.labels import reason_text
from portal.risk.scoring import (
    Assessment,
    cap_high_flags,
    family_todos,
    merged_settings,
    score_student,
    steady_slope,
)

ENOUGH_DAYS = {"attendance_days": 40}


def test_each_fired_rule_is_a_reason_with_value_threshold_direction_and_trend(app):
    result = score_student({"attendance_rate_recent": 84.0, "attendance_trend": -3.5,
                            "grade_average": 72.0, "past_course_failures": 0, **ENOUGH_DAYS})
    assert [r["indicator"] for r in result.reasons] == ["attendance_rate_recent",
                                                        "attendance_trend"]
    recent = result.reasons[0]
    assert (recent["value"], recent["threshold"], recent["direction"], recent["trend"]) == (
        84.0, 85, "below", "falling")
    with app.test_request_context():  # said as the pages say it (portal.risk.labels)
        assert reason_text(recent) == "attendance in the last 4 weeks 84%, below 85%, falling"
    assert [r["counted"] for r in result.reasons] == [True, False]
    assert result.score == 2 and result.level == "watch"


# The documented levels (docs/evaluation.md, "Default settings and list sizes").
@pytest.mark.parametrize(("indicators", "score", "level"), [
    # chronic absence alone: term and recent are the same number early on, one vote
    ({"attendance_rate_term": 85.0, "attendance_rate_recent": 85.0, "attendance_days": 20},
     2, "watch"),
    # one absence in the first week: too few days observed to say anything
    ({"attendance_rate_term": 80.0, "attendance_rate_recent": 80.0, "attendance_days": 5},
     0, "none"),
    # one failing core course, which also pulls the average under and is a failing subject
    ({"failing_core_subjects": 1, "failing_subjects": 2, "grade_average": 55.0}, 2, "watch"),
    # a suspension (or a major incident) alone
    ({"serious_incidents": 1, "behaviour_incidents_term": 1}, 2, "watch"),
    # two minor incidents
    ({"behaviour_incidents_term": 2, "serious_incidents": 0}, 2, "watch"),
    # severe absence is still one domain
    ({"attendance_rate_term": 70.0, "attendance_rate_recent": 60.0, **ENOUGH_DAYS}, 4, "watch"),
    # severe absence and a failing core course: two domains
    ({"attendance_rate_term": 70.0, **ENOUGH_DAYS, "failing_core_subjects": 1}, 6, "high"),
    # three domains off track
    ({"attendance_rate_term": 88.0, **ENOUGH_DAYS, "failing_core_subjects": 1,
      "missing_work_share": 25.0}, 6, "high"),
])
def test_one_fact_counts_once_and_gives_the_documented_level(indicators, score, level):
    result = score_student(indicators)
    assert (result.score, result.level) == (score, level)


@pytest.mark.parametrize(("recent_days", "level"), [(13, "none"), (15, "watch")])
def test_the_last_four_weeks_vote_only_over_enough_school_days(recent_days, level):
    """After the winter break the window holds 13 school days: two absences are not 84.6 %."""
    result = score_student({"attendance_rate_term": 96.0, "attendance_days": 60,
                            "attendance_rate_recent": 84.6,
                            "attendance_days_recent": recent_days})
    assert result.level == level


def test_a_suspension_counts_and_two_serious_incidents_weigh_more():
    assert score_student({"serious_incidents": 0}).score == 0
    assert score_student({"serious_incidents": 1}).score == 2
    assert score_student({"serious_incidents": 2}).score == 4


@pytest.mark.parametrize("indicators", [
    {},
    {"attendance_rate_term": 97.0, "attendance_rate_recent": 100.0, **ENOUGH_DAYS,
     "grade_average": 88.0, "failing_core_subjects": 0},
    {"failing_core_subjects": 1},
    {"attendance_rate_term": 70.0, **ENOUGH_DAYS, "failing_core_subjects": 2},
])
def test_family_contact_never_changes_a_level_and_becomes_a_to_do(indicators):
    alone = score_student(indicators)
    unreached = {**indicators, "days_since_family_contact": 400, "missed_parent_events": 9}
    scored = score_student(unreached)
    assert (scored.score, scored.level, scored.reasons) == (alone.score, alone.level,
                                                             alone.reasons)
    assert [todo["todo"] for todo in family_todos(unreached)] == [
        "days_since_family_contact", "missed_parent_events"]
    assert family_todos({**indicators, "days_since_family_contact": 59}) == []


def test_attendance_votes_from_the_minimum_of_days_a_school_sets():
    indicators = {"attendance_rate_term": 80.0, "attendance_days": 10}
    assert score_student(indicators).level == "none"
    assert score_student(indicators, {"attendance_min_days": 10}).level == "watch"


def test_one_bad_week_is_noise_and_a_steady_fall_is_a_trend():
    one_bad_week = [(-5, 100), (-4, 100), (-3, 100), (-2, 100), (-1, 100), (0, 40)]
    assert steady_slope(one_bad_week) == 0.0
    falling = [(-5, 100), (-4, 96), (-3, 90), (-2, 86), (-1, 80), (0, 74)]
    assert steady_slope(falling) < -2
    assert steady_slope(falling[:3]) is None  # three weeks are too few


def test_a_value_exactly_at_a_below_threshold_does_not_fire():
    assert score_student({"attendance_rate_term": 90.0}).reasons == []


def test_a_changed_threshold_and_a_disabled_rule_change_the_result():
    indicators = {"attendance_rate_term": 92.0}
    stricter = {"rules": {"attendance_rate_term": {"threshold": 95}}}
    assert score_student(indicators).reasons == []
    assert score_student(indicators, stricter).reasons[0]["threshold"] == 95
    disabled = {"rules": {"attendance_rate_term": {"threshold": 95, "enabled": False}}}
    assert score_student(indicators, disabled).reasons == []


def test_the_cap_keeps_only_the_highest_scores_high():
    scored = {1: Assessment(5, "high"), 2: Assessment(7, "high"), 3: Assessment(4, "high"),
              4: Assessment(2, "watch")}
    capped = cap_high_flags(scored, 2)
    assert [capped[k].level for k in (1, 2, 3, 4)] == ["high", "high", "watch", "watch"]


def test_saved_settings_overlay_the_defaults_and_ignore_retired_rules():
    settings = merged_settings({"high_cap": 5, "rules": {
        "grade_average": {"weight": 3}, "days_since_family_contact": {"weight": 1}},
        "family_todos": {"days_since_family_contact": 30}})
    assert settings["high_cap"] == 5
    assert settings["rules"]["grade_average"] == {"threshold": 60, "weight": 3, "enabled": True}
    assert "days_since_family_contact" not in settings["rules"]
    assert settings["family_todos"]["days_since_family_contact"] == 30
