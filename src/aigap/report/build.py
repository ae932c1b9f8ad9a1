"""Gather everything one report shows: lag per metric, compute, shares, claims, sources.

Each section is computed independently; a section whose data is missing (no TOP500 lists
imported, no claims registry, an API not installed) becomes a short "not available"
notice with the reason instead of failing the whole report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigap.errors import AigapError
from aigap.report.charts import (
    Figure,
    compute_figure,
    evidence_figure,
    frontier_figure,
    lag_figure,
    metric_name,
    models_per_year_figure,
    share_figure,
)
from aigap.store import Store

#: Metrics the report tries, in order; those not in the store are listed as missing.
DEFAULT_METRICS = ("eci", "gpqa_diamond", "mmlu")
#: Resamples per point of the lag-over-time band (the headline uses the full ``n_boot``).
BAND_BOOT = 200
EPOCH_CREDIT = "Epoch AI, CC BY 4.0"
#: Bootstrap resamples per claim test in the report (the claims CLI uses its own default).
CLAIMS_BOOT = 50

Progress = Callable[[str], None]


@dataclass
class Section:
    """One report section: figures, tables and sentences, or the reason it is missing."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    unavailable: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything :func:`aigap.report.html.render_html` needs, already computed."""

    leader: str
    follower: str
    as_of: date | None
    attribution: str
    level: float
    generated: datetime
    headline: list[dict[str, Any]]
    sections: list[Section]
    credits: list[str]
    warnings: list[str] = field(default_factory=list)
    starter: bool = False

    def figures(self) -> list[Figure]:
        """Every figure in the report, in order (claims' evidence charts included)."""
        out = [f for s in self.sections for f in s.figures]
        for s in self.sections:
            out += [i["figure"] for i in s.items if i.get("figure") is not None]
        return out


def _noop(_: str) -> None:
    return None


def _failed(key: str, title: str, exc: Exception) -> Section:
    """A section whose computation hit an unexpected error: say so, with the error."""
    return Section(key, title, unavailable=(
        f"internal error while computing this section ({type(exc).__name__}: {exc}); "
        "please report it"))


@contextmanager
def _store(home: str | Path | None, store: Store | None) -> Iterator[Store]:
    """The store to read: the caller's, else the data home's opened read-only (after giving
    an empty store the starter data), so a worker process can read it at the same time."""
    from aigap.api import analysis_store

    if store is not None:
        yield store
        return
    with analysis_store(home) as st:
        path = st.path
    with Store(path, read_only=True) as ro:
        yield ro


def _claims_worker(path: str, as_of: date | None) -> list[Any]:
    """Evaluate two claims in three in a separate process (claims are the report's slowest
    step; the report process evaluates the rest after its other sections)."""
    with Store(path, read_only=True) as st:
        return _claim_results(st, as_of, part=0)


