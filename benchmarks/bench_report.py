"""Benchmark: `aigap report` on a data home (wall and CPU time, sections, leftovers, size).

Target: under 8 s wall on the full shared mirror on a 2-core machine.
Run: python benchmarks/bench_report.py HOME [RUNS]
     (HOME: a data dir after `aigap update --from ...`; RUNS: CLI runs, default 3)

Prints, per cold CLI run (`--no-cache`), the wall time, the CPU time of the process (user +
system), whether any process of its session outlived it (a leftover worker), and the file
size; then the median; then two runs with the report cache (the second reuses the first's
results: same code, settings and data vintages); then one in-process build with the seconds
each section took and the HTML assembly time.
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


def _cli_run(home: str, out: Path, *flags: str) -> tuple[float, float, bool, float]:
    """Wall s, CPU s, leftover process in the session?, file MB of one `aigap report`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "aigap", "--home", home, "report", "-o",
                             str(out), *flags], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(err)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    time.sleep(0.2)
    try:
        os.killpg(proc.pid, 0)  # anything left in the report's process group?
        leftover = True
    except ProcessLookupError:
        leftover = False
    return wall, cpu, leftover, out.stat().st_size / 1e6


def _sections(home: str) -> None:
    from aigap.report.build import build_report
    from aigap.report.html import render_html

    t0 = time.perf_counter()
    data = build_report(home=home, cache=False)
    built = time.perf_counter() - t0
    for sec in data.sections:
        print(f"  {sec.key:24s} {sec.seconds:6.2f} s"
              + (f"  (not available: {sec.unavailable[:60]})" if sec.unavailable else ""))
    t1 = time.perf_counter()
    render_html(data)
    print(f"  {'build (all sections)':24s} {built:6.2f} s")
    print(f"  {'HTML assembly':24s} {time.perf_counter() - t1:6.2f} s (incl. Vega bundle)")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    home = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            wall, cpu, leftover, size = _cli_run(home, Path(tmp) / f"report{i}.html",
                                                 "--no-cache")
            walls.append(wall)
            print(f"cold run {i + 1} (--no-cache): wall {wall:.1f} s, CPU {cpu:.1f} s, "
                  f"file {size:.1f} MB, leftover process: {'YES' if leftover else 'no'}")
        print(f"median cold wall {statistics.median(walls):.1f} s over {runs} runs "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        for label in ("first cached run (fills the cache)", "same data again (cache hit)"):
            wall, cpu, leftover, _ = _cli_run(home, Path(tmp) / "cached.html")
            print(f"{label}: wall {wall:.1f} s, CPU {cpu:.1f} s, leftover process: "
                  f"{'YES' if leftover else 'no'}")
    print("sections (in-process, one run):")
    _sections(home)


if __name__ == "__main__":
    main()
