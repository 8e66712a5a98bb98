"""The effect estimate, its cluster-bootstrap interval and its verdict (pure, no Flask/DB).

Decisions are taken on unrounded numbers. On the page the two groups' changes are rounded
to two decimals and the difference is computed from those rounded parts, so they add up.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

from portal.dashboards.impact import Design, Matched, Panel, Treated, event_study, match
from portal.dashboards.impact import standardised_differences as balance_of

COMPARABLE_SMD = 0.25  # What Works Clearinghouse: above this the groups are not comparable
BALANCED_SMD = 0.05  # within this no adjustment is needed; between, the change adjusts
# Attendance: school days a window needs; grades: assessments (period grades are left out).
DESIGNS = {"attendance": Design(min_pre=10, min_post=5),
           "grades": Design(min_pre=2, min_post=2)}


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


def signed(value: float | None, digits: int = 1) -> str | None:
    """Round a figure once, for display, with its sign ("+0.8", "−0.6"; never "−0.0")."""
    if value is None:
        return None
    shown = f"{round(value, digits) + 0.0:+.{digits}f}"
    return "±" + shown[1:] if float(shown) == 0 else shown.replace("-", "−")


def rounded_difference(first: float | None, second: float | None,
                       digits: int = 2) -> float | None:
    """Return first − second from the parts as shown, so the shown sum adds up."""
    if first is None or second is None:
        return None
    return round(round(first, digits) - round(second, digits), digits)


def displayed(effect: Effect) -> dict:
    """Return the effect's figures as shown: two decimals; the difference from shown parts."""
    difference = rounded_difference(effect.participant_change, effect.comparison_change)
    return {"participant_change": signed(effect.participant_change, 2),
            "comparison_change": signed(effect.comparison_change, 2),
            "estimate": signed(difference, 2),
            "size": None if difference is None else f"{abs(difference):.2f}",
            "more": difference is not None and difference >= 0,
            "low": signed(effect.low, 2), "high": signed(effect.high, 2),
            "balance": [{"feature": row["feature"], "participants": row["participants"],
                         "comparison": row["comparison"],
                         "smd": signed(row["smd"], 2), "verdict": balance_verdict(row["smd"])}
                        for row in effect.balance]}


def balance_verdict(smd: float) -> str:
    """Classify a standardised difference by the What Works Clearinghouse rule."""
    if abs(smd) <= BALANCED_SMD:
        return "balanced"
    return "adjusted" if abs(smd) <= COMPARABLE_SMD else "not_comparable"


def cluster_bootstrap(matched: list[Matched], draws: int,
                      rng: np.random.Generator) -> tuple[float, float]:
    """Return the 95 % interval of the estimate by a weighted cluster bootstrap.

    Each draw gives every cluster of participants, and every comparison student, a random
    weight (exponential: the Bayesian bootstrap), so the spread covers both groups and the
    comparison students shared between participants. A student matched to two participants
    has one weight but, measured over each one's own weeks, a change for each. The
    percentile interval is widened by sqrt(G / (G - 1)) for G clusters, the usual
    small-sample correction.
    """
    labels, cluster = np.unique(np.array([str(m.cluster) for m in matched]),
                                return_inverse=True)
    rows, column = np.unique(np.concatenate([m.match_rows for m in matched]),
                             return_inverse=True)
    changes = np.concatenate([m.match_changes for m in matched])  # one per match
    firsts = np.cumsum([0] + [len(m.match_rows) for m in matched[:-1]])
    own = np.array([m.change for m in matched])
    weights = rng.exponential(size=(draws, len(rows)))[:, column]  # each match's student's
    theirs = (np.add.reduceat(weights * changes, firsts, axis=1)
              / np.add.reduceat(weights, firsts, axis=1))
    cluster_weights = rng.exponential(size=(draws, len(labels)))[:, cluster]
    means = (cluster_weights * (own - theirs)).sum(axis=1) / cluster_weights.sum(axis=1)
    centre = float((own - np.array([m.match_change for m in matched])).mean())
    spread = np.sqrt(len(labels) / (len(labels) - 1))
    low, high = centre + spread * (np.percentile(means, [2.5, 97.5]) - centre)
    return float(low), float(high)


def verdict(low: float, high: float) -> str:
    """Call a difference clear when its (unrounded) 95 % interval excludes zero."""
    return Status.CLEAR if low > 0 or high < 0 else Status.NOT_CLEAR


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
        low, high = cluster_bootstrap(matched, design.draws, rng)
        status = verdict(low, high)
    comparison = {int(row) for m in matched for row in m.match_rows}
    return Effect(
        enrolled=enrolled, analysed=len(matched), comparison_students=len(comparison),
        clusters=clusters, excluded=dict(excluded), balance=balance,
        event=event_study(matched, design) if matched else [],
        participant_change=float(own.mean()) if matched else None,
        comparison_change=float(theirs.mean()) if matched else None,
        estimate=estimate, low=low, high=high, status=status)


def estimate_effect(panel: Panel, treated: list[Treated], design: Design, *, seed: int = 0,
                    excluded: Counter | None = None) -> Effect:
    """Match, then estimate: the one entry point of the pages and the simulations.

    `excluded` counts the participants left out before matching (e.g. never flagged).
    """
    matched, left_out = match(panel, treated, design)
    left_out.update(excluded or {})
    return summarise(matched, left_out, len(treated) + sum((excluded or {}).values()), design,
                     np.random.default_rng(seed))
