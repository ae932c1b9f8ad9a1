"""Bootstrap (method 5): reproducibility, fast path = generic path, coverage of planted values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.frontier import per_model_best, to_days
from aigap.analysis.lag import _frontiers
from aigap.analysis.uncertainty import (
    LAG_STATISTICS,
    _batch_summaries,
    _group_arrays,
    bootstrap,
    bootstrap_lag,
    lag_statistic,
    score_sd,
)
from aigap.errors import QueryError

D0 = pd.Timestamp("2022-01-01")


def noisy_pair(
    rng: np.random.Generator, n: int = 120, shift: int = 180, sd: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leader improving 0.1 point a day (a model every 5 days); follower = leader + shift days."""
    days = np.arange(n) * 5
    true = 0.1 * days
    leader = pd.DataFrame({
        "model": [f"L{i}" for i in range(n)], "date": D0 + pd.to_timedelta(days, "D"),
        "value": true + rng.normal(0, sd, n) * (sd > 0), "stderr": sd,
    })
    follower = pd.DataFrame({
        "model": [f"F{i}" for i in range(n)], "date": D0 + pd.to_timedelta(days + shift, "D"),
        "value": true + rng.normal(0, sd, n) * (sd > 0), "stderr": sd,
    })
    return leader, follower


END = D0 + pd.Timedelta(days=119 * 5)
SINCE = "2022-09-01"


def test_same_seed_same_output_and_different_seed_differs() -> None:
    leader, follower = noisy_pair(np.random.default_rng(1))
    a = bootstrap_lag(leader, follower, n=200, rng=np.random.default_rng(7), since=SINCE)
    b = bootstrap_lag(leader, follower, n=200, rng=np.random.default_rng(7), since=SINCE)
    c = bootstrap_lag(leader, follower, n=200, rng=np.random.default_rng(8), since=SINCE)
    assert a == b
    assert a.estimates == c.estimates
    assert a.lower != c.lower or a.upper != c.upper

    def stat(lf: pd.DataFrame, ff: pd.DataFrame) -> dict[str, float]:
        return {"diff": float(lf["value"].max() - ff["value"].max())}

    g1 = bootstrap(leader, follower, stat, n=50, rng=np.random.default_rng(3))
    g2 = bootstrap(leader, follower, stat, n=50, rng=np.random.default_rng(3))
    g3 = bootstrap(leader, follower, stat, n=50, rng=np.random.default_rng(4))
    assert g1 == g2
    assert (g1.lower, g1.upper) != (g3.lower, g3.upper)


def test_fast_point_estimates_match_the_generic_statistic() -> None:
    leader, follower = noisy_pair(np.random.default_rng(2))
    res = bootstrap_lag(leader, follower, n=5, rng=np.random.default_rng(0), since=SINCE, tau=0.5)
    ref = lag_statistic(tau=0.5, since=SINCE)(leader, follower)
    assert set(res.estimates) == set(LAG_STATISTICS)
    for k in LAG_STATISTICS:
        assert res.estimates[k] == pytest.approx(ref[k], rel=1e-12), k


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("drop_first", [True, False])
@pytest.mark.parametrize("exclude_censored", [False, True])
@pytest.mark.parametrize("sd", [2.0, 0.0])
def test_fast_path_equals_generic_on_the_same_draws(
    seed: int, drop_first: bool, exclude_censored: bool, sd: float
) -> None:
    """Same draws, same numbers: noisy scores, and whole-number scores with exact ties at tau."""
    rng = np.random.default_rng(seed)
    leader, follower = noisy_pair(rng, n=40, sd=sd)
    if sd == 0.0:  # whole numbers, tau 1: leader == follower + tau happens exactly
        leader["value"] = np.round(leader["value"])
        follower["value"] = np.round(follower["value"])
    leader = leader.iloc[:-5]  # groups of different sizes
    end = pd.Timestamp("2022-09-30")  # some follower models fall after the end
    tau = 0.7 if sd else 1.0
    lead, foll = per_model_best(leader), per_model_best(follower)
    fr = _frontiers(leader, follower, end=end, drop_first=drop_first, labels=("a", "b"))
    day0 = min(to_days(lead["date"]).min(), to_days(foll["date"]).min())
    end_d = to_days(fr.end)[0]
    n_days = int((end_d - day0).astype("int64")) + 1
    since_off = int((to_days(pd.Timestamp(SINCE))[0] - day0).astype("int64"))
    c = 12
    idx_l = rng.integers(0, len(lead), size=(c, len(lead)))
    idx_f = rng.integers(0, len(foll), size=(c, len(foll)))
    noise_l = rng.normal(0, sd, size=idx_l.shape)
    noise_f = rng.normal(0, sd, size=idx_f.shape)
    fast = _batch_summaries(
        _group_arrays(lead, day0, end_d), _group_arrays(foll, day0, end_d),
        idx_l, idx_f, noise_l, noise_f,
        n_days=n_days, since=since_off, tau=tau, drop_first=drop_first,
        exclude_censored=exclude_censored,
    )
    stat = lag_statistic(tau=tau, end=end, since=SINCE, drop_first=drop_first,
                         exclude_censored=exclude_censored)
    assert any(np.isfinite(fast["lag_mean"])), "the draws must define some lags"
    for r in range(c):
        lb = lead.iloc[idx_l[r]].reset_index(drop=True)
        lb["value"] = lb["value"].to_numpy() + noise_l[r]
        fb = foll.iloc[idx_f[r]].reset_index(drop=True)
        fb["value"] = fb["value"].to_numpy() + noise_f[r]
        try:
            ref = stat(lb, fb)
        except QueryError:  # no kept record, or (censored days left out) no lag day defined
            assert all(np.isnan(fast[k][r]) for k in ("lag_mean", "lag_min", "lag_max"))
            continue
        for k in LAG_STATISTICS:
            assert fast[k][r] == pytest.approx(ref[k], rel=1e-9, abs=1e-12), (r, k)


