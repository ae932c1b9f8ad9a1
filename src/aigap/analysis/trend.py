"""Is the gap closing? (method 6).

Two tests live here:

- :func:`record_trend` / :func:`trend_windows` (the calibrated test, use this): compare how fast
  the two groups' frontier *records* rise. A follower that closes in improves faster; with linear
  frontiers the lag changes by 12 * (1 - g_follower / g_leader) months per year. The interval
  comes from resampling models (as the lag bootstrap does), which keeps the sparse record
  process intact. Calibrated by simulation (benchmarks/bench_trend_calibration.py,
  docs/methods.md).
- :func:`gap_trend` (the old test, kept for comparison): OLS of the *daily* lag on time with
  Newey-West errors. A daily saw-tooth has ~1,000 days but only about a dozen independent events,
  so its interval is far too narrow: in simulation it calls about half of trend-free pairs
  "closing" or "widening" at a nominal 10%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.common import to_timestamp
from aigap.analysis.units import DAYS_PER_YEAR
from aigap.errors import QueryError

__all__ = [
    "DAYS_PER_YEAR",
    "TREND_EXPONENT",
    "RecordTrend",
    "TrendResult",
    "WindowedTrend",
    "default_maxlags",
    "gap_trend",
    "overall_verdict",
    "record_trend",
    "trend_windows",
]



def default_maxlags(n: int) -> int:
    """Newey-West truncation lag for n observations: ceil(1.3 * sqrt(n)).

    This is the rule recommended by Lazarus, Lewis, Stock and Watson (2018, "HAR Inference:
    Recommendations for Practice", JBES). It is much longer than the classic 4(n/100)^(2/9) rule,
    which is too short for persistent daily series. Capped at n - 1.
    """
    return max(0, min(n - 1, math.ceil(1.3 * math.sqrt(n))))


@dataclass(frozen=True)
class TrendResult:
    """OLS slope of a gap series on time (per year) with a HAC interval and a verdict.

    Attributes:
        column: the series column regressed (e.g. ``lag_months``; the slope is in its unit per
            year, so months per year for the lag).
        slope, lower, upper: slope per year and its interval at ``level``.
        p_value: two-sided p-value of slope = 0 (HAC, normal reference); NaN if undefined.
        intercept: fitted value at ``start``.
        n: days used; n_dropped: days in the window left out for a non-finite value.
        maxlags: Newey-West truncation lag used (days).
        verdict: ``closing`` (whole interval < 0), ``widening`` (whole interval > 0) or
            ``no clear trend``.
        fitted: DataFrame[date, fitted] of the fitted line, for charts.
    """

    column: str
    slope: float
    lower: float
    upper: float
    p_value: float
    intercept: float
    n: int
    n_dropped: int
    maxlags: int
    level: float
    verdict: str
    start: pd.Timestamp
    end: pd.Timestamp
    fitted: pd.DataFrame

    @property
    def ci(self) -> tuple[float, float]:
        """The (lower, upper) interval of the slope."""
        return (self.lower, self.upper)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates ISO, NaN as None), without the fitted line."""

        def clean(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "column": self.column,
            "slope_per_year": clean(self.slope),
            "ci": [clean(self.lower), clean(self.upper)],
            "level": self.level,
            "p_value": clean(self.p_value),
            "intercept": clean(self.intercept),
            "n": self.n,
            "n_dropped": self.n_dropped,
            "maxlags": self.maxlags,
            "verdict": self.verdict,
            "start": self.start.date().isoformat(),
            "end": self.end.date().isoformat(),
        }


def _verdict(lower: float, upper: float) -> str:
    if upper < 0:
        return "closing"
    if lower > 0:
        return "widening"
    return "no clear trend"


def gap_trend(
    series: pd.DataFrame,
    *,
    column: str = "lag_months",
    since: object = None,
    until: object = None,
    level: float = 0.9,
    maxlags: int | None = None,
) -> TrendResult:
    """Fit ``column ~ a + b * years`` by OLS with Newey-West (Bartlett) HAC standard errors.

    Works on any daily series with a ``date`` column: the daily lag (``lag_months``, slope in
    months per year) or the vertical gap (``gap`` or ``gap_pct``, points or % per year).

    Args:
        series: DataFrame with ``date`` and ``column``.
        column: the column to regress on time.
        since, until: inclusive window (default: the whole series).
        level: interval level in (0, 1).
        maxlags: HAC truncation lag in rows (days); default :func:`default_maxlags`.

    Raises:
        QueryError: missing column, bad level or maxlags, or fewer than 3 usable days.
    """
    import statsmodels.api as sm

    if not (isinstance(level, (int, float)) and 0 < float(level) < 1):
        raise QueryError(f"confidence level must be strictly between 0 and 1, got {level!r}")
    for col in ("date", column):
        if col not in series.columns:
            raise QueryError(
                f"series has no column {col!r}; columns: {', '.join(map(str, series.columns))}"
            )
    dates = pd.to_datetime(series["date"]).astype("datetime64[ns]")
    keep = pd.Series(True, index=series.index)
    lo = None if since is None else to_timestamp(since, "since date")
    hi = None if until is None else to_timestamp(until, "until date")
    if lo is not None and hi is not None and hi < lo:
        raise QueryError(f"until date {hi.date()} is before since date {lo.date()}")
    if lo is not None:
        keep &= dates >= lo
    if hi is not None:
        keep &= dates <= hi
    y_all = pd.to_numeric(series.loc[keep, column], errors="coerce").to_numpy(dtype="float64")
    d_all = dates[keep].to_numpy()
    finite = np.isfinite(y_all)
    y, d = y_all[finite], d_all[finite]
    n = int(y.size)
    if n < 3:
        raise QueryError(
            f"trend needs at least 3 days with a finite {column} in the window, got {n}"
        )
    order = np.argsort(d, kind="mergesort")
    y, d = y[order], d[order]
    years = (d - d[0]).astype("timedelta64[D]").astype("float64") / DAYS_PER_YEAR
    if years[-1] == 0:
        raise QueryError("trend needs days spread over time; all usable days share one date")
    if maxlags is None:
        lags = default_maxlags(n)
    else:
        if isinstance(maxlags, bool) or not isinstance(maxlags, (int, np.integer)):
            raise QueryError(f"maxlags must be an integer >= 0, got {maxlags!r}")
        if not 0 <= maxlags < n:
            raise QueryError(f"maxlags must be between 0 and {n - 1} for {n} days, got {maxlags}")
        lags = int(maxlags)
    x = sm.add_constant(years, has_constant="add")
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    params = np.asarray(fit.params, dtype="float64")
    ci = np.asarray(fit.conf_int(alpha=1 - float(level)), dtype="float64")
    lower, upper = float(ci[1, 0]), float(ci[1, 1])
    p_value = float(np.asarray(fit.pvalues)[1])
    if not (math.isfinite(lower) and math.isfinite(upper)):
        lower = upper = math.nan
    slope = float(params[1])
    fitted = pd.DataFrame(
        {"date": pd.Series(d).astype("datetime64[ns]"), "fitted": params[0] + slope * years}
    )
    return TrendResult(
        column=column,
        slope=slope,
        lower=lower,
        upper=upper,
        p_value=p_value,
        intercept=float(params[0]),
        n=n,
        n_dropped=int((~finite).sum()),
        maxlags=lags,
        level=float(level),
        verdict=_verdict(lower, upper) if math.isfinite(lower) else "no clear trend",
        start=pd.Timestamp(d[0]),
        end=pd.Timestamp(d[-1]),
        fitted=fitted,
    )


# ----------------------------------------------------------------------------- record-growth test


TREND_EXPONENT = 0.95
"""Models drawn per resample in :func:`record_trend`: round(m ** 0.95) (a mild m-out-of-n
bootstrap; records are running maxima). Chosen by simulation (docs/methods.md): 6-7% false
"closing"/"widening" at a nominal 10% and 88-99% power against a 1.5x faster follower, where
the ordinary bootstrap gave 12-13% and m ** 0.9 only 3-4% with less power."""


@dataclass(frozen=True)
class RecordTrend:
    """The record-growth trend of the lag over one window.

    Attributes:
        window: a label ("from start", "last 24 months"...).
        slope, lower, upper: change of the lag in months per year and its interval at ``level``
            (negative = closing); NaN when undefined (see ``reason``).
        leader_growth, follower_growth: OLS slopes of each group's records in the window,
            score points per year.
        verdict: ``closing`` (follower's records rise faster, whole interval), ``widening``,
            ``no clear trend`` or ``too few records``.
        reason: why no verdict could be given (None otherwise).
        n_records: records in the window per group (point estimate).
        n_models: resampling units per group; n: resamples; n_defined: resamples where both
            slopes were defined.
        fitted: DataFrame[date, fitted, lower, upper] of the lag line (months) and its pointwise
            band, for charts.
    """

    window: str
    slope: float
    lower: float
    upper: float
    leader_growth: float
    follower_growth: float
    verdict: str
    reason: str | None
    n_records: dict[str, int]
    n_models: dict[str, int]
    n: int
    n_defined: int
    level: float
    start: pd.Timestamp
    end: pd.Timestamp
    fitted: pd.DataFrame
    method: str = "record-growth bootstrap"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (dates ISO, NaN as None), without the fitted line."""

        def clean(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "window": self.window,
            "method": self.method,
            "slope_months_per_year": clean(self.slope),
            "ci": [clean(self.lower), clean(self.upper)],
            "level": self.level,
            "leader_growth_per_year": clean(self.leader_growth),
            "follower_growth_per_year": clean(self.follower_growth),
            "verdict": self.verdict,
            "reason": self.reason,
            "n_records": self.n_records,
            "n_models": self.n_models,
            "n": self.n,
            "n_defined": self.n_defined,
            "start": self.start.date().isoformat(),
            "end": self.end.date().isoformat(),
        }


def _prepared(frame: pd.DataFrame, group: str, end: pd.Timestamp | None,
              unit: str) -> pd.DataFrame:
    from aigap.analysis.frontier import per_model_best
    from aigap.analysis.uncertainty import resampling_units

    best = per_model_best(resampling_units(frame, unit), group=group)
    if end is not None:
        best = best.loc[best["date"] <= end].reset_index(drop=True)
    if len(best) < 2:
        raise QueryError(
            f"the {group} group has {len(best)} model(s) with a score and a date up to the end "
            "date; at least 2 are needed for a trend"
        )
    return best


def _record_fits(
    x: np.ndarray, v: np.ndarray, idx: np.ndarray, lo: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per resample row: (slope, intercept, records) of an OLS line through the records in the
    window ``x >= lo``. ``x``, ``v`` are one group's models sorted by date; ``idx`` (c, m)
    resample indices. Records are strict running maxima over the whole history (the window only
    selects which records enter the fit). Slope NaN where fewer than 2 records fall in it."""
    idx = np.sort(idx, axis=1)
    xv, vv = x[idx], v[idx]
    run = np.maximum.accumulate(vv, axis=1)
    prev = np.full_like(run, -np.inf)
    prev[:, 1:] = run[:, :-1]
    w = ((vv > prev) & (xv >= lo)).astype("float64")
    k = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * xv).sum(axis=1) / k
        my = (w * vv).sum(axis=1) / k
        dx = xv - mx[:, None]
        sxx = (w * dx * dx).sum(axis=1)
        b = np.where((k >= 2) & (sxx > 0), (w * dx * (vv - my[:, None])).sum(axis=1) / sxx, np.nan)
    return b, my - b * mx, k.astype("int64")


