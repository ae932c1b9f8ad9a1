"""Benchmark: daily lag + bootstrap wall time and peak memory (a script, not a test).

Usage:
    python benchmarks/bench_lag.py [--eci PATH] [--n 1000] [--synthetic-models 100000]

Prints, for the real ECI file (if given or found in ../shared/data) and for a synthetic data set,
the wall time of the daily lag and of the fast bootstrap, plus the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from aigap.analysis.lag import lag_analysis
from aigap.analysis.uncertainty import bootstrap_lag

DEFAULT_ECI = (
    Path(__file__).resolve().parents[2]
    / "shared/data/epoch/benchmark_data_2026-04/epoch_capabilities_index.csv"
)


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def eci_groups(path: Path, as_of: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """US and China groups from Epoch's ECI file (Country contains the name; best per model)."""
    raw = pd.read_csv(path).dropna(subset=["ECI Score", "Release date"])
    raw["date"] = pd.to_datetime(raw["Release date"])
    if as_of is not None:
        raw = raw[raw["date"] <= pd.Timestamp(as_of)]

    def pick(country: str) -> pd.DataFrame:
        g = raw[raw["Country"].fillna("").str.contains(country, regex=False)]
        g = g.sort_values("ECI Score", ascending=False).drop_duplicates("Model name")
        return pd.DataFrame({"model": g["Model name"], "date": g["date"], "value": g["ECI Score"]})

    return pick("United States of America"), pick("China")


def synthetic(n_models: int, years: int, rng: np.random.Generator) -> tuple[pd.DataFrame, ...]:
    """Two groups of n_models / 2 models over ``years``, follower 200 days behind, with stderr."""
    half = n_models // 2
    span = int(years * 365.25)
    start = pd.Timestamp("2016-01-01")
    out = []
    for name, delay in (("L", 0), ("F", 200)):
        days = rng.integers(0, span, half)
        value = 0.05 * (days - delay) + rng.normal(0, 5, half)
        out.append(pd.DataFrame({
            "model": [f"{name}{i}" for i in range(half)],
            "date": start + pd.to_timedelta(days, "D"),
            "value": value,
            "stderr": 1.0,
        }))
    return tuple(out)


def run(label: str, leader: pd.DataFrame, follower: pd.DataFrame, n: int, **kw: object) -> None:
    """Time one daily lag and one bootstrap and print the figures."""
    t0 = time.perf_counter()
    res = lag_analysis(leader, follower, **kw)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    boot = bootstrap_lag(
        leader, follower, n=n, rng=np.random.default_rng(2026), **kw  # type: ignore[arg-type]
    )
    t2 = time.perf_counter()
    w = res.summary["lag_window"]
    print(f"== {label}: {len(leader)} leader / {len(follower)} follower models, "
          f"{len(res.series)} days")
    print(f"   daily lag: {t1 - t0:.3f} s; bootstrap n={n}: {t2 - t1:.3f} s; "
          f"total {t2 - t0:.3f} s; peak RSS {peak_rss_mb():.0f} MB")
    print(f"   window {w['start'].date()}..{w['end'].date()}: mean {w['mean']:.2f} "
          f"[{boot.lower['lag_mean']:.2f}, {boot.upper['lag_mean']:.2f}] months, "
          f"min {w['min']:.2f}, max {w['max']:.2f}; whole series mean "
          f"{res.summary['lag_all']['mean']:.2f}; "
          f"matched mean {res.summary['matched']['mean']:.2f}")
    print(boot.to_frame().round(3).to_string(index=False))


def main() -> None:
    """Parse arguments and run the benchmarks."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--eci", type=Path, default=DEFAULT_ECI)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--synthetic-models", type=int, default=100_000)
    p.add_argument("--synthetic-n", type=int, default=100)
    a = p.parse_args()
    if a.eci.exists():
        lead, foll = eci_groups(a.eci, None)
        run("ECI, whole file", lead, foll, a.n, tau=1.0, since="2023-01-01")
        lead, foll = eci_groups(a.eci, "2026-01-02")
        run("ECI as of 2026-01-02", lead, foll, a.n, tau=1.0, end="2026-01-02",
            since="2023-01-01", drop_first=True)
    else:
        print(f"(ECI file {a.eci} not found; skipped)")
    lead, foll = synthetic(a.synthetic_models, 10, np.random.default_rng(1))
    run("synthetic", lead, foll, a.synthetic_n, tau=1.0, since="2020-01-01")


if __name__ == "__main__":
    main()
