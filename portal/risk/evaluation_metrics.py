"""Figures of an evaluation with bootstrap confidence intervals, per group and overall.

Flags are a (runs × students) boolean matrix: one row per repetition of the cross-validation
(one row for rules that learn nothing). A bootstrap resample draws students with replacement;
a figure is computed on each resample and averaged over the runs, and the 2.5th and 97.5th
percentiles over resamples are the 95 % interval. Percentages are 0–100.
"""

import warnings

FIGURES = ("pcc", "precision", "recall", "f1", "false_positive_rate", "flag_rate")
GAP_FIGURES = ("recall", "false_positive_rate", "precision", "flag_rate")
RELIABILITY_BINS = 10


def bootstrap_weights(count: int, samples: int, seed: int):
    """Return a (samples × count) matrix: how often each student is drawn in each resample."""
    import numpy as np

    draws = np.random.default_rng(seed).integers(0, count, size=(samples, count))
    return np.stack([np.bincount(row, minlength=count) for row in draws]) if samples else None


def figures(flags, failed, weights) -> dict:
    """Return each figure for each row of weights (one per resample), averaged over the runs."""
    import numpy as np

    cells = {name: weights @ matrix.T.astype(float) for name, matrix in (
        ("hit", flags & failed), ("alarm", flags & ~failed),
        ("miss", ~flags & failed), ("quiet", ~flags & ~failed))}
    hit, alarm, miss, quiet = cells["hit"], cells["alarm"], cells["miss"], cells["quiet"]
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group with no failures: no recall
        per_run = {
            "pcc": (hit + quiet) / (hit + alarm + miss + quiet),
            "precision": hit / (hit + alarm), "recall": hit / (hit + miss),
            "f1": 2 * hit / (2 * hit + alarm + miss),
            "false_positive_rate": alarm / (alarm + quiet),
            "flag_rate": (hit + alarm) / (hit + alarm + miss + quiet),
        }
        return {name: 100 * np.nanmean(values, axis=1) for name, values in per_run.items()}


def summarise(flags, failed, weights) -> dict:
    """Return {figure: {value, low, high}}: the observed figure and its bootstrap interval."""
    import numpy as np

    observed = figures(flags, failed, np.ones((1, flags.shape[1])))
    if weights is None:
        return {name: _interval(observed[name][0], None) for name in FIGURES}
    resampled = figures(flags, failed, weights)
    return {name: _interval(observed[name][0], resampled[name]) for name in FIGURES}


def group_report(flags, failed, groups: list[dict], weights) -> dict:
    """Return per-group figures and the gap between the two values of each attribute."""
    import numpy as np

    report = {}
    for attribute in groups[0]:
        values = np.array([student[attribute] for student in groups])
        per_value, resampled = {}, {}
        for value in sorted(set(values)):
            mine = values == value
            observed = figures(flags, failed, mine[None, :].astype(float))
            resampled[value] = (figures(flags, failed, weights * mine)
                                if weights is not None else None)
            per_value[value] = {"students": int(mine.sum()),
                                "base_rate": round(100 * float(failed[mine].mean()), 1),
                                **{name: _round(observed[name][0]) for name in FIGURES}}
        report[attribute] = {"groups": per_value}
        if len(per_value) == 2:
            report[attribute]["gap"] = _gap(per_value, resampled)
    return report


def _gap(per_value: dict, resampled: dict) -> dict:
    """Return the first value's figures minus the second's, with bootstrap intervals."""
    first, second = per_value
    gap = {"between": f"{first} − {second}"}
    for name in GAP_FIGURES:
        one, other = per_value[first][name], per_value[second][name]
        difference = None if one is None or other is None else one - other
        spread = (resampled[first][name] - resampled[second][name]
                  if resampled[first] is not None else None)
        gap[name] = _interval(difference, spread)
    return gap


def brier(probability, failed, weights) -> dict:
    """Return the Brier score (mean squared error of the probabilities) with its interval."""
    import numpy as np

    squared = (probability - failed) ** 2
    observed = float(squared.mean())
    if weights is None:
        return {"value": round(observed, 4), "low": None, "high": None}
    resampled = (weights @ squared.T / weights.sum(axis=1, keepdims=True)).mean(axis=1)
    low, high = np.percentile(resampled, [2.5, 97.5])
    return {"value": round(observed, 4), "low": round(float(low), 4), "high": round(float(high), 4)}


def auc(probability, failed) -> float:
    """Return the area under the ROC curve, averaged over the runs."""
    from sklearn.metrics import roc_auc_score

    return round(sum(roc_auc_score(failed, run) for run in probability) / len(probability), 3)


def reliability(probability, failed) -> list[dict]:
    """Return the reliability curve: per tenth of probability, predicted against observed."""
    import numpy as np

    pooled, outcome = probability.ravel(), np.tile(failed, len(probability))
    bins = np.minimum((pooled * RELIABILITY_BINS).astype(int), RELIABILITY_BINS - 1)
    curve = []
    for number in range(RELIABILITY_BINS):
        mine = bins == number
        if mine.any():
            curve.append({"from": number / RELIABILITY_BINS, "to": (number + 1) / RELIABILITY_BINS,
                          "students": round(float(mine.sum()) / len(probability), 1),
                          "predicted": round(100 * float(pooled[mine].mean()), 1),
                          "observed": round(100 * float(outcome[mine].mean()), 1)})
    return curve


def _interval(value, resampled) -> dict:
    import numpy as np

    if resampled is None or value is None:
        return {"value": _round(value), "low": None, "high": None}
    low, high = np.nanpercentile(resampled, [2.5, 97.5])
    return {"value": _round(value), "low": _round(low), "high": _round(high)}


def _round(value) -> float | None:
    import math

    return None if value is None or math.isnan(value) else round(float(value), 1)
