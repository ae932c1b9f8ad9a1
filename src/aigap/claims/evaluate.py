"""Evaluate claims against the store: run each test's analysis at each evaluation date.

Each claim is evaluated twice: as of its own date (data vintages and models available then)
and as of a later date (default today). Each test yields one :class:`Evidence` per metric
(estimate, interval, method, data vintages, one-sentence explanation) and a headline verdict
chosen by :func:`aigap.claims.verdict.choose_headline`; a claim's verdict combines its tests
(:func:`aigap.claims.verdict.combine`). The verdict always follows mechanically from the
evidence (see docs/claims.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from aigap.claims import verdict as V
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

if TYPE_CHECKING:
    import pandas as pd

    from aigap.store import Store

DAYS_PER_MONTH = 30.44
MIN_TREND_DAYS = 90


@dataclass
class Evidence:
    """One metric's measurement of one test at one date, with its verdict."""

    metric: str | None
    statistic: str
    estimate: float | None
    lower: float | None
    upper: float | None
    unit: str
    verdict: str
    method: str
    explanation: str
    evaluated_at: date | None = None
    n_leader: int = 0
    n_follower: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "statistic": self.statistic,
            "estimate": _num(self.estimate), "lower": _num(self.lower),
            "upper": _num(self.upper), "unit": self.unit, "verdict": self.verdict,
            "method": self.method, "explanation": self.explanation,
            "evaluated_at": self.evaluated_at.isoformat() if self.evaluated_at else None,
            "n_models": {"leader": self.n_leader, "follower": self.n_follower},
            "data": self.data, "detail": self.detail,
        }


@dataclass
class TestOutcome:
    """A test's verdict at one date: the headline metric and every metric's evidence."""

    test: ClaimTest
    verdict: str
    headline: int | None
    reason: str
    evidence: list[Evidence]

    @property
    def headline_evidence(self) -> Evidence | None:
        return None if self.headline is None else self.evidence[self.headline]

    @property
    def explanation(self) -> str:
        """The headline metric's sentence, or every metric's reason when none has data."""
        h = self.headline_evidence
        if h is not None:
            return h.explanation
        return " ".join(e.explanation for e in self.evidence) or self.reason

    def to_dict(self) -> dict[str, Any]:
        h = self.headline_evidence
        return {
            "label": self.test.label, "family": self.test.family,
            "claimed": {"low": self.test.low, "high": self.test.high,
                        "direction": self.test.direction, "unit": self.test.unit,
                        "statistic": self.test.statistic, "horizon": self.test.horizon,
                        "at": self.test.at.isoformat() if self.test.at else None},
            "groups": {"leader": self.test.leader, "follower": self.test.follower},
            "attribution": self.test.attribution,
            "verdict": self.verdict,
            "headline_metric": h.metric if h else None,
            "headline_reason": self.reason,
            "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class DateVerdict:
    """A claim's verdict as of one date."""

    as_of: date
    verdict: str
    tests: list[TestOutcome]

    @property
    def explanation(self) -> str:
        if not self.tests:
            return "Recorded figure(s) only: no data source can test this claim yet."
        return " ".join(t.explanation for t in self.tests)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "verdict": self.verdict,
                "explanation": self.explanation,
                "tests": [t.to_dict() for t in self.tests]}


@dataclass
class ClaimResult:
    """A claim with its verdict as of its own date and as of the evaluation date."""

    claim: Claim
    at_claim: DateVerdict
    at_as_of: DateVerdict

    def row(self) -> dict[str, Any]:
        """One flat row for tables and CSV."""
        def head(dv: DateVerdict) -> str:
            metrics = [t.headline_evidence.metric for t in dv.tests
                       if t.headline_evidence is not None and t.headline_evidence.metric]
            return ", ".join(dict.fromkeys(metrics))

        return {"id": self.claim.id, "speaker": self.claim.speaker,
                "date": self.claim.date.isoformat(), "claim": self.claim.claim,
                "verdict_at_claim": self.at_claim.verdict,
                "metric_at_claim": head(self.at_claim),
                "as_of": self.at_as_of.as_of.isoformat(),
                "verdict_as_of": self.at_as_of.verdict,
                "metric_as_of": head(self.at_as_of)}

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id, "speaker": c.speaker, "publication": c.publication, "url": c.url,
            "date": c.date.isoformat(), "date_note": c.date_note, "claim": c.claim,
            "note": c.note, "testable": c.testable,
            "record": [r.model_dump(mode="json") for r in c.record],
            "at_claim_date": self.at_claim.to_dict(),
            "as_of": self.at_as_of.to_dict(),
        }


