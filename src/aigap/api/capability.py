"""The gap API: ``aigap.lag`` and ``aigap.trend``.

Turns a request (metric, two groups, attribution rule, as-of date, tau...) into the two
groups' score frames, runs the pure analyses of :mod:`aigap.analysis` and bundles the
result with everything needed to defend it: inputs, data vintages, intervals, records,
series and a sensitivity table.
"""

from __future__ import annotations

import copy
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
from aigap.present.labels import metric_label
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
    exclude_censored: bool = True
    evaluator: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {
            "leader": self.leader, "follower": self.follower, "metric": self.metric,
            "method": self.method, "tau": self.tau,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "since": self.since.isoformat() if self.since else None,
            "attribution": self.attribution, "drop_first": self.drop_first,
            "exclude_censored": self.exclude_censored, "evaluator": self.evaluator,
            "bootstrap": self.bootstrap, "seed": self.seed, "level": self.level,
        }


def make_request(
    leader: str, follower: str, metric: str, *, method: str = "daily",
    tau: float | None = None, as_of: str | date | None = None,
    since: str | date | None = None, attribution: str = "inclusive",
    drop_first: bool = False, bootstrap: int = DEFAULT_BOOTSTRAP, seed: int = 0,
    level: float = DEFAULT_LEVEL, exclude_censored: bool | None = None,
    evaluator: str = "auto",
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
    if seed < 0:
        raise QueryError(f"seed: expected a whole number >= 0, got {seed}", parameter="seed")
    if not 0 < level < 1:
        raise QueryError(f"level: expected a number between 0 and 1, got {level}")
    d_as_of = parse_date(as_of, "as_of")
    d_since = parse_date(since, "since")
    if d_as_of and d_as_of > date.today():
        raise QueryError(f"as_of: {d_as_of} is in the future (today is {date.today()}); the "
                         "data cannot say what is not yet known", parameter="as_of")
    if d_as_of and d_since and d_since > d_as_of:
        raise QueryError(f"since {d_since} is after as_of {d_as_of}")
    return GapRequest(leader, follower, metric, method, tau, d_as_of, d_since,
                      check_rule(attribution), drop_first, int(bootstrap), int(seed),
                      float(level),
                      (not drop_first) if exclude_censored is None else bool(exclude_censored),
                      str(evaluator))


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
        n_models: models per group (keys that are one model counted once; docs/identity.md).
        n_keys: the source's keys per group, before grouping them into models.
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
    n_keys: dict[str, int] = field(default_factory=dict)
    #: True when every day of the window was censored, so the figures are lower bounds
    bounds_only: bool = False
    #: derived results (trends) computed from this report, by their own settings
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
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
        if "display_name" in points:
            points["name"] = points["display_name"].fillna(points["name"])
        names = dict(zip(points["model"], points["name"], strict=False))
        res = self.result
        recs = pd.concat([res.leader_records.assign(group=self.leader_label),
                          res.follower_records.assign(group=self.follower_label)],
                         ignore_index=True)
        if "display_name" in points:
            names = dict(zip(points["model"], points["display_name"], strict=False))
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
                                  n=n, rng=rng, level=self.request.level,
                                  exclude_censored=self.request.exclude_censored)
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
        from aigap.analysis.units import gap_in_units

        est = self._estimates()
        reasons = getattr(self.intervals, "reasons", {}) if self.intervals is not None else {}
        rows = []
        for key, value in est.items():
            label, unit = LABELS.get(key, (key, ""))
            lo = hi = math.nan
            if self.intervals is not None and key in self.intervals.estimates:
                lo, hi = self.intervals.lower[key], self.intervals.upper[key]
            if unit == "points":  # a score difference: in the reader's unit (pp for 0-1)
                value, unit = gap_in_units(value, self.scale)
                lo, hi = gap_in_units(lo, self.scale)[0], gap_in_units(hi, self.scale)[0]
            rows.append({"statistic": key, "estimate": value, "lower": lo, "upper": hi,
                         "unit": unit, "description": label,
                         "note": reasons.get(key, "")})
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
                "lower": num(row["lower"]), "upper": num(row["upper"]),
                "unit": str(row["unit"]) or unit}

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
        estimate = h["estimate"]
        if r.method == "vertical" and estimate < 0:  # the follower leads
            what, estimate = "is ahead of", -estimate
            if h["lower"] is not None and h["upper"] is not None:
                interval = (f" ({int(r.level * 100)}% interval {-h['upper']:.1f}–"
                            f"{-h['lower']:.1f})")
        return (f"On {metric_label(r.metric)}, {self.follower_label} {what} "
                f"{self.leader_label} by "
                f"{estimate:.1f} {h['unit']}{interval} on average from "
                f"{iso_date(start)} to {iso_date(end)} ({r.attribution} attribution, "
                f"tau {self.tau:g}){self._cut_note()}{self._hindsight_note()}"
                f"{self._bounds_note()}.")

    def _bounds_note(self) -> str:
        """Says so when every lag in the window is only a lower bound."""
        if not self.bounds_only:
            return ""
        return ("; every lag in the window is a lower bound (measured from the leader's "
                "first record in the data): the follower trails by at least this much")

    def _hindsight_note(self) -> str:
        """Says so when the answer as of a date reads data published after it."""
        if not self.selection.hindsight:
            return ""
        return (f"; hindsight: no data vintage of {self.request.as_of} is stored, so this "
                f"reads data published later ({self.selection.newest_data()})")

    def _cut_note(self) -> str:
        """Says so when the as-of date lies past the newest data and the series was cut."""
        end = self.series["date"].iloc[-1] if len(self.series) else None
        if self.request.as_of is None or end is None or \
                pd.Timestamp(end).date() >= self.request.as_of:
            return ""
        return (f"; asked as of {self.request.as_of}, but the newest data is from "
                f"{iso_date(end)}, so the series ends there")

    def to_dict(self, *, include_series: bool = True) -> dict[str, Any]:
        """Stable JSON-ready output (see docs/json.md)."""
        res = self.result.to_dict(include_series=include_series)
        out: dict[str, Any] = {
            "kind": "lag",
            "inputs": self.inputs,
            "data": self.data,
            "n_models": self.n_models,
            "n_keys": self.n_keys,
            "censored_days": self.result.summary.get("n_censored", {}),
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
    if req.metric == "aci":  # aigap's own index, fitted as of the date (api/aci.py)
        from aigap.api.aci import aci_scores

        scores, sel = aci_scores(store, as_of=req.as_of)
    else:
        scores, sel = load_scores(store, req.metric, as_of=req.as_of,
                                  evaluator=req.evaluator)
    return scores, sel, lead_g, foll_g


#: The first-record rules of the sensitivity table: (label, drop_first, exclude_censored).
FIRST_RECORD_RULES = (("censored days left out", False, True),
                      ("first record dropped (Epoch AI)", True, False),
                      ("all days, censored kept", False, False))


def _analyse(scores: pd.DataFrame, lead_g: Any, foll_g: Any, req: GapRequest, tau: float,
             rule: str, drop_first: bool, end: pd.Timestamp | None,
             exclude_censored: bool = True, memo: dict[Any, Any] | None = None
             ) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """The lag analysis of the two groups' scores; with ``memo``, requests whose groups hold
    the same rows share one computation (see :func:`_content_key`)."""
    from aigap.analysis.lag import lag_analysis

    lead = group_scores(scores, lead_g, rule)
    foll = group_scores(scores, foll_g, rule)
    key = ("analysis", _content_key(lead), _content_key(foll), tau, end, req.since,
           drop_first, exclude_censored, lead_g.name, foll_g.name)
    if memo is not None and key in memo:
        return memo[key], lead, foll
    result = lag_analysis(lead, foll, tau=tau, end=end, since=req.since,
                          drop_first=drop_first, exclude_censored=exclude_censored,
                          labels=(lead_g.name, foll_g.name))
    if memo is not None:
        memo[key] = result
    return result, lead, foll


def _content_key(frame: pd.DataFrame) -> str:
    """A digest of a frame's columns and rows. Requests that differ only in ways that leave
    the groups' rows unchanged (a later as-of date past the newest data, another vintage
    holding the same rows) get the same digest and so share one computation."""
    import hashlib

    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha1(rows.tobytes() + "|".join(map(str, frame.columns)).encode()).hexdigest()


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
    drop_first: bool = False,
    exclude_censored: bool | None = None,
    evaluator: str = "auto",
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
        drop_first: drop each group's first record (Epoch AI's convention, for reproducing
            its figures; off by default).
        exclude_censored: leave out of the summaries the days whose lag is only a lower
            bound because it is measured from the first record in the data (default: yes,
            unless ``drop_first`` reproduces Epoch AI's rule; docs/methods.md, "Censoring").
        evaluator: whose scores: ``auto`` (independent evaluations, i.e. third-party runs
            and arena ratings, where the metric has any; else every score), ``all``,
            ``third-party``, ``arena``, ``reported`` (developers' or papers' own numbers) or
            ``user`` (your imported results). The scores of several classes are never pooled
            silently: ``data.evaluators`` lists the classes used.
        bootstrap: resamples of models (0 = no intervals). seed: the generator's seed.
        level: interval level. sensitivity: also compute the sensitivity table.

    Raises:
        QueryError: unknown group/metric/rule, too few models in a group, dates in the wrong
            order.
    """
    req = make_request(leader, follower, metric, method=method, tau=tau, as_of=as_of,
                       since=since, attribution=attribution, drop_first=drop_first,
                       bootstrap=bootstrap, seed=seed, level=level,
                       exclude_censored=exclude_censored, evaluator=evaluator)
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
                                 sensitivity, st.cache)
            st.cache[key].own_results = own_results(scores)
        report: LagReport = st.cache[key]
    return report


def lag_by_evaluator(
    leader: str = "USA",
    follower: str = "China",
    metric: str = "mmlu",
    *,
    home: str | Path | None = None,
    store: Store | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The same lag measured on each evaluator class's scores side by side (third-party
    runs, arena ratings, reported numbers, your own): one row per class with the models
    used, the mean daily lag and the vertical gap with their intervals, or why it could not
    be measured. ``options`` are :func:`lag`'s."""
    rows: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    with analysis_store(home, store) as st:
        for cls in ("third-party", "arena", "reported", "user"):
            try:
                r = lag(leader, follower, metric, evaluator=cls, store=st, **options)
            except QueryError as exc:
                if "no " + cls + " scores" in str(exc):
                    continue
                rows.append({"evaluator": cls, "note": str(exc)})
                continue
            mean, gap = _row_of(r, "lag_mean"), _row_of(r, "gap_mean")
            data = {**r.data, "evaluators": sorted({*data.get("evaluators", []),
                                                    *r.data.get("evaluators", [])})}
            rows.append({"evaluator": cls, **{f"models_{g}": n for g, n in r.n_models.items()},
                         "lag_mean": mean["estimate"], "lag_lower": mean["lower"],
                         "lag_upper": mean["upper"], "gap_mean": gap["estimate"],
                         "gap_lower": gap["lower"], "gap_upper": gap["upper"],
                         "gap_unit": gap["unit"], "note": ""})
    if not rows:
        raise QueryError(f"metric: no scores on {metric!r} from any evaluator",
                         parameter="metric")
    out = pd.DataFrame(rows)
    out.attrs["data"] = data  # the data used (vintages, dates, credits) as in aigap lag
    return out


def _row_of(report: LagReport, statistic: str) -> dict[str, Any]:
    row = report.summary.set_index("statistic").loc[statistic]
    return {"estimate": num(row["estimate"]), "lower": num(row["lower"]),
            "upper": num(row["upper"]), "unit": str(row["unit"])}


def _end_date(req: GapRequest, sel: Selection) -> pd.Timestamp | None:
    """The end of the series: the as-of date, cut to the newest data date of the vintages
    used when it lies past it (the cut is stated in the data warnings and the sentence)."""
    if req.as_of is None:
        return None
    newest = sel.coverage_end or sel.newest_data()
    if newest is not None and req.as_of > newest:
        note = (f"as_of {req.as_of} is past the newest data ({newest}): the series ends "
                f"on {newest}")
        if note not in sel.warnings:
            sel.warnings.append(note)
        return pd.Timestamp(newest)
    return pd.Timestamp(req.as_of)


def _lag(scores: pd.DataFrame, sel: Selection, lead_g: Any, foll_g: Any, req: GapRequest,
         credits: list[str], sensitivity: bool, memo: dict[Any, Any] | None = None
         ) -> LagReport:
    """The lag of one validated request on its score frame (see :func:`lag`). ``memo`` (the
    store's) shares the analysis and the bootstrap between requests on the same rows."""
    from aigap.analysis.uncertainty import bootstrap_lag

    rule = lag_rule(req.attribution)
    scale = (scores["scale"].mode().iloc[0] if scores["scale"].notna().any() else None)
    t = req.tau if req.tau is not None else default_tau(scale)
    end = _end_date(req, sel)
    bounds_only = False
    try:
        result, lead, foll = _analyse(scores, lead_g, foll_g, req, t, rule, req.drop_first,
                                      end, req.exclude_censored, memo)
    except QueryError as exc:
        if not (req.exclude_censored and "no day with a finite" in str(exc)):
            raise
        # Every day in the window is censored: report the lower bounds, said as such.
        req = replace(req, exclude_censored=False)
        result, lead, foll = _analyse(scores, lead_g, foll_g, req, t, rule, req.drop_first,
                                      end, False, memo)
        bounds_only = True
        sel.warnings.append(
            "every day's lag in the window is measured from the leader's first record in "
            "the data, so each is only a lower bound: the figures are lower bounds")
    intervals = None
    if req.bootstrap > 0:
        key = ("bootstrap", id(result), req.bootstrap, req.seed, req.level)
        if memo is None or key not in memo:
            intervals = bootstrap_lag(lead, foll, tau=t, end=end, since=req.since,
                                      drop_first=req.drop_first, n=req.bootstrap,
                                      rng=np.random.default_rng(req.seed), level=req.level,
                                      analysis=result, unit="model",
                                      exclude_censored=req.exclude_censored)
            if memo is not None:
                memo[key] = (result, intervals)  # the result kept alive: its id stays unique
        else:
            intervals = memo[key][1]
    report = LagReport(req, sel, lead_g.name, foll_g.name, t, scale, result, intervals,
                       {lead_g.name: int(lead["model_id"].nunique()),
                        foll_g.name: int(foll["model_id"].nunique())}, credits=credits,
                       leader_frame=lead, follower_frame=foll, bounds_only=bounds_only,
                       n_keys={lead_g.name: int(lead["model"].nunique()),
                               foll_g.name: int(foll["model"].nunique())})
    if sensitivity:
        report.sensitivity = sensitivity_table(scores, lead_g, foll_g, req, t, end)
    return report


def sensitivity_table(scores: pd.DataFrame, lead_g: Any, foll_g: Any, req: GapRequest,
                      tau: float, end: pd.Timestamp | None) -> pd.DataFrame:
    """Point estimates over tau in {0, 1, 2} points, the first-record rules
    (:data:`FIRST_RECORD_RULES`) and the attribution rules."""
    from aigap.analysis.lag import lag_analyses

    rows = []
    taus = tuple(mult * (tau if tau > 0 else 1.0) for mult in (0.0, 1.0, 2.0))
    for rule in ("inclusive", "exclusive", "hq"):
        grid = lag_analyses(group_scores(scores, lead_g, rule),
                            group_scores(scores, foll_g, rule), taus=taus,
                            first_record_rules=tuple((d, e) for _, d, e in FIRST_RECORD_RULES),
                            end=end, since=req.since, labels=(lead_g.name, foll_g.name))
        for label, drop, excl in FIRST_RECORD_RULES:
            for t in taus:
                row: dict[str, Any] = {"attribution": rule, "first_record": label,
                                       "drop_first": drop, "exclude_censored": excl,
                                       "tau": t}
                res = grid[(t, drop, excl)]
                if isinstance(res, QueryError):
                    row.update({"lag_mean": math.nan, "lag_min": math.nan,
                                "lag_max": math.nan, "matched_mean": math.nan,
                                "gap_mean": math.nan, "note": str(res)})
                else:
                    w = res.summary["lag_window"]
                    row.update({"lag_mean": w["mean"], "lag_min": w["min"],
                                "lag_max": w["max"],
                                "matched_mean": res.summary["matched"]["mean"],
                                "gap_mean": res.summary["gap_window"]["mean"], "note": ""})
                rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class TrendReport:
    """The result of :func:`trend`: is the gap closing? (docs/methods.md, "How the trend test
    was calibrated"): the record-growth test over several windows, with one overall verdict
    that says "depends on the window" when the windows disagree."""

    lag: LagReport
    trends: Any  # aigap.analysis.trend.WindowedTrend

    @property
    def inputs(self) -> dict[str, Any]:
        """The validated request."""
        return self.lag.inputs

    @property
    def data(self) -> dict[str, Any]:
        """The data used."""
        return self.lag.data

    @property
    def verdict(self) -> str:
        """closing, widening, no clear trend, depends on the window, or too few records."""
        return str(self.trends.overall)

    @property
    def windows(self) -> list[Any]:
        """One :class:`~aigap.analysis.trend.RecordTrend` per window."""
        return list(self.trends.windows)

    @property
    def lag_trend(self) -> Any:
        """The trend over the whole window (from ``since`` or the start)."""
        return self.windows[0]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per window: slope of the lag in months per year with its interval."""
        rows = [{"window": w.window, "slope": w.slope, "lower": w.lower, "upper": w.upper,
                 "unit": "months per year", "verdict": w.verdict, "start": w.start,
                 "end": w.end, "leader_records": w.n_records.get("leader"),
                 "follower_records": w.n_records.get("follower"), "note": w.reason or ""}
                for w in self.windows]
        return pd.DataFrame(rows)

    @property
    def series(self) -> pd.DataFrame:
        return self.lag.series

    def frames(self) -> dict[str, pd.DataFrame]:
        """The daily ``series`` and each window's ``fitted`` line with its band."""
        fitted = pd.concat([w.fitted.assign(window=w.window) for w in self.windows],
                           ignore_index=True) if self.windows else pd.DataFrame()
        return {"series": self.series, "fitted": fitted}

    def sentence(self) -> str:
        lvl = int(self.lag.request.level * 100)
        parts = []
        for w in self.windows:
            if math.isfinite(w.slope) and math.isfinite(w.lower):
                parts.append(f"{w.window} ({iso_date(w.start)} to {iso_date(w.end)}): "
                             f"{w.verdict}, {w.slope:+.1f} months per year ({lvl}% interval "
                             f"{w.lower:+.1f} to {w.upper:+.1f})")
            else:
                parts.append(f"{w.window}: {w.verdict}")
        return (f"Is the {self.lag.follower_label}–{self.lag.leader_label} lag on "
                f"{metric_label(self.lag.request.metric)} closing? {self.verdict.capitalize()}"
                f" — " + "; ".join(parts) + ".")

    def to_dict(self, *, include_series: bool = True) -> dict[str, Any]:
        lag_d = self.lag.to_dict(include_series=include_series)
        out = {
            "kind": "trend",
            "inputs": lag_d["inputs"],
            "data": lag_d["data"],
            "sentence": self.sentence(),
            "verdict": self.verdict,
            "windows": [w.to_dict() for w in self.windows],
            "lag_trend": self.lag_trend.to_dict(),
            "lag_headline": lag_d["headline"],
            "caveat": ("A verdict needs the follower's frontier records to rise faster (or "
                       "slower) than the leader's over the whole interval; the test assumes "
                       "roughly straight frontiers within a window (docs/methods.md)."),
        }
        if include_series:
            out["series"] = lag_d["series"]
            out["fitted"] = jsonable(self.frames()["fitted"])
        return out

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
    drop_first: bool = False,
    exclude_censored: bool | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    home: str | Path | None = None,
    store: Store | None = None,
) -> TrendReport:
    """Is the gap closing? Compares how fast each group's frontier records rise, over the
    whole window (from ``since``) and the last 24 and 12 months, with a model bootstrap
    (calibrated by simulation: docs/methods.md). "closing" only when the whole interval says
    the follower's records rise faster; windows that disagree give "depends on the window".
    Same selectors as :func:`lag`.
    """
    from aigap.analysis.trend import trend_windows

    report = lag(leader, follower, metric, tau=tau, as_of=as_of, since=since,
                 attribution=attribution, drop_first=drop_first,
                 exclude_censored=exclude_censored, bootstrap=0, seed=seed, level=level,
                 home=home, store=store)
    key = ("trend", bootstrap, seed, level)
    lead, foll = report.leader_frame, report.follower_frame
    assert lead is not None and foll is not None
    end = pd.Timestamp(report.series["date"].iloc[-1])
    if bootstrap < 1:
        raise QueryError(f"bootstrap: the trend test needs resamples (>= 1), got {bootstrap}",
                         parameter="bootstrap")
    if key not in report.memo:
        report.memo[key] = trend_windows(
            lead, foll, end=end,
            since=pd.Timestamp(report.request.since) if report.request.since else None,
            n=bootstrap,
            rng=np.random.default_rng(seed), level=level, unit="model",
            series=report.series)
    return TrendReport(report, report.memo[key])


