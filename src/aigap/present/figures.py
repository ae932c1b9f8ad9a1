"""Figures from API results: the one place a result becomes its charts.

The report (``aigap.report.build``) and the dashboard's JSON API (``aigap.web.app``) both
call these functions, so the same question draws the same chart in both: the report prints
each :class:`~aigap.present.charts.Figure` with its kit, the web API sends
``Figure.spec()`` (see :func:`specs`) and the dashboard hands it to vega-embed unchanged.

The functions take the API's result objects (``LagReport``, ``TrendReport``,
``ComputeReport``) and frames (``top500()``, ``clusters()``) as they come; this module
never imports :mod:`aigap.api` (present sits below api in the layering).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from aigap.present.charts import (
    Figure,
    compute_figure,
    frontier_figure,
    lag_figure,
    metric_name,
    share_figure,
)
from aigap.present.output import iso, num

#: Resamples per point of the lag-over-time band (the headline uses the full ``n_boot``).
BAND_BOOT = 200
EPOCH_CREDIT = "Epoch AI, CC BY 4.0"


def specs(figures: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    """The page specs of named figures, ``{name: Vega-Lite dict}``, ready for JSON: what
    the web API sends under ``charts`` (responsive, offline, data inlined)."""
    from aigap.present.output import jsonable

    out: dict[str, dict[str, Any]] = jsonable({k: f.spec() for k, f in figures.items()})
    return out


# -- capability lag ------------------------------------------------------------------------


def lag_arrows(series: pd.DataFrame) -> pd.DataFrame:
    """Lag arrows at the end date and one and two years before (where the lag is > 0)."""
    end = pd.Timestamp(series["date"].iloc[-1])
    want = [end - pd.DateOffset(years=k) for k in (2, 1, 0)]
    s = series.set_index("date")
    rows = []
    for d in want:
        if d not in s.index:
            continue
        row: Any = s.loc[d]
        lag_days = int(row["lag_days"])
        if lag_days > 0:
            rows.append({"date": d, "start": d - pd.Timedelta(days=lag_days),
                         "value": float(row["follower_best"]),
                         "months": float(row["lag_months"])})
    return pd.DataFrame(rows, columns=["date", "start", "value", "months"])


def is_ahead(headline: dict[str, Any], summ: pd.DataFrame) -> bool:
    """True when the follower leads: on average its best score was above the leader's
    (negative mean vertical gap) and it trailed by less than a month on average.

    Args:
        summ: the lag summary indexed by ``statistic``.
    """
    est = num(headline.get("estimate"))
    gap = num(summ["estimate"].get("gap_mean"))
    return est is not None and est < 1.0 and gap is not None and gap < 0


def ahead_text(summ: pd.DataFrame, scale: str | None, lvl: int) -> str:
    """"its best score was 5.0 points higher on average (90% interval 3.5–8.0)"."""
    from aigap.present.labels import scale_unit

    k, unit = (100.0, "percentage points") if scale == "fraction" else (1.0,
                                                                       scale_unit(scale))
    row = summ.loc["gap_mean"]
    est, lo, hi = (num(row[c]) for c in ("estimate", "lower", "upper"))
    text = f"its best score was {months(-(est or 0.0) * k)} {unit} higher on average"
    if lo is not None and hi is not None:
        text += f" ({lvl}% interval {months(-hi * k)}–{months(-lo * k)})"
    return text


def months(v: Any) -> str:
    """A number with one decimal, or "?" when missing."""
    f = num(v)
    return "?" if f is None else f"{f:.1f}"


def result_source(credits: list[str], selection: Any) -> str:
    """The plain source line of a result: its credits and as-of date."""
    data = "; ".join(credits) if credits else "aigap store"
    as_of = getattr(selection, "as_of", None)
    return f"Source: {data}." + (f" Data as of {as_of}." if as_of else "") + \
        " Analysis: aigap."


def lag_finding(rep: Any) -> str:
    """The frontier chart's finding: how far the follower trails (or that it is ahead)."""
    L, F, metric = rep.leader_label, rep.follower_label, rep.request.metric
    summ = rep.summary.set_index("statistic")
    h = rep.headline
    lvl = int(rep.request.level * 100)
    if is_ahead(h, summ):
        return (f"{F} is ahead of {L} on {metric_name(metric)}: "
                + ahead_text(summ, rep.scale, lvl))
    return (f"{F} trails {L} on {metric_name(metric)} by {months(h['estimate'])} months on "
            f"average ({lvl}% interval {months(h['lower'])}–{months(h['upper'])})")


