"""Every risk rule fires on exactly one side of its threshold (the table states each by hand)."""

import pytest

from portal.risk.scoring import RULES, RULES_BY_NAME, score_student

# rule: (value just outside, the threshold itself, value just inside) -> does it fire?
# "below" rules fire strictly under the threshold; "at least" rules fire from it on.
TABLE = {
    "attendance_rate_term": [(90.1, False), (90, False), (89.9, True)],
    "attendance_rate_recent": [(85.1, False), (85, False), (84.9, True)],
    "severe_absence": [(80.1, False), (80, False), (79.9, True)],
    "attendance_trend": [(-1.9, False), (-2, False), (-2.1, True)],
    "failing_core_subjects": [(0, False), (1, True), (2, True)],
    "failing_core_severe": [(1, False), (2, True), (3, True)],
    "grade_average": [(60.1, False), (60, False), (59.9, True)],
    "failing_subjects": [(1, False), (2, True), (3, True)],
    "past_course_failures": [(0, False), (1, True), (2, True)],
    "grade_change": [(-9.9, False), (-10, False), (-10.1, True)],
    "score_trend": [(-2.9, False), (-3, False), (-3.1, True)],
    "score_vs_class": [(-14.9, False), (-15, False), (-15.1, True)],
    "missing_work_share": [(19.9, False), (20, True), (20.1, True)],
    "missing_work_count": [(2, False), (3, True), (4, True)],
    "missing_work_recent": [(1, False), (2, True), (3, True)],
    "late_work_share": [(29.9, False), (30, True), (30.1, True)],
    "serious_incidents": [(0, False), (1, True), (2, True)],
    "serious_incidents_severe": [(1, False), (2, True), (3, True)],
    "behaviour_incidents_term": [(1, False), (2, True), (3, True)],
}
CASES = [(name, value, expected) for name, rows in TABLE.items() for value, expected in rows]


def test_the_table_covers_every_rule_the_engine_knows():
    assert set(TABLE) == {rule.name for rule in RULES}


def _fired(rule_name: str, value: float, settings: dict | None = None) -> bool:
    result = score_student({RULES_BY_NAME[rule_name].reads: value}, settings)
    return rule_name in [reason["indicator"] for reason in result.reasons]


@pytest.mark.parametrize(("rule", "value", "expected"), CASES)
def test_each_rule_fires_only_on_its_side_of_the_default_threshold(rule, value, expected):
    assert _fired(rule, value) is expected


@pytest.mark.parametrize(("rule", "value", "expected"), CASES)
def test_a_schools_own_threshold_moves_the_line(rule, value, expected):
    """Shift the threshold and the value by the same amount: the side stays the same."""
    settings = {"rules": {rule: {"threshold": RULES_BY_NAME[rule].threshold + 5}}}
    assert _fired(rule, value + 5, settings) is expected
