"""Training-compute trends per group, the compute lag between groups, and "largest so far".

Method 7 of DESIGN.md, after Epoch AI's data insight "Chinese language models have scaled up
more slowly than their global counterparts" (2025-01-22,
https://epoch.ai/data-insights/china-compute-trends). Steps, in Epoch's order:

1. keep the group's models (membership weight > 0) with a release date and a positive
   training compute, released on or before ``until``;
2. drop named outliers (Epoch drops AlphaGo Master and AlphaGo Zero) and, by default, models
   fine-tuned from another model (``base_model`` set);
3. rolling top-N: a model is kept if, on its release date, fewer than N of the group's models
   released on or before that date have a larger training compute (it entered the running
   top N when released). With ``rank_scope="all"`` (Epoch's order) the ranking runs over all
   domains and the Language/Multimodal filter comes after it; ``"selected"`` ranks among
   Language/Multimodal models only;
4. keep Language/Multimodal models released on or after ``since``;
5. fit log10(FLOP) against decimal years by OLS, with at most one breakpoint chosen by BIC
   (>= ``min_segment`` points per segment);
6. bootstrap: resample the kept points with replacement and refit, with the breakpoint
   fixed to the point estimate's (default) or re-chosen in each resample.

Everything is vectorised: the rolling rank is a chunked comparison matrix, and every
candidate breakpoint of every bootstrap resample is fitted at once from cumulative sums.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aigap.analysis.common import jsonable
from aigap.analysis.units import DAYS_PER_YEAR
from aigap.errors import QueryError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Array = NDArray[np.float64]

__all__ = [
    "EPOCH_OUTLIERS",
    "LLM_DOMAINS",
    "ComputeGap",
    "ComputeTrend",
    "Segment",
    "compute_gap",
    "compute_trend",
    "decimal_years",
    "rolling_top",
    "select_models",
    "years_to_date",
]

_EPOCH_DAY = date(1970, 1, 1)
EPOCH_OUTLIERS: tuple[str, ...] = ("AlphaGo Master", "AlphaGo Zero")
LLM_DOMAINS: tuple[str, ...] = ("Language", "Multimodal")
_RSS_FLOOR = 1e-12  # per point, in log10 units squared: below this a fit counts as exact
_LOG10_2 = math.log10(2.0)

BootMode = Literal["fixed", "refit"]
RankScope = Literal["all", "selected"]


# --------------------------------------------------------------------------- time helpers


def decimal_years(dates: Any) -> Array:
    """Dates (anything pandas can read) as decimal years, e.g. 2024-07-02 -> ~2024.5."""
    stamps = pd.to_datetime(pd.Series(dates), errors="raise")
    days = (stamps - pd.Timestamp(_EPOCH_DAY)).dt.total_seconds().to_numpy(float) / 86400.0
    return np.asarray(1970.0 + days / DAYS_PER_YEAR, dtype=np.float64)


def years_to_date(x: float) -> date:
    """Inverse of :func:`decimal_years` (rounded to the nearest day)."""
    return _EPOCH_DAY + timedelta(days=round((x - 1970.0) * DAYS_PER_YEAR))


# ------------------------------------------------------------------------- model selection


def rolling_top(dates: Any, compute: Any, top: int, *, chunk: int = 2048) -> NDArray[np.bool_]:
    """Which models entered the running top ``top`` by compute when released.

    Model i is kept if fewer than ``top`` models released on or before its date (same-day
    models included) have a strictly larger compute; ties with the N-th are all kept.

    Args:
        dates: release dates (same length as ``compute``).
        compute: training compute (any positive scale; only the order matters).
        top: N, at least 1.
        chunk: rows per block of the comparison matrix (bounds memory to chunk * n).
    """
    if top < 1:
        raise QueryError(f"top must be at least 1, got {top}")
    d = pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[ns]").astype(np.int64)
    c = np.asarray(compute, dtype=float)
    n = len(c)
    keep = np.zeros(n, dtype=bool)
    for lo in range(0, n, chunk):  # blocks of rows, each a vectorised comparison
        hi = min(lo + chunk, n)
        earlier = d[None, :] <= d[lo:hi, None]
        larger = c[None, :] > c[lo:hi, None]
        keep[lo:hi] = (earlier & larger).sum(axis=1) < top
    return keep


def _domain_mask(domain: pd.Series, wanted: tuple[str, ...]) -> NDArray[np.bool_]:
    """Rows whose domain list (or comma-joined text) contains one of ``wanted``."""
    want = {w.strip().lower() for w in wanted}

    def split(v: object) -> list[str]:
        if isinstance(v, str):
            return v.split(",")
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return []
        return [str(x) for x in v]  # type: ignore[attr-defined]

    exploded = domain.map(split).explode()
    hit = exploded.astype("string").str.strip().str.lower().isin(want)
    return hit.groupby(level=0).any().reindex(domain.index, fill_value=False).to_numpy(bool)


def _as_timestamp(value: date | str | pd.Timestamp | None) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise QueryError(f"not a date: {value!r} (expected YYYY-MM-DD)") from exc


def select_models(
    models: pd.DataFrame,
    membership: pd.Series,
    *,
    top: int = 10,
    since: date | str | None = date(2018, 1, 1),
    until: date | str | None = None,
    exclude_finetunes: bool = True,
    domains: tuple[str, ...] | None = LLM_DOMAINS,
    exclude_names: tuple[str, ...] = EPOCH_OUTLIERS,
    rank_scope: RankScope = "all",
) -> tuple[pd.DataFrame, pd.DataFrame, Counter[str]]:
    """The group's rolling top-N models that the trend is fitted to (steps 1-4 above).

    Returns:
        (points, eligible, excluded): the kept models sorted by date (columns model_key,
        name, release_date, training_compute_flop, log10_flop, x); every eligible model
        of the group (after steps 1-2 and the domain filter, before ranking and ``since``),
        used for "largest so far"; and reason -> number of group models left out.

    Raises:
        QueryError: a needed column is missing, membership does not match the frame's
            index, or an option is invalid.
    """
    need = ["release_date", "training_compute_flop"]
    missing = [c for c in need if c not in models.columns]
    if missing:
        raise QueryError(f"model frame lacks column(s) {missing} needed for compute trends")
    if rank_scope not in ("all", "selected"):
        raise QueryError(f"rank_scope must be 'all' or 'selected', got {rank_scope!r}")
    if not membership.index.equals(models.index):
        if len(membership) != len(models) or not membership.index.isin(models.index).all():
            raise QueryError("membership must be a Series on the same index as the model frame")
        membership = membership.reindex(models.index)
    weight = pd.to_numeric(membership, errors="coerce").fillna(0.0).to_numpy(float)
    frame = models.loc[weight > 0]
    excluded: Counter[str] = Counter()

    dates = pd.to_datetime(frame["release_date"], errors="coerce")
    flop = pd.to_numeric(frame["training_compute_flop"], errors="coerce")
    ok_date = dates.notna().to_numpy()
    ok_flop = (flop > 0).fillna(False).to_numpy(bool)
    excluded["no release date"] += int((~ok_date).sum())
    excluded["no training compute"] += int((ok_date & ~ok_flop).sum())
    keep = ok_date & ok_flop
    stop = _as_timestamp(until)
    if stop is not None:
        late = keep & (dates > stop).to_numpy()
        excluded["released after until"] += int(late.sum())
        keep &= ~late
    if exclude_names:
        names = frame["name"] if "name" in frame.columns else pd.Series("", index=frame.index)
        bad = {n.strip().lower() for n in exclude_names}
        outlier = keep & names.astype("string").str.strip().str.lower().isin(bad).to_numpy(bool)
        excluded["named outlier"] += int(outlier.sum())
        keep &= ~outlier
    if exclude_finetunes and "base_model" in frame.columns:
        base = frame["base_model"].astype("string").str.strip()
        tuned = keep & (base.notna() & (base != "")).to_numpy(bool)
        excluded["fine-tuned from another model"] += int(tuned.sum())
        keep &= ~tuned

    if domains:
        if "domain" not in frame.columns:
            raise QueryError("model frame lacks column 'domain' needed for the domain filter")
        in_domain = _domain_mask(frame["domain"], domains)
    else:
        in_domain = np.ones(len(frame), dtype=bool)

    if rank_scope == "selected":
        off = keep & ~in_domain
        excluded["domain not " + "/".join(domains or ())] += int(off.sum())
        keep &= in_domain
    ranked = np.zeros(len(frame), dtype=bool)
    idx = np.flatnonzero(keep)
    ranked[idx] = rolling_top(dates.iloc[idx], flop.iloc[idx], top)
    eligible_mask = keep & in_domain
    excluded[f"not in rolling top {top}"] += int((keep & ~ranked).sum())
    keep &= ranked
    if rank_scope == "all":
        off = keep & ~in_domain
        excluded["domain not " + "/".join(domains or ())] += int(off.sum())
        keep &= in_domain
    start = _as_timestamp(since)
    if start is not None:
        early = keep & (dates < start).to_numpy()
        excluded["released before since"] += int(early.sum())
        keep &= ~early

    def table(mask: NDArray[np.bool_]) -> pd.DataFrame:
        out = pd.DataFrame(
            {
                "model_key": frame["model_key"].to_numpy()[mask]
                if "model_key" in frame.columns
                else None,
                "name": frame["name"].to_numpy()[mask] if "name" in frame.columns else None,
                "release_date": dates.to_numpy()[mask],
                "training_compute_flop": flop.to_numpy(float)[mask],
            }
        )
        out["log10_flop"] = np.log10(out["training_compute_flop"].to_numpy(float))
        out["x"] = decimal_years(out["release_date"]) if len(out) else np.empty(0)
        return out.sort_values(["release_date", "log10_flop"], kind="stable").reset_index(drop=True)

    return table(keep), table(eligible_mask), Counter({k: v for k, v in excluded.items() if v})


# --------------------------------------------------------------------------------- fitting


def _ols(
    s0: Array, s1: Array, s2: Array, sy: Array, sxy: Array, syy: Array
) -> tuple[Array, Array, Array]:
    """Intercept, slope and RSS of y = a + b x from sums (any matching shapes)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        den = s0 * s2 - s1 * s1
        bad = ~(den > 1e-12 * np.maximum(s0 * s2, 1e-300))
        b = np.where(bad, np.nan, (s0 * sxy - s1 * sy) / den)
        a = np.where(bad, np.nan, (sy - b * s1) / s0)
        rss = np.where(bad, np.nan, syy - a * sy - b * sxy)
    return a, b, np.maximum(rss, 0.0)