def trend_finding(rep: Any, tr: Any, error: str = "") -> str:
    """The lag chart's finding: whether the lag is closing, or why it was not tested."""
    lt = tr.lag_trend if tr is not None else None
    lvl = int(rep.request.level * 100)
    if lt is None:
        return (f"{rep.follower_label}'s lag behind {rep.leader_label}: no trend test "
                f"({error})")
    return (f"Is the lag closing? {tr.verdict.capitalize()}: "
            f"{lt.slope:+.1f} months per year since {iso(lt.start)} "
            f"({lvl}% interval {lt.lower:+.1f} to {lt.upper:+.1f})")


def lag_figures(rep: Any, tr: Any = None, *, trend_error: str = "",
                band_boot: int = BAND_BOOT) -> dict[str, Figure]:
    """The lag question's two charts: ``frontier`` (scores, step frontiers, lag arrows)
    and ``lag`` (the daily lag with dated intervals and, with a trend result, its fit).

    Args:
        rep: a ``LagReport`` (``aigap.api.lag``).
        tr: the ``TrendReport`` for the same question, or None when it failed
            (``trend_error`` then says why, in the chart's finding).
        band_boot: bootstrap resamples per dated interval of the lag chart.
    """
    L, F, metric = rep.leader_label, rep.follower_label, rep.request.metric
    frames = rep.frames()
    cols = ["group", "name", "date", "value"]
    end = pd.Timestamp(rep.series["date"].iloc[-1])
    source = result_source(rep.credits, rep.selection)
    frontier = frontier_figure(
        frames["points"][cols], frames["records"][cols], leader=L, follower=F,
        metric=metric, end=end, arrows=lag_arrows(rep.series), finding=lag_finding(rep),
        source=source, unit=rep.scale or "score")
    lagfig = lag_figure(rep.series, rep.over_time(n=band_boot), leader=L, follower=F,
                        metric=metric, finding=trend_finding(rep, tr, trend_error),
                        source=source, level=rep.request.level,
                        trend=tr.lag_trend if tr is not None else None)
    return {"frontier": frontier, "lag": lagfig}


# -- training compute ----------------------------------------------------------------------


def compute_figures(rep: Any) -> dict[str, Figure]:
    """The compute question's chart, ``compute``: each group's top models by training
    compute (log scale) and the fitted trends, from a ``ComputeReport``."""
    lt, ft = rep.leader_trend, rep.follower_trend
    frames = rep.frames()
    g = rep.gap
    lvl = int(rep.inputs["level"] * 100)
    finding = (f"{ft.label}'s top-{rep.inputs['top']} compute trend is {g.lag_years:.1f} "
               f"years behind {lt.label}'s ({lvl}% interval {g.lag_interval[0]:.1f}–"
               f"{g.lag_interval[1]:.1f})")
    source = f"Source: {EPOCH_CREDIT} (AI models). Analysis: aigap."
    fig = compute_figure(frames["points"], frames["lines"], leader=lt.label,
                         follower=ft.label, finding=finding, source=source,
                         top=rep.inputs["top"])
    return {"compute": fig}


# -- infrastructure shares -----------------------------------------------------------------


