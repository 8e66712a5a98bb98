"""The holdout lottery (pure): random, stratified, and stable as families arrive."""

import math

import numpy as np

from portal.messaging.holdout_draw import StratumCount, draw, stratum_of

STRATA = {"9:high": 37, "9:none": 120, "10:watch": 9, "10:none": 250, "11:not_assessed": 61}


def _families(sizes: dict, start: int = 1) -> dict[int, str]:
    families, guardian_id = {}, start
    for stratum, size in sizes.items():
        for _ in range(size):
            families[guardian_id] = stratum
            guardian_id += 1
    return families


def _held_per_stratum(families: dict[int, str], held: set[int]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for guardian_id, stratum in families.items():
        row = counts.setdefault(stratum, [0, 0])
        row[0] += 1
        row[1] += guardian_id in held
    return {stratum: tuple(row) for stratum, row in counts.items()}


def _within_one_family(counts: dict[str, tuple[int, int]], share: float) -> bool:
    return all(math.floor(share * total) <= held <= math.ceil(share * total)
               for total, held in counts.values())


def test_each_stratum_holds_out_its_share_within_one_family():
    families = _families(STRATA)
    for share in (0.1, 0.25):
        held = draw(seed="s3cret", program="weekly_alert", share=share, counts={},
                    newcomers=families)
        assert _within_one_family(_held_per_stratum(families, held), share)
    assert len(draw(seed="s3cret", program="weekly_alert", share=0.1, counts={},
                    newcomers=families)) in range(45, 50)


def test_the_draw_is_random_every_family_has_the_same_chance():
    families = _families({"9:none": 50})
    seeds = [f"seed-{number}" for number in range(400)]
    chosen = np.zeros(50)
    draws = set()
    for seed in seeds:
        held = draw(seed=seed, program="weekly_alert", share=0.1, counts={},
                    newcomers=families)
        draws.add(frozenset(held))
        chosen[[guardian_id - 1 for guardian_id in held]] += 1
    assert len(draws) > 390  # different seeds, different lots
    frequency = chosen / len(seeds)
    assert abs(frequency.mean() - 0.1) < 0.005
    assert frequency.min() > 0.04 and frequency.max() < 0.17  # nobody is always (or never) out


def test_the_same_seed_gives_the_same_lots_and_programs_draw_independently():
    families = _families(STRATA)
    first = draw(seed="abc", program="weekly_alert", share=0.1, counts={}, newcomers=families)
    again = draw(seed="abc", program="weekly_alert", share=0.1, counts={}, newcomers=families)
    other = draw(seed="abc", program="attendance_nudge", share=0.1, counts={},
                 newcomers=families)
    assert first == again
    assert first != other


def test_families_arriving_later_keep_each_stratum_at_its_share():
    share, drawn, held = 0.1, {}, set()
    for wave in range(30):  # a first roll, then families arriving a few at a time
        sizes = STRATA if wave == 0 else {"9:high": wave % 3, "10:none": 1, "10:watch": 2}
        newcomers = _families(sizes, start=max(drawn, default=0) + 1)
        counts = {stratum: StratumCount(*row)
                  for stratum, row in _held_per_stratum(drawn, held).items()}
        before = set(held)
        held |= draw(seed="arrivals", program="attendance_nudge", share=share, counts=counts,
                     newcomers=newcomers)
        assert held >= before  # nobody drawn earlier changes lot
        drawn.update(newcomers)
        assert _within_one_family(_held_per_stratum(drawn, held), share)


def test_the_child_at_the_worst_risk_decides_the_familys_stratum():
    assert stratum_of([(9, "none"), (11, "high"), (7, "watch")]) == "11:high"
    assert stratum_of([(9, "none"), (7, "none")]) == "7:none"
    assert stratum_of([(8, "not_assessed"), (10, "none")]) == "10:none"
