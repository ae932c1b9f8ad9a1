"""Claim families on capability: the lag (daily, Epoch's method), its trend, and the
vertical gap. Numbers come from :func:`aigap.api.capability.lag_period` and
:func:`aigap.api.trend` with the same defaults as the CLI, so evidence equals `aigap lag`.

Every part asks for the same request whatever its statistic (the mean, minimum, maximum and
end-date lag of one window come from one bootstrap), so a claim's parts and claims about
the same date share one computation through the api's memo.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from aigap.analysis.common import num
from aigap.claims import verdict as V
from aigap.claims.evidence import (
    COME_TRUE,
    MIN_TREND_DAYS,
    Context,
    Evidence,
    Question,
    claimed_range,
    fmt_value,
    later_vintage_note,
    sentence,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["lag_evidence", "part_verdict", "sustained_minimum", "trend_evidence",
           "vertical_evidence"]

#: "Was it closing at the time" reads the trend over this many days before the claim.
TREND_LOOKBACK_DAYS = 730
#: A minimum of the daily lag is checked against the lowest level it held this long too.
SUSTAINED_DAYS = 30


def part_verdict(t: ClaimTest, est: float | None, lo: float | None,
                 hi: float | None) -> str:
    """The part's verdict under its reading: a stated figure or a range to lie in."""
    if t.about:
        return V.value_verdict(est, lo, hi, t.low, t.high)
    if lo is None or hi is None:
        lo = hi = est
    return V.range_verdict(lo, hi, t.low, t.high)


def sustained_minimum(series: Any, since: date | None, days: int = SUSTAINED_DAYS) -> \
        tuple[float | None, int]:
    """The lowest level the daily lag stayed at or below for ``days`` consecutive days
    (None when the window is shorter), and the window's length in days. Saw-tooth dips of a
    day or two do not move it."""
    import pandas as pd

    s = series
    if since is not None:
        s = s[s["date"] >= pd.Timestamp(since)]
    lag = s.set_index("date")["lag_months"].dropna()
    if len(lag) < days:
        return None, 0
    return float(lag.rolling(days).max().min()), len(lag)


def _window(claim: Claim, t: ClaimTest, q: Question) -> tuple[date | None, date]:
    """(since, end) of the lag a part asks for under a question."""
    if q.name == COME_TRUE:
        return claim.date, q.end
    return t.since, t.at or q.end


def lag_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                 q: Question) -> Evidence:
    """The lag statistic the part names (end-date lag, or mean/min/max over a window)."""
    from aigap.api.capability import lag_period

    method = f"daily lag (Epoch's method), statistic {t.statistic}, model bootstrap"
    since, want = _window(claim, t, q)
    if since is not None and since > want:
        return untestable(t, metric, f"the window starts {since}, after {want}", want, method)

    def run(end_day: date) -> Any:
        return ctx.cached(
            ("lag", t.leader, t.follower, metric, end_day, q.data_as_of, since,
             t.attribution, t.tau),
            lambda: lag_period(t.leader, t.follower, metric, end=end_day,
                               data_as_of=q.data_as_of, since=since,
                               attribution=t.attribution, tau=t.tau,
                               bootstrap=ctx.options.bootstrap, seed=ctx.options.seed,
                               level=ctx.options.level, store=ctx.store))

    rep = run(want)
    # The data's end: its vintages' data date, or a newer model in it (a vintage stamp can
    # lag its rows).
    ends = [d for d in (rep.selection.newest_data(), _newest(rep)) if d is not None]
    end = max(ends) if ends else want
    stale = (want - end).days
    eff = want
    if stale > 0:  # never extrapolate the lag past the newest data
        eff = end
        if since is not None and since > eff:
            return untestable(t, metric, f"the newest {metric} data ({end}) is before the "
                              f"window start {since}", want, method)
        rep = run(eff)
    summ = rep.summary.set_index("statistic")
    n = list(rep.n_models.values())
    data = {**rep.selection.to_dict(), "requested_end": want.isoformat(),
            "data_end": eff.isoformat()}
    note = ""
    if stale > 0:
        note = (f" (stopped at the end of the {metric} data, {end}, {stale} days before "
                f"{want}: the lag is not extrapolated past the data)")
    pre = later_vintage_note(rep.selection, q)
    if t.horizon == "since_claim" and q.name == COME_TRUE:
        return _held(t, metric, rep, summ, since, eff, note, method, data, n, pre)
    stat = t.statistic or "lag_end"
    if t.horizon == "since_claim":
        stat = "lag_end"
    row = summ.loc[stat]
    est, lo, hi = num(row["estimate"]), num(row["lower"]), num(row["upper"])
    v = part_verdict(t, est, lo, hi)
    what = {"lag_end": f"The daily lag on {eff}{note}",
            "lag_mean": f"The mean daily lag from {since or 'the series start'} to {eff}",
            "lag_min": f"The minimum daily lag from {since or 'the series start'} to {eff}",
            "lag_max": f"The maximum daily lag from {since or 'the series start'} to {eff}",
            }[stat]
    text = sentence(t, metric, what, est, lo, hi, "months", eff, v, ctx.options.level)
    detail: dict[str, Any] = {}
    if stat == "lag_min" and est is not None:
        text, detail = _explain_minimum(t, rep, since, est, text)
    return Evidence(metric, stat, est, lo, hi, "months", v, method, f"{pre} {text}".strip(),
                    eff, n[0], n[1], data, detail, report=rep)


