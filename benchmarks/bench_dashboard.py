"""Benchmark: the dashboard's first view in real Chromium against a running `aigap serve`.

Starts `aigap serve` on HOME, waits for its warm-up (the first view's answers computed in
the background), then opens the dashboard in headless Chromium at 1400 px and times the
first view (navigation to the first drawn headline and charts); also checks that the page
does not scroll sideways at 390 px. Target: first view under 1 s on a warm store.
Run: python benchmarks/bench_dashboard.py HOME [SHOTS_DIR]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_warm(base: str, timeout: float = 300) -> float:
    """Seconds until the default lag answer is cached (a repeat request is fast)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            t = time.perf_counter()
            for url in ("/api/lag?leader=USA&follower=China&metric=eci",
                        "/api/trend?leader=USA&follower=China&metric=eci", "/static/vega.js"):
                urllib.request.urlopen(base + url, timeout=300).read()
            if time.perf_counter() - t < 0.3:
                return time.perf_counter() - t0
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not warm up")


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    from playwright.sync_api import sync_playwright

    home = sys.argv[1]
    shots = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    port = _port()
    server = subprocess.Popen([sys.executable, "-m", "aigap", "--home", home, "serve",
                               "--port", str(port)], stderr=subprocess.DEVNULL,
                              env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"warm-up done after {_wait_warm(base):.1f} s")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for width in (1400, 390):
                page = b.new_page(viewport={"width": width, "height": 900})
                t0 = time.perf_counter()
                page.goto(base + "/")
                page.wait_for_selector("body[data-ready]", timeout=120000)
                first = time.perf_counter() - t0
                sw, iw = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                print(f"{width} px: first view {first:.2f} s; document {sw} px wide, "
                      f"viewport {iw} px ({'OK' if sw <= iw else 'OVERFLOW'})")
                if shots:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shots / f"dashboard-{width}.png"), full_page=True)
                page.close()
            b.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
