"""Never lock the user out: the CLI keeps working while `aigap serve` runs on the same store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
FIXTURE_MIRROR = Path(__file__).resolve().parent / "fixtures" / "epoch" / "mirror"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _aigap(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIGAP_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "aigap", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          check=False)


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=60) as r:
        body: dict[str, object] = json.loads(r.read())
    return body


def test_cli_works_while_serve_runs_and_a_write_shows(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _aigap(home, "update", "--from", str(FIXTURE_MIRROR)).returncode == 0
    port = _free_port()
    env = {**os.environ, "AIGAP_HOME": str(home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "aigap", "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                sources = _get(base + "/api/sources")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "aigap serve did not start"
                time.sleep(0.3)
        assert _get(base + "/api/lag?bootstrap=20")["kind"] == "lag"
        lag = _aigap(home, "lag", "--bootstrap", "20", "--format", "json")
        assert lag.returncode == 0, lag.stderr
        assert json.loads(lag.stdout)["kind"] == "lag"
        report = _aigap(home, "report", "-o", str(tmp_path / "r.html"), "--bootstrap", "20")
        assert report.returncode == 0, report.stderr
        assert (tmp_path / "r.html").stat().st_size > 10_000
        # A write while the server runs succeeds, and the server shows it without a restart.
        had = {s["source"] for s in sources["sources"] if s["vintages"]}  # type: ignore[index]
        assert "top500" not in had
        imp = _aigap(home, "update", "--from", str(FIXTURES / "top500"))
        assert imp.returncode == 0, imp.stderr
        after = _get(base + "/api/sources")["sources"]
        assert any(s["source"] == "top500" and s["vintages"] for s in after)  # type: ignore[union-attr,index]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