def _bic(rss: Array, n: int, k: int) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return n * np.log(np.maximum(rss, _RSS_FLOOR * n) / n) + k * math.log(n)


@dataclass
class _Fits:
    """Batched fit results, one entry per row of the (B, n) input; x is centred."""

    has_break: NDArray[np.bool_]
    break_x: Array  # NaN when no break
    a1: Array
    b1: Array  # first segment (equal to the last one when there is no break)
    a2: Array
    b2: Array  # last segment
    bic_none: Array
    bic_break: Array


def _fit_select(
    x: Array, y: Array, *, continuous: bool, min_segment: int, allow_break: bool
) -> _Fits:
    """Fit every row of sorted (B, n) arrays: no break and the best single break; pick by BIC."""
    bsz, n = x.shape
    one = np.ones_like(x)
    c0, c1, c2 = np.cumsum(one, 1), np.cumsum(x, 1), np.cumsum(x * x, 1)
    cy, cxy, cyy = np.cumsum(y, 1), np.cumsum(x * y, 1), np.cumsum(y * y, 1)
    tot = [c[:, -1] for c in (c0, c1, c2, cy, cxy, cyy)]
    a0, b0, rss0 = _ols(*tot)
    bic0 = _bic(rss0, n, 2)
    nan = np.full(bsz, np.nan)
    fits = _Fits(np.zeros(bsz, bool), nan.copy(), a0, b0, a0.copy(), b0.copy(), bic0, nan.copy())
    k_lo, k_hi = min_segment, n - min_segment  # k = points in the first segment
    if not allow_break or k_hi < k_lo:
        return fits
    ks = np.arange(k_lo, k_hi + 1)
    left = [c[:, ks - 1] for c in (c0, c1, c2, cy, cxy, cyy)]
    valid = x[:, ks - 1] < x[:, ks]  # never split points sharing a date
    if continuous:
        bpt = x[:, ks - 1]  # hinge at the last point of the first segment
        r0, r1, r2, _, rxy, _ = (t[:, None] - lf for t, lf in zip(tot, left, strict=True))
        ry = tot[3][:, None] - left[3]
        sh = r1 - bpt * r0
        shh = r2 - 2 * bpt * r1 + bpt * bpt * r0
        sxh = r2 - bpt * r1
        syh = rxy - bpt * ry
        s0 = np.broadcast_to(tot[0][:, None], sh.shape)
        s1 = np.broadcast_to(tot[1][:, None], sh.shape)
        s2 = np.broadcast_to(tot[2][:, None], sh.shape)
        xtx = np.stack(
            [np.stack([s0, s1, sh], -1), np.stack([s1, s2, sxh], -1), np.stack([sh, sxh, shh], -1)],
            -2,
        )
        xty = np.stack(
            [
                np.broadcast_to(tot[3][:, None], sh.shape),
                np.broadcast_to(tot[4][:, None], sh.shape),
                syh,
            ],
            -1,
        )
        det = np.linalg.det(xtx)
        scale = np.abs(s0 * s2 * shh) + 1e-300
        ok = valid & (np.abs(det) > 1e-10 * scale)
        xtx = np.where(ok[..., None, None], xtx, np.eye(3))
        beta = np.linalg.solve(xtx, xty[..., None])[..., 0]
        rss = np.maximum(tot[5][:, None] - (beta * xty).sum(-1), 0.0)
        rss = np.where(ok, rss, np.inf)
        best = np.argmin(rss, axis=1)
        rows = np.arange(bsz)
        rss_b = rss[rows, best]
        bic_b = _bic(rss_b, n, 4)
        beta_b = beta[rows, best]
        bx = bpt[rows, best]
        a1, b1 = beta_b[:, 0], beta_b[:, 1]
        b2 = beta_b[:, 1] + beta_b[:, 2]
        a2 = beta_b[:, 0] - beta_b[:, 2] * bx
    else:
        la, lb, lrss = _ols(*left)
        right = [t[:, None] - lf for t, lf in zip(tot, left, strict=True)]
        ra, rb, rrss = _ols(*right)
        rss = lrss + rrss
        rss = np.where(valid & np.isfinite(rss), rss, np.inf)
        best = np.argmin(rss, axis=1)
        rows = np.arange(bsz)
        rss_b = rss[rows, best]
        bic_b = _bic(rss_b, n, 5)
        kb = ks[best]
        bx = (x[rows, kb - 1] + x[rows, kb]) / 2.0
        a1, b1, a2, b2 = la[rows, best], lb[rows, best], ra[rows, best], rb[rows, best]
    usable = np.isfinite(rss_b)
    chosen = usable & (bic_b < bic0)
    fits.bic_break = np.where(usable, bic_b, np.nan)
    fits.has_break = chosen
    fits.break_x = np.where(chosen, bx, np.nan)
    fits.a1, fits.b1 = np.where(chosen, a1, a0), np.where(chosen, b1, b0)
    fits.a2, fits.b2 = np.where(chosen, a2, a0), np.where(chosen, b2, b0)
    return fits


