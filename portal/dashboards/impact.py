"""Difference in differences and before/after summaries (pure: no Flask, no database)."""

from dataclasses import dataclass
from math import sqrt
from statistics import fmean, variance

MIN_GROUP = 10  # fewer students in either group: too small to conclude
Z_95 = 1.96  # normal approximation of the 95 % interval


@dataclass(frozen=True)
class Estimate:
    """A difference-in-differences estimate with its interval and group sizes."""

    estimate: float | None
    low: float | None
    high: float | None
    participants: int
    comparison: int
    participant_change: float | None
    comparison_change: float | None

    @property
    def too_small(self) -> bool:
        return self.estimate is None

    @property
    def clear(self) -> bool:
        """True when the interval does not include zero."""
        return not self.too_small and (self.low > 0 or self.high < 0)


def changes(before_after: dict[int, dict]) -> list[float]:
    """Return each student's after-minus-before change (students with both only)."""
    return [phases["after"] - phases["before"] for phases in before_after.values()
            if phases.get("before") is not None and phases.get("after") is not None]


def difference_in_differences(participant_changes: list[float],
                              comparison_changes: list[float]) -> Estimate:
    """Estimate the participants' extra change over the comparison group's, with a 95 % CI."""
    n_p, n_c = len(participant_changes), len(comparison_changes)
    mean_p = round(fmean(participant_changes), 2) if n_p else None
    mean_c = round(fmean(comparison_changes), 2) if n_c else None
    if n_p < MIN_GROUP or n_c < MIN_GROUP:
        return Estimate(None, None, None, n_p, n_c, mean_p, mean_c)
    estimate = fmean(participant_changes) - fmean(comparison_changes)
    error = sqrt(variance(participant_changes) / n_p + variance(comparison_changes) / n_c)
    return Estimate(round(estimate, 2), round(estimate - Z_95 * error, 2),
                    round(estimate + Z_95 * error, 2), n_p, n_c, mean_p, mean_c)


def before_after_summary(rows: list[tuple[str, float, float]]) -> list[dict]:
    """Summarise (kind, before, after) rows per kind: count, mean before, after and change."""
    kinds: dict[str, list] = {}
    for kind, before, after in rows:
        kinds.setdefault(kind, []).append((before, after))
    return [{"kind": kind, "count": len(pairs),
             "before": round(fmean(b for b, _ in pairs), 1),
             "after": round(fmean(a for _, a in pairs), 1),
             "change": round(fmean(a - b for b, a in pairs), 1)}
            for kind, pairs in sorted(kinds.items())]
