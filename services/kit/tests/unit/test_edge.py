"""The max-age the kit puts on answers the gateway may keep."""

from __future__ import annotations

import random

from lms_kit.edge import edge_max_age


def test_max_age_is_cut_by_at_most_a_fifth_and_spread() -> None:
    rng = random.Random(1)
    ages = [edge_max_age(60, rng) for _ in range(500)]
    assert min(ages) == 48 and max(ages) == 60
    assert len(set(ages)) == 13  # every value in between occurs: expiries spread over 12 s


def test_small_and_zero_max_ages() -> None:
    assert edge_max_age(1) == 1
    assert {edge_max_age(4, random.Random(i)) for i in range(50)} == {4}  # a fifth of 4 rounds to 0
    assert edge_max_age(0) == 0
