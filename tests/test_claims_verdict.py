"""Pure verdict rules: planted intervals and hypothesis properties."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from aigap.claims.verdict import (
    Candidate,
    choose_headline,
    combine,
    direction_verdict,
    horizon_verdict,
    overall,
    range_verdict,
    value_verdict,
)


def test_range_verdicts() -> None:
    assert range_verdict(25, 30, 24, 36) == "supported"
    assert range_verdict(5, 10, 24, 36) == "contradicted"
    assert range_verdict(40, 50, 24, 36) == "contradicted"
    assert range_verdict(20, 30, 24, 36) == "inconclusive"
    assert range_verdict(math.nan, 3, 24, 36) == "untestable"
    assert range_verdict(None, None, 24, 36) == "untestable"
    assert range_verdict(40, math.inf, None, 36) == "contradicted"
    assert range_verdict(20, math.inf, 18, 24) == "inconclusive"
    assert range_verdict(0.2, 0.5, None, 1) == "supported"


def test_horizon_and_direction() -> None:
    assert horizon_verdict((25, 26), (30, 35), 24, 48) == "supported"
    assert horizon_verdict((0, 1.4), (9, 21), 24, 48) == "contradicted"
    assert horizon_verdict((20, 26), (30, 35), 24, 48) == "inconclusive"
    assert direction_verdict("closing", "closing") == "supported"
    assert direction_verdict("widening", "closing") == "contradicted"
    assert direction_verdict("no clear trend", "closing") == "inconclusive"
    assert direction_verdict(None, "widening") == "untestable"


def test_headline_rule() -> None:
    c = [Candidate("gpqa_diamond", "supported", 30, 5), Candidate("eci", "contradicted", 9, 9),
         Candidate("mmlu", "inconclusive", 99, 40)]
    assert choose_headline(c)[0] == 1  # ECI when it has data
    c[1] = Candidate("eci", "untestable")
    idx, why = choose_headline(c)
    assert idx == 2 and "mmlu" in why  # else most models in the smaller group
    assert choose_headline([Candidate("eci", "untestable")])[0] is None


def test_combine() -> None:
    assert combine([]) == "recorded"
    assert combine(["supported", "supported"]) == "supported"
    assert combine(["supported", "contradicted"]) == "contradicted"
    assert combine(["supported", "untestable"]) == "inconclusive"
    assert combine(["untestable"]) == "untestable"


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite, finite, finite, finite)
def test_range_verdict_properties(a: float, b: float, c: float, d: float) -> None:
    lo, hi = sorted((a, b))
    low, high = sorted((c, d))
    v = range_verdict(lo, hi, low, high)
    inside = low <= lo and hi <= high
    outside = hi < low or lo > high
    assert (v == "supported") == inside
    assert (v == "contradicted") == outside
    assert (v == "inconclusive") == (not inside and not outside)
    # a point estimate is never inconclusive
    assert range_verdict(lo, lo, low, high) != "inconclusive"


def test_value_verdict_reads_a_stated_figure() -> None:
    # "about 7" (6.5-7.5) against 6.1 (4.6-7.7): the interval overlaps the figure
    assert value_verdict(6.1, 4.6, 7.7, 6.5, 7.5) == "supported"
    assert value_verdict(0.26, 0.03, 0.26, 3.5, 4.5) == "contradicted"
    assert value_verdict(5.0, 0.0, 20.0, 6.5, 7.5) == "inconclusive"  # wider than the claim
    assert value_verdict(1.705, None, None, 1.65, 1.75) == "supported"
    assert value_verdict(1.61, 1.61, 1.61, 1.65, 1.75) == "contradicted"
    assert value_verdict(None, None, None, 1, 2) == "untestable"


def test_overall_rule() -> None:
    assert overall([]) == "recorded"
    assert overall(["untestable", "untestable"]) == "untestable"
    assert overall(["supported", "supported"]) == "supported"
    assert overall(["supported", "contradicted", "supported"]) == "partly supported"
    assert overall(["supported", "untestable"]) == "partly supported"
    assert overall(["contradicted", "inconclusive"]) == "contradicted"
    assert overall(["inconclusive", "untestable"]) == "inconclusive"


def test_wilson_interval() -> None:
    from aigap.claims.indicators import wilson_interval

    lo, hi = wilson_interval(11, 12, 0.9)
    assert 0.0 < lo < 11 / 12 < hi <= 1.0
    lo2, hi2 = wilson_interval(110, 120, 0.9)
    assert hi2 - lo2 < hi - lo  # more models, narrower
    assert wilson_interval(0, 5, 0.9)[0] == 0.0
    assert all(math.isnan(x) for x in wilson_interval(0, 0, 0.9))
