"""Matched, aligned-window impact estimates (pure: no Flask, no database).

A stacked event-time design: every participant (or flagged student who got an
intervention) has their own start week; their comparison students are measured over the
same calendar weeks around that start. See docs/impact.md for the method and its limits.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

FEATURES = ("level", "slope", "risk")  # what the matching balances before the start


@dataclass(frozen=True)
class Design:
    """Window lengths (weeks), data minimums (observations per window) and sample minimums."""

    pre_weeks: int = 6
    post_weeks: int = 6
    min_pre: float = 10.0
    min_post: float = 5.0
    min_post_weeks: int = 2
    neighbours: int = 3
    caliper: float = 0.25  # a match is at most this far (root mean square of standardised gaps)
    min_students: int = 10
    min_clusters: int = 10
    draws: int = 999


@dataclass(frozen=True)
class Panel:
    """Weekly observations of every student in scope: one row a student, one column a week.

    values: the outcome's mean that week (nan when nothing was observed);
    weights: how many observations (school days, assessments) that mean rests on;
    risk: the latest risk score known that week (nan before the first assessment).
    """

    values: np.ndarray
    weights: np.ndarray
    risk: np.ndarray

    @property
    def weeks(self) -> int:
        return self.values.shape[1]


@dataclass(frozen=True)
class Treated:
    """A participant: their row, start column, cluster and eligible comparison rows."""

    row: int
    start: int
    cluster: object
    candidates: np.ndarray


@dataclass
class Matched:
    """Everything measured for one analysed participant and their matched students."""

    cluster: object
    change: float
    match_changes: np.ndarray  # each matched student's change
    features: np.ndarray
    match_features: np.ndarray  # (neighbours, features)
    series: np.ndarray  # participant's value per relative week
    match_series: np.ndarray  # matches' mean value per relative week
    match_rows: np.ndarray = field(default_factory=lambda: np.empty(0, int))

    @property
    def match_change(self) -> float:
        return float(self.match_changes.mean())


def window_means(panel: Panel, rows: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, ...]:
    """Return each row's observation-weighted mean over columns lo..hi-1, and its weight."""
    values = panel.values[rows, lo:hi]
    weights = np.where(np.isnan(values), 0.0, panel.weights[rows, lo:hi])
    total = weights.sum(axis=1)
    sums = np.nansum(values * weights, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, sums / total, np.nan), total


