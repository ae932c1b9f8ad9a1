"""Benchmark: peak memory and time to import a 1,000,000-row Epoch benchmark CSV.

Writes a synthetic ``mmlu_external.csv`` (Epoch's column layout, 1,000,000 rows, ~1,000
distinct models, realistic cell lengths) to a temporary folder, then, each in a fresh child
process:

- ``parse``: the ``epoch-benchmarks`` importer plus the schema check (``conform``);
- ``store``: the whole ``aigap import epoch-benchmarks FILE`` path into a real DuckDB store
  (parse, conform, derived tables, one transaction with the vintage row and licence).

Prints wall time and each child's own peak RSS (MiB). Target (issue 16): under 1 GB.
Run: python benchmarks/bench_import_memory.py [ROWS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("Model version,EM,Release date,Organization,Country,Training compute (FLOP),"
          "Training compute notes,Name,Shots,Source,Source link,Notes,id\n")
COUNTRIES = ("United States of America", "China", "France", "United Kingdom of Great Britain "
             "and Northern Ireland", "Korea (Republic of)")

CHILD = """
import resource, sys
from pathlib import Path
from aigap.sources import SourceFile, get_source
(ds,) = get_source("epoch-benchmarks").parse(SourceFile.from_path(Path(sys.argv[1])))
ds.conform()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, ds.n_rows, dict(ds.skipped))
"""

CHILD_STORE = """
import resource, sys
from aigap.api.data import import_path
from aigap.store import Store
# As `aigap import` opens it: brief (no connection while parsing, write lock only to write).
with Store(sys.argv[2], brief=True) as st:
    report = import_path(st, "epoch-benchmarks", sys.argv[1])
    stored = st.con.execute("SELECT count(*) FROM score").fetchone()[0]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, stored, report.summary_line())
"""


def write_csv(path: Path, rows: int) -> None:
    """A synthetic benchmark file, written in blocks (vectorised with numpy)."""
    import numpy as np

    rng = np.random.default_rng(20261201)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        block = 100_000
        for start in range(0, rows, block):
            n = min(block, rows - start)
            ids = np.arange(start, start + n)
            model = rng.integers(0, 1000, n)
            score = np.round(rng.uniform(0.2, 0.95, n), 4)
            month = rng.integers(1, 13, n)
            country = rng.integers(0, len(COUNTRIES), n)
            lines = [
                f"model-{m}-v{i % 7},{s},2024-{mo:02d}-15,Lab {m % 50},\"{COUNTRIES[c]}\","
                f"1.5e+24,,Model {m},5,Technical report {m},https://example.org/{m},,rec{i}\n"
                for i, m, s, mo, c in zip(ids, model, score, month, country, strict=True)
            ]
            fh.writelines(lines)


def run(code: str, *args: str) -> tuple[float, float, str]:
    """Run a child; its wall time, own peak RSS (MB) and the rest of its output line."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(proc.stderr[-2000:])
    peak_kb, rest = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    return wall, int(peak_kb) / 1024, rest


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mmlu_external.csv"
        write_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        wall, peak, rest = run(CHILD, str(path))
        print(f"parse {rows:,} rows ({size_mb:.0f} MB CSV): wall {wall:.1f} s, peak RSS "
              f"{peak:.0f} MiB; {rest}")
        wall, peak, rest = run(CHILD_STORE, str(path), str(Path(tmp) / "aigap.duckdb"))
        db_mb = (Path(tmp) / "aigap.duckdb").stat().st_size / 1e6
        print(f"import into a store: wall {wall:.1f} s, peak RSS {peak:.0f} MiB, store "
              f"{db_mb:.0f} MB; score rows stored and report: {rest}")


if __name__ == "__main__":
    main()