def _start_claims(st: Store, as_of: date | None) -> Any:
    """A future for half of the claims' results, or None to evaluate all in this process."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    if not st.read_only or (os.cpu_count() or 1) < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    future = pool.submit(_claims_worker, str(st.path), as_of)
    pool.shutdown(wait=False)
    return future


def _all_claim_results(st: Store, as_of: date | None, future: Any) -> list[Any]:
    """Claim results in registry order: half from the worker (if any), half from here."""
    if future is None:
        return _claim_results(st, as_of)
    mine = _claim_results(st, as_of, part=1)
    try:
        theirs = future.result()
    except AigapError:
        raise
    except Exception:  # the worker could not start (e.g. no importable __main__): do it here
        theirs = _claim_results(st, as_of, part=0)
    # Back into registry order: positions i % 3 != 2 came from the worker.
    merged: list[Any] = []
    it_theirs, it_mine = iter(theirs), iter(mine)
    for i in range(len(theirs) + len(mine)):
        merged.append(next(it_theirs) if i % 3 != 2 else next(it_mine))
    return merged


def _api(name: str) -> Callable[..., Any]:
    """An API function from aigap.api, else aigap.infra (where compute/top500 live)."""
    import importlib

    for mod in ("aigap.api", "aigap.infra"):
        try:
            fn = getattr(importlib.import_module(mod), name, None)
        except ImportError:
            fn = None
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    raise ImportError(f"aigap.{name} is not available in this version")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def build_report(
    leader: str = "USA",
    follower: str = "China",
    *,
    as_of: str | date | None = None,
    metrics: tuple[str, ...] | list[str] | None = None,
    attribution: str = "inclusive",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> ReportData:
    """Compute every section of the report.

    Args:
        leader, follower: groups (ISO3, names, configured groups).
        as_of: analyse the data as it stood on that date.
        metrics: score metrics to compare (default :data:`DEFAULT_METRICS`, those present).
        attribution: the attribution rule for lags and counts.
        n_boot: bootstrap resamples for the headline intervals; seed: the generator's seed.
        progress: called with a short description before each step (for a progress bar).

    Raises:
        QueryError: bad flags (unknown group, bad date); missing data only empties a section.
    """
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule
    from aigap.query import metrics as store_metrics
    from aigap.query import parse_date

    step = progress or _noop
    d_as_of = parse_date(as_of, "--as-of")
    rule = check_rule(attribution)
    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    sections: list[Section] = []
    headline: list[dict[str, Any]] = []
    credits: list[str] = []
    warnings: list[str] = []
    starter = False
    with _store(home, store) as st:
        claims_future = _start_claims(st, d_as_of)
        known = set(store_metrics(st)["metric"])
        wanted = list(metrics) if metrics else [m for m in DEFAULT_METRICS if m in known]
        for metric in wanted:
            step(f"Lag on {metric}")
            try:
                sec, row, extra = _metric_section(st, metric, leader, follower, d_as_of,
                                                  rule, n_boot, seed, level)
            except Exception as exc:  # a bug must not take the whole report down
                sec, row, extra = _failed(f"lag-{metric}", f"Capability lag on {metric}",
                                          exc), None, {}
            sections.append(sec)
            if row:
                headline.append(row)
                credits += extra.get("credits", [])
                warnings += extra.get("warnings", [])
                starter = starter or bool(extra.get("starter"))
        missing = [m for m in DEFAULT_METRICS if m not in known] if not metrics else []
        if not wanted:
            sections.append(Section("lag", "Capability lag", unavailable=(
                "no benchmark scores in the store; run `aigap update`")))
        plan: list[tuple[str, str, str, Callable[[], Section]]] = [
            ("Training compute", "compute", "Training compute",
             lambda: _compute_section(st, leader, follower, d_as_of, rule, n_boot, seed,
                                      level)),
            ("TOP500 lists", "top500", "TOP500 supercomputers",
             lambda: _top500_section(st, lead_g, foll_g, d_as_of)),
            ("AI supercomputers", "clusters", "AI supercomputers",
             lambda: _clusters_section(st, lead_g, foll_g, d_as_of)),
            ("Models per year", "models", "Models per year",
             lambda: _models_section(st, lead_g, foll_g, d_as_of, rule)),
            ("Claims", "claims", "Claims checked",
             lambda: _claims_section(st, d_as_of, claims_future)),
            ("Sources", "sources", "Data sources, vintages and licences",
             lambda: _sources_section(st)),
        ]
        for label, key, title, make in plan:
            step(label)
            try:
                sections.append(make())
            except Exception as exc:  # a bug must not take the whole report down
                sections.append(_failed(key, title, exc))
    if missing:
        warnings.append("metrics not in the store (left out): " + ", ".join(missing))
    return ReportData(
        leader=lead_g.name, follower=foll_g.name, as_of=d_as_of, attribution=rule,
        level=level, generated=datetime.now(UTC), headline=headline,
        sections=sections, credits=list(dict.fromkeys(credits)),
        warnings=list(dict.fromkeys(warnings)), starter=starter)


# -- capability lag ------------------------------------------------------------------------


def _arrows(series: pd.DataFrame) -> pd.DataFrame:
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


def _band(lead: pd.DataFrame, foll: pd.DataFrame, series: pd.DataFrame, rep: Any,
          seed: int, level: float) -> pd.DataFrame:
    """The lag on dates every six months (and the end) with bootstrap intervals.

    Each point bootstraps the models released by that date (``end=date``), so the band is
    the uncertainty of the as-of lag, not of a smoothed curve.
    """
    from aigap.analysis.uncertainty import bootstrap_lag

    start, end = pd.Timestamp(series["date"].iloc[0]), pd.Timestamp(series["date"].iloc[-1])
    days = [*pd.date_range(start + pd.Timedelta(days=30), end, freq="6MS"), end]
    rows = []
    rng = np.random.default_rng(seed)
    for d in dict.fromkeys(days):
        try:
            b = bootstrap_lag(lead[lead["date"] <= d], foll[foll["date"] <= d], tau=rep.tau,
                              end=d, drop_first=rep.request.drop_first, n=BAND_BOOT,
                              rng=rng, level=level)
        except AigapError:
            continue
        rows.append({"date": d, "estimate": b.estimates["lag_end"],
                     "lower": b.lower["lag_end"], "upper": b.upper["lag_end"]})
    return pd.DataFrame(rows, columns=["date", "estimate", "lower", "upper"])


def _metric_section(
    st: Store, metric: str, leader: str, follower: str, as_of: date | None, rule: str,
    n_boot: int, seed: int, level: float,
) -> tuple[Section, dict[str, Any] | None, dict[str, Any]]:
    from aigap.analysis.trend import gap_trend
    from aigap.attribution.groups import resolve_group
    from aigap.gap import TrendReport, group_frame, lag
    from aigap.query import load_scores

    sec = Section(f"lag-{metric}", f"Capability lag on {metric_name(metric)}")
    try:
        rep = lag(leader, follower, metric, as_of=as_of, attribution=rule, bootstrap=n_boot,
                  seed=seed, level=level, sensitivity=True, store=st)
    except AigapError as exc:
        sec.unavailable = str(exc)
        return sec, None, {}
    lt: Any
    try:
        lt = gap_trend(rep.series, column="lag_months", level=level)
        gt = gap_trend(rep.series, column="gap", level=level)
        tr: Any = TrendReport(rep, lt, gt)
    except AigapError as exc:
        lt = tr = None
        trend_error = str(exc)
    scores, _ = load_scores(st, metric, as_of=as_of)
    r = "inclusive" if rule == "fractional" else rule
    lead = group_frame(scores, resolve_group(leader), r)
    foll = group_frame(scores, resolve_group(follower), r)
    L, F = rep.leader_label, rep.follower_label
    points = pd.concat([lead.assign(group=L), foll.assign(group=F)], ignore_index=True)
    res = rep.result
    names = dict(zip(points["model"], points["name"], strict=False))
    recs = pd.concat([res.leader_records.assign(group=L), res.follower_records.assign(group=F)],
                     ignore_index=True)
    recs["name"] = recs["model"].map(names).fillna(recs["model"])
    end = pd.Timestamp(rep.series["date"].iloc[-1])
    summ = rep.summary.set_index("statistic")
    h = rep.headline
    end_row = summ.loc["lag_end"]
    lvl = int(level * 100)
    source = _source_line(rep.credits, rep.selection)
    finding = (f"{F} trails {L} on {metric_name(metric)} by {_m(h['estimate'])} months on average "
               f"({lvl}% interval {_m(h['lower'])}–{_m(h['upper'])})")
    arrows = _arrows(rep.series)
    sec.figures.append(frontier_figure(
        points[["group", "name", "date", "value"]], recs[["group", "name", "date", "value"]],
        leader=L, follower=F, metric=metric, end=end, arrows=arrows, finding=finding,
        source=source, unit=rep.scale or "score"))
    band = _band(lead, foll, rep.series, rep, seed, level)
    verdict_text = ("No clear trend in the lag" if lt and lt.verdict == "no clear trend"
                    else f"The lag is {lt.verdict}" if lt else "")
    trend_finding = (f"{verdict_text}: {lt.slope:+.1f} months per year "
                     f"({lvl}% interval {lt.lower:+.1f} to {lt.upper:+.1f})" if lt else
                     f"{F}'s lag behind {L}: no trend test ({trend_error})")
    sec.figures.append(lag_figure(rep.series, band, leader=L, follower=F, metric=metric,
                                  finding=trend_finding, source=source, level=level))
    sec.text += [rep.sentence(), tr.sentence() if tr else f"No trend test: {trend_error}.",
                 "Newey–West (HAC) intervals are too narrow on very persistent series such "
                 "as step-function lags; treat a borderline verdict with care."]
    summary = rep.summary[["description", "estimate", "lower", "upper", "unit"]].rename(
        columns={"lower": f"{lvl}% lower", "upper": f"{lvl}% upper"})
    sec.tables.append(("Summary statistics", summary))
    if rep.sensitivity is not None:
        sens = rep.sensitivity.rename(columns={
            "drop_first": "first record dropped", "tau": "tau (points)",
            "lag_mean": "mean lag (months)", "lag_min": "min lag", "lag_max": "max lag",
            "matched_mean": "matched lag (months)", "gap_mean": "mean gap (points)"})
        sec.tables.append(("Sensitivity: point estimates by tolerance tau, first-record rule "
                           "and attribution rule", sens))
    row = {
        "metric": metric, "lag_mean": _num(h["estimate"]), "lag_lower": _num(h["lower"]),
        "lag_upper": _num(h["upper"]), "lag_end": _num(end_row["estimate"]),
        "lag_end_lower": _num(end_row["lower"]), "lag_end_upper": _num(end_row["upper"]),
        "slope": _num(lt.slope) if lt else None,
        "slope_lower": _num(lt.lower) if lt else None,
        "slope_upper": _num(lt.upper) if lt else None,
        "verdict": lt.verdict if lt else "not tested",
        "window_start": res.summary["lag_window"].get("start"),
        "end": end, "tau": rep.tau, "n_models": rep.n_models,
    }
    extra = {"credits": rep.credits, "warnings": rep.selection.warnings,
             "starter": rep.selection.starter}
    return sec, row, extra


def _m(v: Any) -> str:
    f = _num(v)
    return "?" if f is None else f"{f:.1f}"


def _source_line(credits: list[str], selection: Any) -> str:
    data = "; ".join(credits) if credits else "aigap store"
    as_of = getattr(selection, "as_of", None)
    return f"Source: {data}." + (f" Data as of {as_of}." if as_of else "") + \
        " Analysis: aigap."


# -- compute and infrastructure ------------------------------------------------------------


def _compute_section(st: Store, leader: str, follower: str, as_of: date | None, rule: str,
                     n_boot: int, seed: int, level: float) -> Section:
    sec = Section("compute", "Training compute")
    try:
        rep = _api("compute")(leader, follower, as_of=as_of, attribution=rule,
                              n_boot=n_boot, seed=seed, level=level, store=st)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    lt, ft = rep.leader_trend, rep.follower_trend
    cols = ["name", "release_date", "training_compute_flop"]
    points = pd.concat([lt.points[cols].assign(group=lt.label),
                        ft.points[cols].assign(group=ft.label)], ignore_index=True)
    lines = pd.concat([lt.line().assign(group=lt.label), ft.line().assign(group=ft.label)],
                      ignore_index=True)
    g = rep.gap
    lvl = int(level * 100)
    finding = (f"{ft.label}'s top-{rep.inputs['top']} compute trend is {g.lag_years:.1f} "
               f"years behind {lt.label}'s ({lvl}% interval {g.lag_interval[0]:.1f}–"
               f"{g.lag_interval[1]:.1f})")
    source = f"Source: {EPOCH_CREDIT} (AI models). Analysis: aigap."
    sec.figures.append(compute_figure(points, lines, leader=lt.label, follower=ft.label,
                                      finding=finding, source=source, top=rep.inputs["top"]))
    sec.text.append(rep.sentence())
    sec.tables.append(("Growth of training compute (last trend segment)", rep.summary[[
        "group", "n_points", "growth_per_year", "growth_lower", "growth_upper",
        "doubling_months", "break_date"]].rename(columns={
            "n_points": "models fitted", "growth_per_year": "growth (x per year)",
            "growth_lower": f"{lvl}% lower", "growth_upper": f"{lvl}% upper",
            "doubling_months": "doubling time (months)", "break_date": "trend break"})))
    return sec


def _by_group(frame: pd.DataFrame, lead_g: Any, foll_g: Any, value: str) -> pd.DataFrame:
    """Sum a per-country column into leader, follower and rest of world."""
    codes = frame["country"].astype(str)
    label = np.where(codes.map(lead_g.contains), lead_g.name,
                     np.where(codes.map(foll_g.contains), foll_g.name, "Rest of world"))
    out = frame.assign(country=label)
    summed: Any = out.groupby([out.columns[0], "country"], as_index=False,
                              sort=False)[value].sum()
    return pd.DataFrame(summed)


def _top500_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None) -> Section:
    sec = Section("top500", "TOP500 supercomputers")
    try:
        frame = _api("top500")(store=st, as_of=as_of)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    shares = _by_group(frame[["edition", "country", "systems_share"]], lead_g, foll_g,
                       "systems_share")
    when, s_l, s_f = _latest_shares(shares, "edition", "systems_share", lead_g, foll_g)
    finding = (f"In the {when:%B %Y} TOP500 list "
               f"{foll_g.name} had {s_f:.0%} of the systems and {lead_g.name} {s_l:.0%}")
    sec.figures.append(share_figure(
        shares, key="top500", x="edition", y="systems_share", x_title="TOP500 edition",
        y_title="Share of the 500 systems (%)", finding=finding,
        subtitle="Share of systems by country of installation; China includes Hong Kong",
        source="Source: TOP500.org lists (top500.org). Analysis: aigap.",
        order=[lead_g.name, foll_g.name, "Rest of world"]))
    if frame.attrs.get("note"):
        sec.text.append("Counts recorded from reports of the lists (bundled starter data), "
                        "not the lists themselves: "
                        + "; ".join(sorted(set(frame["source_url"].dropna()))) + ".")
    return sec


def _latest_shares(shares: pd.DataFrame, x: str, y: str, lead_g: Any, foll_g: Any
                   ) -> tuple[pd.Timestamp, float, float]:
    """The newest date of a share series and the leader's and follower's share on it."""
    when = pd.Timestamp(shares[x].max())
    last = shares[shares[x] == shares[x].max()].set_index("country")[y]
    return when, float(last.get(lead_g.name, 0.0)), float(last.get(foll_g.name, 0.0))


def _clusters_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None) -> Section:
    sec = Section("clusters", "AI supercomputers")
    try:
        frame = _api("clusters")(store=st, as_of=as_of)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    shares = _by_group(frame[["date", "country", "share"]], lead_g, foll_g, "share")
    when, share_l, share_f = _latest_shares(shares, "date", "share", lead_g, foll_g)
    finding = (f"{lead_g.name} had {share_l:.0%} and {foll_g.name} {share_f:.0%} of known "
               f"AI-supercomputer performance on {when:%d %b %Y}")
    sec.figures.append(share_figure(
        shares, key="clusters", x="date", y="share", x_title="Date",
        y_title="Share of 16-bit performance (%)", finding=finding,
        subtitle="Share of the summed 16-bit performance of operational GPU clusters",
        source=f"Source: {EPOCH_CREDIT} (GPU clusters). Analysis: aigap.",
        order=[lead_g.name, foll_g.name, "Rest of world"]))
    return sec


def _models_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None,
                    rule: str) -> Section:
    sec = Section("models", "Models per year")
    try:
        frame = _api("models")(as_of=as_of, store=st)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    frame = frame[frame["release_date"].notna()]
    if frame.empty:
        sec.unavailable = "no models with a release date in the store"
        return sec
    from aigap.attribution.rules import membership

    years = pd.to_datetime(frame["release_date"]).dt.year
    rows = []
    for g in (lead_g, foll_g):
        w = membership(frame, g, rule).to_numpy(dtype="float64")
        rows.append(pd.DataFrame({"year": years, "models": w}).groupby(
            "year", as_index=False)["models"].sum().assign(country=g.name))
    counts = pd.concat(rows, ignore_index=True)
    counts = counts[counts["year"] >= max(2015, int(counts["year"].min()))]
    # The newest release in the catalogue ends its coverage: a year it does not reach to
    # December is partial, so it is left out of the chart and the finding.
    newest = pd.Timestamp(frame["release_date"].max())
    partial = newest.year if newest.month < 12 else None
    if partial is not None and (counts["year"] < partial).any():
        counts = counts[counts["year"] < partial]
    last = int(counts["year"].max())
    c = counts[counts["year"] == last].set_index("country")["models"]
    finding = (f"In {last} the catalogue lists {c.get(lead_g.name, 0):.0f} models for "
               f"{lead_g.name} and {c.get(foll_g.name, 0):.0f} for {foll_g.name}")
    note = (f"Attribution rule: {rule} (a model with developers in several countries counts "
            "for each" if rule == "inclusive" else f"Attribution rule: {rule} (")
    note += "; see docs/attribution.md)."
    if partial is not None:
        note += (f" {partial} is left out: the catalogue's newest model was released on "
                 f"{newest.date()}, so that year is incomplete. Recent years are also "
                 "undercounted while the catalogue catches up.")
    fig = models_per_year_figure(counts[["year", "country", "models"]], finding=finding,
                                 source=f"Source: {EPOCH_CREDIT} (AI models). Analysis: aigap.",
                                 rule=rule)
    fig.note = note
    sec.figures.append(fig)
    return sec


# -- claims and sources --------------------------------------------------------------------


def _claim_results(st: Store, as_of: date | None = None, part: int | None = None
                   ) -> list[Any]:
    """Evaluate the shipped claims registry (ImportError when the registry is missing).

    ``part`` 0 or 1 evaluates two claims in three or the remaining third, for two processes.
    """
    from aigap.claims import evaluate_claims, load_claims
    from aigap.claims.evaluate import Options

    claims = load_claims()
    if part is not None:
        # The worker starts at once while this process first builds the other sections,
        # so it takes two claims in three (part 0) and this process the third (part 1).
        claims = [c for i, c in enumerate(claims) if (i % 3 != 2) == (part == 0)]
    # The claims' own bootstrap dominates report time; a smaller one keeps it interactive.
    return list(evaluate_claims(claims, store=st, as_of=as_of,
                                options=Options(bootstrap=CLAIMS_BOOT)))


def _evidence_rows(result: Any) -> pd.DataFrame:
    rows = []
    for when, dv in (("at the claim's date", result.at_claim), ("now", result.at_as_of)):
        for t in dv.tests:
            for e in t.evidence:
                rows.append({"when": when, "as of": str(dv.as_of),
                             "metric": e.metric or e.statistic,
                             "estimate": e.estimate, "lower": e.lower, "upper": e.upper,
                             "unit": e.unit, "verdict": e.verdict,
                             "explanation": e.explanation})
    return pd.DataFrame(rows, columns=["when", "as of", "metric", "estimate", "lower", "upper",
                                       "unit", "verdict", "explanation"])


def _claims_section(st: Store, as_of: date | None = None, future: Any = None) -> Section:
    sec = Section("claims", "Claims checked")
    try:
        results = _all_claim_results(st, as_of, future)
    except (AigapError, ImportError) as exc:
        sec.unavailable = f"claims are not available: {exc}"
        return sec
    if not results:
        sec.unavailable = "the claims registry is empty"
        return sec
    for r in results:
        row = r.row()
        ev = _evidence_rows(r)
        item: dict[str, Any] = {
            "id": row["id"], "claim": row["claim"], "who": row["speaker"],
            "date": row["date"], "verdict_then": row["verdict_at_claim"],
            "verdict_now": row["verdict_as_of"],
            "evidence_text": " ".join(dict.fromkeys(
                str(x) for x in ev["explanation"].dropna())) or "No test evidence recorded.",
            "figure": None, "table": ev,
        }
        plot = ev.dropna(subset=["estimate"])
        if len(plot):
            item["figure"] = evidence_figure(
                plot, key=f"claim-{row['id']}",
                finding=f"Claim {row['id']}: then {row['verdict_at_claim']}, now "
                        f"{row['verdict_as_of']}",
                source="Source: aigap store (see Data sources). Analysis: aigap.")
        sec.items.append(item)
    return sec


def _sources_section(st: Store) -> Section:
    from aigap.sources.base import all_sources

    sec = Section("sources", "Data sources, vintages and licences")
    stored = st.summary()
    rows = []
    for src in all_sources():
        mine = stored[stored["source"] == src.name]
        if mine.empty:
            continue
        newest = mine["data_as_of"].dropna()
        rows.append({"source": src.name, "publisher": src.publisher, "title": src.title,
                     "url": src.homepage, "licence": src.licence, "credit": src.credit,
                     "datasets": len(mine), "vintages": int(mine["vintages"].sum()),
                     "rows": int(mine["rows"].fillna(0).sum()),
                     "data as of": newest.max() if len(newest) else None})
    if not rows:
        sec.unavailable = "no data imported"
        return sec
    sec.tables.append(("Sources used", pd.DataFrame(rows)))
    return sec
