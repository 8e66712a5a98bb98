"""Impact estimates on simulated schools with a planted effect (no app, no database).

Every simulation uses a fixed seed, so each test gives the same answer on every run.
"""

from dataclasses import replace

import numpy as np
import pytest

from portal.dashboards.impact import Matched, Panel, Treated, match, standardised_differences
from portal.dashboards.impact_estimate import (
    DESIGNS,
    Status,
    cluster_bootstrap,
    displayed,
    estimate_effect,
    signed,
    verdict,
)
from tests.dashboards import impact_sim as sim

DESIGN = DESIGNS["attendance"]
FAST = replace(DESIGN, draws=499)


def _program(seed: int, effect: float, enrol, **school):
    rng = np.random.default_rng(seed)
    built = sim.make_school(rng, **school)
    starts = enrol(built)
    return estimate_effect(sim.panel_of(built, starts, effect), sim.treated_of(built, starts),
                           FAST, seed=seed), built, starts



def test_a_zero_effect_program_enrolling_after_a_dip_is_not_called_clear():
    runs = [_program(seed, 0.0, sim.after_a_dip)[0] for seed in range(12)]
    # Participants recover by themselves: their own before/after shows a gain.
    assert np.mean([effect.participant_change for effect in runs]) > 1.0
    assert abs(np.mean([effect.estimate for effect in runs])) < 0.5
    # At most one clear verdict in twelve: a 5 % error rate gives 0.6 expected.
    assert sum(effect.status == Status.CLEAR for effect in runs) <= 1


def test_a_planted_effect_after_a_dip_is_recovered_and_called_clear():
    runs = [_program(seed, 5.0, sim.after_a_dip)[0] for seed in range(12)]
    assert abs(np.mean([effect.estimate for effect in runs]) - 5.0) < 0.5
    assert sum(effect.status == Status.CLEAR and effect.low > 0 for effect in runs) >= 10


def test_the_interval_covers_the_planted_effect_about_95_times_in_100():
    """100 simulated programs of 30 random participants in 15 sections, 499 draws each.

    With 100 repetitions the coverage's own standard error is 2.2 points, so 0.88–0.99
    accepts a true 95 % (up to three standard errors below) and rejects the old 74 %.
    """
    covered = 0
    for seed in range(100):
        effect, _, _ = _program(seed, 3.0, lambda built: sim.at_random(built, 30), students=300)
        assert effect.low is not None
        covered += effect.low <= 3.0 <= effect.high
    assert 0.88 <= covered / 100 <= 0.99


def test_two_treated_sections_get_an_estimate_but_no_interval_and_no_verdict():
    effect, _, _ = _program(3, 0.0, lambda built: sim.whole_sections(built, (0, 1), 8),
                            section_sd=2.0)
    assert effect.analysed >= DESIGN.min_students and effect.clusters == 2
    assert effect.status == Status.TOO_FEW_GROUPS
    assert effect.estimate is not None and effect.low is None and effect.high is None


def test_flagged_students_who_recover_by_themselves_show_no_clear_effect():
    gains, estimates, clear = [], [], 0
    for seed in range(10):
        built = sim.make_school(np.random.default_rng(seed), students=1500)
        treated, helped = sim.interventions_for(built, sim.flagged(built))
        effect = estimate_effect(sim.panel_of(built, helped, 0.0), treated, FAST, seed=seed)
        gains.append(effect.participant_change)
        estimates.append(effect.estimate)
        clear += effect.status == Status.CLEAR
    assert np.mean(gains) > 1.0  # a plain before/after would credit the intervention
    # Each run's estimate has a standard error of about 0.8 (its intervals are ±1.5), so
    # the mean of ten has about 0.25: within 1.0 is four of them.
    assert abs(np.mean(estimates)) < 1.0 and clear <= 1


def _panel(values: list[list[float]], days: float = 5.0) -> Panel:
    array = np.array(values, float)
    return Panel(values=array, weights=np.where(np.isnan(array), 0, days),
                 risk=np.zeros_like(array))