def _fit_fixed(
    x: Array, y: Array, break_x: float | None, *, continuous: bool
) -> tuple[Array, Array]:
    """Intercept and slope of the last segment of each row, with the break fixed (or none)."""
    if break_x is None:
        n1 = np.ones_like(x).sum(1)
        a, b, _ = _ols(n1, x.sum(1), (x * x).sum(1), y.sum(1), (x * y).sum(1), (y * y).sum(1))
        return a, b
    if continuous:
        h = np.maximum(x - break_x, 0.0)
        cols = np.stack([np.ones_like(x), x, h], -1)  # (B, n, 3)
        xtx = np.einsum("bni,bnj->bij", cols, cols)
        xty = np.einsum("bni,bn->bi", cols, y)
        det = np.linalg.det(xtx)
        n_right = (h > 0).sum(1)
        ok = np.abs(det) > 1e-10 * (np.abs(xtx[:, 0, 0] * xtx[:, 1, 1] * xtx[:, 2, 2]) + 1e-300)
        ok &= n_right >= 1
        xtx = np.where(ok[:, None, None], xtx, np.eye(3))
        beta = np.linalg.solve(xtx, xty[..., None])[..., 0]
        slope = np.where(ok, beta[:, 1] + beta[:, 2], np.nan)
        icpt = np.where(ok, beta[:, 0] - beta[:, 2] * break_x, np.nan)
        return icpt, slope
    m = (x >= break_x).astype(float)
    a, b, _ = _ols(
        m.sum(1),
        (m * x).sum(1),
        (m * x * x).sum(1),
        (m * y).sum(1),
        (m * x * y).sum(1),
        (m * y * y).sum(1),
    )
    return a, b


