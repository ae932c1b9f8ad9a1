"""The gap API: ``aigap.lag`` and ``aigap.trend``.

Turns a request (metric, two groups, attribution rule, as-of date, tau...) into the two
groups' score frames, runs the pure analyses of :mod:`aigap.analysis` and bundles the
result with everything needed to defend it: inputs, data vintages, intervals, records,
series and a sensitivity table.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.common import fmt, iso_date, jsonable, num, parse_date
from aigap.api.context import analysis_store, credits_for
from aigap.attribution.rules import group_scores, lag_rule
from aigap.errors import QueryError
from aigap.present.labels import metric_label, scale_unit
from aigap.store import Store
from aigap.store.frames import Selection, load_scores, resolve_metric

METHODS = ("daily", "matched", "vertical")
DEFAULT_LEVEL = 0.9
DEFAULT_BOOTSTRAP = 1000

#: Headline statistic and its unit per method.
HEADLINE = {
    "daily": ("lag_mean", "months"),
    "matched": ("matched_mean", "months"),
    "vertical": ("gap_mean", "points"),
}

# Statistic -> (label, unit) for tables.
LABELS: dict[str, tuple[str, str]] = {
    "lag_mean": ("mean daily lag over the window", "months"),
    "lag_min": ("minimum daily lag over the window", "months"),
    "lag_max": ("maximum daily lag over the window", "months"),
    "lag_end": ("daily lag on the end date", "months"),
    "lag_mean_all": ("mean daily lag, whole series", "months"),
    "lag_min_all": ("minimum daily lag, whole series", "months"),
    "lag_max_all": ("maximum daily lag, whole series", "months"),
    "gap_mean": ("mean vertical gap over the window", "points"),
    "gap_pct_mean": ("mean vertical gap over the window", "% of follower"),
    "gap_end": ("vertical gap on the end date", "points"),
    "matched_mean": ("mean matched-predecessor lag", "months"),
}


def default_tau(scale: str | None) -> float:
    """One point on the metric's scale: 0.01 for 0-1 fractions, else 1 (ECI, %, ratings)."""
    return 0.01 if scale == "fraction" else 1.0


@dataclass
class GapRequest:
    """A validated lag/trend request."""

    leader: str
    follower: str
    metric: str
    method: str
    tau: float | None
    as_of: date | None
    since: date | None
    attribution: str
    drop_first: bool
    bootstrap: int
    seed: int
    level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "leader": self.leader, "follower": self.follower, "metric": self.metric,
            "method": self.method, "tau": self.tau,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "since": self.since.isoformat() if self.since else None,
            "attribution": self.attribution, "drop_first": self.drop_first,
            "bootstrap": self.bootstrap, "seed": self.seed, "level": self.level,
        }


