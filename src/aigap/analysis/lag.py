"""How far a follower group is behind a leader group: daily lag, matched lag, vertical gap.

All functions are pure: two group tables in (``model``, ``date``, ``value``), DataFrames out.
Definitions are in docs/methods.md (methods 1-4); the as-of cut is the caller's job, these
functions only take ``end``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.common import jsonable, to_timestamp
from aigap.analysis.frontier import check_group, per_model_best, records_of_best, to_days
from aigap.analysis.units import DAYS_PER_MONTH
from aigap.errors import QueryError

__all__ = [
    "DAYS_PER_MONTH",
    "LagResult",
    "check_tau",
    "daily_lag",
    "lag_analyses",
    "lag_analysis",
    "matched_lag",
    "summarize",
    "vertical_gap",
]



def check_tau(tau: float) -> float:
    tau = float(tau)
    if not math.isfinite(tau) or tau < 0:
        raise QueryError(f"tau must be a finite number >= 0, got {tau}")
    return tau


def _group_records(
    frame: pd.DataFrame, group: str, drop_first: bool
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Kept records of one group and its latest model date; checks the group is usable."""
    check_group(frame, group)
    best = per_model_best(frame, group=group)
    if len(best) < 2:
        raise QueryError(
            f"the {group} group has {len(best)} model(s) with a score and a date; "
            "at least 2 are needed"
        )
    rec = records_of_best(best, drop_first=drop_first)
    if rec.empty:
        raise QueryError(
            f"the {group} group has no record left after dropping its first record "
            "(its first model is never beaten); use drop_first=False or more data"
        )
    return rec, pd.Timestamp(best["date"].max())


@dataclass(frozen=True)
class _Frontiers:
    """Both groups' kept records and the day grid [start, end] of the daily series."""

    leader: pd.DataFrame
    follower: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp


def _frontiers(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    end: object,
    drop_first: bool,
    labels: tuple[str, str],
) -> _Frontiers:
    rec_l, last_l = _group_records(leader, labels[0], drop_first)
    rec_f, last_f = _group_records(follower, labels[1], drop_first)
    start = max(pd.Timestamp(rec_l["date"].iloc[0]), pd.Timestamp(rec_f["date"].iloc[0]))
    stop = max(last_l, last_f) if end is None else to_timestamp(end, "end date")
    if stop < start:
        raise QueryError(
            f"end date {stop.date()} is before the start of the series {start.date()} "
            "(the later of the two groups' first kept records)"
        )
    return _Frontiers(rec_l, rec_f, start, stop)


