"""Is the gap closing (method 6): planted slopes, flat series, the vertical gap, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.signal import lfilter

from aigap.analysis.lag import vertical_gap
from aigap.analysis.trend import default_maxlags, gap_trend
from aigap.analysis.units import DAYS_PER_YEAR
from aigap.errors import QueryError

N = 3 * 365
DATES = pd.date_range("2023-01-01", periods=N, freq="D")


def ar1(rng: np.random.Generator, phi: float, sd: float) -> np.ndarray:
    return lfilter([1.0], [1.0, -phi], rng.normal(0, sd, N))


def test_recovers_a_planted_closing_slope() -> None:
    slopes, covered = [], 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        y = 12.0 - 6.0 * np.arange(N) / DAYS_PER_YEAR + ar1(rng, 0.9, 0.5)
        res = gap_trend(pd.DataFrame({"date": DATES, "lag_months": y}))
        assert res.verdict == "closing"
        covered += res.lower <= -6.0 <= res.upper
        slopes.append(res.slope)
    # Nominal 90%. Newey-West intervals run narrow on very persistent noise (phi 0.9 gives ~60%,
    # see docs/methods.md), so coverage is checked on moderately autocorrelated noise below.
    assert covered >= 8
    assert np.mean(slopes) == pytest.approx(-6.0, abs=0.1)


def test_interval_covers_planted_slope_with_moderate_autocorrelation() -> None:
    covered = 0
    for seed in range(40):
        rng = np.random.default_rng(500 + seed)
        y = 12.0 - 6.0 * np.arange(N) / DAYS_PER_YEAR + ar1(rng, 0.5, 1.0)
        res = gap_trend(pd.DataFrame({"date": DATES, "lag_months": y}))
        covered += res.lower <= -6.0 <= res.upper
    assert covered >= 32  # >= 80% for a 90% interval


def test_widening_slope() -> None:
    rng = np.random.default_rng(0)
    y = 2.0 + 3.0 * np.arange(N) / DAYS_PER_YEAR + ar1(rng, 0.8, 0.5)
    res = gap_trend(pd.DataFrame({"date": DATES, "lag_months": y}), level=0.95)
    assert res.verdict == "widening"
    assert res.slope == pytest.approx(3.0, abs=0.5)


def test_flat_noisy_series_is_mostly_no_clear_trend() -> None:
    verdicts = []
    for seed in range(50):
        rng = np.random.default_rng(100 + seed)
        y = 7.0 + ar1(rng, 0.8, 1.0)
        verdicts.append(gap_trend(pd.DataFrame({"date": DATES, "lag_months": y})).verdict)
    share = verdicts.count("no clear trend") / len(verdicts)
    assert share >= 0.7, share


def test_window_fitted_line_and_dict() -> None:
    y = np.where(np.arange(N) < 365, 10.0, 10.0 - 2.0 * (np.arange(N) - 365) / DAYS_PER_YEAR)
    s = pd.DataFrame({"date": DATES, "gap": y})
    res = gap_trend(s, column="gap", since="2024-01-01", maxlags=10)
    assert res.slope == pytest.approx(-2.0)
    assert res.n == N - 365 and res.maxlags == 10
    assert res.start == pd.Timestamp("2024-01-01")
    np.testing.assert_allclose(res.fitted["fitted"], y[365:], atol=1e-9)
    d = res.to_dict()
    assert d["verdict"] == "closing" and d["column"] == "gap" and d["slope_per_year"] < 0


def test_works_on_a_vertical_gap_series_and_drops_non_finite() -> None:
    days = np.arange(0, 900, 5)
    leader = pd.DataFrame({"model": [f"L{i}" for i in range(len(days))],
                           "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
                           "value": 100 + days / 10.0})
    follower = leader.assign(
        model=leader["model"] + "f", value=100 + days / 10.0 - 20 + days / 60.0
    )
    g = vertical_gap(leader, follower)
    res = gap_trend(g, column="gap")
    assert res.verdict == "closing"
    assert res.slope == pytest.approx(-DAYS_PER_YEAR / 60.0, rel=0.05)
    g.loc[g.index[:10], "gap"] = np.nan
    assert gap_trend(g, column="gap").n_dropped == 10


def test_default_maxlags_rule() -> None:
    assert default_maxlags(1000) == 42
    assert default_maxlags(2) == 1


def test_errors() -> None:
    s = pd.DataFrame({"date": DATES[:5], "lag_months": [1.0, 2, 3, 4, 5]})
    with pytest.raises(QueryError, match="between 0 and 1"):
        gap_trend(s, level=0)
    with pytest.raises(QueryError, match="no column 'gap'"):
        gap_trend(s, column="gap")
    with pytest.raises(QueryError, match="at least 3 days"):
        gap_trend(s, since="2023-01-04")
    with pytest.raises(QueryError, match="maxlags"):
        gap_trend(s, maxlags=5)
    with pytest.raises(QueryError, match="before since"):
        gap_trend(s, since="2023-01-04", until="2023-01-01")