def column_means(values: np.ndarray) -> np.ndarray:
    """Return each column's mean over its observed (finite) cells; nan when none."""
    counts = np.isfinite(values).sum(axis=0)
    sums = np.nansum(values, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def window_slopes(panel: Panel, rows: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Return each row's observation-weighted least-squares slope per week over lo..hi-1."""
    values = panel.values[rows, lo:hi]
    weights = np.where(np.isnan(values), 0.0, panel.weights[rows, lo:hi])
    values = np.nan_to_num(values)
    weeks = np.arange(hi - lo, dtype=float)
    total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    centred = weeks - (weights * weeks).sum(axis=1, keepdims=True) / total
    mean = (weights * values).sum(axis=1, keepdims=True) / total
    spread = (weights * centred ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, (weights * centred * (values - mean)).sum(axis=1) / spread,
                        0.0)


def _exclusion(panel: Panel, one: Treated, design: Design) -> str | None:
    if one.start < design.pre_weeks:
        return "no_before"
    if one.start + design.min_post_weeks > panel.weeks:
        return "too_recent"
    return None


def _measure(panel: Panel, rows: np.ndarray, start: int, design: Design) -> dict:
    lo, hi = start - design.pre_weeks, min(start + design.post_weeks, panel.weeks)
    pre, pre_weight = window_means(panel, rows, lo, start)
    post, post_weight = window_means(panel, rows, start, hi)
    risk = np.nan_to_num(panel.risk[rows, start - 1], nan=0.0)
    series = np.full((len(rows), design.pre_weeks + design.post_weeks), np.nan)
    series[:, :hi - lo] = panel.values[rows, lo:hi]
    return {"ok": (pre_weight >= design.min_pre) & (post_weight >= design.min_post),
            "thin_before": pre_weight < design.min_pre, "change": post - pre,
            "features": np.column_stack([pre, window_slopes(panel, rows, lo, start), risk]),
            "series": series, "rows": rows}


def _own_measures(panel: Panel, treated: list[Treated], design: Design) -> list[dict | None]:
    """Measure each participant with a before and an after window (None for the others),
    all those of one start week together."""
    by_start: dict[int, list[int]] = {}
    for index, one in enumerate(treated):
        if _exclusion(panel, one, design) is None:
            by_start.setdefault(one.start, []).append(index)
    found: list[dict | None] = [None] * len(treated)
    for start, indexes in by_start.items():
        measured = _measure(panel, np.array([treated[index].row for index in indexes]), start,
                            design)
        for place, index in enumerate(indexes):
            found[index] = {key: value[place:place + 1] for key, value in measured.items()}
    return found


def _measure_all(panel: Panel, treated: list[Treated], design: Design):
    """Measure participants and their eligible candidates; count who is left out and why."""
    excluded: Counter = Counter()
    measured, pools = [], {}
    for one, own in zip(treated, _own_measures(panel, treated, design), strict=True):
        reason = _exclusion(panel, one, design)
        if reason is None and not own["ok"][0]:
            reason = "thin_before" if own["thin_before"][0] else "thin_after"
        if reason is None:
            candidates = np.asarray(one.candidates, int)
            key = (one.start, candidates.tobytes())  # participants alike share one pool
            if key not in pools:
                pools[key] = _measure(panel, candidates, one.start, design)
            pool = pools[key]
            keep = pool["ok"]
            if not keep.any():
                reason = "no_match"
        if reason:
            excluded[reason] += 1
            continue
        measured.append((one, own, {key: value[keep] for key, value in pool.items()
                                    if key not in ("ok", "thin_before")}))
    return measured, excluded


def _scale(measured) -> np.ndarray:
    """Return each feature's spread over all candidates (the matching's unit)."""
    if not measured:
        return np.ones(len(FEATURES))
    spread = np.vstack([pool["features"] for _, _, pool in measured]).std(axis=0)
    return np.where(spread > 1e-9, spread, 1.0)


def match(panel: Panel, treated: list[Treated], design: Design) -> tuple[list[Matched], Counter]:
    """Match each participant to their nearest eligible students (with replacement).

    A participant with no candidate within the caliper has no comparable student.
    """
    measured, excluded = _measure_all(panel, treated, design)
    scale = _scale(measured)
    matched = []
    for one, own, pool in measured:
        distance = np.sqrt((((pool["features"] - own["features"][0]) / scale) ** 2).mean(axis=1))
        nearest = np.argsort(distance, kind="stable")[:design.neighbours]
        nearest = nearest[distance[nearest] <= design.caliper]
        if not len(nearest):
            excluded["no_match"] += 1
            continue
        matched.append(Matched(
            cluster=one.cluster, change=float(own["change"][0]),
            match_changes=pool["change"][nearest],
            features=own["features"][0], match_features=pool["features"][nearest],
            series=own["series"][0], match_series=column_means(pool["series"][nearest]),
            match_rows=pool["rows"][nearest]))
    return matched, excluded


def standardised_differences(matched: list[Matched]) -> list[dict]:
    """Return, per feature, both groups' means before the start and their standardised gap.

    The comparison side weights each matched student 1/k within their participant (a
    student matched twice counts twice); the gap is divided by the pooled SD.
    """
    own = np.array([m.features for m in matched])
    theirs = np.vstack([m.match_features for m in matched])
    weights = np.concatenate([np.full(len(m.match_features), 1 / len(m.match_features))
                              for m in matched])
    rows = []
    for column, name in enumerate(FEATURES):
        mean_c = np.average(theirs[:, column], weights=weights)
        var_c = np.average((theirs[:, column] - mean_c) ** 2, weights=weights)
        mean_t, var_t = own[:, column].mean(), own[:, column].var()
        pooled = np.sqrt((var_t + var_c) / 2)
        gap = (mean_t - mean_c) / pooled if pooled > 1e-9 else 0.0
        rows.append({"feature": name, "participants": float(mean_t),
                     "comparison": float(mean_c), "smd": float(gap)})
    return rows


def event_study(matched: list[Matched], design: Design) -> list[dict]:
    """Return, per week relative to the start, both groups' mean value (observed only)."""
    own = np.array([m.series for m in matched])
    theirs = np.array([m.match_series for m in matched])
    rows = []
    for column, week in enumerate(range(-design.pre_weeks, design.post_weeks)):
        both = np.isfinite(own[:, column]) & np.isfinite(theirs[:, column])
        if both.any():
            rows.append({"week": week, "participants": float(own[both, column].mean()),
                         "comparison": float(theirs[both, column].mean()),
                         "students": int(both.sum())})
    return rows