def make_request(
    leader: str, follower: str, metric: str, *, method: str = "daily",
    tau: float | None = None, as_of: str | date | None = None,
    since: str | date | None = None, attribution: str = "inclusive",
    drop_first: bool = True, bootstrap: int = DEFAULT_BOOTSTRAP, seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> GapRequest:
    """Validate flags into a :class:`GapRequest`.

    Raises:
        QueryError: naming the bad flag and what was expected.
    """
    from aigap.attribution.rules import check_rule

    if method not in METHODS:
        raise QueryError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if tau is not None and (not math.isfinite(tau) or tau < 0):
        raise QueryError(f"tau: expected a number >= 0, got {tau!r}")
    if bootstrap < 0:
        raise QueryError(f"bootstrap: expected a number of resamples >= 0, got {bootstrap}")
    if not 0 < level < 1:
        raise QueryError(f"level: expected a number between 0 and 1, got {level}")
    d_as_of = parse_date(as_of, "as_of")
    d_since = parse_date(since, "since")
    if d_as_of and d_since and d_since > d_as_of:
        raise QueryError(f"since {d_since} is after as_of {d_as_of}")
    return GapRequest(leader, follower, metric, method, tau, d_as_of, d_since,
                      check_rule(attribution), drop_first, int(bootstrap), int(seed),
                      float(level))


@dataclass
class LagReport:
    """The result of :func:`lag`: summary with intervals, daily series, records, provenance.

    Attributes:
        request: the validated inputs.
        selection: vintages and as-of used.
        leader_label, follower_label: the resolved groups.
        tau: tolerance used (in the metric's units).
        scale: the metric's scale (fraction, percent, index...).
        result: the full :class:`~aigap.analysis.lag.LagResult`.
        intervals: bootstrap intervals (None with ``bootstrap=0``).
        n_models: models per group.
        sensitivity: point estimates over tau, first-record rule and attribution rule.
    """

    request: GapRequest
    selection: Selection
    leader_label: str
    follower_label: str
    tau: float
    scale: str | None
    result: Any
    intervals: Any
    n_models: dict[str, int]
    sensitivity: pd.DataFrame | None = None
    credits: list[str] = field(default_factory=list)
    leader_frame: pd.DataFrame | None = None
    follower_frame: pd.DataFrame | None = None
    #: model key -> evaluator, for models whose score is the user's own result
    #: (``aigap import scores``); their records are marked as such.
    own_results: dict[str, str] = field(default_factory=dict)

    @property
    def inputs(self) -> dict[str, Any]:
        """The validated request (the ``inputs`` object of the JSON)."""
        return {**self.request.to_dict(), "tau": self.tau, "scale": self.scale,
                "leader_group": self.leader_label, "follower_group": self.follower_label}

    @property
    def data(self) -> dict[str, Any]:
        """The data used: as-of date, vintages, warnings and credits."""
        return {**self.selection.to_dict(), "credits": self.credits}

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames charts need: every scored model of both groups (``points``), their
        frontier records (``records``) and the daily ``series``."""
        empty = pd.DataFrame(columns=["model", "name", "date", "value"])
        lead = self.leader_frame if self.leader_frame is not None else empty
        foll = self.follower_frame if self.follower_frame is not None else empty
        points = pd.concat([lead.assign(group=self.leader_label),
                            foll.assign(group=self.follower_label)], ignore_index=True)
        names = dict(zip(points["model"], points["name"], strict=False))
        res = self.result
        recs = pd.concat([res.leader_records.assign(group=self.leader_label),
                          res.follower_records.assign(group=self.follower_label)],
                         ignore_index=True)
        recs["name"] = recs["model"].map(names).fillna(recs["model"])
        return {"points": points[["group", "model", "name", "date", "value"]],
                "records": recs[["group", "model", "name", "date", "value"]],
                "series": self.series}

    def over_time(self, *, n: int = 200, every: str = "6MS") -> pd.DataFrame:
        """The end-date lag as measured on dates every six months (and the end date), with
        bootstrap intervals: each point resamples only the models released by that date, so
        the band is the uncertainty of the as-of lag, not of a smoothed curve."""
        from aigap.analysis.uncertainty import bootstrap_lag
        from aigap.errors import AigapError

        series = self.series
        lead, foll = self.leader_frame, self.follower_frame
        cols = ["date", "estimate", "lower", "upper"]
        if lead is None or foll is None or series.empty:
            return pd.DataFrame(columns=cols)
        start, end = pd.Timestamp(series["date"].iloc[0]), pd.Timestamp(series["date"].iloc[-1])
        days = [*pd.date_range(start + pd.Timedelta(days=30), end, freq=every), end]
        rng = np.random.default_rng(self.request.seed)
        rows = []
        for d in dict.fromkeys(days):
            try:
                b = bootstrap_lag(lead[lead["date"] <= d], foll[foll["date"] <= d],
                                  tau=self.tau, end=d, drop_first=self.request.drop_first,
                                  n=n, rng=rng, level=self.request.level)
            except AigapError:
                continue
            rows.append({"date": d, "estimate": b.estimates["lag_end"],
                         "lower": b.lower["lag_end"], "upper": b.upper["lag_end"]})
        return pd.DataFrame(rows, columns=cols)

    @property
    def series(self) -> pd.DataFrame:
        """Daily series: date, leader_best, follower_best, lag_days, lag_months, gap, gap_pct."""
        return self.result.series  # type: ignore[no-any-return]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per statistic: estimate, interval, unit, description."""
        est = self._estimates()
        rows = []
        for key, value in est.items():
            label, unit = LABELS.get(key, (key, ""))
            if unit == "points":
                unit = scale_unit(self.scale)
            lo = hi = math.nan
            if self.intervals is not None and key in self.intervals.estimates:
                lo, hi = self.intervals.lower[key], self.intervals.upper[key]
            rows.append({"statistic": key, "estimate": value, "lower": lo, "upper": hi,
                         "unit": unit, "description": label})
        return pd.DataFrame(rows)

    def _estimates(self) -> dict[str, float]:
        s = self.result.summary
        est: dict[str, float] = {}
        if self.intervals is not None:
            est.update({k: float(v) for k, v in self.intervals.estimates.items()})
        else:
            est.update({
                "lag_mean": s["lag_window"]["mean"], "lag_min": s["lag_window"]["min"],
                "lag_max": s["lag_window"]["max"],
                "lag_end": float(self.series["lag_months"].iloc[-1]),
                "lag_mean_all": s["lag_all"]["mean"], "lag_min_all": s["lag_all"]["min"],
                "lag_max_all": s["lag_all"]["max"], "gap_mean": s["gap_window"]["mean"],
                "gap_pct_mean": s["gap_pct_window"]["mean"],
                "gap_end": float(self.series["gap"].iloc[-1]),
            })
        est["matched_mean"] = float(s["matched"]["mean"])
        return est

    @property
    def headline(self) -> dict[str, Any]:
        """The headline figure for the chosen method, with its interval."""
        key, unit = HEADLINE[self.request.method]
        row = self.summary.set_index("statistic").loc[key]
        return {"statistic": key, "estimate": num(row["estimate"]),
                "lower": num(row["lower"]), "upper": num(row["upper"]), "unit": unit}

    def sentence(self) -> str:
        """One plain-language sentence stating the headline and how it was computed."""
        h = self.headline
        r = self.request
        window = self.result.summary["lag_window"]
        start, end = window.get("start"), window.get("end")
        if h["estimate"] is None:
            return f"No {r.method} estimate could be computed for {r.metric}."
        interval = ""
        if h["lower"] is not None and h["upper"] is not None:
            interval = (f" ({int(r.level * 100)}% interval {h['lower']:.1f}–{h['upper']:.1f})")
        what = {"daily": "trails", "matched": "trails (matched-predecessor lag)",
                "vertical": "is below"}[r.method]
        return (f"On {metric_label(r.metric)}, {self.follower_label} {what} "
                f"{self.leader_label} by "
                f"{h['estimate']:.1f} {h['unit']}{interval} on average from "
                f"{iso_date(start)} to {iso_date(end)} ({r.attribution} attribution, "
                f"tau {self.tau:g}).")

    def to_dict(self, *, include_series: bool = True) -> dict[str, Any]:
        """Stable JSON-ready output (see docs/json.md)."""
        res = self.result.to_dict(include_series=include_series)
        out: dict[str, Any] = {
            "kind": "lag",
            "inputs": self.inputs,
            "data": self.data,
            "n_models": self.n_models,
            "headline": self.headline,
            "sentence": self.sentence(),
            "summary": _records(self.summary),
            "window": res["summary"]["lag_window"],
            "leader_records": mark_own(res["leader_records"], self.own_results),
            "follower_records": mark_own(res["follower_records"], self.own_results),
            "matched": mark_own(res["matched"], self.own_results),
        }
        if include_series:
            out["series"] = res["series"]
        if self.sensitivity is not None:
            out["sensitivity"] = _records(self.sensitivity)
        return out

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(r.description))}</td><td>{fmt(r.estimate)}</td>"
            f"<td>{fmt(r.lower)}–{fmt(r.upper)}</td><td>{html.escape(str(r.unit))}</td></tr>"
            for r in self.summary.itertuples())
        return (f"<p><b>{html.escape(self.sentence())}</b></p><table><tr><th>statistic</th>"
                f"<th>estimate</th><th>{int(self.request.level * 100)}% interval</th>"
                f"<th>unit</th></tr>{rows}</table><p><small>Data: vintages "
                f"{html.escape(str(self.selection.vintages))}</small></p>")


