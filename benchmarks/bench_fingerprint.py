"""Benchmark: fingerprint (size, mtime, sha256) every candidate file of a mirror.

This is the work an update does to recognise unchanged files before parsing. Prints the
median of three runs for a cold scan (every file hashed) and a warm scan (hashes reused from
the previous scan by path, size and mtime), with 1 and 2 hashing threads.
Run: python benchmarks/bench_fingerprint.py [MIRROR]   (default ../shared/data)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from aigap.sources.fingerprint import scan

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: object, repeat: int = 3) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    fps = scan(mirror)
    total = sum(fp.size for fp in fps)
    previous = {fp.stat_key: fp.sha256 for fp in fps}
    print(f"{len(fps)} files, {total / 1e6:.1f} MB under {mirror}")
    for workers in (1, 2):
        cold = timed(lambda w=workers: scan(mirror, workers=w))
        print(f"cold scan, {workers} thread(s): {cold:.3f} s (median of 3)")
    warm = timed(lambda: scan(mirror, previous=previous))
    print(f"warm scan (hashes reused): {warm:.3f} s (median of 3)")


if __name__ == "__main__":
    main()