def test_intervals_cover_planted_values_near_nominal_rate() -> None:
    exact = noisy_pair(np.random.default_rng(0), sd=0.0)
    truth = lag_statistic(tau=0.0, end=END, since=SINCE)(*exact)
    assert truth["gap_mean"] == pytest.approx(18.0)  # 180 days x 0.1 point a day
    hits = {"lag_mean": 0, "gap_mean": 0}
    reps = 50
    for rep in range(reps):
        leader, follower = noisy_pair(np.random.default_rng(1000 + rep))
        res = bootstrap_lag(
            leader, follower, tau=0.0, end=END, since=SINCE, n=300, rng=np.random.default_rng(rep)
        )
        assert res.n_defined["lag_mean"] == 300
        for k in hits:
            hits[k] += res.lower[k] <= truth[k] <= res.upper[k]
    for k, h in hits.items():
        assert h / reps >= 0.75, (k, h)


def test_score_sd_from_interval_and_stderr() -> None:
    f = pd.DataFrame({
        "model": ["a", "b", "c"], "value": [1.0, 2.0, 3.0],
        "lower": [0.0, np.nan, 1.0], "upper": [3.92, np.nan, 5.0], "stderr": [np.nan, np.nan, 0.5],
    })
    np.testing.assert_allclose(score_sd(f), [1.0, 0.0, 0.5], atol=1e-3)
    bad = f.assign(upper=[-1.0, np.nan, np.nan], stderr=np.nan)
    with pytest.raises(QueryError, match=r"'a'.*upper is below lower"):
        score_sd(bad)


def test_interval_noise_widens_the_interval() -> None:
    leader, follower = noisy_pair(np.random.default_rng(5))
    tight = bootstrap_lag(leader.drop(columns="stderr"), follower.drop(columns="stderr"),
                          n=300, rng=np.random.default_rng(1), since=SINCE)
    loose = bootstrap_lag(leader.assign(stderr=5.0), follower.assign(stderr=5.0),
                          n=300, rng=np.random.default_rng(1), since=SINCE)
    width = {k: r.upper["gap_mean"] - r.lower["gap_mean"] for k, r in (("t", tight), ("l", loose))}
    assert width["l"] > width["t"]


def test_bad_arguments_are_query_errors() -> None:
    leader, follower = noisy_pair(np.random.default_rng(0))
    rng = np.random.default_rng(0)
    with pytest.raises(QueryError, match=">= 1"):
        bootstrap_lag(leader, follower, n=0, rng=rng)
    with pytest.raises(QueryError, match="between 0 and 1"):
        bootstrap_lag(leader, follower, n=10, rng=rng, level=1.5)
    with pytest.raises(QueryError, match="Generator"):
        bootstrap_lag(leader, follower, n=10, rng=42)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="the follower group has 1 model"):
        bootstrap_lag(leader, follower.iloc[:1], n=10, rng=rng)