def own_results(scores: pd.DataFrame) -> dict[str, str]:
    """Model key -> evaluator of the scores that are the user's own results."""
    if "provenance" not in scores:
        return {}
    own = scores[scores["provenance"] == "user_supplied"]
    return {str(k): str(e) for k, e in zip(own["model_key"], own["source_name"].fillna(
        "user-supplied"), strict=True)}


def mark_own(records: list[dict[str, Any]], own: dict[str, str]) -> list[dict[str, Any]]:
    """Records with ``own_result`` (the evaluator) on those from the user's own results."""
    if not own:
        return records
    return [{**r, "own_result": own[str(r.get("model"))]} if str(r.get("model")) in own
            else r for r in records]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = jsonable(frame)
    return out


def _frames(store: Store, req: GapRequest) -> tuple[pd.DataFrame, Selection, Any, Any]:
    from aigap.attribution.groups import resolve_group

    lead_g = resolve_group(req.leader)
    foll_g = resolve_group(req.follower)
    scores, sel = load_scores(store, req.metric, as_of=req.as_of)
    return scores, sel, lead_g, foll_g


def _analyse(scores: pd.DataFrame, lead_g: Any, foll_g: Any, req: GapRequest, tau: float,
             rule: str, drop_first: bool, end: pd.Timestamp | None) -> tuple[Any, pd.DataFrame,
                                                                             pd.DataFrame]:
    from aigap.analysis.lag import lag_analysis

    lead = group_scores(scores, lead_g, rule)
    foll = group_scores(scores, foll_g, rule)
    result = lag_analysis(lead, foll, tau=tau, end=end, since=req.since,
                          drop_first=drop_first, labels=(lead_g.name, foll_g.name))
    return result, lead, foll


