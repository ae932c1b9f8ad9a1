"""Gather everything one report shows: lag per metric, compute, shares, claims, sources.

Each section is computed independently; a section whose data is missing (no TOP500 lists
imported, no claims registry, an API not installed) becomes a short "not available"
notice with the reason instead of failing the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from aigap.api import Store
from aigap.errors import AigapError
from aigap.present.charts import (
    Figure,
    evidence_figure,
    metric_name,
    models_per_year_figure,
)
from aigap.present.figures import (
    BAND_BOOT,
    EPOCH_CREDIT,
    ahead_text,
    clusters_figures,
    compute_figures,
    is_ahead,
    lag_figures,
    top500_figures,
)
from aigap.present.labels import plain
from aigap.present.output import num
from aigap.report.provenance import (
    Catalogue,
    cite_line,
    command,
    hindsight_warnings,
    newest,
    source_line,
    stale_warning,
)

#: Metrics the report tries, in order; those not in the store are listed as missing.
DEFAULT_METRICS = ("eci", "gpqa_diamond", "mmlu")

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
    #: Dated warnings shown in a box at the top of the section (old data, hindsight).
    warnings: list[str] = field(default_factory=list)
    #: The newest data date the section's numbers rest on.
    data_date: date | None = None
    #: Seconds the section took to compute (for the benchmark).
    seconds: float = 0.0


@dataclass
class Context:
    """What every section needs besides its own question: the store's source catalogue,
    the report's date (as-of, else today), and the settings the cite lines repeat."""

    catalogue: Catalogue
    report_date: date
    version: str
    leader: str
    follower: str
    as_of: date | None
    attribution: str
    n_boot: int
    seed: int
    level: float

    def flags(self) -> dict[str, Any]:
        """The flags every reproducing command shares."""
        return {"leader": self.leader, "follower": self.follower,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "attribution": self.attribution}

    def date(self, sec: Section, what: str, selection: Any) -> None:
        """Record a section's data date and add its old-data and hindsight warnings."""
        sec.data_date = newest(selection)
        stale = stale_warning(what, sec.data_date, self.report_date)
        sec.warnings += ([stale] if stale else []) + hindsight_warnings(selection)

    def kit(self, fig: Figure, selection: Any, cmd: str, *, seeded: bool = True) -> Figure:
        """Give a figure its dated source line, cite line and warnings."""
        fig.source = source_line(selection, self.catalogue, fig.source)
        fig.cite = cite_line(fig.title, version=self.version, selection=selection,
                             catalogue=self.catalogue, seed=self.seed if seeded else None,
                             n_boot=self.n_boot if seeded else None, cmd=cmd)
        return fig


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
    #: Each source with data in the store: source, publisher, title, licence, newest_data.
    source_dates: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""
    seed: int = 0
    n_boot: int = 0
    #: The command that reproduces the whole report.
    command: str = ""
    report_date: date | None = None
    #: the date of the Epoch AI snapshot bundled with aigap, when the headline used it
    bundled_snapshot: date | None = None

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


