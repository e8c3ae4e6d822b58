"""The histogram parts of the statistics: with one distinct value per bin, the median and the
sum of products of two samples sorted and paired by rank are exact."""

from __future__ import annotations

import random
import statistics
from collections import Counter

import pytest

from lms_assessment.domain.statistics import Bin, median, paired_in_order


def bins_of(values: list[float]) -> list[Bin]:
    counted = Counter(values)
    return [(counted[v], counted[v] * v) for v in sorted(counted)]


@pytest.mark.parametrize("seed", range(20))
def test_median_and_ordered_pairing_from_bins_equal_the_sorted_samples(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    items = [rng.choice([0.0, 0.5, 1.0]) for _ in range(n)]
    rests = [float(rng.randint(0, 12)) for _ in range(n)]

    expected = sum(x * r for x, r in zip(sorted(items), sorted(rests), strict=True))

    assert paired_in_order(bins_of(items), bins_of(rests)) == pytest.approx(expected)
    assert median(bins_of(rests)) == pytest.approx(statistics.median(rests))
