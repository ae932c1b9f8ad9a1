"""The record-growth trend test: planted closing, calibration on simulated record processes,
windows and the overall verdict, the fitted line's band, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.simulate import RecordProcess, simulate_pair, true_lag_months
from aigap.analysis.trend import overall_verdict, record_trend, trend_windows
from aigap.errors import QueryError

W = {"since": "2022-01-01", "end": "2024-12-31"}


def test_planted_closing_is_found_with_the_right_rate() -> None:
    proc = RecordProcess(ratio=1.5, lag0=2.0, rate=24.0)
    res = record_trend(*simulate_pair(np.random.default_rng(1), proc), n=400,
                       rng=np.random.default_rng(0), **W)
    truth = float(true_lag_months(proc, 1.0) - true_lag_months(proc, 0.0))  # -6 months/yr
    assert res.verdict == "closing"
    assert res.upper < 0 and abs(res.slope - truth) < 3.0
    assert res.follower_growth > res.leader_growth > 0
    assert res.n_records["leader"] >= 3 and res.reason is None
    f = res.fitted
    assert list(f.columns) == ["date", "fitted", "lower", "upper"]
    assert (f["lower"] <= f["fitted"] + 1e-9).all() and (f["fitted"] <= f["upper"] + 1e-9).all()
    assert f["fitted"].iloc[-1] < f["fitted"].iloc[0]
    d = res.to_dict()
    assert d["verdict"] == "closing" and d["n_models"] == res.n_models


def test_reproducible_and_too_few_records() -> None:
    pair = simulate_pair(np.random.default_rng(4))
    a = record_trend(*pair, n=100, rng=np.random.default_rng(9), **W)
    b = record_trend(*pair, n=100, rng=np.random.default_rng(9), **W)
    assert (a.slope, a.lower, a.upper) == (b.slope, b.lower, b.upper)
    few = record_trend(*pair, n=100, rng=np.random.default_rng(9), since="2024-11-01",
                       end="2024-12-31", min_records=3)
    assert few.verdict == "too few records" and "too few records" in str(few.reason)
    assert math.isnan(few.slope) and few.fitted.empty


def test_windows_and_overall_verdict() -> None:
    assert overall_verdict(["closing", "closing", "too few records"]) == "closing"
    assert overall_verdict(["closing", "widening"]) == "depends on the window"
    assert overall_verdict(["closing", "no clear trend"]) == "depends on the window"
    assert overall_verdict(["too few records"]) == "too few records"
    pair = simulate_pair(np.random.default_rng(2), RecordProcess(rate=24.0))
    series = pd.DataFrame({"date": pd.date_range("2022-01-01", "2024-12-31"), "lag_months": 5.0})
    w = trend_windows(*pair, end="2024-12-31", since="2022-01-01", n=100,
                      rng=np.random.default_rng(0), series=series)
    assert [x.window for x in w.windows] == ["from start", "last 24 months", "last 12 months"]
    assert w.windows[1].start == pd.Timestamp("2023-01-01")
    assert w.overall == overall_verdict([x.verdict for x in w.windows])
    for x in w.windows:  # anchored at the window's mean daily lag
        if not x.fitted.empty:
            assert x.fitted["fitted"].mean() == pytest.approx(5.0, abs=1e-6)
    assert w.to_dict()["overall"] == w.overall


def test_bad_input() -> None:
    pair = simulate_pair(np.random.default_rng(2))
    with pytest.raises(QueryError, match="empty"):
        record_trend(*pair, since="2030-01-01", n=10, rng=np.random.default_rng(0))
    with pytest.raises(QueryError, match="seeded"):
        record_trend(*pair, n=10, rng=0)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="resampling unit"):
        record_trend(*pair, n=10, rng=np.random.default_rng(0), unit="row")


@pytest.mark.slow
def test_calibration_small() -> None:
    """100 trend-free pairs: few false verdicts; 100 pairs closing 1.5x faster: mostly found.
    (The full check with 500 pairs each is benchmarks/bench_trend_calibration.py.)"""
    rng = np.random.default_rng(123)
    null = [record_trend(*simulate_pair(rng), n=200, rng=rng, unit="key", **W).verdict
            for _ in range(100)]
    alt_p = RecordProcess(ratio=1.5, lag0=2.0)
    alt = [record_trend(*simulate_pair(rng, alt_p), n=200, rng=rng, unit="key", **W)
           for _ in range(100)]
    truth = -6.0  # months per year: the follower gains half a year of leader growth a year
    assert sum(v in ("closing", "widening") for v in null) <= 18
    assert sum(r.verdict == "closing" for r in alt) >= 60
    assert sum(r.lower <= truth <= r.upper for r in alt) >= 75