def build_report(
    leader: str = "USA",
    follower: str = "China",
    *,
    as_of: str | date | None = None,
    since: str | date | None = None,
    metrics: tuple[str, ...] | list[str] | None = None,
    attribution: str = "inclusive",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
    cache: bool = True,
) -> ReportData:
    """Compute every section of the report.

    Args:
        leader, follower: groups (ISO3, names, configured groups).
        as_of: analyse the data as it stood on that date.
        metrics: score metrics to compare (default :data:`DEFAULT_METRICS`, those present).
        attribution: the attribution rule for lags and counts.
        n_boot: bootstrap resamples for the headline intervals; seed: the generator's seed.
        progress: called with a short description before each step (for a progress bar).
        cache: reuse a report built earlier from the same code, request and data vintages
            (see :mod:`aigap.report.cache`); only for a data home, never for a passed store.

    Raises:
        QueryError: bad flags (unknown group, bad date); missing data only empties a section.
    """
    import time

    from aigap import __version__
    from aigap.api import data_sources as store_sources
    from aigap.api import metrics as store_metrics
    from aigap.api.catalogue import attribution_rule, group
    from aigap.api.context import parse_date, reading_store

    step = progress or _noop
    d_as_of = parse_date(as_of, "as_of")
    d_since = parse_date(since, "since")
    rule = attribution_rule(attribution)
    lead_g, foll_g = group(leader), group(follower)
    sections: list[Section] = []
    headline: list[dict[str, Any]] = []
    credits: list[str] = []
    warnings: list[str] = []
    starter = False
    bundled: date | None = None
    generated = datetime.now(UTC)
    with reading_store(home, store) as st:
        table = store_sources(store=st)
        catalogue = Catalogue.from_table(table)
        ctx = Context(catalogue, d_as_of or generated.date(), __version__, leader, follower,
                      d_as_of, rule, n_boot, seed, level)
        folder, cache_key = None, ""
        if cache and store is None:
            from aigap.config import get_settings
            from aigap.report import cache as disk

            folder = get_settings(home).cache_dir / "report"
            cache_key = disk.report_key({
                "leader": leader, "follower": follower, "as_of": d_as_of, "since": d_since,
                "metrics": tuple(metrics) if metrics else None, "rule": rule,
                "n_boot": n_boot, "seed": seed, "level": level,
                "day": None if d_as_of else generated.date()},
                table.attrs.get("datasets"))
            hit = disk.load(folder, cache_key)
            if isinstance(hit, ReportData):
                step("Reusing the report built from the same data")
                hit.generated = generated
                return hit
        known = set(store_metrics(store=st)["metric"])
        wanted = list(metrics) if metrics else [m for m in DEFAULT_METRICS if m in known]
        for metric in wanted:
            step(f"Lag on {metric}")
            t0 = time.perf_counter()
            try:
                sec, row, extra = _metric_section(st, metric, leader, follower, d_as_of,
                                                  rule, n_boot, seed, level, d_since, ctx)
            except Exception as exc:  # a bug must not take the whole report down
                sec, row, extra = _failed(f"lag-{metric}", f"Capability lag on {metric}",
                                          exc), None, {}
            sec.seconds = time.perf_counter() - t0
            sections.append(sec)
            if row:
                headline.append(row)
                credits += extra.get("credits", [])
                warnings += extra.get("warnings", [])
                starter = starter or bool(extra.get("starter"))
                bundled = bundled or extra.get("bundled_snapshot")
        missing = [m for m in DEFAULT_METRICS if m not in known] if not metrics else []
        if not wanted:
            sections.append(Section("lag", "Capability lag", unavailable=(
                "no benchmark scores in the store; run `aigap update`")))
        plan: list[tuple[str, str, str, Callable[[], Section]]] = [
            ("Training compute", "compute", "Training compute",
             lambda: _compute_section(st, leader, follower, d_as_of, rule, n_boot, seed,
                                      level, ctx)),
            ("TOP500 lists", "top500", "TOP500 supercomputers",
             lambda: _top500_section(st, lead_g, foll_g, d_as_of, ctx)),
            ("AI supercomputers", "clusters", "AI supercomputers",
             lambda: _clusters_section(st, lead_g, foll_g, d_as_of, ctx)),
            ("Models per year", "models", "Models per year",
             lambda: _models_section(st, lead_g, foll_g, d_as_of, rule, ctx)),
            ("Claims", "claims", "Claims checked",
             lambda: _claims_section(st, d_as_of, ctx)),
            ("Sources", "sources", "Data sources, vintages and licences",
             lambda: _sources_section(st)),
        ]
        for label, key, title, make in plan:
            step(label)
            t0 = time.perf_counter()
            try:
                made = make()
            except Exception as exc:  # a bug must not take the whole report down
                made = _failed(key, title, exc)
            made.seconds = time.perf_counter() - t0
            sections.append(made)
    if missing:
        warnings.append("metrics not in the store (left out): " + ", ".join(missing))
    data = ReportData(
        leader=lead_g.name, follower=foll_g.name, as_of=d_as_of, attribution=rule,
        level=level, generated=generated, headline=headline,
        sections=sections, credits=list(dict.fromkeys(credits)),
        warnings=list(dict.fromkeys(warnings)), starter=starter, bundled_snapshot=bundled,
        source_dates=catalogue.used(), version=__version__, seed=seed, n_boot=n_boot,
        command=command("report", **ctx.flags(), bootstrap=n_boot, seed=seed,
                        metric=list(metrics) if metrics else None),
        report_date=ctx.report_date)
    if folder is not None and not any(s.unavailable and s.unavailable.startswith(
            "internal error") for s in sections):
        from aigap.report import cache as disk

        disk.save(folder, cache_key, data)
    return data


