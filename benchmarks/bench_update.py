"""Benchmark: `aigap update --from ../shared/data` into an empty store, then repeated.

Prints the first import's wall time and peak memory (RSS of the child processes), the median
wall time of three repeats on the unchanged mirror (files recognised by size and sha256
before parsing), and how many lines the default table output takes at 80 columns.
Targets: first import < 8 s, repeat < 1 s on a 2-core machine; output <= 30 lines.
Run: python benchmarks/bench_update.py [MIRROR]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _aigap(home: str, args: list[str]) -> tuple[float, str]:
    """Run the CLI once; (wall seconds, stdout)."""
    cmd = [sys.executable, "-m", "aigap", "--home", home, *args]
    env = {**os.environ, "COLUMNS": "80"}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(proc.stderr)
    return wall, proc.stdout


def run(mirror: Path, extra: list[str], repeats: int = 3) -> None:
    """First import, then ``repeats`` updates of the unchanged mirror, into one fresh home."""
    label = " ".join(extra) or "all sources"
    with tempfile.TemporaryDirectory() as home:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        first, out = _aigap(home, ["update", "--from", str(mirror), *extra])
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        store_mb = (Path(home) / "aigap.duckdb").stat().st_size / 1e6
        again = [_aigap(home, ["update", "--from", str(mirror), *extra])[0]
                 for _ in range(repeats)]
    print(f"update --from {mirror} [{label}]: first {first:.2f} s (peak RSS {peak_mb:.0f} MB, "
          f"store {store_mb:.1f} MB, {len(out.splitlines())} lines at 80 columns); repeat "
          f"median {statistics.median(again):.2f} s ({', '.join(f'{t:.2f}' for t in again)})")


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    if not mirror.is_dir():
        sys.exit(f"no mirror at {mirror}")
    run(mirror, [])


if __name__ == "__main__":
    main()
