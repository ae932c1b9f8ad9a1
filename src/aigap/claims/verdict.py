"""Pure verdict logic: from an estimate's interval and a claimed range to a verdict.

No data access here, so every rule can be tested exhaustively:

- ``supported``: the whole interval lies within the claimed range;
- ``contradicted``: the whole interval lies outside it (entirely above or below);
- ``inconclusive``: the interval overlaps the range's edge;
- ``untestable``: no estimate (no data at that date);
- ``recorded``: the claim has no test, only recorded figures.

A claim's parts (a mean, a range, a direction, a count...) each get one of the first four;
:func:`overall` combines them, adding ``partly supported`` (see docs/claims.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
INCONCLUSIVE = "inconclusive"
UNTESTABLE = "untestable"
RECORDED = "recorded"
PARTLY = "partly supported"
VERDICTS = (SUPPORTED, PARTLY, CONTRADICTED, INCONCLUSIVE, UNTESTABLE, RECORDED)


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def range_verdict(lower: float | None, upper: float | None, low: float | None,
                  high: float | None) -> str:
    """Compare the interval [lower, upper] with the claimed range [low, high].

    ``low``/``high`` may be None (an open side). ``lower``/``upper`` may be infinite (a
    one-sided interval, e.g. "not reached yet") but not NaN/None; otherwise untestable.
    """
    if lower is None or upper is None or math.isnan(lower) or math.isnan(upper):
        return UNTESTABLE
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    if lower > upper:
        lower, upper = upper, lower
    if lo <= lower and upper <= hi:
        return SUPPORTED
    if upper < lo or lower > hi:
        return CONTRADICTED
    return INCONCLUSIVE


def horizon_verdict(min_interval: tuple[float, float], max_interval: tuple[float, float],
                    low: float | None, high: float | None) -> str:
    """A range claimed to hold on every date of a window ("for a long time").

    Supported if the window's minimum and maximum both lie within the range (their
    intervals included); contradicted if on some date the value was surely outside it (the
    minimum's whole interval below ``low`` or the maximum's whole interval above ``high``);
    inconclusive otherwise.
    """
    vals = (*min_interval, *max_interval)
    if any(v is None or math.isnan(v) for v in vals):
        return UNTESTABLE
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    min_lo, min_hi = sorted(min_interval)
    max_lo, max_hi = sorted(max_interval)
    if min_hi < lo or max_lo > hi:
        return CONTRADICTED
    if min_lo >= lo and max_hi <= hi:
        return SUPPORTED
    return INCONCLUSIVE


def direction_verdict(observed: str | None, claimed: str) -> str:
    """A closing/widening claim against a trend verdict (closing, widening, no clear trend)."""
    if observed is None:
        return UNTESTABLE
    if observed == claimed:
        return SUPPORTED
    if {observed, claimed} == {"closing", "widening"}:
        return CONTRADICTED
    return INCONCLUSIVE


@dataclass(frozen=True)
class Candidate:
    """One metric's outcome, as seen by the headline rule."""

    metric: str
    verdict: str
    n_leader: int = 0
    n_follower: int = 0


#: Metrics preferred for the headline when they have data, best first.
PREFERRED = ("eci",)


def choose_headline(cands: Sequence[Candidate]) -> tuple[int | None, str]:
    """Which metric the headline verdict rests on, and why.

    Rule: among metrics with an estimate (not untestable), ECI when present (Epoch's
    index combines many benchmarks and was built for this comparison); otherwise the metric
    with the most models in the smaller of the two groups (ties: the order given). If every
    metric is untestable, the headline is untestable (index None).
    """
    usable = [i for i, c in enumerate(cands) if c.verdict != UNTESTABLE]
    if not usable:
        return None, "no metric has data at this date"
    for pref in PREFERRED:
        for i in usable:
            if cands[i].metric == pref:
                return i, f"{pref} is available (preferred: a multi-benchmark index)"
    best = max(usable, key=lambda i: (min(cands[i].n_leader, cands[i].n_follower), -i))
    c = cands[best]
    return best, (f"{c.metric} has the most models in the smaller group "
                  f"({min(c.n_leader, c.n_follower)})")


def combine(verdicts: Sequence[str]) -> str:
    """One verdict for a claim with several tests.

    Contradicted if any test is contradicted; supported if every test is supported;
    untestable if no test has data; inconclusive otherwise (mixed, or partly untestable).
    """
    if not verdicts:
        return RECORDED
    real = [v for v in verdicts if v != UNTESTABLE]
    if not real:
        return UNTESTABLE
    if CONTRADICTED in real:
        return CONTRADICTED
    if all(v == SUPPORTED for v in real) and len(real) == len(verdicts):
        return SUPPORTED
    return INCONCLUSIVE


def value_verdict(estimate: float | None, lower: float | None, upper: float | None,
                  low: float | None, high: float | None) -> str:
    """A stated figure ("about 7 months", "1.7%") against a measurement with an interval.

    The claimed band ``[low, high]`` is the figure plus its tolerance (rounding, or a stated
    uncertainty). Supported when the band and the measured interval overlap (the data cannot
    tell the claim from the measurement); contradicted when they are disjoint; inconclusive
    when the interval is wider than the claimed figure itself (it cannot check the claim).
    Without an interval the point estimate must fall inside the band.
    """
    if estimate is None or math.isnan(estimate):
        return UNTESTABLE
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    if not (_finite(lower) and _finite(upper)) or lower == upper:
        return SUPPORTED if lo <= estimate <= hi else CONTRADICTED
    a, b = sorted((float(lower), float(upper)))  # type: ignore[arg-type]
    if b < lo or a > hi:
        return CONTRADICTED
    mid = abs((lo + hi) / 2) if math.isfinite(lo) and math.isfinite(hi) else abs(estimate)
    if mid > 0 and (b - a) > mid:
        return INCONCLUSIVE
    return SUPPORTED


def overall(verdicts: Sequence[str]) -> str:
    """A claim's verdict from its parts' verdicts (the rule in docs/claims.md).

    - no parts: ``recorded``; every part untestable: ``untestable``;
    - every part supported: ``supported``;
    - some parts supported, others not (contradicted, inconclusive or untestable):
      ``partly supported``;
    - no part supported and at least one contradicted: ``contradicted``;
    - otherwise ``inconclusive``.
    """
    if not verdicts:
        return RECORDED
    real = [v for v in verdicts if v != UNTESTABLE]
    if not real:
        return UNTESTABLE
    if all(v == SUPPORTED for v in verdicts):
        return SUPPORTED
    if SUPPORTED in real:
        return PARTLY
    if CONTRADICTED in real:
        return CONTRADICTED
    return INCONCLUSIVE
