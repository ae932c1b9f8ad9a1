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


def _aigap(home: str, args: list[str]) -> tuple[float, float, str]:
    """Run the CLI once; (wall seconds, CPU seconds of it and its workers, stdout).

    On a shared machine the wall time depends on the load; the CPU time does not, and
    divided over the cores the parse pool uses it bounds the wall time on an idle machine.
    """
    cmd = [sys.executable, "-m", "aigap", "--home", home, *args]
    env = {**os.environ, "COLUMNS": "80"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(proc.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def run(mirror: Path, extra: list[str], repeats: int = 3) -> None:
    """First import, then ``repeats`` updates of the unchanged mirror, into one fresh home."""
    label = " ".join(extra) or "all sources"
    with tempfile.TemporaryDirectory() as home:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        first, first_cpu, out = _aigap(home, ["update", "--from", str(mirror), *extra])
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        store_mb = (Path(home) / "aigap.duckdb").stat().st_size / 1e6
        again = [_aigap(home, ["update", "--from", str(mirror), *extra])[:2]
                 for _ in range(repeats)]
    walls = [w for w, _ in again]
    cpus = [c for _, c in again]
    print(f"update --from {mirror} [{label}]: first {first:.2f} s wall, {first_cpu:.2f} s CPU "
          f"(peak RSS {peak_mb:.0f} MB, store {store_mb:.1f} MB, {len(out.splitlines())} "
          f"lines at 80 columns); repeat median {statistics.median(walls):.2f} s wall, "
          f"{statistics.median(cpus):.2f} s CPU ({', '.join(f'{t:.2f}' for t in walls)})")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    if not mirror.is_dir():
        sys.exit(f"no mirror at {mirror}")
    run(mirror, [])


if __name__ == "__main__":
    main()
