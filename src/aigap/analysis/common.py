"""Helpers every layer shares: JSON cleaning, number formatting and date parsing.

One home for each so that a date, a NaN or an interval is written the same way in the CLI's
JSON, the web API, the report and the claims' evidence.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from aigap.errors import QueryError

__all__ = ["check_seed", "fmt", "fmt_interval", "iso_date", "jsonable", "num", "parse_as_of",
           "parse_date", "to_timestamp"]


def jsonable(value: Any) -> Any:
    """Plain JSON types from pandas/numpy values: NaN/inf -> None, dates -> ISO strings."""
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return jsonable(value.tolist())
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return jsonable(value.item())
    return value


def num(value: Any) -> float | None:
    """A finite float, or None for anything else (None, NaN, inf, text)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt(value: Any, digits: int = 1) -> str:
    """A number for a sentence: fixed digits, "?" when unknown, "∞" for infinity."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "?"
    if math.isnan(f):
        return "?"
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    return f"{f:.{digits}f}"


def fmt_interval(lower: Any, upper: Any, digits: int = 1, *, signed: bool = False) -> str:
    """"a–b" for an interval ("" when either end is unknown)."""
    lo, hi = num(lower), num(upper)
    if lo is None or hi is None:
        return ""
    spec = f"{'+' if signed else ''}.{digits}f"
    sep = " to " if signed else "–"
    return f"{lo:{spec}}{sep}{hi:{spec}}"


def iso_date(value: Any) -> str:
    """YYYY-MM-DD of a date-like value ("?" when unknown)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "?"
    return pd.Timestamp(value).date().isoformat()


def parse_date(text: str | date | None, parameter: str) -> date | None:
    """Parse a YYYY-MM-DD value of the named parameter.

    Raises:
        QueryError: naming the parameter and the expected format.
    """
    if text is None or isinstance(text, date):
        return text.date() if isinstance(text, datetime) else text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise QueryError(f"{parameter}: expected a date like 2025-01-31, got {text!r}",
                         parameter=parameter) from None


def to_timestamp(value: object, what: str) -> pd.Timestamp:
    """A date-like value as a midnight Timestamp.

    Raises:
        QueryError: naming ``what`` when the value is missing or not a date.
    """
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise QueryError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise QueryError(f"{what} is missing (expected YYYY-MM-DD)")
    return ts.normalize()


def parse_as_of(text: str | date | None, parameter: str = "as_of") -> date | None:
    """Parse an as-of date and refuse one after today: the data cannot say what is not yet
    known, and a far-future date would otherwise cost a full computation for nothing.

    Raises:
        QueryError: naming the parameter (not a date, or in the future).
    """
    day = parse_date(text, parameter)
    today = date.today()
    if day is not None and day > today:
        raise QueryError(f"{parameter}: {day} is in the future (today is {today}); the data "
                         "cannot say what is not yet known", parameter=parameter)
    return day


def check_seed(seed: Any, parameter: str = "seed") -> int:
    """A random-generator seed: a whole number >= 0 (numpy refuses negative seeds with a
    traceback; here it is one line naming the parameter).

    Raises:
        QueryError: naming the parameter.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise QueryError(f"{parameter}: expected a whole number >= 0, got {seed!r}",
                         parameter=parameter)
    return int(seed)