def _verdict_growth(d_lo: float, d_hi: float) -> str:
    if d_lo > 0:
        return "closing"
    if d_hi < 0:
        return "widening"
    return "no clear trend"


def record_trend(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    since: object = None,
    end: object = None,
    n: int = 1000,
    rng: np.random.Generator,
    level: float = 0.9,
    unit: str = "model",
    min_records: int = 3,
    window: str = "from start",
    anchor: float | None = None,
    m_exponent: float = TREND_EXPONENT,
) -> RecordTrend:
    """Is the lag closing? Compare the growth of the two groups' frontier records.

    Each group's records (strict running maxima, over all history up to ``end``) that fall in
    the window [since, end] are fitted by an OLS line in score points per year. The follower
    closes in if its records rise faster. Uncertainty: resample models with replacement within
    each group (``unit="model"``: one draw per model however many keys it has, see
    :mod:`aigap.attribution.identity`), recompute records and slopes, and take the percentile
    interval of g_follower - g_leader. The verdict needs the whole interval on one side of 0.
    The lag slope is 12 * (1 - g_follower / g_leader) months per year; its interval is the
    growth-difference interval mapped through the leader's estimated growth, so verdict and
    interval always agree.

    Args:
        leader, follower: group tables (``model``, ``date``, ``value``; optional ``model_id``,
            ``name``).
        since: window start (default: the later of the two groups' first model dates).
        end: last day used (default: the latest model date in either group).
        n: resamples; rng: a seeded generator; level: interval level.
        unit: ``"model"`` (default) or ``"key"`` (the old resampling unit).
        min_records: records each group needs in the window for a verdict.
        window: a label for output; anchor: optional level (months) of the lag line at the
            window's middle (e.g. the mean daily lag) so the line overlays the daily series;
            default: the level implied by the two fitted record lines.
        m_exponent: each resample draws round(m ** m_exponent) of a group's m models (default
            :data:`TREND_EXPONENT`; 1.0 = the ordinary bootstrap, which calls 12-13% of
            trend-free simulated pairs closing or widening at a nominal 10%).

    Raises:
        QueryError: bad n, level, unit, dates, or a group with fewer than 2 models.
    """
    from aigap.analysis.uncertainty import check_common, check_rng, draw_size

    check_common(n, level)
    rng = check_rng(rng)
    end_ts = None if end is None else to_timestamp(end, "end date")
    lead = _prepared(leader, "leader", end_ts, unit)
    foll = _prepared(follower, "follower", end_ts, unit)
    stop = end_ts if end_ts is not None else max(lead["date"].max(), foll["date"].max())
    first = max(lead["date"].min(), foll["date"].min())
    start = first if since is None else max(first, to_timestamp(since, "since date"))
    if start >= stop:
        raise QueryError(f"trend window is empty: start {start.date()} is not before end "
                         f"{stop.date()}")
    x_l = (lead["date"] - start).dt.days.to_numpy("float64") / DAYS_PER_YEAR
    x_f = (foll["date"] - start).dt.days.to_numpy("float64") / DAYS_PER_YEAR
    v_l = lead["value"].to_numpy("float64")
    v_f = foll["value"].to_numpy("float64")
    b_l, a_l, k_l = _record_fits(x_l, v_l, np.arange(len(v_l))[None, :], 0.0)
    b_f, a_f, k_f = _record_fits(x_f, v_f, np.arange(len(v_f))[None, :], 0.0)
    k_draw_l = draw_size(len(v_l), m_exponent)
    k_draw_f = draw_size(len(v_f), m_exponent)
    idx_l = rng.integers(0, len(v_l), size=(n, k_draw_l))
    idx_f = rng.integers(0, len(v_f), size=(n, k_draw_f))
    bl = _record_fits(x_l, v_l, idx_l, 0.0)[0]
    bf = _record_fits(x_f, v_f, idx_f, 0.0)[0]
    ok = np.isfinite(bl) & np.isfinite(bf)
    span = (stop - start).days / DAYS_PER_YEAR
    base = dict(window=window, n_records={"leader": int(k_l[0]), "follower": int(k_f[0])},
                n_models={"leader": len(lead), "follower": len(foll)}, n=int(n),
                n_defined=int(ok.sum()), level=float(level), start=start, end=stop)
    reason = None
    if min(k_l[0], k_f[0]) < min_records:
        reason = (f"too few records in the window (leader {k_l[0]}, follower {k_f[0]}; "
                  f"{min_records} each needed)")
    elif not (b_l[0] > 0):
        reason = "the leader's records do not rise in the window, so the lag has no rate"
    elif ok.sum() < max(10, n // 2):
        reason = "the slopes are undefined in most resamples"
    if reason is not None:
        empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "fitted": [],
                              "lower": [], "upper": []})
        return RecordTrend(slope=math.nan, lower=math.nan, upper=math.nan,
                           leader_growth=float(b_l[0]), follower_growth=float(b_f[0]),
                           verdict="too few records", reason=reason, fitted=empty, **base)
    d = (bf - bl)[ok]
    d_lo, d_hi = np.percentile(d, [50 * (1 - level), 50 * (1 + level)])
    g = float(b_l[0])
    fitted = _lag_line(start, span, (a_l[0], b_l[0], a_f[0], b_f[0]),
                       (-12 * d_hi / g, -12 * d_lo / g), anchor)
    return RecordTrend(
        slope=-12.0 * float(b_f[0] - b_l[0]) / g, lower=-12.0 * float(d_hi) / g,
        upper=-12.0 * float(d_lo) / g, leader_growth=g, follower_growth=float(b_f[0]),
        verdict=_verdict_growth(float(d_lo), float(d_hi)), reason=None, fitted=fitted, **base)


