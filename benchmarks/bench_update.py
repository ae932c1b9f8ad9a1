"""Benchmark: `aigap update --from ../shared/data` into an empty store.

Prints wall time and peak memory (RSS of the child process). Target: < 10 s, < 500 MB on a
2-core machine. Run: python benchmarks/bench_update.py [MIRROR]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(mirror: Path, extra: list[str]) -> None:
    with tempfile.TemporaryDirectory() as home:
        cmd = [sys.executable, "-m", "aigap", "--home", home, "update", "--from", str(mirror),
               "--format", "json", *extra]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode:
            sys.exit(proc.stderr)
        # ru_maxrss of children is the largest single child (the CLI or a parse worker).
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        store_mb = (Path(home) / "aigap.duckdb").stat().st_size / 1e6
    label = " ".join(extra) or "all sources"
    print(f"update --from {mirror} [{label}]: wall {wall:.2f} s, peak RSS {peak_mb:.0f} MB, "
          f"store {store_mb:.1f} MB")


def main() -> None:
    mirror = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    if not mirror.is_dir():
        sys.exit(f"no mirror at {mirror}")
    epoch = ["--source", "epoch-models", "--source", "epoch-benchmarks", "--source",
             "epoch-orgs", "--source", "epoch-clusters", "--source", "epoch-hardware"]
    run(mirror, epoch)
    run(mirror, [])


if __name__ == "__main__":
    main()
