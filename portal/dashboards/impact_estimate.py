"""The effect estimate, its cluster-bootstrap interval and its verdict (pure, no Flask/DB).

Decisions are taken on unrounded numbers; `rounded` is for display only, once.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

from portal.dashboards.impact import Design, Matched, Panel, Treated, event_study, match
from portal.dashboards.impact import standardised_differences as balance_of

COMPARABLE_SMD = 0.25  # What Works Clearinghouse: above this the groups are not comparable
BALANCED_SMD = 0.05  # within this no adjustment is needed; between, the change adjusts


class Status:
    """What the page may say about an estimate."""

    TOO_FEW_STUDENTS = "too_few_students"  # no estimate, no interval, no verdict
    NOT_COMPARABLE = "not_comparable"  # baseline gap above 0.25 SD: no interval, no verdict
    TOO_FEW_GROUPS = "too_few_groups"  # estimate, but no interval and no verdict
    CLEAR = "clear"  # the 95 % interval excludes zero
    NOT_CLEAR = "not_clear"  # the 95 % interval includes zero


@dataclass(frozen=True)
class Effect:
    """A matched comparison: sizes, exclusions, balance, event study, estimate and interval."""

    enrolled: int
    analysed: int
    comparison_students: int
    clusters: int
    excluded: dict
    balance: list
    event: list
    participant_change: float | None
    comparison_change: float | None
    estimate: float | None
    low: float | None
    high: float | None
    status: str

    @property
    def max_smd(self) -> float:
        return max((abs(row["smd"]) for row in self.balance), default=0.0)

    @property
    def needs_adjustment(self) -> bool:
        return BALANCED_SMD < self.max_smd <= COMPARABLE_SMD


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Round a figure once, for display (never -0.0)."""
    return None if value is None else round(value, digits) + 0.0


def cluster_bootstrap(differences: np.ndarray, clusters: list, draws: int,
                      rng: np.random.Generator) -> tuple[float, float]:
    """Return the 95 % percentile interval of the mean, resampling whole clusters.

    The bootstrap spread is widened by sqrt(G / (G - 1)) for G clusters, the usual
    small-sample correction (as in the CR1 cluster-robust variance).
    """
    labels, index = np.unique(np.array(clusters, dtype=str), return_inverse=True)
    groups = len(labels)
    sums = np.bincount(index, weights=differences, minlength=groups)
    sizes = np.bincount(index, minlength=groups).astype(float)
    counts = rng.multinomial(groups, np.full(groups, 1 / groups), size=draws)
    means = (counts @ sums) / (counts @ sizes)
    centre = float(differences.mean())
    low, high = centre + np.sqrt(groups / (groups - 1)) * (np.percentile(means, [2.5, 97.5])
                                                            - centre)
    return float(low), float(high)


def _status(analysed: int, clusters: int, max_smd: float, design: Design) -> str:
    if analysed < design.min_students:
        return Status.TOO_FEW_STUDENTS
    if max_smd > COMPARABLE_SMD:
        return Status.NOT_COMPARABLE
    if clusters < design.min_clusters:
        return Status.TOO_FEW_GROUPS
    return Status.NOT_CLEAR


def summarise(matched: list[Matched], excluded: Counter, enrolled: int, design: Design,
              rng: np.random.Generator) -> Effect:
    """Estimate the participants' extra change over their matches, with an honest verdict."""
    balance = balance_of(matched) if matched else []
    clusters = len({str(m.cluster) for m in matched})
    status = _status(len(matched), clusters, max((abs(r["smd"]) for r in balance),
                                                 default=0.0), design)
    own = np.array([m.change for m in matched])
    theirs = np.array([m.match_change for m in matched])
    estimate = low = high = None
    if status != Status.TOO_FEW_STUDENTS:
        estimate = float(own.mean() - theirs.mean())
    if status == Status.NOT_CLEAR:
        low, high = cluster_bootstrap(own - theirs, [m.cluster for m in matched],
                                      design.draws, rng)
        status = Status.CLEAR if low > 0 or high < 0 else Status.NOT_CLEAR
    comparison = {int(row) for m in matched for row in m.match_rows}
    return Effect(
        enrolled=enrolled, analysed=len(matched), comparison_students=len(comparison),
        clusters=clusters, excluded=dict(excluded), balance=balance,
        event=event_study(matched, design) if matched else [],
        participant_change=float(own.mean()) if matched else None,
        comparison_change=float(theirs.mean()) if matched else None,
        estimate=estimate, low=low, high=high, status=status)


def estimate_effect(panel: Panel, treated: list[Treated], design: Design, *,
                    seed: int = 0) -> Effect:
    """Match, then estimate: the one entry point the pages and the simulations use."""
    matched, excluded = match(panel, treated, design)
    return summarise(matched, excluded, len(treated), design, np.random.default_rng(seed))
