"""Benchmark and report for the aigap Capability Index (a script, not a test).

Usage:
    OMP_NUM_THREADS=1 python benchmarks/bench_index.py [--data DIR] [--boot 100]
        [--sensitivity] [--worst] [--store]

Prints: the time of one full fit, of 24 month-end as-of refits, of the bootstrap; the
agreement with Epoch's published ECI; with ``--worst`` the 10 largest differences; with
``--sensitivity`` a table of penalty / anchors / minimum benchmarks against agreement and the
mean US-China lag (months, since 2023-01-01, tau 1 point) on the index each setting produces;
with ``--store`` the same through the store and the API: import the folder into a temporary
store, time a cold ``aigap.index`` (with ``--boot`` replicates), a cached repeat in process,
a repeat from the store's ``index_fit`` table after the in-process memo is cleared, and the
24 month-end refits of ``aigap.index(vintages=True)``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from aigap.analysis.index import (
    IndexFit,
    IndexSettings,
    agreement,
    fit_index,
    fit_index_as_of,
    fit_key,
    score_frame,
)
from aigap.analysis.lag import lag_analysis
from aigap.sources.epoch_irt import read_irt_rows, read_published_eci
from aigap.sources.readers import model_key

T = TypeVar("T")
DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/epoch/benchmark_data_2026-04"


def group(frame: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Models of one country (listed among the model's countries) as a lag-engine table."""
    mask = frame["countries"].map(lambda c: iso3 in c)
    sub = frame[mask]
    return pd.DataFrame({"model": sub["model_key"], "date": sub["release_date"],
                         "value": sub["value"]})


def us_china_lag(fit: IndexFit) -> float:
    """Mean daily lag of China behind the US, months, 2023-01-01 to the fit's newest model."""
    sf = score_frame(fit)
    res = lag_analysis(group(sf, "USA"), group(sf, "CHN"), tau=1.0, since="2023-01-01",
                       labels=("USA", "CHN"))
    return float(res.summary["lag_window"]["mean"])


def slope_per_year(fit: IndexFit) -> float:
    """Least-squares slope of the index against release date (points per year)."""
    m = fit.models
    years = (pd.to_datetime(m["release_date"]) - pd.Timestamp("2023-01-01")).dt.days / 365.25
    return float(np.polyfit(years.to_numpy(), m["aci"].to_numpy(), 1)[0])


def timed(label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` and print its wall time."""
    t = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t:.2f} s")
    return out


def main() -> None:
    """Time the fits and print agreement (and optionally the worst 10 and sensitivity)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--boot", type=int, default=100)
    ap.add_argument("--sensitivity", action="store_true")
    ap.add_argument("--worst", action="store_true")
    ap.add_argument("--store", action="store_true")
    args = ap.parse_args()
    if args.store:
        bench_store(args.data, args.boot)
        return

    rows = timed("read rows", lambda: read_irt_rows(args.data))
    eci = read_published_eci(args.data)
    eci["model_key"] = model_key(eci["group_name"])
    base = IndexSettings(n_boot=0)
    fit = timed("one full fit (no bootstrap)", lambda: fit_index(rows, base))
    assert isinstance(fit, IndexFit)
    print(f"  {fit.fit_info['n_models']} models, {fit.fit_info['n_benchmarks']} benchmarks, "
          f"{fit.n_rows} cells")
    timed("fit_key", lambda: fit_key(rows, base))
    ends = pd.date_range("2024-05-31", periods=24, freq="ME")
    timed("24 month-end as-of refits", lambda: [fit_index_as_of(rows, d, base) for d in ends])
    boot = timed(f"full fit + bootstrap ({args.boot} replicates)",
                 lambda: fit_index(rows, replace(base, n_boot=args.boot),
                                   rng=np.random.default_rng(12345)))
    assert isinstance(boot, IndexFit)
    width = (boot.models["upper"] - boot.models["lower"]).median()
    print(f"  {boot.n_boot_ok} replicates kept; median 90% interval width {width:.1f} points")
    agr = agreement(fit, eci)
    print(f"agreement with Epoch's ECI over {agr.n} models: r = {agr.pearson_r:.4f}, "
          f"median |diff| = {agr.median_abs_diff:.2f}, p90 |diff| = {agr.p90_abs_diff:.2f}")
    print(f"mean US-China lag on aci since 2023-01-01: {us_china_lag(fit):.2f} months")
    if args.worst:
        w = agreement(boot, eci).worst
        print(w.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    if args.sensitivity:
        variants: list[tuple[str, IndexSettings]] = [
            ("default (penalty 0.1)", base),
            ("penalty 0.01", replace(base, penalty=0.01)),
            ("penalty 0.001", replace(base, penalty=0.001)),
            ("penalty 0", replace(base, penalty=0.0)),
            ("penalty 1", replace(base, penalty=1.0)),
            ("min benchmarks 3", replace(base, min_benchmarks=3)),
            ("min benchmarks 6", replace(base, min_benchmarks=6)),
            ("min benchmarks 8", replace(base, min_benchmarks=8)),
            ("anchors GPT-4o (2024-05-13) = 125, GPT-5 = 150",
             replace(base, anchor_low=("GPT-4o (2024-05-13)", 125.0), scale_mode="models")),
            ("scale by anchor benchmark", replace(base, scale_mode="benchmark")),
        ]
        print("| setting | models | r vs ECI | median abs diff | p90 abs diff | "
              "slope (points/year) | mean US-China lag (months) |")
        print("|---|---|---|---|---|---|---|")
        for label, s in variants:
            f = fit_index(rows, s)
            a = agreement(f, eci)
            print(f"| {label} | {len(f.models)} | {a.pearson_r:.4f} | {a.median_abs_diff:.2f} "
                  f"| {a.p90_abs_diff:.2f} | {slope_per_year(f):.2f} | {us_china_lag(f):.2f} |")


def bench_store(data: Path, n_boot: int) -> None:
    """Time the fit through the store and the public API (cold, cached, from the store)."""
    import tempfile

    import aigap
    from aigap.api.aci import clear_memo

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        with aigap.open_store(home) as st:
            timed("import the folder", lambda: aigap.update_from_dir(st, data, workers=1))
        clear_memo()
        timed("aigap.index cold, point fit (no bootstrap)",
              lambda: aigap.index(n_boot=0, home=home))
        timed(f"aigap.index cold, {n_boot} bootstrap replicates",
              lambda: aigap.index(n_boot=n_boot, home=home))
        timed("aigap.index repeat (in-process cache)",
              lambda: aigap.index(n_boot=n_boot, home=home))
        clear_memo()
        timed("aigap.index repeat (from the store's index_fit table)",
              lambda: aigap.index(n_boot=n_boot, home=home))
        clear_memo()
        res = timed("aigap.index vintage view (month-end refits + lags, cold)",
                    lambda: aigap.index(n_boot=0, vintages=True, home=home))
        assert isinstance(res, aigap.IndexResult) and res.vintages is not None
        print(f"  {len(res.vintages)} month-ends")
        timed("aigap.lag --metric aci --as-of 2026-01-02 (fit cold, 1000 lag resamples)",
              lambda: aigap.lag("USA", "CHN", "aci", as_of="2026-01-02", since="2023-01-01",
                                home=home))


if __name__ == "__main__":
    main()