# -- capability lag ------------------------------------------------------------------------


def _metric_section(
    st: Store, metric: str, leader: str, follower: str, as_of: date | None, rule: str,
    n_boot: int, seed: int, level: float, since: date | None = None,
    ctx: Context | None = None,
) -> tuple[Section, dict[str, Any] | None, dict[str, Any]]:
    from aigap.api import lag, trend

    sec = Section(f"lag-{metric}", f"Capability lag on {metric_name(metric)}")
    try:
        rep = lag(leader, follower, metric, as_of=as_of, since=since, attribution=rule,
                  bootstrap=n_boot, seed=seed, level=level, sensitivity=True, store=st)
    except AigapError as exc:
        sec.unavailable = str(exc)
        return sec, None, {}
    lt: Any
    trend_error = ""
    try:
        tr: Any = trend(leader, follower, metric, as_of=as_of, since=since, attribution=rule,
                        level=level, store=st)
        lt = tr.lag_trend
    except AigapError as exc:
        lt = tr = None
        trend_error = str(exc)
    res = rep.result
    end = pd.Timestamp(rep.series["date"].iloc[-1])
    summ = rep.summary.set_index("statistic")
    h = rep.headline
    end_row = summ.loc["lag_end"]
    gap_end = num(summ["estimate"].get("gap_end"))
    lvl = int(level * 100)
    ahead = is_ahead(h, summ)
    figs = lag_figures(rep, tr, trend_error=trend_error, band_boot=BAND_BOOT)
    frontier, lagfig = figs["frontier"], figs["lag"]
    if ctx is not None:
        flags = {**ctx.flags(), "metric": metric,
                 "since": since.isoformat() if since else None}
        ctx.kit(frontier, rep.selection, command("lag", **flags, bootstrap=n_boot, seed=seed))
        ctx.kit(lagfig, rep.selection, command("trend", **flags), seeded=False)
        ctx.date(sec, metric_name(metric), rep.selection)
    sec.figures += [frontier, lagfig]
    sec.text += [plain(rep.sentence()),
                 plain(tr.sentence()) if tr else f"No trend test: {trend_error}."]
    summary = rep.summary[["description", "estimate", "lower", "upper", "unit"]].rename(
        columns={"lower": f"{lvl}% lower", "upper": f"{lvl}% upper"})
    sec.tables.append(("Summary statistics", summary))
    if rep.sensitivity is not None:
        sens = rep.sensitivity.rename(columns={
            "drop_first": "first record dropped", "tau": "tolerance (points)",
            "lag_mean": "mean lag (months)", "lag_min": "min lag", "lag_max": "max lag",
            "matched_mean": "matched lag (months)", "gap_mean": "mean gap (points)"})
        sec.tables.append(("Sensitivity: point estimates by tolerance, whether each group's "
                           "first record is dropped, and attribution rule", sens))
    row = {
        "metric": metric, "lag_mean": num(h["estimate"]), "lag_lower": num(h["lower"]),
        "lag_upper": num(h["upper"]), "lag_end": num(end_row["estimate"]),
        "lag_end_lower": num(end_row["lower"]), "lag_end_upper": num(end_row["upper"]),
        "gap_end": gap_end, "ahead": ahead, "scale": rep.scale,
        "ahead_text": ahead_text(summ, rep.scale, lvl) if ahead else "",
        "slope": num(lt.slope) if lt else None,
        "slope_lower": num(lt.lower) if lt else None,
        "slope_upper": num(lt.upper) if lt else None,
        "verdict": tr.verdict if tr else "not tested",
        "window_start": res.summary["lag_window"].get("start"),
        "end": end, "tau": rep.tau, "n_models": rep.n_models,
        "data_date": sec.data_date,
    }
    extra = {"credits": rep.credits, "warnings": rep.selection.warnings,
             "starter": rep.selection.starter,
             "bundled_snapshot": rep.selection.bundled_snapshot}
    return sec, row, extra


# -- compute and infrastructure ------------------------------------------------------------