def lag_period(
    leader: str = "USA",
    follower: str = "China",
    metric: str = "eci",
    *,
    end: str | date,
    data_as_of: str | date | None = None,
    since: str | date | None = None,
    tau: float | None = None,
    attribution: str = "inclusive",
    drop_first: bool = False,
    exclude_censored: bool | None = None,
    evaluator: str = "auto",
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    home: str | Path | None = None,
    store: Store | None = None,
) -> LagReport:
    """The lag over a past period (models released and ratings observed by ``end``) read
    from the data vintages of another date (``data_as_of``; default the current ones).

    :func:`lag` ties both to one ``as_of`` date. The claims registry asks two questions about
    a dated claim: how the data stood on the claim's date (``data_as_of = end``, the same as
    ``lag(as_of=end)``) and what today's data says about that same period (``data_as_of``
    None). Results are memoised by request and the vintages actually read, so the two
    questions share one computation whenever they read the same vintages.
    """
    d_end = parse_date(end, "end")
    if d_end is None:
        raise QueryError("end: expected a date (YYYY-MM-DD)", parameter="end")
    req = make_request(leader, follower, metric, tau=tau, as_of=d_end, since=since,
                       attribution=attribution, drop_first=drop_first, bootstrap=bootstrap,
                       seed=seed, level=level, exclude_censored=exclude_censored,
                       evaluator=evaluator)
    with analysis_store(home, store) as st:
        from aigap.attribution.groups import resolve_group

        lead_g, foll_g = resolve_group(leader), resolve_group(follower)
        scores, sel = load_scores(st, metric, as_of=parse_date(data_as_of, "data_as_of"),
                                  evaluator=req.evaluator, until=d_end)
        key = ("lag", lead_g.name, foll_g.name, *sorted(req.to_dict().items()),
               tuple(sorted(sel.vintages.items())), False)
        if key not in st.cache:
            st.cache[key] = _lag(scores, copy.deepcopy(sel), lead_g, foll_g, req,
                                 credits_for(st, sel), False, st.cache)
        shared: LagReport = st.cache[key]
    # The figures are shared; the provenance is this call's (its data date and warnings),
    # so an answer reads the same whichever question asked first.
    if shared.bounds_only:
        sel.warnings.append(shared.selection.warnings[-1])
    return replace(shared, selection=sel)


