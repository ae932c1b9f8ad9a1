"""Benchmark: `aigap report` on a data home (wall time, peak memory, file size).

Target: under 15 s on the shared data on a 2-core machine.
Run: python benchmarks/bench_report.py HOME   (HOME: a data dir after `aigap update --from ...`)
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    home = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "aigap", "--home", home, "report", "-o",
                               str(out)], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode:
            sys.exit(proc.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = out.stat().st_size / 1e6
    print(f"report: wall {wall:.1f} s, peak RSS {peak:.0f} MB (largest process), "
          f"file {size:.1f} MB")


if __name__ == "__main__":
    main()
