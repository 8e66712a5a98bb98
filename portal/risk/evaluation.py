"""Evaluate the risk engine on UCI Student Performance files by nested, stratified cross-validation.

The protocol is frozen (docs/evaluation.md): every choice that depends on the data — which
of two declared candidates (the learned blend, or the paper's naive predictor: the latest
period grade against the pass mark), how strongly the blend is regularised, and the watch
cut-off — is made inside each training fold from inner out-of-fold predictions, so the
held-out fold never shapes it.
numpy and scikit-learn are imported lazily: the portal runs without them.
"""

import math
import warnings
from collections import Counter

from portal.risk.evaluation_metrics import (
    auc,
    bootstrap_weights,
    brier,
    group_report,
    reliability,
    summarise,
)
from portal.risk.scoring import score_student
from portal.risk.uci import SETUPS, UCI_SETTINGS, UciStudent, indicators_for

PAPER_PCC = {"A": 91.9, "B": 83.8, "C": 70.6}
INNER_FOLDS = 4
LOGISTIC_C = (0.01, 0.1, 1.0, 10.0)
FOREST_LEAVES = (3, 10)
FOREST_TREES = 50
MISS_COSTS = (1.0, 2.0, 3.0, 5.0)  # the trade-off table; the school's own ratio joins it
DEFAULT_MISS_COST = 2.0
HIGH_PROBABILITY = 0.5  # "high": more likely to fail than not
NAIVE = "naive: latest period grade below the pass mark"
NAIVE_INPUT = "failing_core_subjects"  # the latest period grade below the pass mark (A, B)


def feature_rows(students: list[UciStudent], setup: str) -> tuple[list[str], list[list[float]]]:
    """Return feature names and rows: the engine's indicators, its score, absences' magnitude."""
    indicator_names = list(indicators_for(students[0], setup))
    rows = []
    for student in students:
        indicators = indicators_for(student, setup)
        score = score_student(indicators, UCI_SETTINGS).score
        # Absences matter roughly by their order of magnitude (a few versus dozens).
        magnitude = math.log1p(100 - indicators["attendance_rate_term"])
        rows.append([float(indicators[name]) for name in indicator_names] + [score, magnitude])
    return indicator_names + ["engine score", "absence share (log)"], rows


def evaluate(students: list[UciStudent], setup: str, *, runs: int = 20, folds: int = 10,
             seed: int = 2026, miss_cost: float = DEFAULT_MISS_COST,
             bootstrap: int = 1000) -> dict:
    """Cross-validate the learned model and score the shipped rules; return the full report."""
    import numpy as np

    names, rows = feature_rows(students, setup)
    features, failed = np.array(rows), np.array([s.failed for s in students])
    costs = sorted({*MISS_COSTS, miss_cost})
    naive_column = names.index(NAIVE_INPUT) if NAIVE_INPUT in names else None
    probability, watch, cutoffs, chosen = cross_validate(
        features, failed, costs, runs=runs, folds=folds, seed=seed, naive_column=naive_column)
    weights = bootstrap_weights(len(failed), bootstrap, seed)
    groups = [s.groups() for s in students]
    rules = _rules_flags(students, setup)
    return {
        "setup": setup, "setup_description": SETUPS[setup], "rows": len(students),
        "failed": int(failed.sum()), "base_rate": round(100 * float(failed.mean()), 1),
        "majority_baseline_pcc": round(100 * max(failed.mean(), 1 - failed.mean()), 1),
        "paper_pcc_mathematics": PAPER_PCC[setup], "inputs": names,
        "protocol": _protocol(runs, folds, seed, bootstrap, miss_cost, naive_column is not None),
        "models_chosen": dict(chosen.most_common()),
        "learned": {
            "high": summarise(probability >= HIGH_PROBABILITY, failed, weights),
            "watch": summarise(watch[miss_cost], failed, weights),
            "auc": auc(probability, failed), "brier": brier(probability, failed, weights),
            "reliability": reliability(probability, failed),
            "trade_off": [{"miss_cost": cost,
                           "median_cutoff": round(float(np.median(cutoffs[cost])), 3),
                           **summarise(watch[cost], failed, None)} for cost in costs],
        },
        "rules": {level: summarise(flags, failed, weights) for level, flags in rules.items()},
        "fairness": {
            "learned, watch": group_report(watch[miss_cost], failed, groups, weights),
            "rules, watch or high": group_report(rules["watch or high"], failed, groups, weights),
        },
    }


