"""Benchmark: JSON API latency against a running `aigap serve` (uvicorn on 127.0.0.1).

Starts the server on the given data home, sends each request once (cold: computes and
caches), then 30 more times (warm) with a real HTTP client, and prints the cold time and the
warm p50/p95 per endpoint. Target: warm p95 < 100 ms.
Run: python benchmarks/bench_api.py HOME   (HOME: a data dir after `aigap update --from ...`)
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time

import httpx

QUERIES = [
    "/api/sources",
    "/api/metrics",
    "/api/models?country=CHN&since=2025-01-01&until=2025-12-31",
    "/api/lag?leader=USA&follower=China&metric=eci",
    "/api/lag?leader=USA&follower=China&metric=eci&as_of=2025-06-30",
    "/api/lag?leader=USA&follower=China&metric=gpqa_diamond",
    "/api/trend?leader=USA&follower=China&metric=eci&since=2023-01-01",
    "/api/compute?leader=ROW&follower=China",
    "/api/claims",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    home, port = sys.argv[1], free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aigap", "--home", home, "serve",
                             "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            for _ in range(200):
                try:
                    client.get("/api/sources")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            worst = 0.0
            for q in QUERIES:
                t0 = time.perf_counter()
                r = client.get(q)
                cold = time.perf_counter() - t0
                r.raise_for_status()
                times = []
                for _ in range(30):
                    t0 = time.perf_counter()
                    client.get(q).raise_for_status()
                    times.append(time.perf_counter() - t0)
                p95 = statistics.quantiles(times, n=20)[18]
                worst = max(worst, p95)
                print(f"{q:70s} cold {cold * 1000:8.0f} ms   warm p50 "
                      f"{statistics.median(times) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms")
            print(f"worst warm p95: {worst * 1000:.1f} ms (target < 100 ms)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
