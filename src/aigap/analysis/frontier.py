"""Frontier records of one group and the best-score step function they define.

A *record* is the best model of a day whose score strictly beats every earlier day's best of the
same group. Records are strictly increasing in both date and value, so the group's best score
on or before any day is a step function that a binary search can evaluate for many days at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from aigap.errors import QueryError

__all__ = [
    "REQUIRED_COLUMNS",
    "best_on",
    "check_group",
    "frontier_steps",
    "per_model_best",
    "records",
    "records_of_best",
    "to_days",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("model", "date", "value")


def to_days(values: object) -> npt.NDArray[np.datetime64]:
    """Convert dates (Series, array, Timestamp, string) to a ``datetime64[D]`` array."""
    arr = np.asarray(pd.to_datetime(values))  # type: ignore[call-overload]
    return np.atleast_1d(arr.astype("datetime64[D]"))


def check_group(frame: pd.DataFrame, group: str) -> None:
    """Raise QueryError unless ``frame`` has the required columns of a group table.

    Args:
        frame: a group table (columns ``model``, ``date``, ``value``).
        group: the group's name, used in the message (e.g. ``"leader"`` or ``"CHN"``).
    """
    if not isinstance(frame, pd.DataFrame):
        raise QueryError(
            f"group {group!r}: expected a pandas DataFrame, got {type(frame).__name__}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise QueryError(
            f"group {group!r} is missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(REQUIRED_COLUMNS)}"
        )


def per_model_best(frame: pd.DataFrame, *, group: str = "group") -> pd.DataFrame:
    """One row per model: the row with its best value (ties: the earliest date).

    Rows with a missing value or date cannot be ranked and are left out; their number is kept in
    ``result.attrs["skipped_missing"]`` so callers can report it.

    Args:
        frame: a group table with ``model``, ``date``, ``value`` and optional extra columns
            (``lower``, ``upper``, ``stderr`` are carried along).
        group: the group's name for error messages.

    Returns:
        A new DataFrame sorted by date, with ``date`` as ``datetime64[ns]`` and ``value`` float.
    """
    check_group(frame, group)
    out = frame.copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype("float64")
    ok = (out["value"].notna() & out["date"].notna() & out["model"].notna()).to_numpy()
    skipped = int((~ok).sum())
    out = out.loc[ok]
    # numpy sorts (pandas multi-key sorts of string columns are slow on small frames, and
    # this runs thousands of times in a bootstrap): best value, then earliest date, then
    # model id; keep each model's first row; then order by date and model id.
    codes, _ = pd.factorize(out["model"].astype(str), sort=True)
    days = out["date"].to_numpy("datetime64[ns]").astype("int64")
    values = out["value"].to_numpy("float64")
    order = np.lexsort((codes, days, -values))
    _, first = np.unique(codes[order], return_index=True)
    keep = order[first]
    keep = keep[np.lexsort((codes[keep], days[keep]))]
    result = out.iloc[keep].reset_index(drop=True)
    result.attrs["skipped_missing"] = skipped
    return result


def records(frame: pd.DataFrame, *, drop_first: bool = False, group: str = "group") -> pd.DataFrame:
    """The group's records: per-day bests that strictly beat every earlier day's best.

    Each model counts once with its best value. On a day with several models the best one (ties:
    the smallest model id) stands for the day.

    Args:
        frame: a group table (``model``, ``date``, ``value``).
        drop_first: remove the group's first record (Epoch AI does this because its data start
            mid-stream, so the first record is not a real frontier advance).
        group: the group's name for error messages.

    Returns:
        DataFrame[model, date, value], strictly increasing in both date and value.
    """
    return records_of_best(per_model_best(frame, group=group), drop_first=drop_first)


def records_of_best(best: pd.DataFrame, *, drop_first: bool = False) -> pd.DataFrame:
    """:func:`records` of a table :func:`per_model_best` already returned (saves redoing it
    where the caller needs both)."""
    # Per day, the best model (ties: the smallest model id); best is sorted by date, model.
    days = best["date"].to_numpy("datetime64[ns]").astype("int64")
    values = best["value"].to_numpy("float64")
    codes, _ = pd.factorize(best["model"].astype(str), sort=True)
    order = np.lexsort((codes, -values, days))
    _, first = np.unique(days[order], return_index=True)
    daily_idx = order[first]  # one row per day, in date order
    daily_values = values[daily_idx]
    earlier = np.maximum.accumulate(daily_values)
    is_record = np.ones(len(daily_idx), dtype=bool)
    is_record[1:] = daily_values[1:] > earlier[:-1]
    rec = best.iloc[daily_idx[is_record]][["model", "date", "value"]]
    if drop_first:
        rec = rec.iloc[1:]
    return rec.reset_index(drop=True)


def frontier_steps(
    recs: pd.DataFrame,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.float64]]:
    """The step function of a record table: (record days as ``datetime64[D]``, values)."""
    dates = to_days(recs["date"]) if len(recs) else np.array([], dtype="datetime64[D]")
    values = recs["value"].to_numpy(dtype="float64")
    return dates, values


def best_on(recs: pd.DataFrame, days: Sequence[object] | npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Best record value released on or before each day (NaN before the first record).

    Args:
        recs: a record table from :func:`records` (strictly increasing).
        days: the days to evaluate (anything ``pandas.to_datetime`` accepts).

    Returns:
        A float array aligned with ``days``.
    """
    dates, values = frontier_steps(recs)
    query = to_days(days)
    idx = np.searchsorted(dates, query, side="right") - 1
    if len(values) == 0:
        return np.full(query.shape, np.nan)
    return np.where(idx >= 0, values[np.maximum(idx, 0)], np.nan)