def cross_validate(features, failed, costs: list[float], *, runs: int, folds: int, seed: int,
                   naive_column: int | None = None):
    """Return out-of-fold probabilities, watch flags and cut-offs per cost, and models chosen."""
    import numpy as np
    from sklearn.model_selection import RepeatedStratifiedKFold
    from threadpoolctl import threadpool_limits

    probability = np.zeros((runs, len(failed)))
    watch = {cost: np.zeros((runs, len(failed)), bool) for cost in costs}
    cutoffs, chosen = {cost: [] for cost in costs}, Counter()
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=runs, random_state=seed)
    with threadpool_limits(1):  # parallel BLAS on tiny matrices only fights the other processes
        for index, (train, test) in enumerate(splitter.split(features, failed)):
            name, model, fold_cutoffs = choose(features[train], failed[train], costs,
                                               seed + index, naive_column)
            run, chosen[name] = index // folds, chosen[name] + 1
            probability[run, test] = model.predict_proba(features[test])[:, 1]
            for cost, cutoff in fold_cutoffs.items():
                watch[cost][run, test] = probability[run, test] >= cutoff
                cutoffs[cost].append(cutoff)
    return probability, watch, cutoffs, chosen


def choose(features, failed, costs, seed: int, naive_column: int | None):
    """Pick the blend or the naive predictor by inner out-of-fold percent correct at "high".

    Both candidates were declared before the run; ties go to the naive one (the simpler).
    The chosen one's inner predictions set the watch cut-offs.
    """
    name, model, inner = fit(features, failed, seed)
    if naive_column is not None:
        naive = NaivePredictor(naive_column)
        naive_inner = naive.inner_predictions(features, failed, seed)
        if _percent_correct(naive_inner, failed) >= _percent_correct(inner, failed):
            name, model, inner = NAIVE, naive.fit(features, failed), naive_inner
    return name, model, {cost: cheapest_cutoff(inner, failed, cost) for cost in costs}


def _percent_correct(probability, failed) -> float:
    return float(((probability >= HIGH_PROBABILITY) == failed).mean())


class NaivePredictor:
    """The paper's naive predictor: fail when the latest period grade is below the pass mark.

    Its two probabilities are the training students' failure rates below and at or above the
    pass mark (add-one smoothed), so its "high" is the naive rule and its Brier is comparable.
    """

    def __init__(self, column: int) -> None:
        self.column = column

    def fit(self, features, failed):
        below = features[:, self.column] > 0
        self.rates_ = [(failed[mine].sum() + 1) / (mine.sum() + 2) for mine in (~below, below)]
        return self

    def predict_proba(self, features):
        import numpy as np

        failing = np.where(features[:, self.column] > 0, self.rates_[1], self.rates_[0])
        return np.column_stack([1 - failing, failing])

    def inner_predictions(self, features, failed, seed: int):
        """Predict each training student from the inner folds without them (as the blend)."""
        import numpy as np
        from sklearn.model_selection import StratifiedKFold

        predicted = np.zeros(len(failed))
        inner = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed)
        for train, test in inner.split(features, failed):
            fitted = NaivePredictor(self.column).fit(features[train], failed[train])
            predicted[test] = fitted.predict_proba(features[test])[:, 1]
        return predicted