def _newest(rep: Any) -> date | None:
    """Newest release date among the two groups' scored models in a lag report."""
    import pandas as pd

    dates = [f["date"].max() for f in (rep.leader_frame, rep.follower_frame)
             if f is not None and len(f)]
    return pd.Timestamp(max(dates)).date() if dates else None


def _explain_minimum(t: ClaimTest, rep: Any, since: date | None, est: float,
                     text: str) -> tuple[str, dict[str, Any]]:
    """Why a minimum differs: the day it happened, how long the lag stayed that low, and
    the lowest level it held for a month (the daily lag is a saw-tooth, docs/methods.md)."""
    import pandas as pd

    s = rep.series
    if since is not None:
        s = s[s["date"] >= pd.Timestamp(since)]
    s = s.dropna(subset=["lag_months"])
    if s.empty:
        return text, {}
    day = pd.Timestamp(s.loc[s["lag_months"].idxmin(), "date"]).date()
    held, _ = sustained_minimum(rep.series, since)
    below = int((s["lag_months"] < (t.low if t.low is not None else -math.inf)).sum())
    extra = (f" The minimum ({fmt_value(est)} months) fell on {day}: the daily lag is a "
             "saw-tooth that drops to days whenever the leader sets a record just above the "
             "follower's level, so its minimum depends on single records and on the index's "
             "latest refit (docs/methods.md).")
    if held is not None:
        extra += (f" The lowest lag held for {SUSTAINED_DAYS} days was {fmt_value(held)} "
                  f"months; the lag was below the claimed {claimed_range(t)} on {below} of "
                  f"{len(s)} days.")
    return text + extra, {"minimum_on": day.isoformat(), "sustained_minimum": num(held),
                          "sustained_days": SUSTAINED_DAYS, "days_below_claim": below}


def _held(t: ClaimTest, metric: str, rep: Any, summ: Any, since: date | None, eff: date,
          note: str, method: str, data: dict[str, Any], n: list[int], pre: str) -> Evidence:
    """"For a long time": the range must hold on every day from the claim to the data's end."""
    mn: Any = summ.loc["lag_min"]
    mx: Any = summ.loc["lag_max"]
    v = V.horizon_verdict((mn["lower"], mn["upper"]), (mx["lower"], mx["upper"]), t.low, t.high)
    text = (f"From {since} to {eff}{note} the daily lag on {metric} ranged from "
            f"{fmt_value(mn['estimate'])} to {fmt_value(mx['estimate'])} months "
            f"(interval of the minimum {fmt_value(mn['lower'])}-{fmt_value(mn['upper'])}, "
            f"of the maximum {fmt_value(mx['lower'])}-{fmt_value(mx['upper'])}; "
            f"{t.follower} vs {t.leader}, {t.attribution} attribution); claimed "
            f"{claimed_range(t)} throughout: {v}.")
    return Evidence(metric, "lag_min..lag_max", num(mn["estimate"]), num(mn["lower"]),
                    num(mx["upper"]), "months", v, method + " over the window",
                    f"{pre} {text}".strip(), eff, n[0], n[1], data,
                    {"lag_max": num(mx["estimate"])}, report=rep)


