"""The pure scoring engine: reasons match thresholds, levels, the top-k cap."""

from portal.risk.scoring import (
    Assessment,
    cap_high_flags,
    describe_reason,
    merged_settings,
    score_student,
)


def test_each_fired_rule_is_a_reason_with_value_threshold_direction_and_trend():
    result = score_student({"attendance_rate_recent": 84.0, "attendance_trend": -3.5,
                            "grade_average": 72.0, "past_course_failures": 0})
    assert [r["indicator"] for r in result.reasons] == ["attendance_rate_recent",
                                                        "attendance_trend"]
    recent = result.reasons[0]
    assert (recent["value"], recent["threshold"], recent["direction"], recent["trend"]) == (
        84.0, 90, "below", "falling")
    assert describe_reason(recent) == "attendance in the last 4 weeks 84%, below 90%, falling"
    assert result.score == 3 and result.level == "watch"


def test_a_value_exactly_at_a_below_threshold_does_not_fire():
    assert score_student({"attendance_rate_term": 90.0}).reasons == []


def test_levels_follow_the_cut_offs_and_missing_indicators_never_fire():
    high = score_student({"failing_core_subjects": 1, "past_course_failures": 2})
    assert (high.score, high.level) == (4, "high")
    assert score_student({"grade_average": None}).level == "none"


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


def test_saved_settings_overlay_the_defaults():
    settings = merged_settings({"high_cap": 5, "rules": {"grade_average": {"weight": 3}}})
    assert settings["high_cap"] == 5
    assert settings["rules"]["grade_average"] == {"threshold": 60, "weight": 3, "enabled": True}
