"""Read-only by default (issue 16): analyses and the dashboard open the store read-only, so
any number of them run at once; a writer blocked by another process exits 2 with one line
naming it; parse workers die with a killed ``aigap update``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.slow


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "AIGAP_HOME": str(home), **extra}


def aigap(home: Path, *args: str, timeout: float = 120, **extra: str
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aigap", *args], env=env_for(home, **extra),
                          capture_output=True, text=True, timeout=timeout, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def data_home(tmp_path: Path) -> Path:
    """A home whose store holds the bundled data (created by one analysis)."""
    home = tmp_path / "home"
    assert aigap(home, "sources").returncode == 0
    return home


@pytest.fixture
def server(data_home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`aigap serve` on 127.0.0.1 and a free port, up and answering."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aigap", "serve", "--port", str(port)],
                            env=env_for(data_home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/api/sources"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                assert resp.status == 200
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
    yield proc
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


LAG = ("lag", "--metric", "mmlu", "--bootstrap", "50", "--format", "json")


def test_analyses_run_while_the_dashboard_serves(data_home: Path,
                                                 server: subprocess.Popen[bytes]) -> None:
    for args in (LAG, ("sources",), ("metrics",)):
        res = aigap(data_home, *args)
        assert res.returncode == 0, res.stderr
    assert server.poll() is None


def test_every_analysis_command_reads_while_the_dashboard_serves(
        data_home: Path, server: subprocess.Popen[bytes], tmp_path: Path) -> None:
    """No analysis command path asks for the write lock (the bundled data may lack some
    sources: then a one-line 'no data' exit 2 is fine, a lock error is not)."""
    commands = [("models",), ("trend", "--metric", "mmlu"), ("compute", "--bootstrap", "20"),
                ("top500",), ("clusters",), ("chips",), ("arena",), ("leaderboard",),
                ("indicators",), ("claims",), ("sources", "--unmapped"),
                ("report", "-o", str(tmp_path / "r.html"), "--bootstrap", "20")]
    for args in commands:
        res = aigap(data_home, *args, AIGAP_LOCK_WAIT="0")
        assert res.returncode in (0, 2), (args, res.stderr[-500:])
        assert "in use by" not in res.stderr and "lock" not in res.stderr.lower(), args
    assert server.poll() is None


def test_two_lag_runs_at_once(data_home: Path) -> None:
    """While one analysis holds the store open (read-only), others run: a lag and sources."""
    reader = subprocess.Popen(
        [sys.executable, "-c", "import time; from aigap.api.context import analysis_store\n"
         "with analysis_store() as st:\n    print('reading', flush=True); time.sleep(30)"],
        env=env_for(data_home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        fast = aigap(data_home, *LAG)
        sources = aigap(data_home, "sources")
        still_reading = reader.poll() is None
    finally:
        reader.kill()
        reader.wait()
    assert fast.returncode == 0, fast.stderr
    assert sources.returncode == 0, sources.stderr
    assert still_reading, "the first reader ended before the others ran; test too weak"


def test_writer_works_while_the_dashboard_serves(
        data_home: Path, server: subprocess.Popen[bytes]) -> None:
    """The dashboard holds no connection between requests, so an update goes through."""
    res = aigap(data_home, "import", "epoch-models",
                str(FIXTURES / "epoch" / "all_ai_models_2025_schema.csv"), AIGAP_LOCK_WAIT="5")
    assert res.returncode == 0, res.stderr
    assert server.poll() is None


def test_writer_blocked_by_another_writer_says_who_and_what_to_do(data_home: Path) -> None:
    from aigap.config import get_settings

    path = get_settings(data_home).store_path
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; from aigap.store import Store; "
         f"st = Store(r'{path}'); print('held', flush=True); time.sleep(30)"],
        env=env_for(data_home), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        res = aigap(data_home, "import", "epoch-models",
                    str(FIXTURES / "epoch" / "all_ai_models_2025_schema.csv"),
                    AIGAP_LOCK_WAIT="0.5")
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert f"process {holder.pid}" in lines[0]
    assert "run this again" in lines[0]


def test_writer_waits_for_a_brief_reader(data_home: Path) -> None:
    """A writer started while an analysis runs gets the store once the reader is done."""
    slow = subprocess.Popen([sys.executable, "-m", "aigap", "lag", "--metric", "mmlu",
                             "--bootstrap", "3000"], env=env_for(data_home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    res = aigap(data_home, "import", "epoch-models",
                str(FIXTURES / "epoch" / "all_ai_models_2025_schema.csv"),
                AIGAP_LOCK_WAIT="60")
    slow.wait(timeout=120)
    assert res.returncode == 0, res.stderr


def table_mirror(tmp_path: Path) -> Path:
    """A mirror of 84 LMArena table days (more than PARALLEL_MIN_FILES: the pool is used)."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    table = (FIXTURES / "lmarena" / "leaderboard_table_20240301.csv").read_bytes()
    for day in range(1, 29):
        for month in (1, 2, 3):
            (mirror / f"leaderboard_table_2023{month:02d}{day:02d}.csv").write_bytes(table)
    return mirror


def test_readers_work_while_an_update_parses(data_home: Path, tmp_path: Path) -> None:
    """`aigap update` takes the write lock only to write: while it parses, readers run."""
    mirror = table_mirror(tmp_path)
    update = subprocess.Popen([sys.executable, "-m", "aigap", "update", "--from", str(mirror),
                               "--format", "json"], env=env_for(data_home),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not children(update.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert update.poll() is None, "update ended before its parse workers were seen"
    res = aigap(data_home, "sources", AIGAP_LOCK_WAIT="0")
    parsing = bool(children(update.pid))
    assert update.wait(timeout=120) == 0, update.stderr.read() if update.stderr else ""
    assert res.returncode == 0, res.stderr
    assert parsing, "the update finished parsing before the reader ran; test too weak"


def test_parse_workers_die_with_a_killed_update(tmp_path: Path) -> None:
    """SIGKILL of `aigap update --from` while its 2-process pool parses: no worker remains."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("the parse pool is used only with 2 or more cores")
    mirror = table_mirror(tmp_path)
    home = tmp_path / "home"
    parent = subprocess.Popen([sys.executable, "-m", "aigap", "update", "--from", str(mirror),
                               "--format", "json"], env=env_for(home),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and parent.poll() is None:
        workers = children(parent.pid)
        time.sleep(0.05)
    assert workers, "no worker process seen"
    time.sleep(1.0)  # let the pool start all its workers
    workers |= children(parent.pid)
    assert len(workers) >= 2, workers
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in workers if alive(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived their killed parent"


def children(pid: int) -> set[int]:
    """Descendant pids of ``pid`` (Linux /proc)."""
    out: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.add(int(entry.name))
            out |= children(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


if shutil.which("true") is None:  # pragma: no cover - non-POSIX
    pytest.skip("POSIX only", allow_module_level=True)