def _steps(recs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return to_days(recs["date"]).astype("int64"), recs["value"].to_numpy(dtype="float64")


def _daily_arrays(fr: _Frontiers, tau: float) -> dict[str, np.ndarray]:
    """Vectorised daily B_leader, B_follower and lag in days over [start, end]."""
    d_l, v_l = _steps(fr.leader)
    d_f, v_f = _steps(fr.follower)
    t = np.arange(to_days(fr.start)[0], to_days(fr.end)[0] + np.timedelta64(1, "D")).astype(
        "int64"
    )
    b_l = v_l[np.searchsorted(d_l, t, side="right") - 1]
    b_f = v_f[np.searchsorted(d_f, t, side="right") - 1]
    thr = b_f + tau
    # First leader record above the follower's level (+tau); the day before it is s*.
    k = np.minimum(np.searchsorted(v_l, thr, side="right"), len(v_l) - 1)
    lag = np.where(b_l <= thr, 0, t - (d_l[k] - 1))
    # s* pinned at the day before the leader's first kept record: the leader may have reached
    # the follower's level earlier than the data show, so the lag is only a lower bound.
    censored = (lag > 0) & (k == 0)
    return {"t": t, "leader_best": b_l, "follower_best": b_f, "lag_days": lag,
            "censored": censored}


def _dates(days_int: np.ndarray) -> pd.Series:
    return pd.Series(days_int.astype("datetime64[D]").astype("datetime64[ns]"))


def daily_lag(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    tau: float = 1.0,
    end: object = None,
    drop_first: bool = True,
    labels: tuple[str, str] = ("leader", "follower"),
) -> pd.DataFrame:
    """Epoch AI's daily lag of the follower behind the leader (method 2).

    For each day t from the later of the two groups' first kept records to ``end``:
    lag(t) = 0 if B_leader(t) <= B_follower(t) + tau, else t - s*, where s* is the latest day with
    B_leader(s*) <= B_follower(t) + tau. With sparse records the lag is a saw-tooth: it grows by a
    day each day and drops when the follower sets a record or the leader's next record resets s*.

    Args:
        leader: the leader group's table (``model``, ``date``, ``value``).
        follower: the follower group's table.
        tau: tolerance in score points; a follower within tau of the leader has lag 0.
        end: last day of the series (the as-of date); default the latest model date of either group.
        drop_first: drop each group's first record before building the frontiers.
        labels: names of the two groups for error messages.

    Returns:
        DataFrame[date, leader_best, follower_best, lag_days, lag_months, censored], one row per
        day; ``censored`` marks days whose lag is only a lower bound (it is measured from the
        leader's first kept record, before which the data say nothing).
    """
    tau = check_tau(tau)
    fr = _frontiers(leader, follower, end=end, drop_first=drop_first, labels=labels)
    a = _daily_arrays(fr, tau)
    return pd.DataFrame(
        {
            "date": _dates(a["t"]),
            "leader_best": a["leader_best"],
            "follower_best": a["follower_best"],
            "lag_days": a["lag_days"].astype("int64"),
            "lag_months": a["lag_days"] / DAYS_PER_MONTH,
            "censored": a["censored"],
        }
    )


def vertical_gap(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    end: object = None,
    drop_first: bool = True,
    labels: tuple[str, str] = ("leader", "follower"),
) -> pd.DataFrame:
    """Daily vertical gap B_leader(t) - B_follower(t), in points and in % of B_follower (method 4).

    Same day window as :func:`daily_lag`. ``gap_pct`` is NaN on days where B_follower is 0.
    A negative gap means the follower is ahead.

    Returns:
        DataFrame[date, leader_best, follower_best, gap, gap_pct].
    """
    fr = _frontiers(leader, follower, end=end, drop_first=drop_first, labels=labels)
    a = _daily_arrays(fr, 0.0)
    gap = a["leader_best"] - a["follower_best"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(a["follower_best"] != 0, 100.0 * gap / a["follower_best"], np.nan)
    return pd.DataFrame(
        {
            "date": _dates(a["t"]),
            "leader_best": a["leader_best"],
            "follower_best": a["follower_best"],
            "gap": gap,
            "gap_pct": pct,
        }
    )


def matched_lag(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    tau: float = 1.0,
    drop_first: bool = True,
    labels: tuple[str, str] = ("leader", "follower"),
) -> pd.DataFrame:
    """Matched-predecessor lag of each follower record (method 3).

    For each kept follower record: its date minus the date of the first kept leader record scoring
    >= its score - tau. The sign is kept: a negative lag means the follower got there first. If no
    leader record ever reaches that level the lag is NaN ("not matched").

    Returns:
        DataFrame[model, date, value, leader_model, leader_date, lag_days, lag_months,
        censored] (``censored``: matched to the leader's first kept record, a lower bound).
    """
    tau = check_tau(tau)
    rec_l, _ = _group_records(leader, labels[0], drop_first)
    rec_f, _ = _group_records(follower, labels[1], drop_first)
    return _matched(rec_l, rec_f, tau)


def _matched(rec_l: pd.DataFrame, rec_f: pd.DataFrame, tau: float) -> pd.DataFrame:
    """:func:`matched_lag` of the two groups' kept records."""
    v_l = rec_l["value"].to_numpy(dtype="float64")
    k = np.searchsorted(v_l, rec_f["value"].to_numpy(dtype="float64") - tau, side="left")
    matched = k < len(v_l)
    kk = np.minimum(k, len(v_l) - 1)
    leader_dates = rec_l["date"].to_numpy()[kk]
    out = rec_f[["model", "date", "value"]].copy()
    out["leader_model"] = pd.Series(rec_l["model"].to_numpy()[kk], dtype="object").where(matched)
    out["leader_date"] = pd.Series(leader_dates).where(matched).astype("datetime64[ns]")
    lag_days = (out["date"] - out["leader_date"]).dt.days.astype("float64")
    out["lag_days"] = lag_days
    out["lag_months"] = lag_days / DAYS_PER_MONTH
    # matched to the leader's first kept record while ahead of the follower: a lower bound
    out["censored"] = matched & (k == 0) & (lag_days.to_numpy() > 0)
    return out


def summarize(
    series: pd.DataFrame,
    column: str,
    since: object = None,
    until: object = None,
) -> dict[str, Any]:
    """Mean, min and max of one column of a daily series over [since, until] (inclusive).

    Non-finite values (e.g. ``gap_pct`` where the follower scores 0) are left out of the
    statistics; ``n_days`` counts the days used.

    Returns:
        dict(mean, min, max, n_days, start, end) with ``start``/``end`` the first and last day used.

    Raises:
        QueryError: unknown column, since after until, or no day of the series in the window.
    """
    if column not in series.columns:
        raise QueryError(f"series has no column {column!r}; columns: {', '.join(series.columns)}")
    lo = None if since is None else to_timestamp(since, "since date")
    hi = None if until is None else to_timestamp(until, "until date")
    if lo is not None and hi is not None and hi < lo:
        raise QueryError(f"until date {hi.date()} is before since date {lo.date()}")
    keep = pd.Series(True, index=series.index)
    if lo is not None:
        keep &= series["date"] >= lo
    if hi is not None:
        keep &= series["date"] <= hi
    values = series.loc[keep, column].to_numpy(dtype="float64")
    days = series.loc[keep, "date"]
    finite = np.isfinite(values)
    if not finite.any():
        lo_s = "start" if lo is None else lo.date().isoformat()
        hi_s = "end" if hi is None else hi.date().isoformat()
        cover = (
            f"{pd.Timestamp(series['date'].min()).date()} to "
            f"{pd.Timestamp(series['date'].max()).date()}"
            if len(series)
            else "no days"
        )
        raise QueryError(
            f"no day with a finite {column} in the window [{lo_s}, {hi_s}] "
            f"(the series covers {cover})"
        )
    vals = values[finite]
    used = days[finite]
    return {
        "mean": float(vals.mean()),
        "min": float(vals.min()),
        "max": float(vals.max()),
        "n_days": int(finite.sum()),
        "start": pd.Timestamp(used.min()),
        "end": pd.Timestamp(used.max()),
    }


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    rows = out.astype(object).where(out.notna(), None).to_dict(orient="records")
    return [{str(k): jsonable(v) for k, v in row.items()} for row in rows]


@dataclass(frozen=True)
class LagResult:
    """Everything one lag analysis produced: records, daily series, matched lags, summaries.

    Attributes:
        leader_records / follower_records: kept records of each group (after ``drop_first``).
        series: daily DataFrame[date, leader_best, follower_best, lag_days, lag_months, gap,
            gap_pct].
        matched: the matched-predecessor table (see :func:`matched_lag`).
        summary: ``lag_window`` / ``lag_all`` (months), ``gap_window`` (points), ``gap_pct_window``
            and ``matched`` (mean months over matched records, n_matched, n_unmatched).
        tau, end, since, drop_first: the parameters used.
    """

    leader_records: pd.DataFrame
    follower_records: pd.DataFrame
    series: pd.DataFrame
    matched: pd.DataFrame
    summary: dict[str, Any]
    tau: float
    end: pd.Timestamp
    since: pd.Timestamp | None
    drop_first: bool
    labels: tuple[str, str] = field(default=("leader", "follower"))
    exclude_censored: bool = False

    def to_dict(self, *, include_series: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, NaN as None)."""
        out: dict[str, Any] = {
            "method": "daily",
            "leader": self.labels[0],
            "follower": self.labels[1],
            "tau": self.tau,
            "end": self.end.date().isoformat(),
            "since": None if self.since is None else self.since.date().isoformat(),
            "drop_first": self.drop_first,
            "exclude_censored": self.exclude_censored,
            "summary": jsonable(self.summary),
            "leader_records": _frame_records(self.leader_records),
            "follower_records": _frame_records(self.follower_records),
            "matched": _frame_records(self.matched),
        }
        if include_series:
            out["series"] = _frame_records(self.series)
        return out


def lag_analysis(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    tau: float = 1.0,
    end: object = None,
    since: object = None,
    drop_first: bool = True,
    labels: tuple[str, str] = ("leader", "follower"),
    exclude_censored: bool = False,
) -> LagResult:
    """Run methods 1-4 once and bundle them with window and whole-series summaries.

    Args:
        leader, follower, tau, end, drop_first, labels: as for :func:`daily_lag`.
        since: start of the summary window (default: the start of the series); the window is
            [max(since, series start), end].
        exclude_censored: leave days (and matched records) whose lag is only a lower bound
            (measured from the leader's first kept record) out of the lag summaries. The
            recommended setting is ``drop_first=False, exclude_censored=True``: no record is
            thrown away and no bound is averaged as if it were a value. Epoch AI's choice is
            ``drop_first=True, exclude_censored=False`` (the default, for reproduction).
            The summaries count the censored days in ``n_censored``.
    """
    tau = check_tau(tau)
    fr = _frontiers(leader, follower, end=end, drop_first=drop_first, labels=labels)
    return _analysis(fr, tau, since, drop_first, labels, exclude_censored)


def lag_analyses(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    *,
    taus: tuple[float, ...],
    first_record_rules: tuple[tuple[bool, bool], ...],
    end: object = None,
    since: object = None,
    labels: tuple[str, str] = ("leader", "follower"),
) -> dict[tuple[float, bool, bool], LagResult | QueryError]:
    """:func:`lag_analysis` over a grid of tolerances and first-record rules
    ((drop_first, exclude_censored) pairs), each group's records computed once per
    ``drop_first``. A combination that cannot be analysed maps to its QueryError."""
    out: dict[tuple[float, bool, bool], LagResult | QueryError] = {}
    fronts: dict[bool, _Frontiers | QueryError] = {}
    for drop, excl in first_record_rules:
        if drop not in fronts:
            try:
                fronts[drop] = _frontiers(leader, follower, end=end, drop_first=drop,
                                          labels=labels)
            except QueryError as exc:
                fronts[drop] = exc
        for tau in taus:
            fr = fronts[drop]
            try:
                if isinstance(fr, QueryError):
                    raise fr
                out[(tau, drop, excl)] = _analysis(fr, check_tau(tau), since, drop, labels,
                                                   excl)
            except QueryError as exc:
                out[(tau, drop, excl)] = exc
    return out


def _analysis(fr: _Frontiers, tau: float, since: object, drop_first: bool,
              labels: tuple[str, str], exclude_censored: bool) -> LagResult:
    """:func:`lag_analysis` from the groups' kept records."""
    a = _daily_arrays(fr, tau)
    gap = a["leader_best"] - a["follower_best"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(a["follower_best"] != 0, 100.0 * gap / a["follower_best"], np.nan)
    series = pd.DataFrame(
        {
            "date": _dates(a["t"]),
            "leader_best": a["leader_best"],
            "follower_best": a["follower_best"],
            "lag_days": a["lag_days"].astype("int64"),
            "lag_months": a["lag_days"] / DAYS_PER_MONTH,
            "gap": gap,
            "gap_pct": pct,
            "censored": a["censored"],
        }
    )
    lag_src = series
    if exclude_censored:
        lag_src = series.assign(lag_months=series["lag_months"].where(~series["censored"]))
    since_ts = None if since is None else to_timestamp(since, "since date")
    if since_ts is not None and since_ts > fr.end:
        raise QueryError(f"since date {since_ts.date()} is after the end date {fr.end.date()}")
    matched = _matched(fr.leader, fr.follower, tau)
    ok = matched["lag_months"].notna()
    if exclude_censored:
        ok &= ~matched["censored"]
    in_window = series["date"] >= (since_ts if since_ts is not None else fr.start)
    summary: dict[str, Any] = {
        "lag_window": summarize(lag_src, "lag_months", since_ts, fr.end),
        "lag_all": summarize(lag_src, "lag_months"),
        "gap_window": summarize(series, "gap", since_ts, fr.end),
        "gap_pct_window": summarize(series, "gap_pct", since_ts, fr.end),
        "matched": {
            "mean": float(matched.loc[ok, "lag_months"].mean()) if ok.any() else math.nan,
            "n_matched": int(ok.sum()),
            "n_unmatched": int(matched["lag_months"].isna().sum()),
            "n_censored": int(matched["censored"].sum()),
        },
        "n_censored": {
            "window": int((series["censored"] & in_window).sum()),
            "all": int(series["censored"].sum()),
        },
    }
    return LagResult(
        leader_records=fr.leader,
        follower_records=fr.follower,
        series=series,
        matched=matched,
        summary=summary,
        tau=tau,
        end=fr.end,
        since=since_ts,
        drop_first=drop_first,
        labels=labels,
        exclude_censored=exclude_censored,
    )