def _compute_section(st: Store, leader: str, follower: str, as_of: date | None, rule: str,
                     n_boot: int, seed: int, level: float, ctx: Context | None = None
                     ) -> Section:
    sec = Section("compute", "Training compute")
    try:
        from aigap.api import compute

        rep = compute(leader, follower, as_of=as_of, attribution=rule,
                              n_boot=n_boot, seed=seed, level=level, store=st)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    lvl = int(level * 100)
    fig = compute_figures(rep)["compute"]
    if ctx is not None:
        ctx.kit(fig, rep.selection, command("compute", **ctx.flags(), n_boot=n_boot,
                                            seed=seed))
        ctx.date(sec, "model catalogue", rep.selection)
    sec.figures.append(fig)
    sec.text.append(rep.sentence())
    sec.tables.append(("Growth of training compute (last trend segment)", rep.summary[[
        "group", "n_points", "growth_per_year", "growth_lower", "growth_upper",
        "doubling_months", "break_date"]].rename(columns={
            "n_points": "models fitted", "growth_per_year": "growth (x per year)",
            "growth_lower": f"{lvl}% lower", "growth_upper": f"{lvl}% upper",
            "doubling_months": "doubling time (months)", "break_date": "trend break"})))
    return sec


def _top500_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None,
                    ctx: Context | None = None) -> Section:
    sec = Section("top500", "TOP500 supercomputers")
    try:
        from aigap.api import top500

        frame = top500(store=st, as_of=as_of)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    fig = top500_figures(frame, lead_g, foll_g)["top500"]
    when = pd.Timestamp(frame["edition"].max())
    sel = frame.attrs.get("selection")
    if ctx is not None and sel is not None:
        ctx.kit(fig, sel, command("top500", as_of=ctx.flags()["as_of"]), seeded=False)
        ctx.date(sec, "TOP500 list", sel)
        if not any(w.startswith("Old data") for w in sec.warnings):
            # The newest list itself, not only the data date, must be recent.
            stale = _stale_list(when, ctx)
            sec.warnings[:0] = [stale] if stale else []
    sec.figures.append(fig)
    if frame.attrs.get("note"):
        sec.text.append("Counts recorded from reports of the lists (bundled starter data), "
                        "not the lists themselves: "
                        + "; ".join(sorted(set(frame["source_url"].dropna()))) + ".")
    return sec


def _stale_list(when: pd.Timestamp, ctx: Context) -> str | None:
    """A warning when the newest TOP500 list is more than six months before the report."""
    return stale_warning("TOP500 list", when.date(), ctx.report_date)


def _clusters_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None,
                      ctx: Context | None = None) -> Section:
    sec = Section("clusters", "AI supercomputers")
    try:
        from aigap.api import clusters

        frame = clusters(store=st, as_of=as_of)
    except (AigapError, ImportError) as exc:
        sec.unavailable = str(exc)
        return sec
    sel = frame.attrs.get("selection")
    fig = clusters_figures(frame, lead_g, foll_g)["clusters"]
    if ctx is not None and sel is not None:
        ctx.kit(fig, sel, command("clusters", as_of=ctx.flags()["as_of"]), seeded=False)
        ctx.date(sec, "AI-supercomputer", sel)
    sec.figures.append(fig)
    return sec


def _models_section(st: Store, lead_g: Any, foll_g: Any, as_of: date | None,
                    rule: str, ctx: Context | None = None) -> Section:
    from aigap.api import models

    sec = Section("models", "Models per year")
    try:
        frame = models(as_of=as_of, store=st)
        parts = {g.name: models(g.name, attribution=rule, as_of=as_of, store=st)
                 for g in (lead_g, foll_g)}
    except AigapError as exc:
        sec.unavailable = str(exc)
        return sec
    frame = frame[frame["release_date"].notna()]
    if frame.empty:
        sec.unavailable = "no models with a release date in the store"
        return sec
    rows = []
    for name, part in parts.items():
        part = part[part["release_date"].notna()]
        years = pd.to_datetime(part["release_date"]).dt.year
        rows.append(pd.DataFrame({"year": years, "models": part["weight"].astype(float)})
                    .groupby("year", as_index=False)["models"].sum().assign(country=name))
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
    sel = frame.attrs.get("selection")
    if ctx is not None and sel is not None:
        ctx.kit(fig, sel, command("models", country=lead_g.name, attribution=rule,
                                  as_of=ctx.flags()["as_of"]), seeded=False)
        ctx.date(sec, "model catalogue", sel)
    sec.figures.append(fig)
    return sec


