"""A randomized comparison: messaged vs held-out families' students (pure: no Flask, no DB).

The estimate is the difference in the students' means (messaged minus held out); its 95 %
interval comes from a cluster bootstrap that redraws whole families within each group, so
siblings count as the one draw they were in the lottery (percentile interval, each group's
spread widened by sqrt(G / (G - 1)) for its G families).
"""

from dataclasses import dataclass

import numpy as np

from portal.dashboards.impact_estimate import Status, signed, verdict

MIN_FAMILIES = 10  # per group: fewer gives no estimate
DRAWS = 1999


@dataclass(frozen=True)
class Comparison:
    """Both groups' sizes and means, the difference and its interval (unrounded)."""

    messaged_students: int
    held_out_students: int
    messaged_families: int
    held_out_families: int
    messaged_mean: float | None
    held_out_mean: float | None
    estimate: float | None
    low: float | None
    high: float | None
    status: str


def _family_totals(values: np.ndarray, families: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, family = np.unique(families, return_inverse=True)
    return (np.bincount(family, weights=values),
            np.bincount(family).astype(float))


def bootstrap_means(sums: np.ndarray, counts: np.ndarray, draws: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Return the group's student mean in each redraw of its families (with replacement),
    spread by sqrt(G / (G - 1)) around the observed mean: the usual small-sample correction."""
    picks = rng.integers(0, len(sums), size=(draws, len(sums)))
    means = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    centre = sums.sum() / counts.sum()
    return centre + np.sqrt(len(sums) / (len(sums) - 1)) * (means - centre)


def compare(values, families, held_out, *, draws: int = DRAWS, seed: int = 0) -> Comparison:
    """Compare the students' outcome (nan: not measured) between the two groups.

    families: each student's family (the lottery's unit); held_out: True for a held-out one.
    """
    values, families = np.asarray(values, float), np.asarray(families)
    held_out = np.asarray(held_out, bool)
    measured = np.isfinite(values)
    masks = (measured & ~held_out, measured & held_out)
    groups = [(values[mask], families[mask]) for mask in masks]
    sizes = [len(group[0]) for group in groups]
    clusters = [len(np.unique(group[1])) for group in groups]
    means = [float(group[0].mean()) if len(group[0]) else None for group in groups]
    if min(clusters) < MIN_FAMILIES:
        return Comparison(*sizes, *clusters, *means, None, None, None, Status.TOO_FEW_STUDENTS)
    rng = np.random.default_rng(seed)
    messaged, held = (bootstrap_means(*_family_totals(*group), draws, rng) for group in groups)
    low, high = np.percentile(messaged - held, [2.5, 97.5])
    return Comparison(*sizes, *clusters, *means, means[0] - means[1], float(low), float(high),
                      verdict(float(low), float(high)))


def shown(comparison: Comparison) -> dict:
    """Return the comparison's figures as displayed: each rounded once."""
    plain = {"messaged_mean": comparison.messaged_mean, "held_out_mean": comparison.held_out_mean}
    return {**{key: None if value is None else f"{value:.1f}" for key, value in plain.items()},
            "estimate": signed(comparison.estimate), "low": signed(comparison.low),
            "high": signed(comparison.high)}
