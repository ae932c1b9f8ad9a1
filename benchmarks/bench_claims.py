"""Benchmark: `aigap claims --format json` and the web app's `/api/claims` on a full home.

Measures, each in a fresh process (so imports and store opening count):
1. the CLI with no cached results (every lag computed; the disk cache is written): the
   cost `aigap update` pays once when the data change (it evaluates the claims ahead),
2. the CLI again (results read from the cache keyed by data vintage): what `aigap claims`
   costs after an update, and on every later day until the data change,
3. `/api/claims` through the web app's handler in a fresh process (FastAPI TestClient),
   first request after start ("cold" app, cache on disk warm),
4. the CLI with a new evaluation date (`--as-of 2024-06-01`, not in the cache): what asking
   "as of" another date costs the first time.
Targets: CLI < 5 s, /api/claims cold < 2 s (warm cache).
Run: python benchmarks/bench_claims.py HOME
     (HOME: after `aigap --home HOME update --from ../shared/data`)
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

WEB = """
import time, sys
t0 = time.perf_counter()
from fastapi.testclient import TestClient
from aigap.web.app import create_app
client = TestClient(create_app(sys.argv[1]))
t1 = time.perf_counter()
r = client.get('/api/claims')
r.raise_for_status()
t2 = time.perf_counter()
print(f'{t1 - t0:.2f} {t2 - t1:.2f} {len(r.json()["claims"])}')
"""


def run(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - t0, out


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    home = sys.argv[1]
    for f in (Path(home) / "cache").glob("claims-*.pkl"):
        f.unlink()  # our own cache files only: the first run must compute
    cli = [sys.executable, "-m", "aigap", "--home", home, "claims", "--format", "json"]
    cold, out1 = run(cli)
    warm, out2 = run(cli)
    print(f"aigap claims --format json, no cached results (paid by update): {cold:.2f} s")
    print(f"aigap claims --format json, cached by vintage (after update):  {warm:.2f} s "
          f"(same output: {out1 == out2})")
    web_total, web_out = run([sys.executable, "-c", WEB, home])
    start, request, n = web_out.split()
    print(f"/api/claims, fresh app: start {start} s, first request {request} s "
          f"({n} claims; process {web_total:.2f} s)")
    for f in (Path(home) / "cache").glob("claims-*.pkl"):
        f.unlink()
    run(cli)  # the default date cached again, as after an update
    other, _ = run([*cli, "--as-of", "2024-06-01"])
    print(f"aigap claims --as-of 2024-06-01 (not cached; default date cached): {other:.2f} s")


if __name__ == "__main__":
    main()