# --------------------------------------------------------------------------------- results


def _q(values: Array, level: float) -> tuple[float, float]:
    """Percentile interval of the finite values (NaN, NaN if none)."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return (math.nan, math.nan)
    lo, hi = np.quantile(v, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _doubling_months(slope: float) -> float:
    return 12.0 * _LOG10_2 / slope if slope > 0 else math.inf


@dataclass(frozen=True)
class Segment:
    """One straight piece of a fitted trend: log10(FLOP) = intercept + slope * years."""

    start: date
    end: date
    slope: float
    intercept: float

    def at(self, x: Any) -> Any:
        """Fitted log10(FLOP) at decimal year(s) ``x`` (a float or an array)."""
        return self.intercept + self.slope * x


@dataclass
class ComputeTrend:
    """A group's training-compute trend (see the module docstring for the method).

    Attributes:
        label: the group's name as the caller gave it.
        slope: log10(FLOP) per year of the last segment; growth = 10**slope per year.
        slope_interval: bootstrap percentile interval of ``slope`` at ``level``.
        break_date: the chosen breakpoint, or None.
        segments: the fitted pieces (one, or two with a break).
        points: the fitted models (columns model_key, name, release_date,
            training_compute_flop, log10_flop, x, segment, fitted).
        eligible: every eligible model of the group (for "largest so far").
        excluded: reason -> number of the group's models left out.
        boot_intercept, boot_slope: the last segment of every bootstrap resample.
        method: the options used, for provenance.
    """

    label: str
    n_points: int
    slope: float
    slope_interval: tuple[float, float]
    break_date: date | None
    bic_none: float
    bic_break: float
    segments: list[Segment]
    points: pd.DataFrame
    eligible: pd.DataFrame
    excluded: Counter[str]
    until: date
    level: float
    boot_intercept: Array = field(repr=False)
    boot_slope: Array = field(repr=False)
    boot_break_share: float
    method: dict[str, Any]

    @property
    def growth(self) -> float:
        """Growth factor per year of the last segment (10**slope)."""
        return float(10.0**self.slope)

    @property
    def growth_interval(self) -> tuple[float, float]:
        lo, hi = self.slope_interval
        return float(10.0**lo), float(10.0**hi)

    @property
    def doubling_months(self) -> float:
        """Doubling time in months of the last segment (inf if not growing)."""
        return _doubling_months(self.slope)

    @property
    def doubling_interval(self) -> tuple[float, float]:
        lo, hi = self.slope_interval
        return _doubling_months(hi), _doubling_months(lo)

    def predict(self, when: date | str | pd.Timestamp) -> float:
        """Fitted log10(FLOP) of the last segment at ``when`` (extrapolated if needed)."""
        return float(self.segments[-1].at(float(decimal_years([when])[0])))

    def line(self, points_per_segment: int = 2) -> pd.DataFrame:
        """The fitted line for charts: date, log10_flop, flop, segment (last one to ``until``)."""
        parts = []
        for i, seg in enumerate(self.segments):
            x = np.linspace(
                float(decimal_years([seg.start])[0]),
                float(decimal_years([seg.end])[0]),
                max(points_per_segment, 2),
            )
            y = seg.intercept + seg.slope * x
            parts.append(
                pd.DataFrame(
                    {
                        "date": [pd.Timestamp(years_to_date(v)) for v in x],
                        "log10_flop": y,
                        "flop": 10.0**y,
                        "segment": i + 1,
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)

    @property
    def summary(self) -> dict[str, Any]:
        """The headline figures as a flat dict."""
        g_lo, g_hi = self.growth_interval
        d_lo, d_hi = self.doubling_interval
        return {
            "group": self.label,
            "n_points": self.n_points,
            "growth_per_year": self.growth,
            "growth_lower": g_lo,
            "growth_upper": g_hi,
            "doubling_months": self.doubling_months,
            "doubling_lower": d_lo,
            "doubling_upper": d_hi,
            "break_date": self.break_date,
            "segment_start": self.segments[-1].start,
            "level": self.level,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description: summary, segments, BIC, exclusions and method."""
        out = dict(self.summary)
        out.update(
            slope_log10_per_year=self.slope,
            slope_interval=list(self.slope_interval),
            bic_no_break=self.bic_none,
            bic_best_break=self.bic_break,
            boot_break_share=self.boot_break_share,
            until=self.until,
            segments=[
                {
                    "start": s.start,
                    "end": s.end,
                    "slope": s.slope,
                    "intercept": s.intercept,
                    "growth_per_year": 10.0**s.slope,
                }
                for s in self.segments
            ],
            excluded=dict(self.excluded),
            method=self.method,
        )
        return dict(jsonable(out))