@dataclass
class Options:
    """Evaluation settings (bootstrap kept small for speed; seeded)."""

    bootstrap: int = 300
    seed: int = 0
    level: float = 0.9
    compute_boot: int = 300


# --------------------------------------------------------------------------------- helpers


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if not math.isnan(f) else None


def _fmt(v: float | None, digits: int = 1) -> str:
    if v is None or math.isnan(v):
        return "?"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:.{digits}f}"


def _range(t: ClaimTest) -> str:
    if t.direction:
        return t.direction
    if t.low is not None and t.high is not None:
        return f"[{_fmt(t.low)}, {_fmt(t.high)}] {t.unit}".strip()
    if t.low is not None:
        return f">= {_fmt(t.low)} {t.unit}".strip()
    return f"<= {_fmt(t.high)} {t.unit}".strip()


def _untestable(t: ClaimTest, metric: str | None, why: str, when: date,
                method: str) -> Evidence:
    return Evidence(metric, t.statistic or "", None, None, None, t.unit, V.UNTESTABLE,
                    method, f"Untestable{f' on {metric}' if metric else ''} as of {when}: "
                    f"{why}", evaluated_at=when)


def _sentence(t: ClaimTest, metric: str | None, what: str, est: float | None,
              lo: float | None, hi: float | None, unit: str, when: date, verdict: str,
              level: float) -> str:
    iv = "" if lo is None or hi is None or lo == hi else (
        f" ({int(level * 100)}% interval {_fmt(lo)} to {_fmt(hi)})")
    on = f" on {metric}" if metric else ""
    return (f"{what}{on} was {_fmt(est)} {unit}{iv} as of {when} ({t.follower} vs "
            f"{t.leader}, {t.attribution} attribution); claimed {_range(t)}: {verdict}.")


class _Context:
    """The store plus caches shared by every claim of one evaluation run."""

    def __init__(self, store: Store, options: Options) -> None:
        self.store = store
        self.options = options
        self._ends: dict[tuple[str, date], date | None] = {}

    def data_end(self, metric: str, when: date) -> date | None:
        """Newest release date among ``metric`` scores available as of ``when``."""
        from aigap.query import load_scores

        key = (metric, when)
        if key not in self._ends:
            try:
                frame, _ = load_scores(self.store, metric, as_of=when)
            except AigapError:
                self._ends[key] = None
            else:
                self._ends[key] = (frame["release_date"].max().date()
                                   if len(frame) else None)
        return self._ends[key]


# ------------------------------------------------------------------------- the families


def _lag_evidence(ctx: _Context, claim: Claim, t: ClaimTest, metric: str,
                  when: date) -> Evidence:
    from aigap.gap import lag

    method = f"daily lag (Epoch's method), statistic {t.statistic}, model bootstrap"
    end = ctx.data_end(metric, when)
    if end is None:
        return _untestable(t, metric, "no scores on this metric by then", when, method)
    eff = min(when, end)
    window = t.horizon == "since_claim" and when > claim.date
    since = claim.date if window else t.since
    if since is not None and since > eff:
        return _untestable(t, metric, f"the newest {metric} data ({end}) is before the "
                           f"window start {since}", when, method)
    try:
        rep = lag(t.leader, t.follower, metric, as_of=eff, since=since,
                  attribution=t.attribution, tau=t.tau, bootstrap=ctx.options.bootstrap,
                  seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    except AigapError as exc:
        return _untestable(t, metric, str(exc), when, method)
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
                f"{_fmt(mn['estimate'])} to {_fmt(mx['estimate'])} months (interval of the "
                f"minimum {_fmt(mn['lower'])}-{_fmt(mn['upper'])}, of the maximum "
                f"{_fmt(mx['lower'])}-{_fmt(mx['upper'])}; {t.follower} vs {t.leader}, "
                f"{t.attribution} attribution); claimed {_range(t)} throughout: {v}.")
        return Evidence(metric, "lag_min..lag_max", _num(mn["estimate"]), _num(mn["lower"]),
                        _num(mx["upper"]), "months", v, method + " over the window", text,
                        eff, n[0], n[1], data, {"lag_max": _num(mx["estimate"])})
    row = summ.loc[t.statistic or "lag_end"]
    est, lo, hi = _num(row["estimate"]), _num(row["lower"]), _num(row["upper"])
    v = V.range_verdict(lo, hi, t.low, t.high)
    what = {"lag_end": f"The daily lag on {eff}{note}",
            "lag_mean": f"The mean daily lag from {since or 'the series start'} to {eff}",
            "lag_min": f"The minimum daily lag from {since or 'the series start'} to {eff}",
            "lag_max": f"The maximum daily lag from {since or 'the series start'} to {eff}",
            }[t.statistic or "lag_end"]
    text = _sentence(t, metric, what, est, lo, hi, "months", eff, v, ctx.options.level)
    return Evidence(metric, t.statistic or "lag_end", est, lo, hi, "months", v, method,
                    text, eff, n[0], n[1], data)


