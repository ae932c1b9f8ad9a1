"""Benchmark: compute trend + gap with 1,000 bootstrap resamples on Epoch's real model data.

Run: ``python benchmarks/bench_compute.py [path/to/all_ai_models.csv]`` (default: the
2026-03 vintage in ../shared/data). Prints wall times; target: well under 5 s per trend.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "epoch" / "ai_models_2026-03" / "all_ai_models.csv"


def main(path: Path = DEFAULT) -> None:
    """Time parsing, both trends (fixed and refit bootstrap) and the gap."""
    from aigap.analysis.compute import compute_gap, compute_trend
    from aigap.sources import get_source
    from aigap.sources.base import SourceFile

    t0 = time.perf_counter()
    parsed = get_source("epoch-models").parse(SourceFile.from_path(path))
    models = pd.concat([p.frames["model"] for p in parsed]).reset_index(drop=True)
    t1 = time.perf_counter()
    china = models["countries"].map(lambda cs: any(c in ("CHN", "HKG") for c in cs))
    print(f"parse {path.name}: {t1 - t0:.2f} s ({len(models)} models)")
    for boot in ("fixed", "refit"):
        t2 = time.perf_counter()
        c = compute_trend(
            models,
            china.astype(float),
            rng=np.random.default_rng(1),
            n_boot=1000,
            boot=boot,
            label="China",
        )
        r = compute_trend(
            models,
            (~china).astype(float),
            rng=np.random.default_rng(2),
            n_boot=1000,
            boot=boot,
            label="Rest",
        )
        g = compute_gap(r, c)
        t3 = time.perf_counter()
        print(
            f"boot={boot}: two trends + gap, 1,000 resamples each: {t3 - t2:.3f} s; "
            f"China {c.growth:.2f}x/yr [{c.growth_interval[0]:.2f}, {c.growth_interval[1]:.2f}]"
            f", rest {r.growth:.2f}x/yr, lag {g.lag_years:.2f} y "
            f"[{g.lag_interval[0]:.2f}, {g.lag_interval[1]:.2f}]"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