# -- claims and sources --------------------------------------------------------------------


def _claim_results(st: Store, as_of: date | None = None) -> list[Any]:
    """Evaluate the shipped claims registry with the CLI's settings (ImportError when the
    registry is missing); lags shared with the other sections come from the store's memo."""
    from aigap.claims import evaluate_cached, load_claims

    return list(evaluate_cached(load_claims(), store=st, as_of=as_of))


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


def _claims_section(st: Store, as_of: date | None = None, ctx: Context | None = None
                    ) -> Section:
    sec = Section("claims", "Claims checked")
    try:
        results = _claim_results(st, as_of)
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
        fig = _claim_figure(r, ev, row)
        if fig is not None and ctx is not None:
            ctx.kit(fig, _claim_selection(r),
                    command("claims", id=row["id"], as_of=ctx.flags()["as_of"]),
                    seeded=False)
        item["figure"] = fig
        sec.items.append(item)
    return sec


def _claim_selection(result: Any) -> Any:
    """The vintages and data dates every test of a claim read (then and now), merged, in
    the shape of a ``Selection`` (``vintages``, ``data_dates``, ``warnings``)."""
    from types import SimpleNamespace

    vintages: dict[str, int] = {}
    dates: dict[str, Any] = {}
    for dv in (getattr(result, "at_claim", None), getattr(result, "at_as_of", None)):
        for t in getattr(dv, "tests", []) or []:
            for e in getattr(t, "evidence", []) or []:
                data = getattr(e, "data", None) or {}
                for k, v in (data.get("vintage_ids") or {}).items():
                    vintages[f"{k}@{v}"] = v
                for k, v in (data.get("data_as_of") or {}).items():
                    if v and (dates.get(k) is None or str(v) > str(dates[k])):
                        dates[k] = v
    return SimpleNamespace(vintages=vintages, data_dates=dates, warnings=[])


def _claimed(result: Any, plot: pd.DataFrame) -> tuple[float | None, float | None] | None:
    """The claimed range of the claim's first test in the unit the evidence chart draws."""
    unit = str(plot["unit"].mode().iloc[0]) if plot["unit"].notna().any() else ""
    for t in getattr(getattr(result, "at_claim", None), "tests", []) or []:
        test = getattr(t, "test", None)
        if test is not None and str(getattr(test, "unit", "")) == unit:
            return (getattr(test, "low", None), getattr(test, "high", None))
    return None


def _claim_figure(result: Any, ev: pd.DataFrame, row: dict[str, Any]) -> Figure | None:
    """The claim's chart: from ``aigap.present.claim_charts`` when that module exists (it
    draws the claimed value too), else each test's estimate and interval."""
    import importlib

    try:
        mod = importlib.import_module("aigap.present.claim_charts")
    except ImportError:
        mod = None
    make = getattr(mod, "claim_figure", None) if mod is not None else None
    if callable(make):
        try:
            fig = make(result)
        except Exception:  # a drawing bug falls back to the evidence chart
            fig = None
        if isinstance(fig, Figure):
            return fig
    plot = ev.dropna(subset=["estimate"])
    if not len(plot):
        return None
    return evidence_figure(
        plot, key=f"claim-{row['id']}", claimed=_claimed(result, plot),
        finding=f"Claim {row['id']}: then {row['verdict_at_claim']}, now "
                f"{row['verdict_as_of']}",
        source="Source: aigap store (see Data sources). Analysis: aigap.")


def _sources_section(st: Store) -> Section:
    from aigap.api import data_sources

    sec = Section("sources", "Data sources, vintages and licences")
    table = data_sources(store=st)
    table = table[table["vintages"] > 0]
    if table.empty:
        sec.unavailable = "no data imported"
        return sec
    sec.tables.append(("Sources used", table[[
        "source", "publisher", "title", "url", "licence", "credit", "datasets", "vintages",
        "rows", "newest_data"]].rename(columns={"newest_data": "data as of"})))
    return sec
