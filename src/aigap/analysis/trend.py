"""Is the gap closing? OLS trend of a daily gap series with Newey-West (HAC) errors (method 6).

Daily lag and gap series are strongly autocorrelated (they are step and saw-tooth functions), so
ordinary OLS standard errors would be far too small; Newey-West errors with a generous truncation
lag keep the interval honest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.lag import _timestamp
from aigap.analysis.units import DAYS_PER_YEAR
from aigap.errors import QueryError

__all__ = ["DAYS_PER_YEAR", "TrendResult", "default_maxlags", "gap_trend"]



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
    lo = None if since is None else _timestamp(since, "since date")
    hi = None if until is None else _timestamp(until, "until date")
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