def fit(features, failed, seed: int):
    """Blend the best logistic regression and the best forest; return it and its inner predictions.

    Each family's member is the one with the lowest Brier score on inner out-of-fold
    predictions of the training folds; the blend averages the two members' probabilities.
    """
    from sklearn.metrics import brier_score_loss

    members, inner_predictions = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn's attribute renaming
        for family in _candidates():
            scored = []
            for name, model in family.items():
                out_of_fold = _inner_predictions(model, features, failed, seed)
                scored.append((brier_score_loss(failed, out_of_fold), name, model, out_of_fold))
            _, name, model, out_of_fold = min(scored, key=lambda entry: entry[0])
            if not _is_forest(model):  # a forest was fitted on the whole training set already
                model.fit(features, failed)
            members.append((name, model))
            inner_predictions.append(out_of_fold)
    blend = Blend([model for _, model in members])
    return (" + ".join(name for name, _ in members), blend,
            sum(inner_predictions) / len(inner_predictions))


class Blend:
    """The average of the members' predicted probabilities."""

    def __init__(self, members: list) -> None:
        self.members = members

    def predict_proba(self, features):
        """Return the members' mean probabilities of each class."""
        return sum(model.predict_proba(features) for model in self.members) / len(self.members)


def _inner_predictions(model, features, failed, seed: int):
    """Predict each training student without them: out-of-bag for a forest, else inner folds."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if _is_forest(model):
        model.fit(features, failed)  # each student is predicted by the trees that never saw them
        return model.oob_decision_function_[:, 1]
    inner = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed)
    return cross_val_predict(model, features, failed, cv=inner, method="predict_proba")[:, 1]


def _is_forest(model) -> bool:
    return getattr(model, "oob_score", False) is True


def cheapest_cutoff(probability, failed, miss_cost: float) -> float:
    """Return the cut-off minimising missed failures × miss_cost + false alarms.

    Of equally cheap cut-offs the highest wins: the shorter list.
    """
    import numpy as np

    candidates = np.append(np.unique(probability), np.inf)
    flagged = probability[None, :] >= candidates[:, None]
    cost = miss_cost * (~flagged & failed).sum(axis=1) + (flagged & ~failed).sum(axis=1)
    best = len(cost) - 1 - int(np.argmin(cost[::-1]))  # the highest cut-off among the cheapest
    return float(min(candidates[best], 1.0 + 1e-9))


def _candidates() -> tuple[dict, dict]:
    """Return the two families the blend draws one member from each: linear and forest."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    linear = {f"logistic regression C={c:g}": make_pipeline(
        StandardScaler(), LogisticRegression(C=c, max_iter=5000)) for c in LOGISTIC_C}
    forests = {f"forest leaves>={leaf}": RandomForestClassifier(
        FOREST_TREES, min_samples_leaf=leaf, oob_score=True, random_state=0)
        for leaf in FOREST_LEAVES}
    return linear, forests


def _rules_flags(students: list[UciStudent], setup: str) -> dict:
    import numpy as np

    levels = [score_student(indicators_for(s, setup), UCI_SETTINGS).level for s in students]
    return {"high": np.array([[level == "high" for level in levels]]),
            "watch or high": np.array([[level != "none" for level in levels]])}


def _protocol(runs: int, folds: int, seed: int, bootstrap: int, miss_cost: float,
              naive: bool) -> dict:
    return {
        "runs": runs, "folds": folds, "seed": seed, "stratified": True,
        "inner_folds": INNER_FOLDS, "bootstrap_resamples": bootstrap, "miss_cost": miss_cost,
        "candidates": [name for family in _candidates() for name in family]
                      + ([NAIVE] if naive else []),
        "learned": "on the training folds only: the logistic regression and the forest "
                   "with the lowest inner out-of-fold Brier score, blended (mean "
                   "probability); that blend or the paper's naive predictor (latest period "
                   "grade below the pass mark; setups A and B), whichever is more often right "
                   "at 'high' on inner out-of-fold predictions (ties: the naive one); then the "
                   f"watch cut-off that minimises missed failures x {miss_cost:g} + false "
                   "alarms on the chosen one's inner predictions",
        "high": f"predicted probability of failing >= {HIGH_PROBABILITY}",
    }