def compute_trend(
    models: pd.DataFrame,
    membership: pd.Series,
    *,
    rng: np.random.Generator,
    label: str = "",
    top: int = 10,
    since: date | str | None = date(2018, 1, 1),
    until: date | str | None = None,
    exclude_finetunes: bool = True,
    domains: tuple[str, ...] | None = LLM_DOMAINS,
    exclude_names: tuple[str, ...] = EPOCH_OUTLIERS,
    rank_scope: RankScope = "all",
    continuous: bool = True,
    allow_break: bool = True,
    min_segment: int = 10,
    n_boot: int = 1000,
    boot: BootMode = "fixed",
    level: float = 0.9,
) -> ComputeTrend:
    """Fit a group's rolling top-N training-compute trend, with a bootstrap interval.

    Args:
        models: canonical model frame (needs release_date, training_compute_flop, domain;
            uses name, model_key, base_model when present).
        membership: weight 0..1 per row of ``models`` (same index); weight > 0 = member.
        rng: the seeded generator all resampling draws from.
        label: the group's name, for output.
        top: N of the rolling top N.
        since: first release date fitted (models before it still count for the ranking).
        until: last release date considered (as-of); default: the newest kept model.
        exclude_finetunes: drop models with a base model (Epoch's choice).
        domains: domains kept (any match); None keeps all.
        exclude_names: model names dropped as outliers before ranking.
        rank_scope: "all" ranks over all domains then filters (Epoch's order);
            "selected" ranks among the selected domains only.
        continuous: piecewise model joined at the break (hinge) instead of two free lines.
        allow_break: False fits a single line.
        min_segment: fewest points on each side of a break.
        n_boot: bootstrap resamples (0: no interval).
        boot: "fixed" keeps the point estimate's break; "refit" re-chooses it per resample.
        level: interval coverage, e.g. 0.9.

    Raises:
        QueryError: too few models, bad options or a frame lacking needed columns.
    """
    if not 0 < level < 1:
        raise QueryError(f"level must be between 0 and 1, got {level}")
    if n_boot < 0:
        raise QueryError(f"n_boot must be >= 0, got {n_boot}")
    if min_segment < 2:
        raise QueryError(f"min_segment must be at least 2, got {min_segment}")
    if boot not in ("fixed", "refit"):
        raise QueryError(f"boot must be 'fixed' or 'refit', got {boot!r}")
    points, eligible, excluded = select_models(
        models,
        membership,
        top=top,
        since=since,
        until=until,
        exclude_finetunes=exclude_finetunes,
        domains=domains,
        exclude_names=exclude_names,
        rank_scope=rank_scope,
    )
    name = label or "group"
    n = len(points)
    if n < 3 or points["x"].nunique() < 2:
        why = ", ".join(f"{v} {k}" for k, v in excluded.most_common()) or "none"
        raise QueryError(
            f"{name}: only {n} model(s) with known training compute left after the filters "
            f"(left out: {why}); need at least 3 on 2 dates"
        )
    x_raw = points["x"].to_numpy(float)
    y = points["log10_flop"].to_numpy(float)
    xc = float(x_raw.mean())
    x = x_raw - xc
    fit = _fit_select(
        x[None, :],
        y[None, :],
        continuous=continuous,
        min_segment=min_segment,
        allow_break=allow_break,
    )
    has_break = bool(fit.has_break[0])
    bx = float(fit.break_x[0]) if has_break else None
    stop = _as_timestamp(until)
    end_day = stop.date() if stop is not None else points["release_date"].max().date()
    first_day = points["release_date"].min().date()

    def seg(a: float, b: float, start: date, stop_day: date) -> Segment:
        return Segment(start, stop_day, float(b), float(a - b * xc))

    if has_break and bx is not None:
        bdate = years_to_date(bx + xc)
        segments = [
            seg(fit.a1[0], fit.b1[0], first_day, bdate),
            seg(fit.a2[0], fit.b2[0], bdate, end_day),
        ]
    else:
        bdate = None
        segments = [seg(fit.a2[0], fit.b2[0], first_day, end_day)]
    pts = points.copy()
    in_last = x >= bx if bx is not None else np.ones(n, dtype=bool)
    pts["segment"] = np.where(in_last, len(segments), 1)
    first, last = segments[0], segments[-1]
    pts["fitted"] = np.where(in_last, last.at(x_raw), first.at(x_raw))

    boot_a = np.empty(0)
    boot_b = np.empty(0)
    share = math.nan
    if n_boot > 0:
        idx = rng.integers(0, n, size=(n_boot, n))
        idx.sort(axis=1)  # points are sorted by x, so sorted indices keep x sorted
        xb, yb = x[idx], y[idx]
        if boot == "refit":
            bf = _fit_select(
                xb, yb, continuous=continuous, min_segment=min_segment, allow_break=allow_break
            )
            boot_a, boot_b = bf.a2, bf.b2
            share = float(bf.has_break.mean())
        else:
            boot_a, boot_b = _fit_fixed(xb, yb, bx, continuous=continuous)
            share = 1.0 if has_break else 0.0
        boot_a = boot_a - boot_b * xc  # back to raw decimal years
    slope = last.slope
    interval = _q(boot_b, level) if n_boot > 0 else (math.nan, math.nan)
    method = {
        "top": top,
        "since": since,
        "until": until,
        "exclude_finetunes": exclude_finetunes,
        "domains": list(domains) if domains else None,
        "exclude_names": list(exclude_names),
        "rank_scope": rank_scope,
        "continuous": continuous,
        "allow_break": allow_break,
        "min_segment": min_segment,
        "n_boot": n_boot,
        "boot": boot,
        "n_boot_failed": int((~np.isfinite(boot_b)).sum()),
    }
    return ComputeTrend(
        label=name,
        n_points=n,
        slope=slope,
        slope_interval=interval,
        break_date=bdate,
        bic_none=float(fit.bic_none[0]),
        bic_break=float(fit.bic_break[0]),
        segments=segments,
        points=pts,
        eligible=eligible,
        excluded=excluded,
        until=end_day,
        level=level,
        boot_intercept=boot_a,
        boot_slope=boot_b,
        boot_break_share=share,
        method=jsonable(method),
    )


