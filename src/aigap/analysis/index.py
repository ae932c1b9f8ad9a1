"""aigap Capability Index (``aci``): an item-response fit of raw benchmark rows.

Model (docs/index.md): the 0-1 score of model m on benchmark b is
``sigmoid(slope_b * (capability_m - difficulty_b))``. Capabilities, difficulties and slopes are
fitted jointly by least squares plus an L2 penalty ``penalty * mean(theta**2)`` over all free
parameters (the form Epoch AI's public ECI code uses). One benchmark is anchored (difficulty 0,
slope 1) and the scale is then fixed by two anchor models (Claude 3.5 Sonnet = 130,
GPT-5 = 150), so the numbers are comparable with Epoch's ECI. Intervals come from a seeded
bootstrap that resamples whole benchmarks and, within each model, its rows; every replicate
is re-anchored on the same two models.

Everything here is pure: rows in, :class:`IndexFit` out. The as-of cut is :func:`rows_as_of`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.special import expit, ndtri

from aigap.analysis.common import jsonable, to_timestamp
from aigap.errors import QueryError, SchemaError

__all__ = [
    "Agreement",
    "IndexFit",
    "IndexSettings",
    "agreement",
    "fit_from_json",
    "fit_index",
    "fit_index_as_of",
    "fit_key",
    "fit_to_json",
    "prepare_rows",
    "rows_as_of",
    "score_frame",
]

REQUIRED = ("model_key", "model_name", "release_date", "benchmark", "score")
BOOT_TOL = 1e-8
"""Relative objective change at which a bootstrap refit stops. On the shared data, refitting
replicates to 1e-12 moved no model by more than 0.09 index points, far inside the intervals
the replicates build; the full fit itself uses 1e-10."""
FArr = npt.NDArray[np.float64]
IArr = npt.NDArray[np.int64]


@dataclass(frozen=True)
class IndexSettings:
    """The choices of the fit; all are exposed and recorded with every result.

    Attributes:
        penalty: L2 strength lambda (objective SSE + lambda * mean of squared parameters).
            0.1 reproduces Epoch's published ECI; Epoch's notes show it steepens the
            capability-over-time slope, docs/index.md shows by how much here.
        anchor_benchmark: benchmark fixed at difficulty 0 and slope 1.
        anchor_low / anchor_high: (model name, index value) pairs that fix the scale.
        scale_mode: ``models`` fixes the scale by the two anchor models (error if one is
            missing); ``benchmark`` uses ``fixed_scale`` on the anchor benchmark's raw units
            (difficulty 0, slope 1); ``auto`` (default) uses the models when both are in the
            fit and the benchmark scale otherwise (as-of fits before GPT-5 existed).
        fixed_scale: (a, b) with index = a + b * raw capability, used by the benchmark scale.
            The default is aigap's own full fit on the 2026-04 Benchmarking Hub (a, b
            rounded), so both scales agree on today's data to well under a point.
        min_benchmarks: a model enters the fit only with scores on this many benchmarks.
        min_date: rows of models released before this date are left out (Epoch: 2023-01-01).
        clip: scores are clipped to [clip, 1 - clip] so 0 and 1 stay finite in logit terms.
        n_boot: bootstrap replicates for per-model intervals (0 = none).
        level: interval level.
        seed: seed of the bootstrap's numpy Generator (used when no rng is passed).
    """

    penalty: float = 0.1
    anchor_benchmark: str = "Winogrande"
    anchor_low: tuple[str, float] = ("Claude 3.5 Sonnet", 130.0)
    anchor_high: tuple[str, float] = ("GPT-5", 150.0)
    scale_mode: str = "auto"
    fixed_scale: tuple[float, float] = (109.5, 21.7)
    min_benchmarks: int = 4
    min_date: str | None = "2023-01-01"
    clip: float = 1e-3
    n_boot: int = 100
    level: float = 0.9
    seed: int = 12345

    def check(self) -> IndexSettings:
        """Return self, or raise QueryError naming the first invalid setting."""
        if not (math.isfinite(self.penalty) and self.penalty >= 0):
            raise QueryError(f"penalty must be a finite number >= 0, got {self.penalty!r}")
        if int(self.min_benchmarks) < 1:
            raise QueryError(f"min_benchmarks must be >= 1, got {self.min_benchmarks!r}")
        if not 0 <= self.clip < 0.5:
            raise QueryError(f"clip must be in [0, 0.5), got {self.clip!r}")
        if int(self.n_boot) < 0:
            raise QueryError(f"n_boot must be >= 0, got {self.n_boot!r}")
        if not 0 < self.level < 1:
            raise QueryError(f"level must be strictly between 0 and 1, got {self.level!r}")
        if self.scale_mode not in ("auto", "models", "benchmark"):
            raise QueryError(f"scale_mode must be auto, models or benchmark, got "
                             f"{self.scale_mode!r}")
        if float(self.anchor_low[1]) == float(self.anchor_high[1]):
            raise QueryError("the two anchor models need different index values")
        if self.min_date is not None:
            to_timestamp(self.min_date, "min_date")
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        d = asdict(self)
        d["anchor_low"] = list(self.anchor_low)
        d["anchor_high"] = list(self.anchor_high)
        d["fixed_scale"] = list(self.fixed_scale)
        return d


@dataclass
class IndexFit:
    """A fitted index.

    Attributes:
        models: one row per model: model_key, model_name, release_date, aci, lower, upper,
            capability (raw scale), n_benchmarks, countries (when the rows had them).
        benchmarks: one row per benchmark: benchmark, difficulty and slope on the index
            scale (``edi``, ``slope``), raw difficulty/slope, n_models.
        settings: the settings used.
        as_of: the as-of date of the rows (None = all rows).
        scale: (a, b) with aci = a + b * capability (capability in the anchor benchmark's
            raw units: its difficulty 0, slope 1).
        n_rows: (model, benchmark) cells fitted.
        n_boot_ok: bootstrap replicates that converged and kept both anchors.
        key: :func:`fit_key` of the inputs.
    """

    models: pd.DataFrame
    benchmarks: pd.DataFrame
    settings: IndexSettings
    as_of: pd.Timestamp | None
    scale: tuple[float, float]
    n_rows: int
    n_boot_ok: int = 0
    scale_used: str = "anchor models"
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fit_info(self) -> dict[str, Any]:
        """The ``fit`` object every aci answer carries."""
        newest = self.models["release_date"].max() if len(self.models) else None
        return {
            "as_of": None if self.as_of is None else self.as_of.date().isoformat(),
            "n_models": len(self.models),
            "n_benchmarks": len(self.benchmarks),
            "n_rows": int(self.n_rows),
            "newest_model_date": None if newest is None or pd.isna(newest)
            else pd.Timestamp(newest).date().isoformat(),
            "n_boot_ok": int(self.n_boot_ok),
            "scale": self.scale_used,
            "settings": self.settings.to_dict(),
            "key": self.key,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result: fit info, models, benchmarks."""
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = frame.copy()
            for c in out.columns:
                if pd.api.types.is_datetime64_any_dtype(out[c]):
                    out[c] = out[c].dt.strftime("%Y-%m-%d")
            return list(jsonable(out))

        return {"fit": self.fit_info, "models": records(self.models),
                "benchmarks": records(self.benchmarks)}


