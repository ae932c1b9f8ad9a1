"""Benchmark: parse every TOP500 edition in the shared data mirror; print time and memory.

Usage: ``python benchmarks/bench_top500.py [FOLDER]`` (default: ``$AIGAP_SHARED_DATA/top500``
or ``../shared/data/top500`` next to the project). Target: all 43 editions in under 30 s.
Parsing includes computing and conforming the per-country indicators, i.e. all the work an
``aigap import`` does before the store.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    """Parse every ``TOP500_*`` file in the folder and report wall time and peak RSS."""
    from aigap.sources.base import SourceFile
    from aigap.sources.top500 import parse

    root = Path(__file__).resolve().parents[1]
    default = Path(os.environ.get("AIGAP_SHARED_DATA", root.parent / "shared" / "data"))
    folder = Path(argv[0]) if argv else default / "top500"
    files = sorted(p for p in folder.glob("TOP500_*") if p.suffix in (".xls", ".xlsx", ".csv"))
    if not files:
        print(f"no TOP500_* files in {folder}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    systems = indicator_rows = 0
    for path in files:
        t0 = time.perf_counter()
        (ds,) = parse(SourceFile.from_path(path))
        systems += len(ds.frames["system"])
        indicator_rows += len(ds.frames["indicator"])
        print(f"{path.name:24s} {len(ds.frames['system']):4d} systems "
              f"{time.perf_counter() - t0:6.3f} s")
    wall = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(f"{len(files)} editions, {systems} systems, {indicator_rows} indicator rows: "
          f"{wall:.2f} s wall, peak RSS {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
