"""`aigap update` downloading over real HTTP from a local server (no mocks)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from httpserver import LocalHTTPServer

MIRROR = Path(__file__).parent / "fixtures" / "epoch" / "mirror"


def publish(folder: Path) -> None:
    """Lay out fixture files the way the publishers serve them (zips and CSVs)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, sub in (("ai_models.zip", "ai_models"), ("benchmark_data.zip", "benchmark_data")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for p in sorted((MIRROR / sub).iterdir()):
                z.writestr(p.name, p.read_bytes())
        (folder / name).write_bytes(buf.getvalue())
    for name in ("gpu_clusters.csv", "ml_hardware.csv"):
        (folder / name).write_bytes((MIRROR / name).read_bytes())


def test_update_downloads_caches_and_is_idempotent(cli, home, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    publish(site)
    with LocalHTTPServer(site) as server:
        monkeypatch.setenv("AIGAP_MIRROR_URL", server.url(""))
        r = cli("update", "--source", "epoch-models", "--source", "epoch-benchmarks",
                "--source", "epoch-clusters", "--source", "epoch-hardware", "--format", "json")
        assert r.code == 0, r.err
        out = json.loads(r.out)
        assert out["imported"] >= 7
        urls = {d["file"] for d in out["datasets"]}
        assert any(u.startswith("ai_models.zip!") for u in urls)
        n_requests = len(server.requests)
        r2 = cli("update", "--source", "epoch-models", "--format", "json")
        assert r2.code == 0, r2.err
        assert json.loads(r2.out)["imported"] == 0
        # The second run revalidated with the cached ETag and got 304.
        last = server.requests[n_requests:]
        assert last and all("If-None-Match" in r.headers for r in last)
    assert (home / "cache").is_dir()
    r3 = cli("sources", "--format", "json")
    srcs = {s["source"]: s for s in json.loads(r3.out)["sources"]}
    assert srcs["epoch-models"]["vintages"] == 2


def test_update_404_and_no_network_are_one_line_exit_2(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "empty-site"
    site.mkdir()
    with LocalHTTPServer(site) as server:
        monkeypatch.setenv("AIGAP_MIRROR_URL", server.url(""))
        r = cli("update", "--source", "epoch-hardware")
    assert r.code == 2
    assert "HTTP 404" in r.err and "ml_hardware.csv" in r.err
    assert len(r.err.strip().splitlines()) == 1
    # Nothing listens on the server's old port any more: "cannot reach", pointing to --from.
    r = cli("update", "--source", "epoch-hardware")
    assert r.code == 2
    assert "cannot reach" in r.err and "--from" in r.err


def test_resolve_url() -> None:
    from aigap.api.data import resolve_url

    assert resolve_url("https://epoch.ai/data/ai_models.zip", None) == (
        "https://epoch.ai/data/ai_models.zip")
    assert resolve_url("https://epoch.ai/data/ai_models.zip", "http://127.0.0.1:9/m/") == (
        "http://127.0.0.1:9/m/ai_models.zip")


def test_optional_source_unreachable_in_a_full_update_is_a_note(  # type: ignore[no-untyped-def]
        cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CSRankings (optional) is not on the server: a full update imports Epoch and says
    which source it could not download; asked for by name, the failure stops the update."""
    site = tmp_path / "site"
    publish(site)
    with LocalHTTPServer(site) as server:
        monkeypatch.setenv("AIGAP_MIRROR_URL", server.url(""))
        r = cli("update", "--format", "json")
        assert r.code == 0, r.err
        out = json.loads(r.out)
        assert out["imported"] >= 7
        (note,) = out["not_downloaded"]
        assert note.startswith("csrankings: not downloaded") and "HTTP 404" in note
        r = cli("update", "--source", "csrankings")
        assert r.code == 2 and "HTTP 404" in r.err
        assert len(r.err.strip().splitlines()) == 1
