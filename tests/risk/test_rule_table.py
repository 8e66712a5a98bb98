"""Every risk rule fires on exactly one side of its threshold (the table states each by hand)."""

import pytest

from portal.risk.scoring import RULES, score_student

# indicator: (value just outside, the threshold itself, value just inside) -> does it fire?
# "below" rules fire strictly under the threshold; "at least" rules fire from it on.
TABLE = {
    "attendance_rate_term": [(90.1, False), (90, False), (89.9, True)],
    "attendance_rate_recent": [(90.1, False), (90, False), (89.9, True)],
    "attendance_trend": [(-1.9, False), (-2, False), (-2.1, True)],
    "grade_average": [(60.1, False), (60, False), (59.9, True)],
    "grade_change": [(-9.9, False), (-10, False), (-10.1, True)],
    "missing_work_share": [(19.9, False), (20, True), (20.1, True)],
    "missing_work_count": [(1, False), (2, True), (3, True)],
    "missing_work_recent": [(0, False), (1, True), (2, True)],
    "late_work_share": [(29.9, False), (30, True), (30.1, True)],
    "score_trend": [(-2.9, False), (-3, False), (-3.1, True)],
    "score_vs_class": [(-14.9, False), (-15, False), (-15.1, True)],
    "failing_core_subjects": [(0, False), (1, True), (2, True)],
    "failing_subjects": [(1, False), (2, True), (3, True)],
    "behaviour_incidents_term": [(2, False), (3, True), (4, True)],
    "behaviour_incidents_recent": [(1, False), (2, True), (3, True)],
    "past_course_failures": [(0, False), (1, True), (2, True)],
    "days_since_family_contact": [(59, False), (60, True), (61, True)],
    "missed_parent_events": [(1, False), (2, True), (3, True)],
}
CASES = [(name, value, expected) for name, rows in TABLE.items() for value, expected in rows]


def test_the_table_covers_every_indicator_the_engine_knows():
    assert set(TABLE) == {rule.name for rule in RULES}


@pytest.mark.parametrize(("indicator", "value", "expected"), CASES)
def test_each_rule_fires_only_on_its_side_of_the_default_threshold(indicator, value, expected):
    result = score_student({indicator: value})
    assert [reason["indicator"] for reason in result.reasons] == ([indicator] if expected else [])


@pytest.mark.parametrize(("indicator", "value", "expected"), CASES)
def test_a_schools_own_threshold_moves_the_line(indicator, value, expected):
    """Shift the threshold and the value by the same amount: the side stays the same."""
    default = next(rule.threshold for rule in RULES if rule.name == indicator)
    settings = {"rules": {indicator: {"threshold": default + 5}}}
    shifted = score_student({indicator: value + 5}, settings)
    assert bool(shifted.reasons) is expected