# ------------------------------------------------------------------------------------ gap


@dataclass
class ComputeGap:
    """How far a follower's compute trend is behind a leader's, at an end date.

    Attributes:
        gap_log10: leader fit minus follower fit at ``end`` (orders of magnitude).
        lag_years: gap_log10 / follower slope: years for the follower's trend to reach
            the leader's fitted level at ``end``; inf if the follower is not growing.
        largest_ratio: leader's largest training compute to date / follower's.
        largest_lag_years: log10(largest_ratio) / follower slope (Epoch's "8 months from
            Doubao-pro to Grok-2" arithmetic).
    """

    leader: str
    follower: str
    end: date
    level: float
    gap_log10: float
    gap_interval: tuple[float, float]
    lag_years: float
    lag_interval: tuple[float, float]
    largest_ratio: float
    largest_lag_years: float
    largest_lag_interval: tuple[float, float]
    leader_largest: dict[str, Any]
    follower_largest: dict[str, Any]
    n_boot: int
    n_boot_failed: int

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "leader": self.leader,
            "follower": self.follower,
            "end": self.end,
            "lag_years": self.lag_years,
            "lag_lower": self.lag_interval[0],
            "lag_upper": self.lag_interval[1],
            "gap_log10": self.gap_log10,
            "largest_ratio": self.largest_ratio,
            "largest_lag_years": self.largest_lag_years,
            "level": self.level,
        }

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.summary)
        out.update(
            gap_interval=list(self.gap_interval),
            lag_interval=list(self.lag_interval),
            largest_lag_interval=list(self.largest_lag_interval),
            leader_largest=self.leader_largest,
            follower_largest=self.follower_largest,
            n_boot=self.n_boot,
            n_boot_failed=self.n_boot_failed,
        )
        return dict(jsonable(out))


