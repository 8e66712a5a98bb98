"""From dated records to the weekly panel and the participants' comparison pools (pure)."""

from datetime import date

import numpy as np

from portal.dashboards.impact_panel import (
    Helped,
    build_panel,
    helped_after_flags,
    intervention_participants,
    panel_students,
    program_participants,
    rows_of,
)

FIRST = date(2026, 9, 1)  # a Tuesday: week 0 is the week of Monday 31 August


def test_weekly_means_rest_on_what_was_observed_and_risk_carries_forward():
    panel = build_panel([7, 8], FIRST, date(2026, 9, 16), [
        (7, 0, 100.0, 2), (7, 1, 100.0, 1),  # week 0: 100 and 0; week 1: 100
        (9, 1, 0.0, 1),  # not in scope
        (8, 3, 50.0, 1), (8, -1, 50.0, 1),  # outside the weeks asked for
    ], [(8, date(2026, 9, 9), 40.0), (8, date(2026, 9, 15), 10.0)])
    assert panel.values.shape == (2, 3)
    assert list(panel.values[0, :2]) == [50.0, 100.0] and list(panel.weights[0]) == [2, 1, 0]
    assert np.isnan(panel.values[0, 2]) and np.isnan(panel.values[1]).all()
    assert np.isnan(panel.risk[1, 0]) and list(panel.risk[1, 1:]) == [40.0, 10.0]


def test_program_candidates_are_the_same_grade_and_never_enrolled():
    (treated,) = program_participants([1, 2, 3, 4, 5], [9, 9, 10, 9, 9], ["a"] * 5,
                                      {2: date(2026, 10, 19), 99: date(2026, 10, 19)}, FIRST)
    assert (treated.row, treated.start) == (1, 7)
    assert list(treated.candidates) == [0, 3, 4]  # not 2 (grade 10), not itself


def _flag(key, student, on, level="high", reasons=("attendance",)):
    return {"id": key, "student_id": student, "on": on, "level": level,
            "reasons": frozenset(reasons)}


def _helped(interventions, flags, asked=None):
    """helped_after_flags with the flags' reasons looked up by id (the ids asked noted)."""
    def reasons_of(ids):
        if asked is not None:
            asked.extend(ids)
        return {flag["id"]: flag["reasons"] for flag in flags if flag["id"] in ids}
    return helped_after_flags(interventions, [{key: value for key, value in flag.items()
                                               if key != "reasons"} for flag in flags],
                              FIRST, 6, reasons_of)


def test_intervention_candidates_were_flagged_alike_the_same_week_and_not_helped_yet():
    week = date(2026, 10, 19)
    flags = [_flag(1, 1, week), _flag(2, 2, week), _flag(3, 3, week, level="watch"),
             _flag(4, 4, date(2026, 10, 26)), _flag(5, 5, week, reasons=("grades",)),
             _flag(6, 6, week), _flag(8, 8, week), _flag(9, 9, date(2026, 10, 12))]
    interventions = [
        {"student_id": 1, "opened_on": date(2026, 10, 21), "risk_assessment_id": None},
        {"student_id": 6, "opened_on": date(2026, 11, 2), "risk_assessment_id": 6},  # 2 weeks
        {"student_id": 7, "opened_on": date(2026, 10, 21), "risk_assessment_id": None},
        {"student_id": 8, "opened_on": date(2026, 11, 30), "risk_assessment_id": 8},  # late
        {"student_id": 9, "opened_on": date(2026, 10, 13), "risk_assessment_id": None},
    ]
    asked = []
    helped, excluded = _helped(interventions, flags, asked)
    # Student 2 only: 3 is watch, 4 another week, 5 other reasons, 6 and 8 helped by the
    # end of the after window (8 late, but still helped), 1 themself.
    assert helped == [Helped(1, 7, (2,)), Helped(6, 7, (2,)), Helped(9, 6, ())]
    assert excluded == {"no_flag": 1, "late": 1}
    # The reasons of the flags of the weeks and levels answered, in one call; not of 4's
    # (another week), 8's (helped only after the window) nor 9's pool's, which is empty.
    assert asked == [1, 2, 5, 6, 9]
    assert panel_students(helped) == [1, 2, 6, 9]  # nobody else is read
    first, sixth, ninth = intervention_participants([1, 2, 6, 9], list("abcd"), helped)
    assert (first.row, first.start, first.cluster, list(first.candidates)) == (0, 7, "a", [1])
    assert (sixth.row, sixth.cluster, list(sixth.candidates)) == (2, "c", [1])
    assert (ninth.row, list(ninth.candidates)) == (3, [])


def test_intervention_candidates_fall_back_to_the_level_when_no_one_shares_the_reasons():
    week = date(2026, 10, 19)
    flags = [_flag(1, 1, week, reasons=("grades",)), _flag(2, 2, week),
             _flag(3, 3, week, level="watch"), _flag(4, 4, week, reasons=("behaviour",))]
    (helped,), _ = _helped([{"student_id": 1, "opened_on": week, "risk_assessment_id": 1}],
                           flags)
    assert helped.alike == (2, 4)


def test_an_intervention_answers_its_own_flag_or_the_last_before_it():
    flags = [_flag(1, 1, date(2026, 9, 14)), _flag(2, 1, date(2026, 10, 19), level="watch"),
             _flag(3, 1, date(2026, 11, 2)), _flag(4, 2, date(2026, 10, 19), level="watch"),
             _flag(5, 3, date(2026, 9, 14))]
    linked, before = (_helped(
        [{"student_id": 1, "opened_on": date(2026, 10, 21), "risk_assessment_id": key}],
        flags)[0][0] for key in (1, None))
    assert (linked.week, linked.alike) == (2, (3,))  # its own flag, of 14 September
    assert (before.week, before.alike) == (7, (2,))  # the last before: 19 October, watch


def test_rows_of_finds_each_student_in_any_order_of_the_panel():
    found = rows_of([30, 10, 20], np.array([10.0, 25.0, 30.0, 5.0, 40.0, 20.0]))
    assert found.tolist() == [1, -1, 0, -1, -1, 2]
    assert rows_of([], np.array([1.0])).tolist() == [-1]