def trend_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                   q: Question) -> Evidence:
    """Closing or widening: after the claim (has it come true), or over the two years before
    the claim's date (was it so at the time; a year of records alone is too few for the
    record-growth test's windows)."""
    from aigap.api.capability import trend_period

    method = ("record-growth trend of the lag (aigap trend: each group's frontier records, "
              "model bootstrap, whole window and the last 24 and 12 months)")
    if q.name == COME_TRUE:
        since, want = claim.date, q.end
    else:
        since, want = claim.date - timedelta(days=TREND_LOOKBACK_DAYS), claim.date

    def run(end_day: date) -> Any:
        return ctx.cached(("trend", t.leader, t.follower, metric, end_day, q.data_as_of,
                           since, t.attribution, t.tau), lambda: trend_period(
            t.leader, t.follower, metric, end=end_day, data_as_of=q.data_as_of, since=since,
            attribution=t.attribution, tau=t.tau, bootstrap=ctx.options.bootstrap,
            seed=ctx.options.seed, level=ctx.options.level, store=ctx.store))

    if (want - since).days < MIN_TREND_DAYS:
        return untestable(t, metric, f"only {max((want - since).days, 0)} days of data from "
                          f"{since} (need {MIN_TREND_DAYS})", want, method)
    try:
        rep = run(want)
        ends = [d for d in (rep.lag.selection.newest_data(), _newest(rep.lag))
                if d is not None]
        eff = min(want, max(ends)) if ends else want
        if (eff - since).days < MIN_TREND_DAYS:
            return untestable(t, metric, f"only {max((eff - since).days, 0)} days of data "
                              f"from {since} (need {MIN_TREND_DAYS})", want, method)
        if eff < want:  # never past the end of the data
            rep = run(eff)
    except AigapError as exc:
        return untestable(t, metric, str(exc), want, method)
    # Read defensively: the trend result's shape is the statistics issue's to change.
    lt = getattr(rep, "lag_trend", None)
    slope, lo, hi = (num(getattr(lt, k, None)) for k in ("slope", "lower", "upper"))
    verdict_word = str(getattr(rep, "verdict", None) or getattr(lt, "verdict", ""))
    span = "after the claim" if q.name == COME_TRUE else "in the two years before the claim"
    if verdict_word in ("", "too few records"):
        reason = getattr(lt, "reason", None) or "too few frontier records"
        return untestable(t, metric, f"{span} ({since} to {eff}): {reason}", want, method)
    v = V.direction_verdict(verdict_word, t.direction or "closing")
    text = (f"{span.capitalize()} ({since} to {eff}) the {t.follower}-{t.leader} lag on "
            f"{metric} changed by {fmt_value(slope)} months per year "
            f"({int(ctx.options.level * 100)}% interval {fmt_value(lo)} to "
            f"{fmt_value(hi)}); trend verdict over the windows: {verdict_word}; claimed "
            f"{t.direction}: {v}.")
    n = list(rep.lag.n_models.values())
    return Evidence(metric, "lag_slope", slope, lo, hi, "months per year", v, method,
                    f"{later_vintage_note(rep.lag.selection, q)} {text}".strip(), eff,
                    n[0], n[1], {**rep.lag.selection.to_dict(),
                                 "requested_end": want.isoformat()},
                    {"trend": verdict_word}, report=rep.lag)


def vertical_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                      q: Question) -> Evidence:
    """Leader best minus follower best on the date the part names (points, or pp)."""
    from aigap.api.capability import lag_period

    method = "vertical gap (leader best minus follower best) on the date, model bootstrap"
    at = t.at or q.end
    rep = lag_period(t.leader, t.follower, metric, end=at, data_as_of=q.data_as_of,
                     since=t.since, attribution=t.attribution, bootstrap=ctx.options.bootstrap,
                     seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    row = rep.summary.set_index("statistic").loc[t.statistic or "gap_end"]
    # Percentage points for 0-1 scores, unless the api already reports them so.
    already = "percentage" in str(row.get("unit", ""))
    k = 100.0 if (t.family == "benchmark_pp_gap" and rep.scale == "fraction"
                  and not already) else 1.0
    est, lo, hi = (None if x is None else x * k for x in
                   (num(row["estimate"]), num(row["lower"]), num(row["upper"])))
    unit = "pp" if t.family == "benchmark_pp_gap" else "points"
    v = part_verdict(t, est, lo, hi)
    text = sentence(t, metric, f"The vertical gap on {at}", est, lo, hi, unit, at, v,
                    ctx.options.level)
    n = list(rep.n_models.values())
    return Evidence(metric, t.statistic or "gap_end", est, lo, hi, unit, v, method,
                    f"{later_vintage_note(rep.selection, q)} {text}".strip(), at, n[0], n[1],
                    rep.selection.to_dict(), report=rep)