def _check_rows(rows: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in rows.columns]
    if missing:
        raise SchemaError(f"index rows lack column(s) {missing}; expected {list(REQUIRED)}",
                          file="index rows", column=missing[0])
    score = pd.to_numeric(rows["score"], errors="coerce")
    bad = score.isna() | (score < 0) | (score > 1)
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise SchemaError(f"score must be a 0-1 fraction, got {rows['score'].iloc[pos]!r}",
                          file="index rows", row=pos + 2, column="score")
    for col in ("model_key", "benchmark"):
        empty = rows[col].isna() | (rows[col].astype(str).str.strip() == "")
        if empty.any():
            raise SchemaError(f"{col} is empty", file="index rows",
                              row=int(empty.to_numpy().argmax()) + 2, column=col)


def prepare_rows(rows: pd.DataFrame, settings: IndexSettings | None = None) -> pd.DataFrame:
    """One cell per (model, benchmark): the best score of the model's versions and reports.

    Drops rows of models released before ``settings.min_date``, then models with fewer than
    ``settings.min_benchmarks`` benchmarks (the count is taken on what remains, so a model
    never qualifies on rows the fit does not see).

    Returns:
        DataFrame[model_key, benchmark, score] plus one row of model metadata per model in
        ``attrs['models']`` (model_key, model_name, release_date, countries if given).

    Raises:
        SchemaError: a required column is missing or a score is outside 0-1.
    """
    s = (settings or IndexSettings()).check()
    _check_rows(rows)
    r = rows.copy()
    r["release_date"] = pd.to_datetime(r["release_date"], errors="coerce")
    r = r[r["release_date"].notna()]
    if s.min_date is not None:
        r = r[r["release_date"] >= to_timestamp(s.min_date, "min_date")]
    r["score"] = pd.to_numeric(r["score"]).astype(np.float64)
    cells = r.groupby(["model_key", "benchmark"], as_index=False, sort=True)["score"].max()
    counts = cells.groupby("model_key")["benchmark"].transform("size")
    cells = cells[counts >= int(s.min_benchmarks)].reset_index(drop=True)
    meta_cols = ["model_key", "model_name", "release_date"] + (
        ["countries"] if "countries" in r.columns else [])
    r = r[r["model_key"].isin(cells["model_key"])]
    meta = (r.sort_values("release_date", kind="stable")[meta_cols]
            .drop_duplicates("model_key").set_index("model_key"))
    if "countries" in meta.columns:
        # A model's countries: the first non-empty list among its rows.
        nonempty = r[r["countries"].map(lambda v: isinstance(v, list) and len(v) > 0)
                     .to_numpy(dtype=bool)]
        first = nonempty.drop_duplicates("model_key").set_index("model_key")["countries"]
        meta["countries"] = first.reindex(meta.index)
        meta["countries"] = meta["countries"].map(lambda v: v if isinstance(v, list) else [])
    cells.attrs["models"] = meta
    out: pd.DataFrame = cells
    return out