def _lag_line(start: pd.Timestamp, span: float, fit: tuple[float, float, float, float],
              slope_ci: tuple[float, float], anchor: float | None) -> pd.DataFrame:
    """The fitted lag line (months) over the window and a band from the slope interval.

    The line's level at the window's middle is ``anchor`` or the gap between the two fitted
    record lines divided by the leader's growth; the band pivots about that middle point.
    """
    a_l, b_l, a_f, b_f = fit
    x = np.linspace(0.0, span, 25)
    mid = span / 2
    level = anchor if anchor is not None else 12.0 * ((a_l - a_f) + (b_l - b_f) * mid) / b_l
    slope = 12.0 * (1.0 - b_f / b_l)
    lo_line = level + slope_ci[0] * (x - mid)
    hi_line = level + slope_ci[1] * (x - mid)
    days = np.round(x * DAYS_PER_YEAR).astype("int64")
    return pd.DataFrame({
        "date": (start + pd.to_timedelta(days, "D")).astype("datetime64[ns]"),
        "fitted": level + slope * (x - mid),
        "lower": np.minimum(lo_line, hi_line),
        "upper": np.maximum(lo_line, hi_line),
    })


@dataclass(frozen=True)
class WindowedTrend:
    """Record-growth trends over several windows and the overall verdict.

    ``overall`` is the common verdict when every window with a verdict agrees, else
    ``depends on the window``; windows with too few records are listed but do not vote.
    """

    windows: list[RecordTrend]
    overall: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: overall verdict and each window's result."""
        return {"overall": self.overall, "windows": [w.to_dict() for w in self.windows]}