def test_windows_are_the_participants_own_calendar_weeks_for_both_groups():
    design = replace(DESIGN, pre_weeks=3, post_weeks=2, min_pre=1, min_post=1, neighbours=1,
                     caliper=10.0, min_post_weeks=1)
    # Participant starts in week 4: before = weeks 1–3, after = weeks 4–5; week 0 and week 6
    # lie outside and must not count, for the comparison student either.
    values = [[0, 80, 80, 80, 90, 90, 0],
              [0, 80, 80, 80, 84, 84, 0]]
    matched, excluded = match(_panel(values), [Treated(0, 4, "a", np.array([1]))], design)
    (one,) = matched
    assert (one.change, one.match_change) == (10.0, 4.0) and not excluded
    assert list(one.series) == [80, 80, 80, 90, 90]
    assert list(one.match_series) == [80, 80, 80, 84, 84]


def test_participants_left_out_are_counted_with_their_reason():
    design = replace(DESIGN, pre_weeks=3, post_weeks=2, min_pre=10, min_post=5, caliper=10.0)
    full = [80.0] * 8
    values = [full, full, full, full, full[:1] + [np.nan] * 3 + full[4:], full]
    treated = [Treated(0, 2, "a", np.array([5])),  # week 2: no three weeks before
               Treated(1, 7, "a", np.array([5])),  # week 7 of 8: no two weeks after yet
               Treated(2, 4, "a", np.array([4])),  # its only candidate has no days before
               Treated(4, 4, "a", np.array([5])),  # no school days before
               Treated(3, 4, "a", np.array([5]))]  # analysed
    effect = estimate_effect(_panel(values), treated, design)
    assert (effect.enrolled, effect.analysed) == (5, 1)
    assert effect.excluded == {"no_before": 1, "too_recent": 1, "no_match": 1, "thin_before": 1}


def test_matching_picks_the_nearest_level_and_trend_within_the_caliper():
    design = replace(DESIGN, pre_weeks=3, post_weeks=1, min_pre=1, min_post=1, neighbours=1,
                     min_post_weeks=1)
    values = [[70, 70, 70, 80],  # participant
              [90, 90, 90, 90], [71, 71, 71, 71], [80, 75, 70, 70], [50, 50, 50, 50]]
    matched, _ = match(_panel(values), [Treated(0, 3, "a", np.array([1, 2, 3, 4]))], design)
    assert list(matched[0].match_rows) == [2]  # same level, same (flat) trend
    tight = replace(design, caliper=0.01)
    assert match(_panel(values), [Treated(0, 3, "a", np.array([1, 3, 4]))], tight)[1] == {
        "no_match": 1}


def test_baseline_balance_is_the_standardised_difference_of_the_groups():
    design = replace(DESIGN, pre_weeks=1, post_weeks=1, min_pre=1, min_post=1, neighbours=1,
                     caliper=100.0, min_post_weeks=1)
    values = [[70, 70], [74, 74], [70, 70], [76, 76]]  # participants 70 and 74
    matched, _ = match(_panel(values), [Treated(0, 1, "a", np.array([2])),
                                        Treated(1, 1, "b", np.array([3]))], design)
    level = standardised_differences(matched)[0]
    # Means 72 and 73; SDs 2 and 3: (72 - 73) / sqrt((4 + 9) / 2).
    assert level["participants"] == 72 and level["comparison"] == 73
    assert level["smd"] == pytest.approx(-1 / np.sqrt(6.5))


def test_groups_apart_before_the_start_get_no_estimate_and_no_verdict():
    design = replace(FAST, pre_weeks=1, post_weeks=1, min_pre=1, min_post=1, caliper=100.0,
                     min_students=2, min_clusters=2, min_post_weeks=1)
    values = [[60, 70], [62, 72], [80, 80], [82, 82]]
    effect = estimate_effect(_panel(values), [Treated(0, 1, "a", np.array([2, 3])),
                                              Treated(1, 1, "b", np.array([2, 3]))], design)
    assert effect.max_smd > 0.25 and effect.status == Status.NOT_COMPARABLE
    assert effect.low is None and effect.high is None


def test_fewer_than_the_minimum_of_students_get_no_estimate():
    effect, _, _ = _program(1, 5.0, lambda built: sim.at_random(built, 8))
    assert effect.analysed < DESIGN.min_students and effect.status == Status.TOO_FEW_STUDENTS
    assert effect.estimate is None and effect.low is None


