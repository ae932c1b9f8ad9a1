"""Simulated record processes with a known true lag, for calibration and coverage checks.

Each group releases models at Poisson times; a model's score is the group's capability curve
at its release day minus a "tier" gap (most models are smaller than the frontier: exponential
with mean ``tier`` points) plus evaluation noise (normal, sd ``noise``). Only a few models a year
become frontier records, as in the real data. The leader's capability is ``growth * t``; the
follower's is ``growth * (ratio * t - lag0)``, so its true lag behind the leader is
``lag0 - (ratio - 1) * t`` years: constant for ``ratio = 1``, closing at (ratio - 1) years per
year otherwise. Everything is drawn from the generator passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aigap.analysis.units import DAYS_PER_YEAR
from aigap.errors import QueryError

__all__ = ["RecordProcess", "simulate_pair", "true_lag_months"]

START = pd.Timestamp("2022-01-01")


@dataclass(frozen=True)
class RecordProcess:
    """Parameters of a simulated leader/follower pair (units: years and score points).

    Attributes:
        years: length of the observed window; models are also drawn for ``burn_in`` years
            before it so the first records are not artefacts of the data start.
        rate: models per year per group (Poisson).
        growth: leader capability growth, points per year.
        lag0: the follower's true lag at the window start, in years.
        ratio: follower growth / leader growth (1 = same growth, constant lag).
        tier: mean of the exponential shortfall of a model below its group's capability.
        noise: sd of the evaluation noise on each score.
        burn_in: years of models before the window; base: score level at the window start.
    """

    years: float = 3.0
    rate: float = 12.0
    growth: float = 8.0
    lag0: float = 0.5
    ratio: float = 1.0
    tier: float = 4.0
    noise: float = 1.0
    burn_in: float = 1.0
    base: float = 100.0


def _group(rng: np.random.Generator, p: RecordProcess, prefix: str, follower: bool) -> pd.DataFrame:
    span = p.years + p.burn_in
    n = max(2, int(rng.poisson(p.rate * span)))
    t = np.sort(rng.uniform(-p.burn_in, p.years, n))
    cap = p.base + p.growth * ((p.ratio * t - p.lag0) if follower else t)
    value = cap - rng.exponential(p.tier, n) + rng.normal(0.0, p.noise, n)
    days = np.round(t * DAYS_PER_YEAR).astype("int64")
    return pd.DataFrame({
        "model": [f"{prefix}{i}" for i in range(n)],
        "date": START + pd.to_timedelta(days, "D"),
        "value": value,
    })


def simulate_pair(
    rng: np.random.Generator, process: RecordProcess | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One simulated (leader, follower) pair of group tables (``model``, ``date``, ``value``).

    Day 0 of the observed window is 2022-01-01; models before it are the burn-in.
    """
    p = RecordProcess() if process is None else process
    if p.years <= 0 or p.rate <= 0 or p.ratio <= 0:
        raise QueryError("simulate_pair: years, rate and ratio must be > 0")
    return _group(rng, p, "L", False), _group(rng, p, "F", True)


def true_lag_months(process: RecordProcess, t_years: float | np.ndarray) -> np.ndarray:
    """The planted lag (months) of the follower at ``t_years`` after the window start."""
    t = np.asarray(t_years, dtype="float64")
    return 12.0 * (process.lag0 - (process.ratio - 1.0) * t)