def overall_verdict(verdicts: list[str]) -> str:
    """One verdict from several windows: the common one, else "depends on the window".

    Windows without a verdict ("too few records") are ignored; none left gives
    "too few records".
    """
    used = [v for v in verdicts if v != "too few records"]
    if not used:
        return "too few records"
    return used[0] if len(set(used)) == 1 else "depends on the window"


def trend_windows(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    end: object = None,
    since: object = None,
    months: tuple[int | None, ...] = (None, 24, 12),
    n: int = 1000,
    rng: np.random.Generator,
    level: float = 0.9,
    unit: str = "model",
    series: pd.DataFrame | None = None,
    m_exponent: float = TREND_EXPONENT,
) -> WindowedTrend:
    """:func:`record_trend` over several windows ending at ``end``: from ``since`` (or the
    start) and the last 24 and 12 months (``months``; None = from the start).

    A window reaching back before the start is cut to it. With ``series`` (a daily lag series
    with ``date`` and ``lag_months``) each window's line is anchored at the mean daily lag of
    that window so it overlays the daily chart.
    """
    end_ts = None if end is None else to_timestamp(end, "end date")
    if end_ts is None:
        end_ts = max(pd.to_datetime(leader["date"]).max(), pd.to_datetime(follower["date"]).max())
    out = []
    for m in months:
        start = since if m is None else max(
            end_ts - pd.DateOffset(months=m) + pd.Timedelta(days=1),
            to_timestamp(since, "since date") if since is not None else pd.Timestamp.min)
        label = "from start" if m is None else f"last {m} months"
        anchor = None
        if series is not None:
            sel = series.loc[(series["date"] >= (start or series["date"].min()))
                             & (series["date"] <= end_ts), "lag_months"]
            anchor = float(sel.mean()) if len(sel) else None
        out.append(record_trend(leader, follower, since=start, end=end_ts, n=n, rng=rng,
                                level=level, unit=unit, window=label, anchor=anchor,
                                m_exponent=m_exponent))
    return WindowedTrend(windows=out, overall=overall_verdict([w.verdict for w in out]))