def test_figures_are_rounded_once_and_verdicts_use_unrounded_bounds():
    assert signed(0.14) == "+0.1" and signed(-0.64) == "−0.6"
    # The difference is rounded from 0.78, not computed from the rounded +0.1 and −0.6.
    assert signed(0.14 - -0.64) == "+0.8"
    assert signed(-0.04) == "±0.0"
    # A lower bound of 0.004 shows as ±0.0 but the interval still excludes zero.
    assert verdict(0.004, 1.2) == Status.CLEAR and verdict(-0.004, 1.2) == Status.NOT_CLEAR


def test_displayed_figures_come_from_the_unrounded_effect():
    effect, _, _ = _program(2, 5.0, sim.after_a_dip)
    shown = displayed(effect)
    difference = round(round(effect.participant_change, 2) - round(effect.comparison_change, 2),
                       2)
    assert shown["estimate"] == signed(difference, 2)
    assert shown["size"] == f"{abs(difference):.2f}" and shown["more"]
    assert [row["verdict"] for row in shown["balance"]] == [
        "balanced" if abs(row["smd"]) <= 0.05 else "adjusted" for row in effect.balance]


@pytest.mark.parametrize(("participants", "comparison", "parts"), [
    (0.14, -0.64, ("+0.14", "−0.64", "+0.78")),
    (0.144, -0.644, ("+0.14", "−0.64", "+0.78")),  # 0.788 unrounded: shown parts win
    (0.005, 0.0149, ("+0.01", "+0.01", "±0.00")),
])
def test_the_shown_parts_of_a_program_comparison_add_up(participants, comparison, parts):
    effect, _, _ = _program(2, 5.0, sim.after_a_dip)
    effect = replace(effect, participant_change=participants, comparison_change=comparison,
                     estimate=participants - comparison)
    shown = displayed(effect)
    assert (shown["participant_change"], shown["comparison_change"], shown["estimate"]) == parts
    as_numbers = [float(text.replace("−", "-").replace("±", "")) for text in parts]
    assert round(as_numbers[0] - as_numbers[1], 2) == as_numbers[2]


class _Weights:
    """A stand-in for the bootstrap's generator: hands out the weights it is given, in turn
    (the comparison students' first, then the clusters')."""

    def __init__(self, *weights):
        self.weights = list(weights)

    def exponential(self, size):
        weights = np.asarray(self.weights.pop(0), dtype=float)
        assert weights.shape == size
        return weights


def _sharing_one_student() -> list[Matched]:
    """Two participants in two sections whose matches share student 11, whose change differs
    over each participant's own weeks (+3 around the first's start, +2 around the second's)."""
    def matched(cluster, change, rows, changes):
        return Matched(cluster=cluster, change=change, match_changes=np.array(changes),
                       features=np.zeros(3), match_features=np.zeros((len(rows), 3)),
                       series=np.zeros(12), match_series=np.zeros(12),
                       match_rows=np.array(rows))
    return [matched("a", 5.0, [10, 11], [1.0, 3.0]), matched("b", 4.0, [11, 12], [2.0, 0.0])]


def test_a_comparison_student_shared_by_two_participants_keeps_each_ones_change():
    pair = _sharing_one_student()
    # Even weights: every draw is the estimate itself, +3 (5 − 2 and 4 − 1).
    assert cluster_bootstrap(pair, 2, _Weights(np.ones((2, 3)), np.ones((2, 2)))) \
        == pytest.approx((3.0, 3.0))
    # One draw weighing students 10, 11 and 12 as 1, 2 and 3: the first's matches average
    # (1·1 + 2·3) / 3, the second's (2·2 + 3·0) / 5; the draw is widened from the centre
    # by √2 (two sections).
    draw = ((5 - 7 / 3) + (4 - 0.8)) / 2
    assert cluster_bootstrap(pair, 1, _Weights([[1, 2, 3]], [[1, 1]])) \
        == pytest.approx((3 + np.sqrt(2) * (draw - 3),) * 2)