def lag(
    leader: str = "USA",
    follower: str = "China",
    metric: str = "eci",
    *,
    method: str = "daily",
    tau: float | None = None,
    as_of: str | date | None = None,
    since: str | date | None = None,
    attribution: str = "inclusive",
    drop_first: bool = True,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    sensitivity: bool = False,
    home: str | Path | None = None,
    store: Store | None = None,
) -> LagReport:
    """How many months ``follower`` trails ``leader`` on ``metric``, with intervals.

    Implements DESIGN methods 1-5 and 9 (see docs/methods.md): records per group, the daily
    lag (Epoch AI's method) with tolerance ``tau``, the matched-predecessor lag, the vertical
    gap, and a seeded model bootstrap for every summary.

    Args:
        leader, follower: groups (ISO3, names such as "US"/"China", EU27, open, closed).
        metric: any score metric in the store where higher is better (``aigap metrics``).
        method: which figure is the headline: daily | matched | vertical.
        tau: tolerance in the metric's units (default one point: 1 for ECI/%/ratings, 0.01
            for 0-1 fractions).
        as_of: use only data and models available on that date; also the end date.
        since: start of the summary window.
        attribution: inclusive | exclusive | hq (fractional is for counts; it is treated as
            inclusive membership here).
        drop_first: drop each group's first record (Epoch AI does).
        bootstrap: resamples (0 = no intervals). seed: the generator's seed.
        level: interval level. sensitivity: also compute the sensitivity table.

    Raises:
        QueryError: unknown group/metric/rule, too few models in a group, dates in the wrong
            order.
    """
    req = make_request(leader, follower, metric, method=method, tau=tau, as_of=as_of,
                       since=since, attribution=attribution, drop_first=drop_first,
                       bootstrap=bootstrap, seed=seed, level=level)
    from aigap.api.catalogue import named_group

    named_group(leader, "leader")
    named_group(follower, "follower")
    with analysis_store(home, store) as st:
        req = replace(req, metric=resolve_metric(st, req.metric))
        scores, sel, lead_g, foll_g = _frames(st, req)
        key = ("lag", lead_g.name, foll_g.name, *sorted(req.to_dict().items()),
               tuple(sorted(sel.vintages.items())), sensitivity)
        if key not in st.cache:
            st.cache[key] = _lag(scores, sel, lead_g, foll_g, req, credits_for(st, sel),
                                 sensitivity)
            st.cache[key].own_results = own_results(scores)
        report: LagReport = st.cache[key]
    return report


def _lag(scores: pd.DataFrame, sel: Selection, lead_g: Any, foll_g: Any, req: GapRequest,
         credits: list[str], sensitivity: bool) -> LagReport:
    """The lag of one validated request on its score frame (see :func:`lag`)."""
    from aigap.analysis.uncertainty import bootstrap_lag

    rule = lag_rule(req.attribution)
    scale = (scores["scale"].mode().iloc[0] if scores["scale"].notna().any() else None)
    t = req.tau if req.tau is not None else default_tau(scale)
    end = pd.Timestamp(req.as_of) if req.as_of else None
    result, lead, foll = _analyse(scores, lead_g, foll_g, req, t, rule, req.drop_first, end)
    intervals = None
    if req.bootstrap > 0:
        intervals = bootstrap_lag(lead, foll, tau=t, end=end, since=req.since,
                                  drop_first=req.drop_first, n=req.bootstrap,
                                  rng=np.random.default_rng(req.seed), level=req.level,
                                  analysis=result)
    report = LagReport(req, sel, lead_g.name, foll_g.name, t, scale, result, intervals,
                       {lead_g.name: int(lead["model"].nunique()),
                        foll_g.name: int(foll["model"].nunique())}, credits=credits,
                       leader_frame=lead, follower_frame=foll)
    if sensitivity:
        report.sensitivity = sensitivity_table(scores, lead_g, foll_g, req, t, end)
    return report


