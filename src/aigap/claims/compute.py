"""The compute family: training-compute growth and the compute lag, from
:func:`aigap.api.training` (the same figure `aigap compute` prints)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from aigap.analysis.common import num
from aigap.claims import verdict as V
from aigap.claims.evidence import (
    COME_TRUE,
    Context,
    Evidence,
    Question,
    later_vintage_note,
    sentence,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["compute_evidence"]


def compute_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """Growth of each group's top-N training compute, the compute lag, or the difference of
    growth rates, as :func:`aigap.api.training` measures them as of the date."""
    import numpy as np

    from aigap.api import compute
    from aigap.api.training import compute_period

    stat = t.statistic or "follower_growth"
    method = (f"rolling top-{t.top} training compute, log-linear fit with at most one "
              "breakpoint (BIC), bootstrap")
    since = t.since or date(2018, 1, 1)
    when = q.end if q.name != COME_TRUE else None
    try:
        if when is None:  # has it come true: the fit from the claim to the newest data
            since = claim.date if t.future else since

            def fit(day: date) -> Any:
                return ctx.cached(("compute", t.leader, t.follower, day, None, t.top, since,
                                   t.attribution), lambda: compute(
                    t.leader, t.follower, as_of=day, top=t.top, since=since,
                    attribution=t.attribution, n_boot=ctx.options.compute_boot,
                    seed=ctx.options.seed, level=ctx.options.level, store=ctx.store))

            rep = fit(q.end)
            newest_data = rep.selection.newest_data()
            if newest_data is not None and newest_data < q.end:  # never past the data
                rep = fit(newest_data)
        else:
            end = when
            rep = ctx.cached(("compute", t.leader, t.follower, end, q.data_as_of, t.top, since,
                              t.attribution), lambda: compute_period(
                t.leader, t.follower, end=end, data_as_of=q.data_as_of, top=t.top,
                since=since, attribution=t.attribution, n_boot=ctx.options.compute_boot,
                seed=ctx.options.seed, level=ctx.options.level, store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, str(exc), q.end, method)
    newest = rep.selection.newest_data()
    when = when or min(q.end, newest or q.end)
    note = later_vintage_note(rep.selection, q)
    if stat == "lag_years" and newest is not None and newest < when:
        note += (f" The newest model in the data is from {newest}; the lag is not "
                 "extrapolated past it.")
    lt, ft = rep.leader_trend, rep.follower_trend
    n = (lt.n_points, ft.n_points)
    if stat in ("follower_growth", "leader_growth"):
        tr, who = (ft, t.follower) if stat == "follower_growth" else (lt, t.leader)
        est, (lo, hi), unit = tr.growth, tr.growth_interval, "x per year"
        what = f"The growth of {who}'s top-{t.top} training compute"
    elif stat == "lag_years":
        est, (lo, hi), unit = rep.gap.lag_years, rep.gap.lag_interval, "years"
        what = "The compute lag"
    else:
        m = min(len(lt.boot_slope), len(ft.boot_slope))
        diff = lt.boot_slope[:m] - ft.boot_slope[:m]
        diff = diff[np.isfinite(diff)]
        a = (1 - ctx.options.level) / 2
        est = lt.slope - ft.slope
        lo, hi = ((float(np.quantile(diff, a)), float(np.quantile(diff, 1 - a)))
                  if len(diff) else (math.nan, math.nan))
        unit = "log10 FLOP per year"
        what = "The leader's minus the follower's compute growth rate"
    v = (V.value_verdict(num(est), num(lo), num(hi), t.low, t.high) if t.about
         else V.range_verdict(num(lo), num(hi), t.low, t.high))
    text = sentence(t, None, f"{what} (fitted from {since})", est, num(lo), num(hi),
                    unit, when, v, ctx.options.level)
    text = f"{note} {text}".strip()
    return Evidence(None, stat, num(est), num(lo), num(hi), unit, v, method, text, when,
                    n[0], n[1], rep.selection.to_dict(), report=rep)