def _trend_evidence(ctx: _Context, claim: Claim, t: ClaimTest, metric: str,
                    when: date) -> Evidence:
    from aigap.gap import trend

    method = "OLS slope of the daily lag after the claim, Newey-West interval"
    end = ctx.data_end(metric, when)
    if end is None:
        return _untestable(t, metric, "no scores on this metric by then", when, method)
    eff = min(when, end)
    days = (eff - claim.date).days
    if days < MIN_TREND_DAYS:
        return _untestable(t, metric, f"only {max(days, 0)} days of data after the claim "
                           f"(need {MIN_TREND_DAYS})", when, method)
    try:
        rep = trend(t.leader, t.follower, metric, as_of=eff, since=claim.date,
                    attribution=t.attribution, tau=t.tau, level=ctx.options.level,
                    store=ctx.store)
    except AigapError as exc:
        return _untestable(t, metric, str(exc), when, method)
    lt = rep.lag_trend
    observed = lt.verdict if math.isfinite(lt.lower) else None
    v = V.direction_verdict(observed, t.direction or "closing")
    text = (f"After the claim ({claim.date} to {eff}) the {t.follower}-{t.leader} lag on "
            f"{metric} changed by {_fmt(lt.slope)} months per year "
            f"({int(ctx.options.level * 100)}% HAC interval {_fmt(lt.lower)} to "
            f"{_fmt(lt.upper)}): {lt.verdict}; claimed {t.direction}: {v}.")
    n = list(rep.lag.n_models.values())
    return Evidence(metric, "lag_slope", _num(lt.slope), _num(lt.lower), _num(lt.upper),
                    "months per year", v, method, text, eff, n[0], n[1],
                    {**rep.lag.selection.to_dict(), "requested_as_of": when.isoformat()},
                    {"trend": lt.verdict, "days": lt.n})