def by_group(frame: pd.DataFrame, lead_g: Any, foll_g: Any, value: str) -> pd.DataFrame:
    """Sum a per-country column into leader, follower and rest of world (the frame's first
    column is the date; the result's ``country`` holds the three group names)."""
    codes = frame["country"].astype(str)
    label = np.where(codes.map(lead_g.contains), lead_g.name,
                     np.where(codes.map(foll_g.contains), foll_g.name, "Rest of world"))
    out = frame.assign(country=label)
    summed: Any = out.groupby([out.columns[0], "country"], as_index=False,
                              sort=False)[value].sum()
    return pd.DataFrame(summed)


def latest_shares(shares: pd.DataFrame, x: str, y: str, lead_g: Any, foll_g: Any
                  ) -> tuple[pd.Timestamp, float, float]:
    """The newest date of a share series and the leader's and follower's share on it."""
    when = pd.Timestamp(shares[x].max())
    last = shares[shares[x] == shares[x].max()].set_index("country")[y]
    return when, float(last.get(lead_g.name, 0.0)), float(last.get(foll_g.name, 0.0))


def top500_figures(frame: pd.DataFrame, lead_g: Any, foll_g: Any) -> dict[str, Figure]:
    """The TOP500 chart, ``top500``: the share of the 500 systems of the leader, the
    follower and the rest of the world per list edition.

    Args:
        frame: ``aigap.api.top500()`` rows (edition, country, systems_share, ...).
        lead_g, foll_g: the groups (``aigap.api.catalogue.group``).
    """
    shares = by_group(frame[["edition", "country", "systems_share"]], lead_g, foll_g,
                      "systems_share")
    when, s_l, s_f = latest_shares(shares, "edition", "systems_share", lead_g, foll_g)
    finding = (f"In the {when:%B %Y} TOP500 list "
               f"{foll_g.name} had {s_f:.0%} of the systems and {lead_g.name} {s_l:.0%}")
    fig = share_figure(
        shares, key="top500", x="edition", y="systems_share", x_title="TOP500 edition",
        y_title="Share of the 500 systems (%)", finding=finding,
        subtitle="Share of systems by country of installation; China includes Hong Kong",
        source=("Source: counts recorded from reports of the TOP500 lists (aigap starter "
                "data, CC BY 4.0). Analysis: aigap." if frame.attrs.get("note") else
                "Source: TOP500.org lists (top500.org). Analysis: aigap."),
        order=[lead_g.name, foll_g.name, "Rest of world"])
    return {"top500": fig}


def _newest(selection: Any) -> date | None:
    """The newest data date a selection read (None when it knows none)."""
    dates = [pd.Timestamp(d).date() for d in
             (getattr(selection, "data_dates", {}) or {}).values() if d]
    return max(dates) if dates else None


def clusters_figures(frame: pd.DataFrame, lead_g: Any, foll_g: Any) -> dict[str, Figure]:
    """The AI-supercomputer chart, ``clusters``: the share of known AI-supercomputer
    performance of the leader, the follower and the rest of the world over time.

    Args:
        frame: ``aigap.api.clusters()`` rows (date, country, share, ...).
    """
    shares = by_group(frame[["date", "country", "share"]], lead_g, foll_g, "share")
    when, share_l, share_f = latest_shares(shares, "date", "share", lead_g, foll_g)
    sel = frame.attrs.get("selection")
    data_day = _newest(sel) if sel is not None else None
    finding = (f"{lead_g.name} had {share_l:.0%} and {foll_g.name} {share_f:.0%} of known "
               f"AI-supercomputer performance on {when:%d %b %Y}"
               + (f" (data as of {data_day:%d %b %Y})" if data_day and
                  data_day < when.date() else ""))
    fig = share_figure(
        shares, key="clusters", x="date", y="share", x_title="Date",
        y_title="Share of 16-bit performance (%)", finding=finding,
        subtitle="Share of the summed 16-bit performance of operational GPU clusters",
        source=f"Source: {EPOCH_CREDIT} (GPU clusters). Analysis: aigap.",
        order=[lead_g.name, foll_g.name, "Rest of world"])
    return {"clusters": fig}