def _largest(trend: ComputeTrend, end: pd.Timestamp) -> dict[str, Any]:
    el = trend.eligible
    el = el[el["release_date"] <= end]
    if el.empty:
        return {"name": None, "release_date": None, "training_compute_flop": math.nan}
    row = el.iloc[int(np.argmax(el["training_compute_flop"].to_numpy(float)))]
    return {
        "name": row["name"],
        "release_date": pd.Timestamp(row["release_date"]).date(),
        "training_compute_flop": float(row["training_compute_flop"]),
    }


def compute_gap(
    leader: ComputeTrend, follower: ComputeTrend, end: date | str | None = None
) -> ComputeGap:
    """Compute lag of ``follower`` behind ``leader`` at ``end`` (default: the later ``until``).

    Intervals pair the i-th bootstrap draw of each trend (the groups are resampled
    independently, so this is a draw from their joint sampling distribution).
    """
    stop = _as_timestamp(end) or pd.Timestamp(max(leader.until, follower.until))
    xe = float(decimal_years([stop])[0])
    gap = leader.predict(stop) - follower.predict(stop)
    f_slope = follower.slope
    lag = gap / f_slope if f_slope > 0 else math.inf
    m = min(len(leader.boot_slope), len(follower.boot_slope))
    level = min(leader.level, follower.level)
    with np.errstate(divide="ignore", invalid="ignore"):
        gb = (leader.boot_intercept[:m] + leader.boot_slope[:m] * xe) - (
            follower.boot_intercept[:m] + follower.boot_slope[:m] * xe
        )
        fb = follower.boot_slope[:m]
        lagb = np.where(fb > 0, gb / fb, np.nan)
    lead_max = _largest(leader, stop)
    foll_max = _largest(follower, stop)
    ratio = lead_max["training_compute_flop"] / foll_max["training_compute_flop"]
    log_ratio = math.log10(ratio) if ratio > 0 and math.isfinite(ratio) else math.nan
    big_lag = log_ratio / f_slope if f_slope > 0 else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        big_b = np.where(fb > 0, log_ratio / fb, np.nan)
    return ComputeGap(
        leader=leader.label,
        follower=follower.label,
        end=stop.date(),
        level=level,
        gap_log10=gap,
        gap_interval=_q(gb, level),
        lag_years=lag,
        lag_interval=_q(lagb, level),
        largest_ratio=ratio,
        largest_lag_years=big_lag,
        largest_lag_interval=_q(big_b, level),
        leader_largest=lead_max,
        follower_largest=foll_max,
        n_boot=m,
        n_boot_failed=int((~np.isfinite(lagb)).sum()),
    )
