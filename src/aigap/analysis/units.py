"""Shared units: days per year and how a gap on each metric scale is written.

One place for these so every module turns days into years and scores into reader units the
same way. ``DAYS_PER_YEAR`` is the mean Gregorian year (365.2425 days); ``trend.py`` used
365.25 before and now imports this value (slopes change by 0.002%). ``DAYS_PER_MONTH`` stays
30.44 (Epoch AI's rounding) for the lag in months.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from aigap.errors import QueryError

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "SCALE_UNITS",
    "effective_end",
    "gap_in_units",
]

DAYS_PER_YEAR = 365.2425
"""Mean Gregorian year in days; the one value used for 'per year' slopes and rates."""

DAYS_PER_MONTH = 30.44
"""Days per month for lags in months (Epoch AI's rounding of 365.25 / 12)."""

SCALE_UNITS: dict[str, tuple[float, str]] = {
    "fraction": (100.0, "percentage points"),
    "percent": (1.0, "percentage points"),
    "index": (1.0, "points"),
    "points": (1.0, "points"),
    "rating": (1.0, "rating points"),
}
"""Per metric scale: (factor from stored values to reader units, unit name)."""


def gap_in_units(gap: float, scale: str | None) -> tuple[float, str]:
    """A vertical gap (or any score difference) in the unit a reader expects, with that unit.

    A gap on a 0-1 fraction (MMLU 0.887 vs 0.752) is 13.5 *percentage points*, not "0.1
    points"; a percent gap is already in percentage points; an index (ECI) gap is in points;
    an arena gap in rating points. An unknown or missing scale keeps the value in "points".

    Returns:
        (value in reader units, unit name); NaN stays NaN.
    """
    factor, unit = SCALE_UNITS.get(scale or "", (1.0, "points"))
    value = float(gap)
    return (value * factor if math.isfinite(value) else math.nan), unit


def effective_end(
    as_of: date | str | pd.Timestamp | None,
    newest_data: date | str | pd.Timestamp,
    *,
    today: date | str | pd.Timestamp | None = None,
) -> tuple[pd.Timestamp, str | None]:
    """The end date an analysis may use, and the sentence fragment that says why.

    A series must not run past the data: an as-of date after the newest data date is cut to
    that date ("cut to 2026-04-08, the newest data"), otherwise the last lag would keep growing
    into days nobody observed. A future as-of date (after ``today``) is refused.

    Args:
        as_of: the requested as-of date (None: the newest data date, no note).
        newest_data: the newest release/observation date in the data used.
        today: the current date (default: today's UTC date); a parameter so tests are stable.

    Returns:
        (end date, note or None when nothing was cut).

    Raises:
        QueryError: the as_of parameter is not a date or is in the future.
    """
    newest = pd.Timestamp(newest_data).normalize()
    if as_of is None:
        return newest, None
    try:
        req = pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError) as exc:
        raise QueryError(f"as_of: {as_of!r} is not a date (expected YYYY-MM-DD)") from exc
    now = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize() if today is None else (
        pd.Timestamp(today).normalize())
    if req > now:
        raise QueryError(
            f"as_of: {req.date()} is in the future (today is {now.date()}); "
            "expected a date on or before today"
        )
    if req > newest:
        return newest, f"cut to {newest.date()}, the newest data"
    return req, None
