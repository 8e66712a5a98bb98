"""The randomized comparison on simulated schools with a planted effect (no app, no DB).

Families are the lottery's unit: siblings share a family effect, so the interval must
treat a family as one draw. Every simulation has a fixed seed.
"""

import numpy as np

from portal.dashboards.holdout_estimate import Status, bootstrap_means, compare, shown


def _school(seed: int, effect: float, *, families: int = 400, share: float = 0.1,
            family_spread: float = 6.0):
    """Return (values, families, held out) of a school's students with a planted effect."""
    rng = np.random.default_rng(seed)
    children = rng.integers(1, 4, size=families)  # 1 to 3 children per family
    family = np.repeat(np.arange(families), children)
    held_family = rng.random(families) < share
    held = held_family[family]
    values = (88 + rng.normal(0, family_spread, families)[family]
              + rng.normal(0, 5, len(family)) + np.where(held, 0.0, effect))
    return values, family, held


def test_a_planted_effect_is_recovered_and_its_interval_covers_it():
    values, family, held = _school(7, 4.0, families=800)
    result = compare(values, family, held, seed=7)
    assert abs(result.estimate - 4.0) < 1.5
    assert result.low < 4.0 < result.high
    assert result.status == Status.CLEAR  # the interval excludes zero


def test_a_zero_effect_gives_an_interval_that_covers_zero():
    values, family, held = _school(11, 0.0)
    result = compare(values, family, held, seed=11)
    assert result.low < 0 < result.high
    assert result.status == Status.NOT_CLEAR


def test_the_interval_covers_the_planted_effect_in_about_95_of_100_schools():
    covered = 0
    for seed in range(100):
        values, family, held = _school(seed, 2.5)
        result = compare(values, family, held, seed=seed)
        covered += result.low <= 2.5 <= result.high
    assert 88 <= covered <= 100


def test_the_interval_counts_families_not_students():
    values, family, held = _school(3, 0.0, family_spread=0.0)
    result = compare(values, family, held, seed=3)
    # Each student twice, as a twin with the same result in the same family: no new families,
    # so no more certainty; counted as separate students, the interval would shrink by ~30 %.
    twins = compare(np.repeat(values, 2), np.repeat(family, 2), np.repeat(held, 2), seed=3)
    assert twins.estimate == result.estimate
    assert abs((twins.high - twins.low) / (result.high - result.low) - 1) < 0.1


def test_students_without_data_are_left_out_and_too_few_families_give_no_estimate():
    values, family, held = _school(5, 3.0, families=60)
    values[::2] = np.nan
    result = compare(values, family, held, seed=5)
    assert result.messaged_students + result.held_out_students == np.isfinite(values).sum()
    assert result.held_out_families < 10
    assert result.status == Status.TOO_FEW_STUDENTS
    assert result.estimate is None and result.low is None
    assert result.held_out_mean is not None


def test_figures_are_shown_rounded_once_with_their_sign():
    values, family, held = _school(7, 4.0, families=800)
    figures = shown(compare(values, family, held, seed=7))
    assert figures["estimate"].startswith("+") and figures["low"].startswith("+")
    whole, decimals = figures["messaged_mean"].split(".")
    assert whole.isdigit() and len(decimals) == 1


def test_each_groups_spread_is_the_usual_standard_error_of_its_mean():
    values = np.random.default_rng(2).normal(80, 10, size=10)  # ten families of one child
    means = bootstrap_means(values, np.ones(10), 40000, np.random.default_rng(0))
    # The plain bootstrap would give the spread with n, not n - 1: 5 % too narrow here.
    assert abs(means.std() / (values.std(ddof=1) / np.sqrt(10)) - 1) < 0.02