def trend_period(
    leader: str = "USA",
    follower: str = "China",
    metric: str = "eci",
    *,
    end: str | date,
    data_as_of: str | date | None = None,
    since: str | date | None = None,
    tau: float | None = None,
    attribution: str = "inclusive",
    drop_first: bool = False,
    exclude_censored: bool | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    home: str | Path | None = None,
    store: Store | None = None,
) -> TrendReport:
    """:func:`trend` over a past period (to ``end``) read from the data vintages of another
    date (``data_as_of``; default the current ones), as :func:`lag_period` is to
    :func:`lag`."""
    from aigap.analysis.trend import trend_windows

    if bootstrap < 1:
        raise QueryError(f"bootstrap: the trend test needs resamples (>= 1), got {bootstrap}",
                         parameter="bootstrap")
    report = lag_period(leader, follower, metric, end=end, data_as_of=data_as_of,
                        since=since, tau=tau, attribution=attribution, drop_first=drop_first,
                        exclude_censored=exclude_censored, bootstrap=0, seed=seed,
                        level=level, home=home, store=store)
    key = ("trend", bootstrap, seed, level)
    lead, foll = report.leader_frame, report.follower_frame
    assert lead is not None and foll is not None
    if key not in report.memo:
        report.memo[key] = trend_windows(
            lead, foll, end=pd.Timestamp(report.series["date"].iloc[-1]),
            since=pd.Timestamp(report.request.since) if report.request.since else None,
            n=bootstrap, rng=np.random.default_rng(seed), level=level, unit="model",
            series=report.series)
    return TrendReport(report, report.memo[key])
