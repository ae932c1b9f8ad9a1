"""The aigap Capability Index (``aci``): fitted from the stored raw benchmark rows.

``aigap.index()`` fits the index (as of a date, with only the rows available then), lists
every fitted model next to Epoch's published ECI, and optionally shows how the US-China lag
looked with the data of each month-end (the vintage view) and how it moves with the fit's
choices (the sensitivity table). :func:`aci_scores` is what ``lag``/``trend`` read when the
metric is ``aci``: a score frame in :func:`aigap.store.frames.load_scores` format whose
Selection carries the ``fit`` that produced it.

Fits are cached by (vintage ids of the rows read, as-of date, settings): in process (on the
store and in a small module memo, so a repeated question is instant) and in the store's
``index_fit`` table whenever a writable store is at hand (``aigap index`` writes it after it
answers; a later read-only question finds it there).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from aigap.analysis.common import iso_date, jsonable, parse_date
from aigap.analysis.index import (
    Agreement,
    IndexFit,
    IndexSettings,
    agreement,
    fit_from_json,
    fit_index,
    fit_index_as_of,
    fit_to_json,
    score_frame,
)
from aigap.api.context import analysis_store, credits_for
from aigap.errors import AigapError, QueryError
from aigap.store import Store
from aigap.store.frames import (
    Selection,
    fill_countries,
    load_index_rows,
    load_models,
    load_published_eci,
)

__all__ = ["IndexResult", "aci_scores", "clear_memo", "fit_aci", "index", "index_settings",
           "sensitivity_table", "vintage_view", "warm_cache"]

#: Bumped when the fit's code changes what it returns (old cache entries then miss).
FIT_VERSION = "aci-1"
#: Month-ends of the vintage view start here.
VINTAGE_START = "2024-01-31"
_MEMO: OrderedDict[tuple[str, str], IndexFit] = OrderedDict()
_MEMO_SIZE = 64


# -- settings ---------------------------------------------------------------------------------


def _anchor(value: str | tuple[str, float] | None, default: tuple[str, float],
            parameter: str) -> tuple[str, float]:
    """``"Model name=130"`` or ``(name, value)`` -> (name, value)."""
    if value is None:
        return default
    if isinstance(value, tuple):
        name, val = value
    else:
        name, sep, num_text = str(value).rpartition("=")
        if not sep or not name.strip():
            raise QueryError(f"{parameter}: expected MODEL=VALUE (e.g. 'GPT-5=150'), got "
                             f"{value!r}", parameter=parameter)
        try:
            val = float(num_text)
        except ValueError:
            raise QueryError(f"{parameter}: {num_text!r} is not a number (expected "
                             "MODEL=VALUE)", parameter=parameter) from None
    if not math.isfinite(float(val)):
        raise QueryError(f"{parameter}: the anchor value must be finite", parameter=parameter)
    return str(name).strip(), float(val)


def index_settings(*, penalty: float | None = None, min_benchmarks: int | None = None,
                   anchor_low: str | tuple[str, float] | None = None,
                   anchor_high: str | tuple[str, float] | None = None,
                   anchor_benchmark: str | None = None, scale_mode: str | None = None,
                   n_boot: int | None = None, level: float | None = None,
                   seed: int | None = None) -> IndexSettings:
    """Validated fit settings; every argument left None keeps :class:`IndexSettings`'s
    documented default (docs/index.md).

    Raises:
        QueryError: naming the parameter at fault.
    """
    base = IndexSettings()
    changes: dict[str, Any] = {k: v for k, v in {
        "penalty": penalty, "min_benchmarks": min_benchmarks,
        "anchor_benchmark": anchor_benchmark, "scale_mode": scale_mode, "n_boot": n_boot,
        "level": level, "seed": seed}.items() if v is not None}
    changes["anchor_low"] = _anchor(anchor_low, base.anchor_low, "anchor_low")
    changes["anchor_high"] = _anchor(anchor_high, base.anchor_high, "anchor_high")
    try:
        return replace(base, **changes).check()
    except QueryError as exc:
        raise _named(exc, changes) from None


def _named(exc: QueryError, params: Any) -> QueryError:
    """The error with the parameter it is about named first (``penalty: must be ...``), so
    each door can name its own flag; unchanged when no known parameter is at fault."""
    text = str(exc)
    first = text.split(" ", 1)[0]
    if first in params:
        return QueryError(f"{first}: {text.split(' ', 1)[1]}", parameter=first)
    for name in ("anchor_low", "anchor_high"):
        if f"anchor model {name} " in text:
            return QueryError(f"{name}: {text}", parameter=name)
    return exc


# -- fitting with a cache -----------------------------------------------------------------------


def cache_key(selection: Selection, as_of: date | None, settings: IndexSettings) -> str:
    """The fit's cache key: the vintage ids read, the as-of date, the settings."""
    payload = json.dumps({"v": FIT_VERSION, "vintages": sorted(selection.vintages.items()),
                          "as_of": None if as_of is None else as_of.isoformat(),
                          "settings": settings.to_dict()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def fit_aci(store: Store, *, as_of: date | None = None,
            settings: IndexSettings | None = None) -> tuple[IndexFit, Selection]:
    """The index fitted on the stored rows available on ``as_of`` (all rows when None).

    Looks in the in-process memo, then in the store's ``index_fit`` table, and fits only on
    a miss (then caches in process, and in the store when it is writable).

    Raises:
        QueryError: no raw rows stored, anchors missing, too little data.
    """
    s = (settings or IndexSettings()).check()
    rows, sel = load_index_rows(store, as_of=as_of)
    key = cache_key(sel, as_of, s)
    memo_key = (str(store.path), key)
    fit = _MEMO.get(memo_key)
    if fit is None:
        cached = store.index_fit(key)
        if cached is not None:
            fit = fit_from_json(cached)
        else:
            fit = (fit_index(rows, s) if as_of is None
                   else fit_index_as_of(rows, pd.Timestamp(as_of), s))
            fit.extra["cache_key"] = key
            if not store.read_only:
                store.put_index_fit(key, fit_to_json(fit))
        _MEMO[memo_key] = fit
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    _MEMO.move_to_end(memo_key)
    sel.fit = {**fit.fit_info, "cache_key": key}
    return fit, sel


def aci_scores(store: Store, *, as_of: date | None = None,
               settings: IndexSettings | None = None) -> tuple[pd.DataFrame, Selection]:
    """The ``aci`` score frame for lag/trend, in :func:`load_scores` format.

    One row per fitted model: model_key, model_name, release_date, value (the index), lower,
    upper (the fit's bootstrap interval), stderr (from that interval, so the lag bootstrap
    draws index noise), countries (Epoch's, else the organisation registry / model family),
    organizations, open_weights (from the model catalogue where it lists the model),
    metric "aci", scale "index". The Selection's ``fit`` says which fit produced them.
    """
    fit, sel = fit_aci(store, as_of=as_of, settings=settings)
    return _scores_of(store, fit), sel


def _scores_of(store: Store, fit: IndexFit) -> pd.DataFrame:
    """The fit's score frame with the columns of :func:`load_scores`, attributed.

    Open-weights flags and organisations come from the catalogue (by key, else by name);
    countries the rows did not give from the registry / model family."""
    frame = score_frame(fit)
    for col, value in (("scale", "index"), ("provenance", "aigap"),
                       ("source_name", "aigap (fitted)"), ("date_source", "release")):
        frame[col] = value
    for col in ("source_url", "setting"):
        frame[col] = None
    frame["observed_on"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    frame["organizations"] = pd.Series([[] for _ in range(len(frame))], index=frame.index,
                                       dtype=object)
    cat, _ = load_models(store)
    frame["open_weights"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    if len(cat):
        cat = cat.drop_duplicates("model_key").set_index("model_key")
        by_name = frame["model_name"].astype(str).str.strip().str.lower().str.replace(
            r"\s+", " ", regex=True)
        key = frame["model_key"].where(frame["model_key"].isin(cat.index), by_name)
        frame["open_weights"] = key.map(cat["open_weights"]).astype("boolean")
        frame["organizations"] = key.map(cat["organizations"]).map(
            lambda v: list(v) if isinstance(v, list) else [])
    return fill_countries(frame).reset_index(drop=True)


# -- the result -------------------------------------------------------------------------------


@dataclass
class IndexResult:
    """The result of :func:`index`: every fitted model, the fit, agreement with Epoch's ECI.

    Attributes:
        fit: the :class:`~aigap.analysis.index.IndexFit`.
        selection: vintages read (its ``fit`` says which fit).
        published: Epoch's ECI per fitted model key (model_key, eci).
        agreement: agreement with it (None when fewer than 3 models are in common).
        request: the validated inputs.
        credits: credit lines of the data used.
        vintages: the vintage view (None unless asked).
        sensitivity: the sensitivity table (None unless asked).
    """

    fit: IndexFit
    selection: Selection
    published: pd.DataFrame
    agreement: Agreement | None
    request: dict[str, Any]
    credits: list[str]
    vintages: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None

    @property
    def inputs(self) -> dict[str, Any]:
        """The validated parameters."""
        return self.request

    @property
    def data(self) -> dict[str, Any]:
        """Vintages, data dates, warnings, credits and the ``fit``."""
        return {**self.selection.to_dict(), "credits": self.credits}

    @property
    def models(self) -> pd.DataFrame:
        """One row per fitted model: model, model_key, release_date, aci, lower, upper, eci,
        n_benchmarks, countries (sorted by aci, highest first)."""
        m = self.fit.models.merge(self.published, on="model_key", how="left")
        out = pd.DataFrame({
            "model": m["model_name"], "model_key": m["model_key"],
            "release_date": pd.to_datetime(m["release_date"]), "aci": m["aci"],
            "lower": m["lower"], "upper": m["upper"], "eci": m["eci"],
            "n_benchmarks": m["n_benchmarks"],
            "countries": m["countries"] if "countries" in m.columns else [[]] * len(m)})
        return out

    @property
    def summary(self) -> pd.DataFrame:
        """The fit's size and its agreement with Epoch's ECI."""
        info = self.fit.fit_info
        rows: list[dict[str, Any]] = [
            {"statistic": "n_models", "estimate": info["n_models"], "unit": "models",
             "description": "models fitted"},
            {"statistic": "n_benchmarks", "estimate": info["n_benchmarks"],
             "unit": "benchmarks", "description": "benchmarks fitted"},
        ]
        a = self.agreement
        if a is not None:
            rows += [
                {"statistic": "pearson_r", "estimate": a.pearson_r, "unit": "",
                 "description": f"correlation with Epoch's ECI over {a.n} models"},
                {"statistic": "median_abs_diff", "estimate": a.median_abs_diff,
                 "unit": "points", "description": "median |aci - eci|"},
                {"statistic": "p90_abs_diff", "estimate": a.p90_abs_diff, "unit": "points",
                 "description": "90th percentile of |aci - eci|"},
            ]
        out = pd.DataFrame(rows)
        out.insert(2, "lower", math.nan)
        out.insert(3, "upper", math.nan)
        return out

    def sentence(self) -> str:
        """The fit in one sentence, with its agreement with Epoch's ECI."""
        info = self.fit.fit_info
        when = f"as of {info['as_of']}" if info["as_of"] else "on all stored rows"
        text = (f"aigap Capability Index fitted {when}: {info['n_models']} models on "
                f"{info['n_benchmarks']} benchmarks (newest model "
                f"{info['newest_model_date']}, scale by {info['scale']}")
        a = self.agreement
        if a is None:
            return text + ")."
        return (text + f"); against Epoch's ECI over {a.n} models r = {a.pearson_r:.3f}, "
                f"median |difference| {a.median_abs_diff:.2f} points, 90th percentile "
                f"{a.p90_abs_diff:.2f}.")

    def frames(self) -> dict[str, pd.DataFrame]:
        """``models`` (one row per fitted model), ``benchmarks``, and ``vintages`` /
        ``sensitivity`` when computed."""
        out = {"models": self.models, "benchmarks": self.fit.benchmarks}
        if self.vintages is not None:
            out["vintages"] = self.vintages
        if self.sensitivity is not None:
            out["sensitivity"] = self.sensitivity
        return out

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON-ready output (docs/json.md)."""
        fit_d = self.fit.to_dict()
        return {
            "kind": "index",
            "inputs": self.inputs,
            "data": self.data,
            "fit": self.selection.fit,
            "sentence": self.sentence(),
            "summary": jsonable(self.summary),
            "agreement": None if self.agreement is None else self.agreement.to_dict(),
            "models": jsonable(self.models),
            "benchmarks": fit_d["benchmarks"],
            "vintages": None if self.vintages is None else jsonable(self.vintages),
            "sensitivity": None if self.sensitivity is None else jsonable(self.sensitivity),
        }

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(self.sentence())}</b></p>"
                + self.models.head(20).to_html(index=False))


# -- vintage view and sensitivity ----------------------------------------------------------------


def _lag_on(scores: pd.DataFrame, leader: str, follower: str, *, end: pd.Timestamp,
            since: date | None, tau: float) -> tuple[float, float]:
    """(mean daily lag over since..end, lag on end) of follower behind leader, months, on a
    score frame cut to models released by ``end``; NaN when a group has too few models."""
    from aigap.analysis.lag import lag_analysis
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import group_scores, lag_rule

    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    part = scores[pd.to_datetime(scores["release_date"]) <= end]
    rule = lag_rule("inclusive")
    try:
        res = lag_analysis(group_scores(part, lead_g, rule), group_scores(part, foll_g, rule),
                           tau=tau, end=end, since=since, drop_first=True,
                           labels=(lead_g.name, foll_g.name))
    except AigapError:
        return math.nan, math.nan
    series = res.series
    end_lag = float(series["lag_months"].iloc[-1]) if len(series) else math.nan
    return float(res.summary["lag_window"]["mean"]), end_lag


def vintage_view(store: Store, *, leader: str = "USA", follower: str = "China",
                 since: date | None = None, start: str = VINTAGE_START,
                 until: date | None = None, settings: IndexSettings | None = None,
                 tau: float = 1.0) -> pd.DataFrame:
    """The follower's lag behind the leader at each month-end, with the data of then against
    the same question on today's fit.

    For each month-end D from ``start`` to ``until`` (default: the newest stored model): the
    index is refitted as of D (only rows available on D; no bootstrap, for speed) and the lag
    is measured on it with the series ending on D; then the same lag is measured on today's
    fit (all rows), using only models released by D. Columns: date, n_models_then,
    newest_model_then, scale_then, lag_mean_then, lag_end_then, lag_mean_today,
    lag_end_today (months; mean over ``since``..D, and on D).
    """
    s = replace(settings or IndexSettings(), n_boot=0)
    today, sel = fit_aci(store, settings=s)
    newest = pd.Timestamp(sel.coverage_end) if sel.coverage_end else pd.Timestamp.today()
    stop = pd.Timestamp(until) if until is not None else newest
    today_scores = _scores_of(store, today)
    rows = []
    for d in pd.date_range(start, stop, freq="ME"):
        row: dict[str, Any] = {"date": d}
        try:
            then, _ = fit_aci(store, as_of=d.date(), settings=s)
        except QueryError as exc:
            row.update(n_models_then=0, newest_model_then=None, scale_then=None,
                       lag_mean_then=math.nan, lag_end_then=math.nan, note=str(exc))
        else:
            then_scores = _scores_of(store, then)
            mean_then, end_then = _lag_on(then_scores, leader, follower, end=d, since=since,
                                          tau=tau)
            row.update(n_models_then=len(then.models),
                       newest_model_then=then.fit_info["newest_model_date"],
                       scale_then=then.scale_used, lag_mean_then=mean_then,
                       lag_end_then=end_then, note="")
        mean_now, end_now = _lag_on(today_scores, leader, follower, end=d, since=since, tau=tau)
        row.update(lag_mean_today=mean_now, lag_end_today=end_now)
        rows.append(row)
    cols = ["date", "n_models_then", "newest_model_then", "scale_then", "lag_mean_then",
            "lag_end_then", "lag_mean_today", "lag_end_today", "note"]
    return pd.DataFrame(rows, columns=cols)


#: (label, changes to the settings) of the sensitivity table.
SENSITIVITY: tuple[tuple[str, dict[str, Any]], ...] = (
    ("default", {}),
    ("penalty 0.01", {"penalty": 0.01}),
    ("penalty 0.001", {"penalty": 0.001}),
    ("penalty 1", {"penalty": 1.0}),
    ("min benchmarks 3", {"min_benchmarks": 3}),
    ("min benchmarks 6", {"min_benchmarks": 6}),
    ("min benchmarks 8", {"min_benchmarks": 8}),
    ("anchors GPT-4o (2024-05-13) = 125, GPT-5 = 150",
     {"anchor_low": ("GPT-4o (2024-05-13)", 125.0), "scale_mode": "models"}),
    ("scale by anchor benchmark", {"scale_mode": "benchmark"}),
)


def sensitivity_table(store: Store, *, as_of: date | None, settings: IndexSettings,
                      leader: str = "USA", follower: str = "China",
                      since: date | None = None, tau: float = 1.0) -> pd.DataFrame:
    """How the fit's agreement with ECI and the headline lag move with the fit's choices
    (penalty, minimum benchmarks, anchors, scale), each a point fit (no bootstrap)."""
    base = replace(settings, n_boot=0)
    rows = []
    for label, changes in SENSITIVITY:
        row: dict[str, Any] = {"setting": label}
        try:
            fit, sel = fit_aci(store, as_of=as_of, settings=replace(base, **changes))
        except QueryError as exc:
            rows.append({**row, "note": str(exc)})
            continue
        scores = _scores_of(store, fit)
        end = pd.Timestamp(as_of) if as_of else pd.Timestamp(fit.models["release_date"].max())
        mean, end_lag = _lag_on(scores, leader, follower, end=end, since=since, tau=tau)
        agr = _agreement(fit, load_published_eci(store, sel))
        row.update(n_models=len(fit.models),
                   pearson_r=agr.pearson_r if agr else math.nan,
                   median_abs_diff=agr.median_abs_diff if agr else math.nan,
                   p90_abs_diff=agr.p90_abs_diff if agr else math.nan,
                   lag_mean=mean, lag_end=end_lag, note="")
        rows.append(row)
    cols = ["setting", "n_models", "pearson_r", "median_abs_diff", "p90_abs_diff", "lag_mean",
            "lag_end", "note"]
    return pd.DataFrame(rows).reindex(columns=cols)


def _agreement(fit: IndexFit, published: pd.DataFrame) -> Agreement | None:
    try:
        return agreement(fit, published)
    except QueryError:
        return None


# -- the question -------------------------------------------------------------------------------


def index(
    as_of: str | date | None = None,
    *,
    penalty: float | None = None,
    min_benchmarks: int | None = None,
    anchor_low: str | tuple[str, float] | None = None,
    anchor_high: str | tuple[str, float] | None = None,
    scale_mode: str | None = None,
    n_boot: int | None = None,
    seed: int | None = None,
    vintages: bool = False,
    sensitivity: bool = False,
    leader: str = "USA",
    follower: str = "China",
    since: str | date | None = "2023-01-01",
    home: str | Path | None = None,
    store: Store | None = None,
) -> IndexResult:
    """Fit the aigap Capability Index and compare it with Epoch's published ECI.

    Args:
        as_of: fit only the rows available on that date (models released, runs and reports
            dated, benchmarks published by then; docs/index.md).
        penalty, min_benchmarks, anchor_low, anchor_high ("MODEL=VALUE"), scale_mode,
            n_boot, seed: the fit's choices (defaults in docs/index.md).
        vintages: also compute the vintage view (leader/follower lag at each month-end since
            2024 with the data of then against today's fit).
        sensitivity: also compute the sensitivity table.
        leader, follower, since: the lag the vintage view and sensitivity table report.
        home, store: where the data is.

    Raises:
        QueryError: bad parameters, no raw rows stored, anchors missing.
    """
    from aigap.analysis.common import check_seed, parse_as_of

    d_as_of = parse_as_of(as_of, "as_of")
    d_since = parse_date(since, "since")
    if seed is not None:
        check_seed(seed)
    if d_as_of and d_as_of > date.today():
        raise QueryError(f"as_of: {d_as_of} is in the future (today is {date.today()})",
                         parameter="as_of")
    s = index_settings(penalty=penalty, min_benchmarks=min_benchmarks, anchor_low=anchor_low,
                       anchor_high=anchor_high, scale_mode=scale_mode, n_boot=n_boot,
                       seed=seed)
    request = {"as_of": iso_date(d_as_of), "since": iso_date(d_since), "leader": leader,
               "follower": follower, "vintages": vintages, "sensitivity": sensitivity,
               "settings": s.to_dict()}
    with analysis_store(home, store) as st:
        try:
            fit, sel = fit_aci(st, as_of=d_as_of, settings=s)
        except QueryError as exc:
            raise _named(exc, ()) from None
        published = load_published_eci(st, sel)
        result = IndexResult(fit, sel, published, _agreement(fit, published), request,
                             credits_for(st, sel))
        if vintages:
            result.vintages = vintage_view(st, leader=leader, follower=follower,
                                           since=d_since, settings=s,
                                           until=d_as_of)
        if sensitivity:
            result.sensitivity = sensitivity_table(st, as_of=d_as_of, settings=s,
                                                   leader=leader, follower=follower,
                                                   since=d_since)
        path = st.path
    if store is None:
        _persist(path)
    return result


def _persist(path: Path) -> None:
    """Write this process's fits of the store at ``path`` to its ``index_fit`` table, so a
    later process (``aigap lag --metric aci``) finds them; skipped when the store is busy."""
    fits = [(k, f) for (p, k), f in _MEMO.items() if p == str(path)]
    if not fits:
        return
    try:
        with Store(path) as st:
            for key, fit in fits:
                if st.index_fit(key) is None:
                    st.put_index_fit(key, fit_to_json(fit))
    except AigapError:
        return  # another process holds the store (e.g. a running dashboard): stay in memory


def warm_cache(store: Store, settings: IndexSettings | None = None) -> IndexFit | None:
    """Fit today's index with ``settings`` (default: the documented ones) and store it in
    the ``index_fit`` table, so the first ``aigap lag --metric aci`` after an update is
    answered from the store. Meant for the end of ``aigap update`` (a writable store);
    returns None when the store has no raw benchmark rows.

    Raises:
        AigapError: the store is read-only.
    """
    if store.read_only:
        raise AigapError(f"{store.path}: store opened read-only")
    if not store.table_datasets("benchmark_row"):
        return None
    fit, _ = fit_aci(store, settings=settings)
    return fit


def clear_memo() -> None:
    """Forget the in-process fits (tests and benchmarks measure cold fits with it)."""
    _MEMO.clear()