def sensitivity_table(scores: pd.DataFrame, lead_g: Any, foll_g: Any, req: GapRequest,
                      tau: float, end: pd.Timestamp | None) -> pd.DataFrame:
    """Point estimates over tau in {0, 1, 2} points, first record dropped/kept, and rules."""
    rows = []
    for rule in ("inclusive", "exclusive", "hq"):
        for drop in (True, False):
            for mult in (0.0, 1.0, 2.0):
                t = mult * (tau if tau > 0 else 1.0)
                row: dict[str, Any] = {"attribution": rule, "drop_first": drop, "tau": t}
                try:
                    res, _, _ = _analyse(scores, lead_g, foll_g, req, t, rule, drop, end)
                    w = res.summary["lag_window"]
                    row.update({"lag_mean": w["mean"], "lag_min": w["min"],
                                "lag_max": w["max"],
                                "matched_mean": res.summary["matched"]["mean"],
                                "gap_mean": res.summary["gap_window"]["mean"], "note": ""})
                except QueryError as exc:
                    row.update({"lag_mean": math.nan, "lag_min": math.nan,
                                "lag_max": math.nan, "matched_mean": math.nan,
                                "gap_mean": math.nan, "note": str(exc)})
                rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class TrendReport:
    """The result of :func:`trend`: is the gap closing? (DESIGN method 6)."""

    lag: LagReport
    lag_trend: Any
    gap_trend: Any

    @property
    def summary(self) -> pd.DataFrame:
        rows = []
        for name, t, unit in (("daily lag", self.lag_trend, "months per year"),
                              ("vertical gap", self.gap_trend, "points per year")):
            rows.append({"series": name, "slope": t.slope, "lower": t.lower,
                         "upper": t.upper, "unit": unit, "p_value": t.p_value,
                         "verdict": t.verdict, "start": t.start, "end": t.end, "n_days": t.n})
        return pd.DataFrame(rows)

    @property
    def series(self) -> pd.DataFrame:
        return self.lag.series

    def sentence(self) -> str:
        t = self.lag_trend
        lvl = int(self.lag.request.level * 100)
        return (f"The {self.lag.follower_label}–{self.lag.leader_label} lag on "
                f"{metric_label(self.lag.request.metric)} changed by {t.slope:+.1f} months "
                "per year "
                f"({lvl}% HAC interval {t.lower:+.1f} to {t.upper:+.1f}) from "
                f"{iso_date(t.start)} to {iso_date(t.end)}: {t.verdict}.")

    def to_dict(self, *, include_series: bool = True) -> dict[str, Any]:
        lag_d = self.lag.to_dict(include_series=include_series)
        return {
            "kind": "trend",
            "inputs": lag_d["inputs"],
            "data": lag_d["data"],
            "sentence": self.sentence(),
            "lag_trend": self.lag_trend.to_dict(),
            "gap_trend": self.gap_trend.to_dict(),
            "lag_headline": lag_d["headline"],
            "caveat": ("Newey-West intervals are too narrow on very persistent series such as "
                       "step-function lags; treat a borderline verdict with care "
                       "(docs/methods.md)."),
            **({"series": lag_d["series"]} if include_series else {}),
        }

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self.sentence())}</b></p>" + self.summary.to_html()


def trend(
    leader: str = "USA",
    follower: str = "China",
    metric: str = "eci",
    *,
    tau: float | None = None,
    as_of: str | date | None = None,
    since: str | date | None = None,
    attribution: str = "inclusive",
    drop_first: bool = True,
    level: float = DEFAULT_LEVEL,
    maxlags: int | None = None,
    home: str | Path | None = None,
    store: Store | None = None,
) -> TrendReport:
    """Is the gap closing? OLS of the daily lag (and vertical gap) on time with HAC errors.

    "closing" only when the whole interval of the slope is below zero. Same selectors as
    :func:`lag`; the fit covers ``since`` (default: the start of the series) to the end date.
    """
    from aigap.analysis.trend import gap_trend

    report = lag(leader, follower, metric, tau=tau, as_of=as_of, since=since,
                 attribution=attribution, drop_first=drop_first, bootstrap=0, level=level,
                 home=home, store=store)
    since_ts = pd.Timestamp(report.request.since) if report.request.since else None
    lt = gap_trend(report.series, column="lag_months", since=since_ts, level=level,
                   maxlags=maxlags)
    gt = gap_trend(report.series, column="gap", since=since_ts, level=level, maxlags=maxlags)
    return TrendReport(report, lt, gt)
