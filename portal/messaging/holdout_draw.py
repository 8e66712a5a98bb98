"""The holdout lottery (pure: no Flask, no database).

Families are drawn within their stratum (grade and risk level) with a keyed hash of a
stored seed: the same seed and the same arrivals always give the same lots, and a family
once drawn keeps its lot. Newcomers to a stratum are drawn so that the stratum's held-out
share stays at the target (randomised rounding: within one family of it).
"""

import hashlib
import hmac
import math
from dataclasses import dataclass

RISK_ORDER = ("high", "watch", "none", "not_assessed")  # worst first


@dataclass(frozen=True)
class StratumCount:
    """A stratum's families already drawn, and how many of them are held out."""

    families: int = 0
    held_out: int = 0


def stratum_of(children: list[tuple[int, str]]) -> str:
    """Return a family's stratum, "grade:risk", from its children's (grade, risk level):
    the child at the worst risk level (the lowest grade among equals) decides."""
    grade, risk = min(children, key=lambda child: (RISK_ORDER.index(child[1]), child[0]))
    return f"{grade}:{risk}"


def _digest(seed: str, *parts) -> str:
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(seed.encode(), message, hashlib.sha256).hexdigest()


def uniform(seed: str, *parts) -> float:
    """Return a number in [0, 1) fixed by the seed and the parts (the lottery's coin)."""
    return int(_digest(seed, *parts)[:13], 16) / 16 ** 13


def draw_stratum(*, seed: str, program: str, stratum: str, share: float,
                 before: StratumCount, newcomers: list[int]) -> set[int]:
    """Return which of the stratum's newcomers (guardian ids) are held out."""
    order = sorted(newcomers, key=lambda guardian_id: _digest(seed, program, guardian_id))
    expected = share * (before.families + len(newcomers)) - before.held_out
    whole = math.floor(expected)
    count = whole + (uniform(seed, program, stratum, before.families) < expected - whole)
    return set(order[:min(max(count, 0), len(newcomers))])


def draw(*, seed: str, program: str, share: float, counts: dict[str, StratumCount],
         newcomers: dict[int, str]) -> set[int]:
    """Return the held-out ones among newcomers ({guardian id: stratum}), stratum by stratum."""
    by_stratum: dict[str, list[int]] = {}
    for guardian_id, stratum in newcomers.items():
        by_stratum.setdefault(stratum, []).append(guardian_id)
    held = set()
    for stratum, families in sorted(by_stratum.items()):
        held |= draw_stratum(seed=seed, program=program, stratum=stratum, share=share,
                             before=counts.get(stratum, StratumCount()), newcomers=families)
    return held