def rows_as_of(rows: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Rows a fit made on date ``as_of`` could have seen (no hindsight).

    Keeps a row only if its model version was released on or before the date, its run/report
    date (``run_date``, where known) is on or before it, and its benchmark's release date
    (``benchmark_release_date``, where known) is on or before it. Unknown run dates count as
    the release date (an external report is assumed published with the model); unknown
    benchmark release dates are bounded by the benchmark's own rows, all of which are dated.

    Raises:
        QueryError: ``as_of`` is not a date.
    """
    d = to_timestamp(as_of, "as_of")
    _check_rows(rows)
    rel = pd.to_datetime(rows["release_date"], errors="coerce")
    keep = rel.notna() & (rel <= d)
    for col in ("run_date", "benchmark_release_date"):
        if col in rows.columns:
            when = pd.to_datetime(rows[col], errors="coerce")
            keep &= when.isna() | (when <= d)
    return rows[keep.to_numpy()]


# -- the fit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """Index arrays of one fit: cells -> (model, benchmark) and the anchor benchmark."""

    mi: IArr
    bi: IArr
    y: FArr
    n_m: int
    n_b: int
    anchor_b: int

    @property
    def n_params(self) -> int:
        return self.n_m + 2 * self.n_b - 1

    def unpack(self, x: FArr) -> tuple[FArr, FArr, FArr]:
        cap = x[: self.n_m]
        diff = x[self.n_m: self.n_m + self.n_b]
        slope = np.insert(x[self.n_m + self.n_b:], self.anchor_b, 1.0)
        return cap, diff, slope


def _objective(p: _Problem, penalty: float, w: FArr) -> Any:
    """Objective 0.5 * (weighted SSE + penalty * mean(theta**2)) and its analytic gradient.

    The gradient is assembled with ``bincount`` over cells (no dense Jacobian), so one
    evaluation costs a few vector passes over the cells.
    """
    n_m, n_b = p.n_m, p.n_b
    free_b = np.delete(np.arange(n_b), p.anchor_b)
    lam = penalty / p.n_params

    def fg(x: FArr) -> tuple[float, FArr]:
        cap, diff, slope = p.unpack(x)
        gap = cap[p.mi] - diff[p.bi]
        pred = expit(slope[p.bi] * gap)
        res = pred - p.y
        e = w * res * pred * (1.0 - pred)
        es = e * slope[p.bi]
        grad = np.empty_like(x)
        grad[:n_m] = np.bincount(p.mi, es, n_m)
        grad[n_m:n_m + n_b] = -np.bincount(p.bi, es, n_b)
        grad[n_m + n_b:] = np.bincount(p.bi, e * gap, n_b)[free_b]
        grad += lam * x
        return 0.5 * float(w @ (res * res) + lam * (x @ x)), grad

    return fg


def _bounds(p: _Problem) -> list[tuple[float, float]]:
    lo = np.concatenate([np.full(p.n_m + p.n_b, -10.0), np.full(p.n_b - 1, 0.1)])
    return list(zip(lo.tolist(), [10.0] * p.n_params, strict=True))


def _jacobian(p: _Problem, x: FArr, w: FArr) -> tuple[FArr, Any]:
    """Weighted residuals and their sparse Jacobian (3 non-zeros per cell)."""
    cap, diff, slope = p.unpack(x)
    gap = cap[p.mi] - diff[p.bi]
    pred = expit(slope[p.bi] * gap)
    sw = np.sqrt(w)
    g = sw * pred * (1.0 - pred)
    n = len(p.y)
    slope_col = np.full(p.n_b, -1, dtype=np.int64)
    free_b = np.delete(np.arange(p.n_b), p.anchor_b)
    slope_col[free_b] = p.n_m + p.n_b + np.arange(p.n_b - 1)
    sc = slope_col[p.bi]
    has = sc >= 0
    rows = np.concatenate([np.arange(n), np.arange(n), np.flatnonzero(has)])
    cols = np.concatenate([p.mi, p.n_m + p.bi, sc[has]])
    vals = np.concatenate([g * slope[p.bi], -g * slope[p.bi], (g * gap)[has]])
    jac = sparse.csr_matrix((vals, (rows, cols)), shape=(n, p.n_params))
    return sw * (pred - p.y), jac


def _solve(p: _Problem, penalty: float, w: FArr, x0: FArr, *, max_iter: int = 2000,
           tol: float = 1e-10) -> tuple[FArr, bool]:
    """Minimise the penalised objective by Levenberg-Marquardt on the exact Gauss-Newton
    matrix (253 x 253 on the shared data, so each step is one small dense solve).

    Epoch's bounds (|C|, |D| <= 10, 0.1 <= slope <= 10) are kept by an active set (a
    parameter on a bound that the gradient pushes outwards is held) and projection.
    Converged when the objective's relative decrease falls below ``tol``.
    """
    bounds = _bounds(p)
    lo = np.array([b[0] for b in bounds])
    lam = penalty / p.n_params
    fg = _objective(p, penalty, w)
    x = np.clip(x0, lo, 10.0)
    f = fg(x)[0]
    mu = 1e-3
    eye = np.eye(p.n_params)
    for _ in range(max_iter):
        r, jac = _jacobian(p, x, w)
        grad = np.asarray(jac.T @ r) + lam * x
        hess = (jac.T @ jac).toarray() + lam * eye
        # Active set: a parameter on a bound whose gradient pushes it outwards stays put.
        free = ~(((x <= lo + 1e-12) & (grad > 0)) | ((x >= 10.0 - 1e-12) & (grad < 0)))
        h_f = hess[np.ix_(free, free)]
        damp = np.diag(h_f).copy()
        while True:
            step = np.zeros_like(x)
            with contextlib.suppress(np.linalg.LinAlgError):
                step[free] = np.linalg.solve(h_f + mu * np.diag(damp + 1e-12), -grad[free])
            x_new = np.clip(x + step, lo, 10.0)
            f_new = fg(x_new)[0]
            if f_new <= f:
                break
            mu *= 4.0
            if mu > 1e12:
                return x, True  # no descent step exists: at a (bounded) optimum
        done = (f - f_new) <= tol * max(f, 1e-300)
        x, f, mu = x_new, f_new, max(mu / 3.0, 1e-9)
        if done:
            return x, True
    return x, False


def _start(p: _Problem) -> FArr:
    """Deterministic start: capabilities from mean logit score, difficulties 0, slopes 1."""
    logit = np.log(p.y / (1 - p.y))
    cap = np.bincount(p.mi, logit, p.n_m) / np.maximum(np.bincount(p.mi, minlength=p.n_m), 1)
    diff = -np.bincount(p.bi, logit, p.n_b) / np.maximum(np.bincount(p.bi, minlength=p.n_b), 1)
    cap = 0.1 * (cap - cap.mean())
    return np.concatenate([cap, 0.1 * diff, np.ones(p.n_b - 1)])


def _anchor_index(names: pd.Series, wanted: str, what: str) -> int:
    """Position of the model named ``wanted`` (case/space/punctuation-blind, exact first)."""
    def norm(s: str) -> str:
        return "".join(ch for ch in s.lower() if ch.isalnum())

    exact = np.flatnonzero(names.astype(str).to_numpy() == wanted)
    if len(exact):
        return int(exact[0])
    normed = names.astype(str).map(norm).to_numpy()
    hits = np.flatnonzero(normed == norm(wanted))
    if len(hits) == 1:
        return int(hits[0])
    if len(hits) > 1:
        raise QueryError(f"anchor model {what} {wanted!r} matches several models: "
                         f"{sorted(names.iloc[hits].astype(str))}")
    raise QueryError(
        f"anchor model {what} {wanted!r} is not among the {len(names)} fitted models "
        "(too few benchmarks, released after the as-of date, or misspelt); choose anchors "
        "present in the fit")


def _problem(cells: pd.DataFrame, models: pd.Index, benches: pd.Index, s: IndexSettings
             ) -> _Problem:
    if s.anchor_benchmark not in benches:
        raise QueryError(f"anchor benchmark {s.anchor_benchmark!r} has no rows in the fit; "
                         f"benchmarks present: {sorted(benches)[:8]}...")
    y = cells["score"].to_numpy(np.float64).clip(s.clip, 1 - s.clip)
    return _Problem(
        mi=models.get_indexer(pd.Index(cells["model_key"])).astype(np.int64),
        bi=benches.get_indexer(pd.Index(cells["benchmark"])).astype(np.int64),
        y=y, n_m=len(models), n_b=len(benches),
        anchor_b=int(np.flatnonzero(benches == s.anchor_benchmark)[0]))


def _anchored(cap: FArr, diff: FArr, p: _Problem, s: IndexSettings,
              anchors: tuple[int, int] | None) -> tuple[float, float] | None:
    """(a, b) with index = a + b * cap: by the anchor models, else by the fixed benchmark
    scale on capabilities shifted so the anchor benchmark sits at difficulty 0."""
    if anchors is not None:
        span = cap[anchors[1]] - cap[anchors[0]]
        if abs(span) < 1e-9:
            return None
        b = (float(s.anchor_high[1]) - float(s.anchor_low[1])) / span
        return float(s.anchor_low[1]) - b * cap[anchors[0]], b
    a0, b0 = s.fixed_scale
    return a0 - b0 * diff[p.anchor_b], b0


def _bootstrap(p: _Problem, x_hat: FArr, s: IndexSettings, anchors: tuple[int, int] | None,
               rng: np.random.Generator) -> tuple[FArr, int]:
    """Index values per replicate (rows: replicates; NaN where a model had no data).

    Each replicate draws benchmarks with replacement (weight = times drawn) and, within each
    model, its cells with replacement; a cell's weight is the product. Warm-started at the
    full fit and re-scaled like the full fit. Replicates that lose an anchor model (or the
    anchor benchmark, on the benchmark scale) or fail to converge are dropped.
    """
    order = np.argsort(p.mi, kind="stable")
    n_per = np.bincount(p.mi, minlength=p.n_m)
    start = np.concatenate([[0], np.cumsum(n_per)[:-1]])
    out = np.full((int(s.n_boot), p.n_m), np.nan)
    ok = 0
    for _ in range(int(s.n_boot)):
        wb = np.bincount(rng.integers(0, p.n_b, p.n_b), minlength=p.n_b).astype(np.float64)
        pick = start[p.mi[order]] + np.floor(rng.random(len(order)) * n_per[p.mi[order]])
        wc = np.bincount(order[pick.astype(np.int64)], minlength=len(p.y)).astype(np.float64)
        w = wc * wb[p.bi]
        has = np.bincount(p.mi, w, p.n_m) > 0
        if anchors is not None and not (has[anchors[0]] and has[anchors[1]]):
            continue
        if anchors is None and wb[p.anchor_b] == 0:
            continue
        x, success = _solve(p, s.penalty, w, x_hat, tol=BOOT_TOL, max_iter=300)
        cap, diff, _ = p.unpack(x)
        ab = _anchored(cap, diff, p, s, anchors)
        if not success or ab is None:
            continue
        out[ok] = np.where(has, ab[0] + ab[1] * cap, np.nan)
        ok += 1
    return out[:ok], ok


def _anchor_pair(names: pd.Series, s: IndexSettings) -> tuple[int, int] | None:
    """Positions of the anchor models, or None when the benchmark scale is to be used."""
    if s.scale_mode == "benchmark":
        return None
    try:
        return (_anchor_index(names, s.anchor_low[0], "anchor_low"),
                _anchor_index(names, s.anchor_high[0], "anchor_high"))
    except QueryError:
        if s.scale_mode == "models":
            raise
        return None


def fit_index(rows: pd.DataFrame, settings: IndexSettings | None = None, *,
              rng: np.random.Generator | None = None, as_of: object = None) -> IndexFit:
    """Fit the index to raw benchmark rows.

    Args:
        rows: long frame, one row per score: ``model_key`` (the unit fitted, e.g. Epoch's
            model group), ``model_name``, ``release_date``, ``benchmark``, ``score`` (0-1
            above chance); optional ``countries``, ``run_date``, ``benchmark_release_date``.
        settings: :class:`IndexSettings` (defaults reproduce Epoch's ECI choices).
        rng: seeded Generator for the bootstrap (default ``default_rng(settings.seed)``).
        as_of: recorded in the result (the caller already cut the rows; see
            :func:`fit_index_as_of`).

    Returns:
        :class:`IndexFit`.

    Raises:
        SchemaError: bad rows. QueryError: anchors missing, nothing left to fit.
    """
    s = (settings or IndexSettings()).check()
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise QueryError("rng must be a seeded numpy.random.Generator")
    cells = prepare_rows(rows, s)
    if cells.empty:
        raise QueryError(f"no model has scores on {s.min_benchmarks} or more benchmarks "
                         "in the rows given")
    meta: pd.DataFrame = cells.attrs["models"]
    models = pd.Index(sorted(cells["model_key"].unique()))
    benches = pd.Index(sorted(cells["benchmark"].unique()))
    p = _problem(cells, models, benches, s)
    names = meta.reindex(models)["model_name"].astype(str).reset_index(drop=True)
    anchors = _anchor_pair(names, s)
    x_hat, success = _solve(p, s.penalty, np.ones(len(p.y)), _start(p))
    if not success:
        raise QueryError("the index fit did not converge")
    cap, diff, slope = p.unpack(x_hat)
    ab = _anchored(cap, diff, p, s, anchors)
    if ab is None:
        raise QueryError("the two anchor models have the same fitted capability; the scale "
                         "cannot be fixed")
    a, b = ab
    aci = a + b * cap
    lower = upper = np.full(p.n_m, np.nan)
    n_ok = 0
    if s.n_boot > 0:
        boot, n_ok = _bootstrap(p, x_hat, s, anchors,
                                rng if rng is not None else np.random.default_rng(s.seed))
        if n_ok >= 2:
            tail = (1 - s.level) / 2
            lower = np.nanquantile(boot, tail, axis=0)
            upper = np.nanquantile(boot, 1 - tail, axis=0)
    m = meta.reindex(models).rename_axis("model_key").reset_index()
    m["capability"] = cap - diff[p.anchor_b]
    m["aci"] = aci
    m["lower"] = lower
    m["upper"] = upper
    m["n_benchmarks"] = np.bincount(p.mi, minlength=p.n_m)
    cols = ["model_key", "model_name", "release_date", "aci", "lower", "upper", "capability",
            "n_benchmarks"] + (["countries"] if "countries" in m.columns else [])
    bench = pd.DataFrame({
        "benchmark": benches, "edi": a + b * diff, "slope": slope / b,
        "difficulty": diff - diff[p.anchor_b],
        "slope_raw": slope, "n_models": np.bincount(p.bi, minlength=p.n_b),
        "is_anchor": np.arange(p.n_b) == p.anchor_b})
    return IndexFit(
        models=m[cols].sort_values("aci", ascending=False, kind="stable").reset_index(drop=True),
        benchmarks=bench.sort_values("edi", kind="stable").reset_index(drop=True),
        settings=s, as_of=None if as_of is None else to_timestamp(as_of, "as_of"),
        scale=(float(a + b * diff[p.anchor_b]), float(b)), n_rows=len(p.y), n_boot_ok=n_ok,
        scale_used="anchor models" if anchors is not None else "anchor benchmark",
        key=fit_key(rows, s, as_of=as_of))


def fit_index_as_of(rows: pd.DataFrame, as_of: object, settings: IndexSettings | None = None,
                    *, rng: np.random.Generator | None = None) -> IndexFit:
    """Fit the index with only the rows available on ``as_of`` (see :func:`rows_as_of`)."""
    return fit_index(rows_as_of(rows, as_of), settings, rng=rng, as_of=as_of)


def fit_to_json(fit: IndexFit) -> str:
    """The fit as one JSON string (what a cache stores); :func:`fit_from_json` reverses it."""
    d = fit.to_dict()
    d["scale_ab"] = list(fit.scale)
    d["extra"] = fit.extra
    return json.dumps(d, default=str, allow_nan=True)


def fit_from_json(text: str) -> IndexFit:
    """Rebuild an :class:`IndexFit` from :func:`fit_to_json` output.

    Raises:
        SchemaError: the text is not a stored fit.
    """
    try:
        d = json.loads(text)
        info = d["fit"]
        raw = dict(info["settings"])
        for k in ("anchor_low", "anchor_high", "fixed_scale"):
            raw[k] = tuple(raw[k])
        settings = IndexSettings(**raw)
        models = pd.DataFrame(d["models"])
        benches = pd.DataFrame(d["benchmarks"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SchemaError(f"cached index fit is unreadable ({exc})", file="index_fit") from exc
    if len(models):
        models["release_date"] = pd.to_datetime(models["release_date"])
        for c in ("aci", "lower", "upper", "capability"):
            models[c] = pd.to_numeric(models[c]).astype(np.float64)
        if "countries" in models.columns:
            models["countries"] = models["countries"].map(
                lambda v: list(v) if isinstance(v, list) else [])
    a, b = d["scale_ab"]
    return IndexFit(models=models, benchmarks=benches, settings=settings,
                    as_of=None if info["as_of"] is None else pd.Timestamp(info["as_of"]),
                    scale=(float(a), float(b)), n_rows=int(info["n_rows"]),
                    n_boot_ok=int(info["n_boot_ok"]), scale_used=str(info["scale"]),
                    key=str(info["key"]), extra=dict(d.get("extra") or {}))


# -- cache key, agreement, score frame ----------------------------------------------------


def fit_key(rows: pd.DataFrame, settings: IndexSettings | None = None, *,
            as_of: object = None) -> str:
    """A stable hex key for (rows, settings, as-of): equal inputs give equal keys.

    Hashes the columns the fit reads (order-independent: rows are sorted first), the
    settings and the as-of date, so a store can cache fits by it.
    """
    s = settings or IndexSettings()
    cols = [c for c in (*REQUIRED, "run_date", "benchmark_release_date") if c in rows.columns]
    part = rows[cols].copy()
    for c in cols:
        part[c] = part[c].astype(str)
    part = part.sort_values(cols, kind="stable").reset_index(drop=True)
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
    h.update(json.dumps(s.to_dict(), sort_keys=True).encode())
    h.update(str(None if as_of is None else to_timestamp(as_of, "as_of").date()).encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Agreement:
    """How the fitted index agrees with a published one over the models both score."""

    n: int
    pearson_r: float
    median_abs_diff: float
    p90_abs_diff: float
    worst: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready agreement figures and the worst rows."""
        w = self.worst.copy()
        for c in w.columns:
            if pd.api.types.is_datetime64_any_dtype(w[c]):
                w[c] = w[c].dt.strftime("%Y-%m-%d")
        return {"n": self.n, "pearson_r": self.pearson_r,
                "median_abs_diff": self.median_abs_diff, "p90_abs_diff": self.p90_abs_diff,
                "worst": [{k: jsonable(v) for k, v in r.items()}
                          for r in w.astype(object).where(w.notna(), None).to_dict("records")]}


def agreement(fit: IndexFit, published: pd.DataFrame, *, n_worst: int = 10) -> Agreement:
    """Compare the fit with a published index (e.g. Epoch's ECI) over common models.

    Args:
        fit: the fitted index.
        published: DataFrame[model_key, eci] (one value per model key; duplicates must agree
            to 1e-6 and are collapsed).
        n_worst: how many of the largest absolute differences to list.

    Raises:
        QueryError: fewer than 3 models in common.
    """
    if not {"model_key", "eci"} <= set(published.columns):
        raise SchemaError("published index needs columns model_key and eci",
                          file="published index")
    pub = published.dropna(subset=["eci"]).groupby("model_key")["eci"].first()
    m = fit.models.merge(pub.rename("eci"), left_on="model_key", right_index=True)
    if len(m) < 3:
        raise QueryError(f"only {len(m)} models in common with the published index")
    diff = (m["aci"] - m["eci"]).to_numpy()
    m = m.assign(diff=diff, abs_diff=np.abs(diff))
    worst = m.nlargest(n_worst, "abs_diff")[
        ["model_name", "release_date", "aci", "eci", "diff", "n_benchmarks", "lower", "upper"]]
    return Agreement(
        n=len(m), pearson_r=float(np.corrcoef(m["aci"], m["eci"])[0, 1]),
        median_abs_diff=float(np.median(np.abs(diff))),
        p90_abs_diff=float(np.quantile(np.abs(diff), 0.9)), worst=worst.reset_index(drop=True))


def score_frame(fit: IndexFit, metric: str = "aci") -> pd.DataFrame:
    """The fit as a score frame for the lag/trend engines.

    ``stderr`` is the interval's half-width divided by the normal quantile of the fit's level,
    so the lag bootstrap (:func:`aigap.analysis.uncertainty.score_sd`, which prefers
    ``stderr`` and otherwise reads lower/upper as a 95% interval) draws index noise of the
    right size whatever level the index intervals were computed at.

    Returns:
        DataFrame[model_key, model_name, metric, value, lower, upper, stderr, release_date,
        countries] (countries empty lists when the rows carried none).
    """
    m = fit.models
    z = float(ndtri(0.5 + fit.settings.level / 2))
    stderr = (m["upper"] - m["lower"]) / (2 * z)
    countries = m["countries"] if "countries" in m.columns else pd.Series(
        [[] for _ in range(len(m))], index=m.index)
    return pd.DataFrame({
        "model_key": m["model_key"], "model_name": m["model_name"], "metric": metric,
        "value": m["aci"], "lower": m["lower"], "upper": m["upper"], "stderr": stderr,
        "release_date": pd.to_datetime(m["release_date"]), "countries": countries})
