"""Claim families on capability: the lag (daily, Epoch's method), its trend after the
claim, and the vertical gap. Numbers come from :func:`aigap.api.lag` and
:func:`aigap.api.trend` with the same defaults as the CLI, so evidence equals `aigap lag`."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from aigap.analysis.common import num
from aigap.claims import verdict as V
from aigap.claims.evidence import (
    MIN_TREND_DAYS,
    Context,
    Evidence,
    claimed_range,
    fmt_value,
    sentence,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["lag_evidence", "trend_evidence", "vertical_evidence"]


def lag_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                  when: date) -> Evidence:
    from aigap.api import lag

    method = f"daily lag (Epoch's method), statistic {t.statistic}, model bootstrap"
    end = ctx.data_end(metric, when)
    if end is None:
        return untestable(t, metric, "no scores on this metric by then", when, method)
    eff = when  # aigap.lag itself cuts a date past the newest data (and says so)
    window = t.horizon == "since_claim" and when > claim.date
    since = claim.date if window else t.since
    if since is not None and since > eff:
        return untestable(t, metric, f"the newest {metric} data ({end}) is before the "
                           f"window start {since}", when, method)
    try:
        rep = lag(t.leader, t.follower, metric, as_of=eff, since=since,
                  attribution=t.attribution, tau=t.tau, bootstrap=ctx.options.bootstrap,
                  seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, method)
    summ = rep.summary.set_index("statistic")
    n = list(rep.n_models.values())
    data = {**rep.selection.to_dict(), "requested_as_of": when.isoformat(),
            "data_end": end.isoformat()}
    note = "" if eff == when else f" (newest {metric} data {end})"
    if window:
        mn: Any = summ.loc["lag_min"]
        mx: Any = summ.loc["lag_max"]
        v = V.horizon_verdict((mn["lower"], mn["upper"]), (mx["lower"], mx["upper"]),
                              t.low, t.high)
        text = (f"From {since} to {eff}{note} the daily lag on {metric} ranged from "
                f"{fmt_value(mn['estimate'])} to {fmt_value(mx['estimate'])} months "
                f"(interval of the minimum {fmt_value(mn['lower'])}-{fmt_value(mn['upper'])}, "
                f"of the maximum {fmt_value(mx['lower'])}-{fmt_value(mx['upper'])}; "
                f"{t.follower} vs {t.leader}, "
                f"{t.attribution} attribution); claimed {claimed_range(t)} throughout: {v}.")
        return Evidence(metric, "lag_min..lag_max", num(mn["estimate"]), num(mn["lower"]),
                        num(mx["upper"]), "months", v, method + " over the window", text,
                        eff, n[0], n[1], data, {"lag_max": num(mx["estimate"])})
    row = summ.loc[t.statistic or "lag_end"]
    est, lo, hi = num(row["estimate"]), num(row["lower"]), num(row["upper"])
    v = V.range_verdict(lo, hi, t.low, t.high)
    what = {"lag_end": f"The daily lag on {eff}{note}",
            "lag_mean": f"The mean daily lag from {since or 'the series start'} to {eff}",
            "lag_min": f"The minimum daily lag from {since or 'the series start'} to {eff}",
            "lag_max": f"The maximum daily lag from {since or 'the series start'} to {eff}",
            }[t.statistic or "lag_end"]
    text = sentence(t, metric, what, est, lo, hi, "months", eff, v, ctx.options.level)
    return Evidence(metric, t.statistic or "lag_end", est, lo, hi, "months", v, method,
                    text, eff, n[0], n[1], data)


def trend_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                    when: date) -> Evidence:
    from aigap.api import trend

    method = "OLS slope of the daily lag after the claim, Newey-West interval"
    end = ctx.data_end(metric, when)
    if end is None:
        return untestable(t, metric, "no scores on this metric by then", when, method)
    eff = min(when, end)
    days = (eff - claim.date).days
    if days < MIN_TREND_DAYS:
        return untestable(t, metric, f"only {max(days, 0)} days of data after the claim "
                           f"(need {MIN_TREND_DAYS})", when, method)
    try:
        rep = trend(t.leader, t.follower, metric, as_of=eff, since=claim.date,
                    attribution=t.attribution, tau=t.tau, level=ctx.options.level,
                    store=ctx.store)
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, method)
    lt = rep.lag_trend
    observed = lt.verdict if math.isfinite(lt.lower) else None
    v = V.direction_verdict(observed, t.direction or "closing")
    text = (f"After the claim ({claim.date} to {eff}) the {t.follower}-{t.leader} lag on "
            f"{metric} changed by {fmt_value(lt.slope)} months per year "
            f"({int(ctx.options.level * 100)}% HAC interval {fmt_value(lt.lower)} to "
            f"{fmt_value(lt.upper)}): {lt.verdict}; claimed {t.direction}: {v}.")
    n = list(rep.lag.n_models.values())
    return Evidence(metric, "lag_slope", num(lt.slope), num(lt.lower), num(lt.upper),
                    "months per year", v, method, text, eff, n[0], n[1],
                    {**rep.lag.selection.to_dict(), "requested_as_of": when.isoformat()},
                    {"trend": lt.verdict, "days": lt.n})


def vertical_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                       when: date) -> Evidence:
    from aigap.api import lag

    method = "vertical gap (leader best minus follower best) on the date, model bootstrap"
    at = t.at or when
    if at > when:
        return untestable(t, metric, f"the claim is about {at}, after the evaluation date",
                           when, method)
    try:
        rep = lag(t.leader, t.follower, metric, method="vertical", as_of=at,
                  attribution=t.attribution, bootstrap=ctx.options.bootstrap,
                  seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, method)
    row = rep.summary.set_index("statistic").loc[t.statistic or "gap_end"]
    k = 100.0 if (t.family == "benchmark_pp_gap" and rep.scale == "fraction") else 1.0
    est, lo, hi = (None if x is None else x * k for x in
                   (num(row["estimate"]), num(row["lower"]), num(row["upper"])))
    unit = "pp" if t.family == "benchmark_pp_gap" else "points"
    v = V.range_verdict(lo, hi, t.low, t.high)
    text = sentence(t, metric, f"The vertical gap on {at}", est, lo, hi, unit, at, v,
                     ctx.options.level)
    n = list(rep.n_models.values())
    return Evidence(metric, t.statistic or "gap_end", est, lo, hi, unit, v, method, text,
                    at, n[0], n[1], rep.selection.to_dict())
