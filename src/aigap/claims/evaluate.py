"""Evaluate claims against the store: run each test's family at each evaluation date.

Each claim is evaluated twice: as of its own date (data vintages and models available then)
and as of a later date (default today). Each test yields one
:class:`~aigap.claims.evidence.Evidence` per metric from its family module (capability,
ratings, parity, compute, infrastructure), and a headline verdict chosen by
:func:`aigap.claims.verdict.choose_headline`; a claim's verdict combines its tests
(:func:`aigap.claims.verdict.combine`). Families get every number from :mod:`aigap.api`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from aigap.claims import verdict as V
from aigap.claims.capability import lag_evidence, trend_evidence, vertical_evidence
from aigap.claims.compute import compute_evidence
from aigap.claims.evidence import (
    ClaimResult,
    Context,
    DateVerdict,
    Evidence,
    Options,
    TestOutcome,
    untestable,
)
from aigap.claims.infrastructure import count_evidence, share_evidence
from aigap.claims.parity import parity_evidence
from aigap.claims.ratings import arena_evidence
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

if TYPE_CHECKING:
    import pandas as pd

    from aigap.api import Store

__all__ = ["ClaimResult", "DateVerdict", "Evidence", "Options", "TestOutcome",
           "evaluate_claim_at", "evaluate_claims", "evaluate_test", "results_frame"]

_PER_METRIC = {"capability_lag": lag_evidence, "trend": trend_evidence,
               "vertical_gap": vertical_evidence, "benchmark_pp_gap": vertical_evidence,
               "arena_pct_gap": arena_evidence, "parity": parity_evidence}
_NO_METRIC = {"compute": compute_evidence, "share": share_evidence,
              "count": count_evidence}


def evaluate_test(ctx: Context, claim: Claim, t: ClaimTest, when: date) -> TestOutcome:
    """Run one test at one date on every metric it names and choose the headline."""
    if t.family in _NO_METRIC:
        single = _NO_METRIC[t.family]
        ev = [_guard(lambda: single(ctx, claim, t, when), t, None, when)]
        return TestOutcome(t, ev[0].verdict, 0 if ev[0].verdict != V.UNTESTABLE else None,
                           "single measurement", ev)
    metrics = t.metric_list()
    per_metric = _PER_METRIC[t.family]
    ev = [_guard(partial(per_metric, ctx, claim, t, m, when), t, m, when) for m in metrics]
    if t.family == "parity":
        idx, reason = _earliest_parity(ev)
    else:
        idx, reason = V.choose_headline([V.Candidate(e.metric or "", e.verdict, e.n_leader,
                                                     e.n_follower) for e in ev])
    return TestOutcome(t, V.UNTESTABLE if idx is None else ev[idx].verdict, idx, reason, ev)


def _guard(run: Callable[[], Evidence], t: ClaimTest, metric: str | None,
           when: date) -> Evidence:
    """Run one measurement; an unexpected failure becomes a visible untestable entry.

    One broken analysis must not hide every other claim's verdict, and must not pass
    silently either: the error is named in the explanation and flagged in ``detail``.
    """
    try:
        return run()
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, t.family)
    except Exception as exc:  # reported in the evidence, never silently
        ev = untestable(t, metric, f"the analysis failed ({type(exc).__name__}: {exc})",
                         when, t.family)
        ev.detail["error"] = f"{type(exc).__name__}: {exc}"
        return ev


def _earliest_parity(ev: list[Evidence]) -> tuple[int | None, str]:
    """Parity headline: the benchmark with the earliest match (the claim is about the first)."""
    found = [i for i, e in enumerate(ev) if e.estimate is not None]
    if found:
        i = min(found, key=lambda j: ev[j].estimate or 0.0)
        return i, f"{ev[i].metric} gives the earliest parity among the benchmarks"
    open_ = [i for i, e in enumerate(ev) if e.verdict != V.UNTESTABLE]
    if open_:
        return open_[0], "no benchmark shows parity yet; the lower bound is reported"
    return None, "no benchmark has scores for both the reference and the follower"


def evaluate_claim_at(store: Store, claim: Claim, when: date,
                      options: Options | None = None) -> DateVerdict:
    """A claim's verdict as of one date."""
    return _evaluate_at(Context(store, options or Options()), claim, when)


def _evaluate_at(ctx: Context, claim: Claim, when: date) -> DateVerdict:
    if not claim.tests:
        return DateVerdict(when, V.RECORDED, [])
    outcomes = [evaluate_test(ctx, claim, t, when) for t in claim.tests]
    return DateVerdict(when, V.combine([o.verdict for o in outcomes]), outcomes)


def evaluate_claims(
    claims: list[Claim], *, store: Store, as_of: date | None = None,
    options: Options | None = None,
) -> list[ClaimResult]:
    """Verdicts of each claim as of its own date and as of ``as_of`` (default today)."""
    ctx = Context(store, options or Options())
    later = as_of or date.today()
    out = []
    for c in claims:
        first = _evaluate_at(ctx, c, c.date)
        second = first if later == c.date else _evaluate_at(ctx, c, later)
        out.append(ClaimResult(c, first, second))
    return out


def results_frame(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim (see :meth:`ClaimResult.row`)."""
    import pandas as pd

    return pd.DataFrame([r.row() for r in results])
