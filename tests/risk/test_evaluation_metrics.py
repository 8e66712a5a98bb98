"""The evaluation's figures, intervals, cut-offs and calibration on planted predictions."""

import numpy as np
import pytest

from portal.risk.evaluation import NAIVE, cheapest_cutoff, choose
from portal.risk.evaluation_metrics import (
    bootstrap_weights,
    brier,
    group_report,
    reliability,
    summarise,
)

FAILED = np.array([True, False, True, False])


@pytest.mark.parametrize(("miss_cost", "cutoff"), [(0.1, 0.8), (1.0, 0.8), (2.0, 0.4)])
def test_the_watch_cut_off_is_the_cheapest_for_the_schools_cost_ratio(miss_cost, cutoff):
    probability = np.array([0.9, 0.8, 0.6, 0.4, 0.3, 0.1])
    failed = np.array([True, True, False, True, False, False])
    # At 0.8 one failure is missed; at 0.4 one student who passes is flagged: a tie at cost 1
    # goes to the shorter list, a missed failure that costs twice a false alarm lowers it.
    assert cheapest_cutoff(probability, failed, miss_cost) == cutoff


def test_nobody_is_flagged_when_every_flag_would_be_a_false_alarm():
    probability, failed = np.array([0.7, 0.2]), np.array([False, False])
    assert cheapest_cutoff(probability, failed, 3.0) > 1.0


def test_figures_average_over_runs_and_the_interval_holds_the_value():
    flags = np.array([[True, True, False, False], [True, False, False, False]])
    report = summarise(flags, FAILED, bootstrap_weights(4, 200, seed=1))
    assert report["precision"]["value"] == 75.0  # 1/2 in the first run, 1/1 in the second
    assert report["recall"]["value"] == 50.0
    assert report["false_positive_rate"]["value"] == 25.0
    assert report["flag_rate"]["value"] == 37.5 and report["pcc"]["value"] == 62.5
    assert report["recall"]["low"] <= 50.0 <= report["recall"]["high"]
    assert summarise(flags, FAILED, None)["recall"] == {"value": 50.0, "low": None, "high": None}


def test_per_group_figures_and_the_gap_between_two_groups():
    flags = np.array([[True, True, True, False, False, False]])
    failed = np.array([True, False, False, True, True, False])
    groups = [{"gender": value} for value in "FFFMMM"]
    report = group_report(flags, failed, groups, bootstrap_weights(6, 100, seed=2))["gender"]
    assert report["groups"]["F"] == {
        "students": 3, "base_rate": 33.3, "pcc": 33.3, "precision": 33.3, "recall": 100.0,
        "f1": 50.0, "false_positive_rate": 100.0, "flag_rate": 100.0}
    assert report["groups"]["M"]["recall"] == 0.0 and report["groups"]["M"]["precision"] is None
    gap = report["gap"]
    assert gap["between"] == "F − M"
    assert (gap["recall"]["value"], gap["flag_rate"]["value"]) == (100.0, 100.0)
    assert gap["precision"] == {"value": None, "low": None, "high": None}


def test_brier_score_of_sure_and_of_coin_toss_predictions():
    assert brier(np.array([[1.0, 0.0, 1.0, 0.0]]), FAILED, None)["value"] == 0.0
    coin = brier(np.full((1, 4), 0.5), FAILED, bootstrap_weights(4, 50, seed=3))
    assert coin == {"value": 0.25, "low": 0.25, "high": 0.25}


def test_the_reliability_curve_puts_predictions_against_what_happened():
    probability = np.array([[0.05, 0.15, 0.95, 0.92]])
    curve = reliability(probability, np.array([False, True, True, False]))
    assert [(p["from"], p["students"], p["predicted"], p["observed"]) for p in curve] == [
        (0.0, 1.0, 5.0, 0.0), (0.1, 1.0, 15.0, 100.0), (0.9, 2.0, 93.5, 50.0)]


def _planted_fold(naive_decides: bool):
    """Return features (column 0: latest grade below the pass mark) and outcomes of 120 students.

    Either the latest grade decides (with two exceptions the learned model cannot explain) or
    column 1, which the naive predictor never reads, does.
    """
    rng = np.random.default_rng(3)
    below, signal = rng.random(120) < 0.35, rng.normal(size=120)
    failed = below.copy() if naive_decides else signal > 0.4
    failed[:2] = ~failed[:2]
    return np.column_stack([below, signal, rng.normal(size=120)]).astype(float), failed


@pytest.mark.parametrize(("naive_decides", "naive_chosen"), [(True, True), (False, False)])
def test_the_naive_predictor_is_chosen_only_when_it_is_right_as_often_on_inner_folds(
        naive_decides, naive_chosen):
    features, failed = _planted_fold(naive_decides)
    name, model, cutoffs = choose(features, failed, [2.0], seed=1, naive_column=0)
    assert (name == NAIVE) is naive_chosen
    high = model.predict_proba(features)[:, 1] >= 0.5
    assert (high == failed).mean() >= 0.95
    # The naive predictor's "high" is the rule itself: the latest grade below the pass mark.
    assert bool((high == (features[:, 0] > 0)).all()) is naive_chosen


def test_without_a_period_grade_the_naive_predictor_is_not_a_candidate():
    features, failed = _planted_fold(True)
    name, _, _ = choose(features[:, 1:], failed, [2.0], seed=1, naive_column=None)
    assert name != NAIVE
