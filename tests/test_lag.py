"""Daily lag, matched lag, vertical gap and summaries (methods 2-4) on planted answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.lag import (
    DAYS_PER_MONTH,
    daily_lag,
    lag_analyses,
    lag_analysis,
    matched_lag,
    summarize,
    vertical_gap,
)
from aigap.errors import QueryError

D0 = pd.Timestamp("2023-01-01")


def group(
    prefix: str, days: list[int] | np.ndarray, values: list[float] | np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": [f"{prefix}{i}" for i in range(len(days))],
            "date": D0 + pd.to_timedelta(np.asarray(days), unit="D"),
            "value": np.asarray(values, dtype="float64"),
        }
    )


def day(n: int) -> pd.Timestamp:
    return D0 + pd.Timedelta(days=n)


def test_follower_shifted_by_180_days_lags_180_days_every_day() -> None:
    days = np.arange(600)
    leader = group("L", days, 2.0 * days)  # a new record every day, +2 points a day
    follower = group("F", days[:420] + 180, 2.0 * days[:420])
    s = daily_lag(leader, follower, tau=1.0, end=day(599))
    assert s["date"].iloc[0] == day(181)  # follower's first kept record (first dropped)
    assert s["date"].iloc[-1] == day(599)
    assert (s["lag_days"] == 180).all()
    np.testing.assert_allclose(s["lag_months"], 180 / DAYS_PER_MONTH)
    assert s["date"].dtype == np.dtype("datetime64[ns]")


def test_sparse_records_give_the_defined_sawtooth() -> None:
    leader = group("L", [0, 10, 40, 100], [10, 20, 30, 40])
    follower = group("F", [5, 50, 70], [5, 21, 35])
    s = daily_lag(leader, follower, tau=0.0, end=day(120)).set_index("date")
    # Kept records: leader 20@10, 30@40, 40@100; follower 21@50, 35@70. Start = day 50.
    # Days 50-69: follower 21, leader 30 > 21; latest s with B_L <= 21 is day 39 -> lag t-39.
    assert s.loc[day(50), "lag_days"] == 11
    assert s.loc[day(69), "lag_days"] == 30
    # Days 70-99: follower 35 >= leader 30 -> 0. Days 100-120: leader 40 > 35; s* = 99.
    assert s.loc[day(70), "lag_days"] == 0
    assert s.loc[day(99), "lag_days"] == 0
    assert s.loc[day(100), "lag_days"] == 1
    assert s.loc[day(120), "lag_days"] == 21


def test_below_the_leaders_first_kept_record_uses_the_day_before_it() -> None:
    leader = group("L", [0, 30, 60], [50, 60, 70])  # kept: 60@30, 70@60
    follower = group("F", [0, 40], [10, 20])  # kept: 20@40, far below the leader
    s = daily_lag(leader, follower, tau=1.0, end=day(50)).set_index("date")
    assert s.loc[day(40), "lag_days"] == 40 - 29
    assert s.loc[day(50), "lag_days"] == 50 - 29


def test_follower_that_overtakes_has_zero_lag() -> None:
    days = np.arange(0, 300, 10)
    leader = group("L", days, days / 10.0)
    follower = group("F", days + 5, days / 10.0 + 3.0)
    s = daily_lag(leader, follower, tau=0.0)
    assert (s["lag_days"] == 0).all()


def test_tau_flips_the_answer() -> None:
    leader = group("L", [0, 10, 100], [50.0, 60.0, 80.0])  # kept: 60@10, 80@100
    follower = group("F", [0, 20, 150], [40.0, 59.5, 79.2])  # kept: 59.5@20, 79.2@150
    s_loose = daily_lag(leader, follower, tau=1.0, end=day(200)).set_index("date")
    assert s_loose.loc[day(20), "lag_days"] == 0  # 60 <= 59.5 + 1
    assert s_loose.loc[day(100), "lag_days"] == 1  # leader jumps to 80 before the follower
    s_tight = daily_lag(leader, follower, tau=0.25, end=day(200)).set_index("date")
    # Day 20: follower 59.5 + 0.25 < 60 -> latest leader day <= 59.75 is day 9.
    assert s_tight.loc[day(20), "lag_days"] == 11
    # Day 150: follower 79.2 + 0.25 < 80 -> s* = 99, lag 51; with tau 1 it is 0.
    assert s_tight.loc[day(150), "lag_days"] == 51
    assert s_loose.loc[day(150), "lag_days"] == 0


def test_matched_lag_recovers_a_planted_shift_and_keeps_sign() -> None:
    days = np.arange(0, 500, 20)
    leader = group("L", days, days / 10.0)
    follower = group("F", days + 90, days / 10.0)
    m = matched_lag(leader, follower, tau=0.0)
    assert (m["lag_days"] == 90).all()
    np.testing.assert_allclose(m["lag_months"], 90 / DAYS_PER_MONTH)
    assert list(m.columns) == [
        "model", "date", "value", "leader_model", "leader_date", "lag_days", "lag_months",
        "censored",
    ]
    # A follower record ahead of the leader: negative lag; beyond every leader record: NaN.
    ahead = pd.concat([follower, group("X", [200, 480], [30.0, 99.0])], ignore_index=True)
    ahead.loc[ahead.index[-2:], "model"] = ["ahead", "beyond"]
    m2 = matched_lag(leader, ahead, tau=0.0).set_index("model")
    assert m2.loc["ahead", "lag_days"] == 200 - 300
    assert np.isnan(m2.loc["beyond", "lag_days"])
    assert pd.isna(m2.loc["beyond", "leader_model"])


def test_vertical_gap_recovers_planted_differences() -> None:
    days = np.arange(0, 400, 7)
    leader = group("L", days, 100 + days / 5.0)
    follower = group("F", days, 100 + days / 5.0 - 8.0)
    g = vertical_gap(leader, follower)
    np.testing.assert_allclose(g["gap"], 8.0)
    np.testing.assert_allclose(g["gap_pct"], 100 * 8.0 / g["follower_best"])
    assert len(g) == days[-1] - days[1] + 1


def test_summarize_window_and_errors() -> None:
    days = np.arange(600)
    leader = group("L", days, 2.0 * days)
    follower = group("F", days[:420] + 180, 2.0 * days[:420])
    s = daily_lag(leader, follower, end=day(599))
    out = summarize(s, "lag_days", since=day(300), until=day(309))
    assert out == {
        "mean": 180.0, "min": 180.0, "max": 180.0, "n_days": 10,
        "start": day(300), "end": day(309),
    }
    with pytest.raises(QueryError, match="no day"):
        summarize(s, "lag_days", since=day(900))
    with pytest.raises(QueryError, match="before since"):
        summarize(s, "lag_days", since=day(300), until=day(200))
    with pytest.raises(QueryError, match="no column"):
        summarize(s, "nope")


def test_lag_analysis_bundles_everything_and_serialises() -> None:
    days = np.arange(0, 700, 3)
    leader = group("L", days, days / 3.0)
    follower = group("F", days + 120, days / 3.0)
    res = lag_analysis(leader, follower, tau=0.0, since=day(400), labels=("USA", "CHN"))
    assert res.summary["lag_window"]["start"] == day(400)
    assert res.summary["lag_window"]["max"] == pytest.approx(120 / DAYS_PER_MONTH)
    assert res.summary["matched"]["n_matched"] == len(res.follower_records)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["leader"] == "USA"
    assert d["series"][0]["date"] == res.series["date"].iloc[0].strftime("%Y-%m-%d")


def test_lag_analyses_equals_lag_analysis_on_every_cell_errors_included() -> None:
    """The sensitivity grid shares each group's records between cells; every cell must be
    what lag_analysis gives alone (a follower whose first model is never beaten has no
    record left once it is dropped: that cell is the same QueryError)."""
    days = np.arange(0, 400, 7)
    leader = group("L", days, days / 7.0)
    follower = group("F", [30, 200], [50.0, 40.0])  # second model never beats the first
    rules = ((False, True), (True, False), (False, False))
    grid = lag_analyses(leader, follower, taus=(0.0, 1.0, 2.5), first_record_rules=rules,
                        since=day(100), labels=("USA", "CHN"))
    assert len(grid) == 9
    for (tau, drop, excl), got in grid.items():
        args = {"tau": tau, "since": day(100), "drop_first": drop, "exclude_censored": excl,
                "labels": ("USA", "CHN")}
        if isinstance(got, QueryError):
            with pytest.raises(QueryError, match=re.escape(str(got))):
                lag_analysis(leader, follower, **args)  # type: ignore[arg-type]
            continue
        want = lag_analysis(leader, follower, **args)  # type: ignore[arg-type]
        assert got.summary == want.summary
        pd.testing.assert_frame_equal(got.series, want.series)
        pd.testing.assert_frame_equal(got.matched, want.matched)
    assert isinstance(grid[(1.0, True, False)], QueryError)


def test_errors_name_the_problem() -> None:
    ok = group("L", [0, 10, 20], [1.0, 2.0, 3.0])
    with pytest.raises(QueryError, match="the CHN group has 1 model"):
        daily_lag(ok, group("F", [5], [1.0]), labels=("USA", "CHN"))
    with pytest.raises(QueryError, match="end date 2022-12-01 is before the start"):
        daily_lag(ok, group("F", [5, 15], [1.0, 2.0]), end="2022-12-01")
    with pytest.raises(QueryError, match="tau"):
        daily_lag(ok, ok, tau=-1)
    with pytest.raises(QueryError, match="no record left"):
        daily_lag(ok, group("F", [5, 15], [3.0, 2.0]))
    with pytest.raises(QueryError, match="not a date"):
        daily_lag(ok, ok, end="yesterday-ish")


@pytest.mark.shared
@pytest.mark.slow
def test_real_eci_us_china_lag(shared_data: Path) -> None:
    path = shared_data / "epoch" / "benchmark_data_2026-04" / "epoch_capabilities_index.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    raw = pd.read_csv(path)
    raw = raw.dropna(subset=["ECI Score", "Release date"])
    raw["date"] = pd.to_datetime(raw["Release date"])
    raw = raw[raw["date"] <= "2026-01-02"]

    def pick(country: str) -> pd.DataFrame:
        g = raw[raw["Country"].fillna("").str.contains(country, regex=False)]
        g = g.sort_values("ECI Score", ascending=False).drop_duplicates("Model name")
        return pd.DataFrame({"model": g["Model name"], "date": g["date"], "value": g["ECI Score"]})

    res = lag_analysis(
        pick("United States of America"), pick("China"),
        tau=1.0, end="2026-01-02", since="2023-01-01", drop_first=True,
    )
    w = res.summary["lag_window"]
    # Epoch AI (2026-01-02, earlier ECI fit): mean 7, min 4, max 14 months. A refit moves these.
    assert 3.0 <= w["mean"] <= 12.0
    assert w["max"] <= 24.0
