"""Evaluate claims against the store: each part of each claim, for each question.

A claim's tests are the parts it states (a mean, a range, a direction, a count...). Each part
is answered for up to three questions (:mod:`aigap.claims.evidence`): at the time (the data
of the claim's date), with today's data about the same period, and, for claims about the
future only, whether it has come true. A part yields one
:class:`~aigap.claims.evidence.Evidence` per metric from its family module; its verdict is
the headline metric's (:func:`aigap.claims.verdict.choose_headline`, disagreements are
named); a claim's verdict follows :func:`aigap.claims.verdict.overall`. Families get every
number from :mod:`aigap.api`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from aigap.claims import verdict as V
from aigap.claims.capability import lag_evidence, trend_evidence, vertical_evidence
from aigap.claims.compute import compute_evidence
from aigap.claims.evidence import (
    AT_THE_TIME,
    COME_TRUE,
    TODAY,
    ClaimResult,
    Context,
    DateVerdict,
    Evidence,
    Options,
    Question,
    TestOutcome,
    untestable,
)
from aigap.claims.indicators import (
    hardware_share_evidence,
    indicator_evidence,
    institution_evidence,
    leaderboard_evidence,
    model_count_evidence,
)
from aigap.claims.infrastructure import chip_evidence, count_evidence, share_evidence
from aigap.claims.parity import parity_evidence
from aigap.claims.ratings import arena_evidence
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

if TYPE_CHECKING:
    import pandas as pd

    from aigap.api import Store

__all__ = ["ClaimResult", "DateVerdict", "Evidence", "Options", "Question", "TestOutcome",
           "evaluate_claim_at", "evaluate_claims", "evaluate_test", "results_frame"]

_PER_METRIC = {"capability_lag": lag_evidence, "trend": trend_evidence,
               "vertical_gap": vertical_evidence, "benchmark_pp_gap": vertical_evidence,
               "arena_pct_gap": arena_evidence, "parity": parity_evidence}
_NO_METRIC: dict[str, Callable[..., Evidence]] = {
    "compute": compute_evidence, "share": share_evidence, "count": count_evidence,
    "chip_ratio": chip_evidence, "indicator": indicator_evidence,
    "leaderboard_rank": leaderboard_evidence, "model_count": model_count_evidence,
    "hardware_share": hardware_share_evidence, "institutions": institution_evidence}


def _credit(ctx: Context, ev: Evidence) -> Evidence:
    """Add the credit lines of the sources behind the evidence (for its source line)."""
    from types import SimpleNamespace

    from aigap.api.context import credits_for

    ids = ev.data.get("vintage_ids") or {}
    if ids and "credits" not in ev.data:
        key = ("credits", tuple(sorted(ids.items())))
        sel: Any = SimpleNamespace(vintages=dict(ids))
        ev.data["credits"] = ctx.cached(key, lambda: list(dict.fromkeys(
            credits_for(ctx.store, sel))))
    return ev


def evaluate_test(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> TestOutcome:
    """Answer one part for one question on every metric it names; choose the headline."""
    if t.family in _NO_METRIC:
        single = _NO_METRIC[t.family]
        ev = [_credit(ctx, _guard(lambda: single(ctx, claim, t, q), t, None, q.end))]
        return TestOutcome(t, ev[0].verdict, 0 if ev[0].verdict != V.UNTESTABLE else None,
                           "single measurement", ev)
    per_metric = _PER_METRIC[t.family]
    ev = [_credit(ctx, _guard(partial(per_metric, ctx, claim, t, m, q), t, m, q.end))
          for m in t.metric_list()]
    if t.family == "parity":
        idx, reason = _earliest_parity(ev)
    else:
        idx, reason = V.choose_headline([V.Candidate(e.metric or "", e.verdict, e.n_leader,
                                                     e.n_follower) for e in ev])
    out = TestOutcome(t, V.UNTESTABLE if idx is None else ev[idx].verdict, idx, reason, ev)
    if out.disagreement:
        out.why = (f"{out.explanation} Headline metric: {reason}. Other metrics: "
                   f"{out.disagreement}.")
    return out


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


def questions(claim: Claim, as_of: date) -> list[Question]:
    """The questions a claim is asked: at the time, today's data about the same period, and
    has it come true (only when one of its parts is about the future)."""
    # --as-of is a limit on the data: a claim dated after it is read with the data of as_of
    qs = [Question(AT_THE_TIME, min(claim.date, as_of), claim.date),
          Question(TODAY, as_of, claim.date)]
    if any(t.about_future for t in claim.tests) and as_of > claim.date:
        qs.append(Question(COME_TRUE, as_of, as_of))
    return qs


def evaluate_claim_at(store: Store, claim: Claim, when: date,
                      options: Options | None = None) -> DateVerdict:
    """A claim's verdict with the data as it stood on ``when``, about ``when``."""
    return _answer(Context(store, options or Options(), when), claim,
                   Question(AT_THE_TIME, when, when), dated=False)


def _answer(ctx: Context, claim: Claim, q: Question, *, dated: bool = True) -> DateVerdict:
    if not claim.tests:
        return DateVerdict(q.end if q.name != TODAY else ctx.as_of, V.RECORDED, [],
                           q.name, needs=claim.needs)
    tests = claim.tests
    if q.name == COME_TRUE:
        tests = [t for t in tests if t.about_future]
    if dated and ctx.as_of < claim.date:  # the claim did not exist yet on that date
        why = f"the claim ({claim.date}) is dated after the evaluation date ({ctx.as_of})"
        outcomes = [TestOutcome(t, V.UNTESTABLE, None, why,
                                [untestable(t, None, why, ctx.as_of, t.family)])
                    for t in tests]
    else:
        outcomes = [evaluate_test(ctx, claim, t, q) for t in tests]
    as_of = ctx.as_of if q.name != AT_THE_TIME else q.end
    return DateVerdict(as_of, V.overall([o.verdict for o in outcomes]), outcomes, q.name)


def evaluate_claims(
    claims: list[Claim], *, store: Store, as_of: date | None = None,
    options: Options | None = None, at_the_time: Mapping[str, DateVerdict] | None = None,
) -> list[ClaimResult]:
    """Each claim's parts answered at the time, with today's data (``as_of``, default
    today) about the same period, and, for claims about the future, whether it came true.

    ``at_the_time``: answers to the first question already known for these claims (by
    id; the caller vouches they were computed on the same data, definitions and options).
    That answer does not depend on ``as_of`` once ``as_of`` is on or after the claim's
    date, so it is reused then (:mod:`aigap.claims.cache` keeps them across dates)."""
    later = as_of or date.today()
    ctx = Context(store, options or Options(), later)
    known = at_the_time or {}
    out = []
    for c in claims:
        answers = {q.name: known[c.id] if q.name == AT_THE_TIME and c.id in known
                   and later >= c.date else _answer(ctx, c, q)
                   for q in questions(c, later)}
        out.append(ClaimResult(c, answers[AT_THE_TIME], answers[TODAY],
                               answers.get(COME_TRUE)))
    return out


def results_frame(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim (see :meth:`ClaimResult.row`)."""
    import pandas as pd

    return pd.DataFrame([r.row() for r in results])


def result_dicts(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """The JSON form of each result (what `aigap claims --format json` prints)."""
    return [r.to_dict() for r in results]