def _vertical_evidence(ctx: _Context, claim: Claim, t: ClaimTest, metric: str,
                       when: date) -> Evidence:
    from aigap.gap import lag

    method = "vertical gap (leader best minus follower best) on the date, model bootstrap"
    at = t.at or when
    if at > when:
        return _untestable(t, metric, f"the claim is about {at}, after the evaluation date",
                           when, method)
    try:
        rep = lag(t.leader, t.follower, metric, method="vertical", as_of=at,
                  attribution=t.attribution, bootstrap=ctx.options.bootstrap,
                  seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    except AigapError as exc:
        return _untestable(t, metric, str(exc), when, method)
    row = rep.summary.set_index("statistic").loc[t.statistic or "gap_end"]
    k = 100.0 if (t.family == "benchmark_pp_gap" and rep.scale == "fraction") else 1.0
    est, lo, hi = (None if x is None else x * k for x in
                   (_num(row["estimate"]), _num(row["lower"]), _num(row["upper"])))
    unit = "pp" if t.family == "benchmark_pp_gap" else "points"
    v = V.range_verdict(lo, hi, t.low, t.high)
    text = _sentence(t, metric, f"The vertical gap on {at}", est, lo, hi, unit, at, v,
                     ctx.options.level)
    n = list(rep.n_models.values())
    return Evidence(metric, t.statistic or "gap_end", est, lo, hi, unit, v, method, text,
                    at, n[0], n[1], rep.selection.to_dict())


def _arena_evidence(ctx: _Context, claim: Claim, t: ClaimTest, metric: str,
                    when: date) -> Evidence:
    from aigap.attribution.groups import resolve_group
    from aigap.gap import group_frame
    from aigap.query import load_scores

    method = ("(top leader rating - top follower rating) / top follower rating, latest "
              "leaderboard snapshot on or before the date")
    at = t.at or when
    if at > when:
        return _untestable(t, metric, f"the claim is about {at}, after the evaluation date",
                           when, method)
    try:
        scores, sel = load_scores(ctx.store, metric, as_of=at)
    except AigapError as exc:
        return _untestable(t, metric, str(exc), when, method)
    snap = scores["observed_on"].max() if scores["observed_on"].notna().any() else None
    if snap is None or (at - snap.date()).days > 45:
        return _untestable(t, metric, f"no leaderboard snapshot within 45 days before {at}",
                           when, method)
    scores = scores[scores["observed_on"] == snap]
    rule = "inclusive" if t.attribution == "fractional" else t.attribution
    lead = group_frame(scores, resolve_group(t.leader), rule)
    foll = group_frame(scores, resolve_group(t.follower), rule)
    if lead.empty or foll.empty:
        return _untestable(t, metric, f"no {'leader' if lead.empty else 'follower'} model "
                           f"in the {snap.date()} snapshot", when, method)
    lb: Any = lead.iloc[int(lead["value"].to_numpy().argmax())]
    fb: Any = foll.iloc[int(foll["value"].to_numpy().argmax())]
    est = 100.0 * (lb["value"] - fb["value"]) / fb["value"]
    lo = hi = est
    if all(_num(x) is not None for x in (lb["lower"], lb["upper"], fb["lower"], fb["upper"])):
        lo = 100.0 * (lb["lower"] - fb["upper"]) / fb["upper"]
        hi = 100.0 * (lb["upper"] - fb["lower"]) / fb["lower"]
    v = V.range_verdict(lo, hi, t.low, t.high)
    text = _sentence(t, metric, f"The rating gap between the top models ({lb['name']} vs "
                     f"{fb['name']}) in the {snap.date()} snapshot", est, lo, hi, "%", at, v,
                     0.95)
    return Evidence(metric, "gap_pct", est, lo, hi, "%", v, method, text, snap.date(),
                    len(lead), len(foll), sel.to_dict(),
                    {"leader_top": str(lb["name"]), "leader_rating": float(lb["value"]),
                     "follower_top": str(fb["name"]), "follower_rating": float(fb["value"]),
                     "snapshot": snap.date().isoformat(),
                     "interval": "from the ratings' 95% intervals where given"})


def _parity_evidence(ctx: _Context, claim: Claim, t: ClaimTest, metric: str,
                     when: date) -> Evidence:
    import pandas as pd

    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import membership
    from aigap.query import load_scores

    ref_date = t.reference_date or claim.date
    method = ("months from the reference model's release to the first follower model "
              "scoring at or above it on the same benchmark (same setting where possible)")
    try:
        scores, sel = load_scores(ctx.store, metric, as_of=when)
    except AigapError as exc:
        return _untestable(t, metric, str(exc), when, method)
    raw = ctx.store.read("score", sel.vintages.values(), where="t.metric = ?",
                         params=[metric])
    refs = {r.strip().lower() for r in t.reference_models or ()}
    # Epoch files the GPT-3 paper's results under a later API version (text-davinci-001) with
    # the name "GPT-3": match the reference by key or by name.
    names = raw["model_name"].astype("string").str.strip().str.lower()
    ref = raw[raw["model_key"].str.lower().isin(refs) | names.isin(refs).fillna(False)]
    if ref.empty:
        return _untestable(t, metric, "the reference model has no score on it", when, method)
    rule = "inclusive" if t.attribution == "fractional" else t.attribution
    weight = membership(scores, resolve_group(t.follower), rule)
    members = scores.loc[weight.to_numpy() > 0, ["model_key", "model_name", "release_date"]]
    members = members[members["release_date"] >= pd.Timestamp(ref_date)]
    cand = raw.drop(columns=["release_date", "model_name"]).merge(members, on="model_key")
    best: tuple[pd.Timestamp, str, float, float, str] | None = None
    same = True
    for setting, grp in ref.dropna(subset=["setting"]).groupby("setting"):
        target = float(grp["value"].max())
        hit = cand[(cand["setting"] == setting) & (cand["value"] >= target)]
        if len(hit):
            row = hit.sort_values("release_date").iloc[0]
            if best is None or row["release_date"] < best[0]:
                best = (row["release_date"], str(row["model_name"]), float(row["value"]),
                        target, str(setting))
    if best is None:  # no same-setting match: compare with the reference's best score
        same = False
        target = float(ref["value"].max())
        hit = cand[cand["value"] >= target]
        if len(hit):
            row = hit.sort_values("release_date").iloc[0]
            best = (row["release_date"], str(row["model_name"]), float(row["value"]),
                    target, "any setting")
    n_f = int(members["model_key"].nunique())
    data = sel.to_dict()
    if best is None:
        lower = (when - ref_date).days / DAYS_PER_MONTH
        v = V.range_verdict(lower, math.inf, t.low, t.high)
        text = (f"No {t.follower} model matched the reference ({', '.join(sorted(refs))[:60]}"
                f", best {_fmt(target, 3)}) on {metric} by {when}: parity took more than "
                f"{_fmt(lower)} months; claimed {_range(t)}: {v}.")
        return Evidence(metric, "months_to_parity", None, lower, math.inf, "months", v,
                        method, text, when, 1, n_f, data, {"reference_score": target})
    first, name, value, target, setting = best
    months = (first.date() - ref_date).days / DAYS_PER_MONTH
    v = V.range_verdict(months, months, t.low, t.high)
    how = (f"same setting ({setting})" if same
           else "no same-setting score, compared with the reference's best in any setting")
    text = (f"The first {t.follower} model at or above the reference on {metric} was {name} "
            f"({first.date()}, {_fmt(value, 3)} vs {_fmt(target, 3)}, {how}): "
            f"{_fmt(months)} months after {ref_date}; claimed {_range(t)}: {v}.")
    return Evidence(metric, "months_to_parity", months, months, months, "months", v, method,
                    text, when, 1, n_f, data,
                    {"first_model": name, "first_release": first.date().isoformat(),
                     "score": value, "reference_score": target, "setting": setting,
                     "same_setting": same})


def _compute_evidence(ctx: _Context, claim: Claim, t: ClaimTest, when: date) -> Evidence:
    import numpy as np

    from aigap.analysis.compute import compute_gap, compute_trend
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import membership
    from aigap.query import load_models

    stat = t.statistic or "follower_growth"
    method = (f"rolling top-{t.top} training compute, log-linear fit with at most one "
              "breakpoint (BIC), bootstrap")
    try:
        models, sel = load_models(ctx.store, as_of=when)
        if models.empty:
            raise AigapError("no models in the store")
        rule = "inclusive" if t.attribution == "fractional" else t.attribution
        since = t.since or date(2018, 1, 1)

        def fit(group: str, seed_shift: int) -> Any:
            g = resolve_group(group)
            rng = np.random.default_rng(ctx.options.seed + seed_shift)
            return compute_trend(models, membership(models, g, rule), rng=rng, label=g.name,
                                 top=t.top, since=since, until=when,
                                 n_boot=ctx.options.compute_boot, level=ctx.options.level)

        if stat == "follower_growth":
            tr = fit(t.follower, 1)
            est, (lo, hi), unit, who = tr.growth, tr.growth_interval, "x per year", t.follower
            n = (0, tr.n_points)
            what = f"The growth of {who}'s top-{t.top} training compute"
        elif stat == "leader_growth":
            tr = fit(t.leader, 0)
            est, (lo, hi), unit, who = tr.growth, tr.growth_interval, "x per year", t.leader
            n = (tr.n_points, 0)
            what = f"The growth of {who}'s top-{t.top} training compute"
        else:
            lt, ft = fit(t.leader, 0), fit(t.follower, 1)
            n = (lt.n_points, ft.n_points)
            if stat == "lag_years":
                gap = compute_gap(lt, ft, when)
                est, (lo, hi), unit = gap.lag_years, gap.lag_interval, "years"
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
    except AigapError as exc:
        return _untestable(t, None, str(exc), when, method)
    v = V.range_verdict(_num(lo), _num(hi), t.low, t.high)
    text = _sentence(t, None, f"{what} (fitted from {since})", est, _num(lo), _num(hi),
                     unit, when, v, ctx.options.level)
    return Evidence(None, stat, _num(est), _num(lo), _num(hi), unit, v, method, text, when,
                    n[0], n[1], sel.to_dict())


def _selection(store: Store, when: date, sources: tuple[str, ...] | None) -> Any:
    from aigap.query import _choose_vintages, _drop_starter_if_real

    return _drop_starter_if_real(_choose_vintages(store, when, sources), store)


def _share_evidence(ctx: _Context, claim: Claim, t: ClaimTest, when: date) -> Evidence:
    from aigap.analysis.clusters import cluster_shares

    method = "share of summed 16-bit performance of GPU clusters operating on the date"
    sel = _selection(ctx.store, when, ("epoch-clusters",))
    frame = ctx.store.read("cluster", sel.vintages.values())
    if frame.empty:
        return _untestable(t, None, "no GPU-cluster data in the store", when, method)
    vint = ctx.store.vintages()
    as_of_data = vint[vint["vintage_id"].isin(list(sel.vintages.values()))]["data_as_of"].max()
    stale = (when - as_of_data.date()).days if as_of_data is not None else 0
    if stale > t.max_staleness_days:
        return _untestable(t, None, f"the newest cluster data is from {as_of_data.date()}, "
                           f"more than {t.max_staleness_days} days earlier", when, method)
    try:
        shares = cluster_shares(frame, [when])
    except AigapError as exc:
        return _untestable(t, None, str(exc), when, method)
    codes = [c.strip().upper() for c in (t.country or "").split(",")]
    est = 100.0 * float(shares.loc[shares["country"].isin(codes), "share"].sum())
    v = V.range_verdict(est, est, t.low, t.high)
    text = (f"{'+'.join(codes)} held {_fmt(est)}% of GPU-cluster 16-bit performance on {when} "
            f"({len(frame)} clusters in the data, newest data {as_of_data.date()}); claimed "
            f"{_range(t)}: {v}.")
    return Evidence(None, "share", est, est, est, "%", v, method, text, when, 0,
                    int(shares.loc[shares["country"].isin(codes), "n_clusters"].sum()),
                    sel.to_dict(), {"excluded": shares.attrs.get("excluded", {})})


def _count_evidence(ctx: _Context, claim: Claim, t: ClaimTest, when: date) -> Evidence:
    import pandas as pd

    method = (f"indicator {t.indicator} in the latest edition on or before the date "
              f"(untestable if more than {t.max_staleness_days} days old)")
    sel = _selection(ctx.store, when, None)
    rows = ctx.store.read("indicator", sel.vintages.values(),
                          where="t.indicator_id = ? AND t.country = ?",
                          params=[t.indicator, (t.country or "").upper()])
    rows = rows[pd.to_datetime(rows["date"]) <= pd.Timestamp(when)]
    if rows.empty:
        return _untestable(t, None, f"no {t.indicator} figure for {t.country} on or before "
                           "the date", when, method)
    row = rows.assign(_d=pd.to_datetime(rows["date"])).sort_values("_d").iloc[-1]
    edition = pd.Timestamp(row["date"]).date()
    if (when - edition).days > t.max_staleness_days:
        return _untestable(t, None, f"the latest {t.indicator} edition on or before it is "
                           f"{edition}, more than {t.max_staleness_days} days earlier", when,
                           method)
    est = float(row["value"])
    v = V.range_verdict(est, est, t.low, t.high)
    text = (f"{t.country} had {_fmt(est, 0)} ({t.indicator}) in the {edition} edition, the "
            f"latest on or before {when}; claimed {_range(t)}: {v}.")
    return Evidence(None, "count", est, est, est, t.unit or "count", v, method, text, edition,
                    0, 0, sel.to_dict(), {"edition": edition.isoformat(),
                                          "source_url": row.get("source_url")})


_PER_METRIC = {"capability_lag": _lag_evidence, "trend": _trend_evidence,
               "vertical_gap": _vertical_evidence, "benchmark_pp_gap": _vertical_evidence,
               "arena_pct_gap": _arena_evidence, "parity": _parity_evidence}
_NO_METRIC = {"compute": _compute_evidence, "share": _share_evidence,
              "count": _count_evidence}


def evaluate_test(ctx: _Context, claim: Claim, t: ClaimTest, when: date) -> TestOutcome:
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
        return _untestable(t, metric, str(exc), when, t.family)
    except Exception as exc:  # reported in the evidence, never silently
        ev = _untestable(t, metric, f"the analysis failed ({type(exc).__name__}: {exc})",
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
    return _evaluate_at(_Context(store, options or Options()), claim, when)


def _evaluate_at(ctx: _Context, claim: Claim, when: date) -> DateVerdict:
    if not claim.tests:
        return DateVerdict(when, V.RECORDED, [])
    outcomes = [evaluate_test(ctx, claim, t, when) for t in claim.tests]
    return DateVerdict(when, V.combine([o.verdict for o in outcomes]), outcomes)


def evaluate_claims(
    claims: list[Claim], *, store: Store, as_of: date | None = None,
    options: Options | None = None,
) -> list[ClaimResult]:
    """Verdicts of each claim as of its own date and as of ``as_of`` (default today)."""
    ctx = _Context(store, options or Options())
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
