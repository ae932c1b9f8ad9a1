"""Intervals that mean something: model resampling, no degenerate end-day intervals, planted-
answer coverage of every published interval, censoring of lags measured from the first record."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.lag import daily_lag, lag_analysis
from aigap.analysis.simulate import RecordProcess, simulate_pair
from aigap.analysis.uncertainty import (
    LAG_STATISTICS,
    M_OUT_OF_N,
    NO_INTERVAL,
    bootstrap_lag,
    resampling_units,
    summary_statistics,
)
from aigap.attribution.identity import assign_model_ids
from aigap.errors import QueryError

KW = {"tau": 1.0, "end": "2024-12-31", "since": "2022-01-01", "drop_first": False}


def _with_aliases(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    """Each model filed under ``copies`` keys (effort suffixes), same date and score."""
    parts = [frame.assign(model=frame["model"] + s, name=frame["model"])
             for s in ["", *[f"_{2 ** i}k" for i in range(copies - 1)]]]
    return pd.concat(parts, ignore_index=True)


def test_model_unit_counts_each_model_once() -> None:
    leader, follower = simulate_pair(np.random.default_rng(3))
    lead5 = assign_model_ids(_with_aliases(leader, 5)).frame  # as the API's group frames
    units = resampling_units(lead5, "model")
    assert units["model"].nunique() == len(leader)
    assert (units["key"] == lead5["model"]).all()
    no_ids = resampling_units(_with_aliases(leader, 5), "model")  # no identity: keys
    assert no_ids["model"].nunique() == 5 * len(leader)
    res = bootstrap_lag(lead5, follower, n=50, rng=np.random.default_rng(0), **KW)
    assert res.n_units == {"leader": len(leader), "follower": len(follower)}
    old = bootstrap_lag(lead5, follower, n=50, rng=np.random.default_rng(0), unit="key", **KW)
    assert old.n_units["leader"] == 5 * len(leader)
    with pytest.raises(QueryError, match="resampling unit"):
        resampling_units(leader, "row")


def test_aliases_no_longer_pin_the_end_day_interval() -> None:
    # The top models of both groups carry many keys: by keys they are in every resample, so the
    # end-day lag interval collapses to the estimate; by models it does not.
    rng = np.random.default_rng(11)
    leader, follower = simulate_pair(rng, RecordProcess(rate=6.0))
    lead = assign_model_ids(_with_aliases(leader, 10)).frame
    foll = assign_model_ids(_with_aliases(follower, 10)).frame
    by_key = bootstrap_lag(lead, foll, n=300, rng=np.random.default_rng(0), unit="key",
                           extremes_exponent=1.0, **KW)
    by_model = bootstrap_lag(lead, foll, n=300, rng=np.random.default_rng(0), **KW)
    width = {k: by_model.upper[k] - by_model.lower[k] for k in ("lag_end", "gap_end")}
    assert by_key.upper["gap_end"] - by_key.lower["gap_end"] < width["gap_end"]
    assert all(w > 0 for w in width.values())


def test_minimum_gets_no_interval_with_a_reason() -> None:
    leader, follower = simulate_pair(np.random.default_rng(5))
    res = bootstrap_lag(leader, follower, n=50, rng=np.random.default_rng(0), **KW)
    for k in NO_INTERVAL:
        assert math.isnan(res.lower[k]) and math.isnan(res.upper[k])
        assert "no interval" in res.reasons[k]
        assert res.to_dict()["statistics"][k]["no_interval_reason"] == res.reasons[k]
    assert set(NO_INTERVAL).isdisjoint(M_OUT_OF_N)


@pytest.mark.slow
def test_planted_coverage_of_every_published_interval() -> None:
    """Truth = the statistic's mean over independent realisations of the same record process;
    each published 90% interval must cover it in roughly 90% of realisations."""
    proc = RecordProcess()
    rng = np.random.default_rng(2024)
    truth = pd.DataFrame([
        summary_statistics(lag_analysis(*simulate_pair(rng, proc), **KW)) for _ in range(200)
    ]).mean()
    hits = {k: 0 for k in LAG_STATISTICS if k not in NO_INTERVAL}
    reps = 60
    for _ in range(reps):
        leader, follower = simulate_pair(rng, proc)
        res = bootstrap_lag(leader, follower, n=200, rng=rng, **KW)
        for k in hits:
            hits[k] += res.lower[k] <= truth[k] <= res.upper[k]
    for k, h in hits.items():
        assert 0.75 <= h / reps <= 1.0, (k, h / reps)


# ----------------------------------------------------------------------------- censoring


def _open_closed() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Closed group starting with a GPT-4-like record (2023-03) long before the open group's
    first model; the open group catches up with it only in 2024."""
    closed = pd.DataFrame({
        "model": ["gpt4", "c2", "c3", "c4"],
        "date": pd.to_datetime(["2023-03-14", "2024-05-13", "2024-09-12", "2025-04-16"]),
        "value": [126.0, 132.0, 137.0, 147.0],
    })
    opened = pd.DataFrame({
        "model": ["o1", "o2", "o3", "o4"],
        "date": pd.to_datetime(["2023-07-18", "2024-02-15", "2024-07-23", "2025-01-20"]),
        "value": [106.0, 118.0, 128.0, 140.0],
    })
    return closed, opened


def test_keep_first_keeps_gpt4_and_marks_bounds() -> None:
    closed, opened = _open_closed()
    epoch = lag_analysis(closed, opened, end="2025-10-30", drop_first=True)
    assert "gpt4" not in set(epoch.leader_records["model"])  # Epoch's drop-first loses it
    res = lag_analysis(closed, opened, end="2025-10-30", drop_first=False, exclude_censored=True)
    assert res.leader_records["model"].iloc[0] == "gpt4"
    s = res.series
    # Until the open group passes GPT-4 - 1 (2024-07-23), its lag is measured from GPT-4's
    # release: a lower bound.
    before = s["date"] < pd.Timestamp("2024-07-23")
    assert s.loc[before, "censored"].all() and not s.loc[~before, "censored"].any()
    assert res.summary["n_censored"]["all"] == int(before.sum())
    uncensored_mean = s.loc[~before, "lag_months"].mean()
    assert res.summary["lag_all"]["mean"] == pytest.approx(uncensored_mean)
    with_bounds = lag_analysis(closed, opened, end="2025-10-30", drop_first=False)
    assert with_bounds.summary["lag_all"]["mean"] == pytest.approx(s["lag_months"].mean())
    assert res.matched["censored"].tolist() == [True, True, False, False]
    assert res.summary["matched"]["n_matched"] == 2
    assert "censored" in daily_lag(closed, opened, drop_first=False).columns


def test_bootstrap_honours_censoring() -> None:
    closed, opened = _open_closed()
    closed = pd.concat([closed, closed.assign(model=closed["model"] + "x",
                                              value=closed["value"] - 5)], ignore_index=True)
    opened = pd.concat([opened, opened.assign(model=opened["model"] + "x",
                                              value=opened["value"] - 5)], ignore_index=True)
    kw = {"end": "2025-10-30", "drop_first": False, "exclude_censored": True}
    res = bootstrap_lag(closed, opened, n=200, rng=np.random.default_rng(1), **kw)
    est = summary_statistics(lag_analysis(closed, opened, **kw))
    assert res.estimates["lag_mean_all"] == pytest.approx(est["lag_mean_all"])
    assert res.lower["lag_mean_all"] <= est["lag_mean_all"] <= res.upper["lag_mean_all"]
