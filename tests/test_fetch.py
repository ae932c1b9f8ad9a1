"""Tests of the downloader against a real HTTP server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigap import __version__
from aigap.errors import SourceError
from aigap.sources.fetch import Downloader, FetchResult, fetch, rich_progress, user_agent
from httpserver import LocalHTTPServer, ServerConfig

BODY = b"Model,Organization,Publication date\nGPT-4,OpenAI,2023-03-14\n" * 50


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "ai_models.csv").write_bytes(BODY)
    return root


@pytest.fixture
def server(site: Path) -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer(site) as srv:
        yield srv


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def dl(cache: Path) -> Iterator[Downloader]:
    with Downloader(cache, timeout=5, offline=False) as d:
        yield d


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rewrite(path: Path, data: bytes) -> None:
    """Change a served file and move its mtime forward so Last-Modified changes too."""
    path.write_bytes(data)
    later = time.time() + 10
    os.utime(path, (later, later))


def test_first_fetch_stores_file_and_sidecar(dl: Downloader, server: LocalHTTPServer) -> None:
    url = server.url("ai_models.csv")
    before = datetime.now(UTC).replace(microsecond=0)
    res = dl.fetch(url)
    assert isinstance(res, FetchResult)
    assert res.path.read_bytes() == BODY
    assert res.sha256 == hashlib.sha256(BODY).hexdigest()
    assert res.size == len(BODY)
    assert (res.from_cache, res.changed) == (False, True)
    assert res.etag is not None
    assert res.etag.startswith('"')
    assert res.last_modified is not None
    assert res.retrieved_at >= before
    key = hashlib.sha256(url.encode()).hexdigest()
    assert res.path == dl.cache_dir / f"{key}-ai_models.csv"
    assert res.name == "ai_models.csv"
    meta = json.loads(Downloader.sidecar_path(res.path).read_text())
    assert meta["url"] == url
    assert meta["etag"] == res.etag
    assert meta["last_modified"] == res.last_modified
    assert meta["sha256"] == res.sha256
    assert meta["size"] == len(BODY)
    assert meta["content_type"] == "application/octet-stream"
    assert datetime.fromisoformat(meta["retrieved_at"]).tzinfo is not None
    # nothing left behind but the file and its sidecar
    assert sorted(p.name for p in dl.cache_dir.iterdir()) == sorted(
        [res.path.name, res.path.name + ".json"]
    )


def test_user_agent_names_aigap_and_version(dl: Downloader, server: LocalHTTPServer) -> None:
    dl.fetch(server.url("ai_models.csv"))
    ua = server.requests[-1].headers["User-Agent"]
    assert ua == user_agent()
    assert ua.startswith(f"aigap/{__version__}")


def test_second_fetch_revalidates_and_gets_304(dl: Downloader, server: LocalHTTPServer) -> None:
    url = server.url("ai_models.csv")
    first = dl.fetch(url)
    assert "If-None-Match" not in server.requests[-1].headers
    second = dl.fetch(url)
    sent = server.requests[-1].headers
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == first.last_modified
    assert (second.from_cache, second.changed) == (True, False)
    assert second.path == first.path
    assert second.sha256 == first.sha256
    assert second.retrieved_at == first.retrieved_at
    meta = json.loads(Downloader.sidecar_path(first.path).read_text())
    assert "checked_at" in meta


def test_last_modified_alone_revalidates(cache: Path, site: Path) -> None:
    with (
        LocalHTTPServer(site, ServerConfig(etags=False)) as srv,
        Downloader(cache, timeout=5, offline=False) as d,
    ):
        first = d.fetch(srv.url("ai_models.csv"))
        assert first.etag is None
        second = d.fetch(srv.url("ai_models.csv"))
        assert "If-None-Match" not in srv.requests[-1].headers
        assert srv.requests[-1].headers["If-Modified-Since"] == first.last_modified
        assert second.from_cache


def test_changed_file_is_downloaded_again(
    dl: Downloader, server: LocalHTTPServer, site: Path
) -> None:
    url = server.url("ai_models.csv")
    first = dl.fetch(url)
    new = BODY + b"DeepSeek-V3,DeepSeek,2024-12-26\n"
    _rewrite(site / "ai_models.csv", new)
    second = dl.fetch(url)
    assert server.requests[-1].headers["If-None-Match"] == first.etag
    assert (second.from_cache, second.changed) == (False, True)
    assert second.etag != first.etag
    assert second.path == first.path
    assert second.path.read_bytes() == new
    assert second.sha256 == hashlib.sha256(new).hexdigest()


def test_same_body_without_validators_is_unchanged(cache: Path, site: Path) -> None:
    cfg = ServerConfig(etags=False, last_modified=False)
    with LocalHTTPServer(site, cfg) as srv, Downloader(cache, timeout=5, offline=False) as d:
        first = d.fetch(srv.url("ai_models.csv"))
        second = d.fetch(srv.url("ai_models.csv"))
        assert (second.from_cache, second.changed) == (False, False)
        assert second.sha256 == first.sha256


def test_force_downloads_again(dl: Downloader, server: LocalHTTPServer) -> None:
    url = server.url("ai_models.csv")
    dl.fetch(url)
    res = dl.fetch(url, force=True)
    assert "If-None-Match" not in server.requests[-1].headers
    assert (res.from_cache, res.changed) == (False, False)


def test_http_404_names_url_and_status(dl: Downloader, server: LocalHTTPServer) -> None:
    url = server.url("missing.zip")
    with pytest.raises(SourceError) as err:
        dl.fetch(url)
    assert str(err.value) == f"{url}: HTTP 404 Not Found"


def test_http_500(dl: Downloader, server: LocalHTTPServer) -> None:
    server.config.status["/broken.csv"] = 503
    url = server.url("broken.csv")
    with pytest.raises(SourceError, match=r"HTTP 503 Service Unavailable$") as err:
        dl.fetch(url)
    assert str(err.value).startswith(url)
    assert not dl.cache_path(url).exists()


def test_truncated_body_keeps_previous_copy(
    dl: Downloader, server: LocalHTTPServer, site: Path
) -> None:
    url = server.url("ai_models.csv")
    first = dl.fetch(url)
    _rewrite(site / "ai_models.csv", BODY * 2)
    server.config.truncate["/ai_models.csv"] = 100
    with pytest.raises(SourceError) as err:
        dl.fetch(url)
    msg = str(err.value)
    assert msg.startswith(f"{url}: download failed")
    assert "\n" not in msg
    assert msg.endswith("the cached copy, if any, was kept")
    assert first.path.read_bytes() == BODY
    meta = json.loads(Downloader.sidecar_path(first.path).read_text())
    assert meta["sha256"] == first.sha256
    assert not [p for p in dl.cache_dir.iterdir() if p.name.startswith(".part-")]
    cached = dl.cached(url)
    assert cached is not None
    assert cached.sha256 == first.sha256
    assert cached.from_cache


def test_truncated_first_download_leaves_nothing(dl: Downloader, server: LocalHTTPServer) -> None:
    server.config.truncate["/ai_models.csv"] = 10
    url = server.url("ai_models.csv")
    with pytest.raises(SourceError):
        dl.fetch(url)
    assert list(dl.cache_dir.iterdir()) == []
    assert dl.cached(url) is None


def test_closed_port_cannot_reach(dl: Downloader) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/ai_models.zip"
    with pytest.raises(SourceError) as err:
        dl.fetch(url)
    msg = str(err.value)
    assert msg.startswith("cannot reach 127.0.0.1 (no network?): ")
    assert msg.endswith("use `aigap update --from DIR`")
    assert "\n" not in msg


def test_read_timeout(cache: Path) -> None:
    # A listening socket that never answers: connect succeeds, the response never comes.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/slow.csv"
        with (
            Downloader(cache, timeout=0.3, offline=False) as d,
            pytest.raises(SourceError, match=r"^timed out waiting for 127\.0\.0\.1 after 0\.3 s"),
        ):
            d.fetch(url)


def test_offline_uses_cache(
    dl: Downloader, server: LocalHTTPServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.url("ai_models.csv")
    first = dl.fetch(url)
    n = len(server.requests)
    monkeypatch.setenv("AIGAP_OFFLINE", "1")
    with Downloader(cache, timeout=5) as d:
        res = d.fetch(url)
        assert res == FetchResult(**{**vars(first), "from_cache": True, "changed": False})
        with pytest.raises(SourceError, match=r"^cannot reach 127\.0\.0\.1 \(offline mode"):
            d.fetch(server.url("other.csv"))
    assert len(server.requests) == n  # the network was never touched


def test_offline_env_read_at_fetch_time(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGAP_OFFLINE", "true")
    url = f"http://127.0.0.1:{_closed_port()}/x.csv"
    with Downloader(cache, timeout=5) as d, pytest.raises(SourceError, match="offline mode"):
        d.fetch(url)


def test_progress_reports_final_total(dl: Downloader, server: LocalHTTPServer) -> None:
    calls: list[tuple[int, int | None]] = []
    dl.fetch(server.url("ai_models.csv"), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, len(BODY))
    assert calls[-1] == (len(BODY), len(BODY))
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert all(t == len(BODY) for _, t in calls)


def test_rich_progress_callback_runs(dl: Downloader, server: LocalHTTPServer) -> None:
    from rich.console import Console

    console = Console(file=open(os.devnull, "w"), force_terminal=True)  # noqa: SIM115
    try:
        with rich_progress("ai_models.csv", console=console) as cb:
            res = dl.fetch(server.url("ai_models.csv"), progress=cb)
    finally:
        console.file.close()
    assert res.size == len(BODY)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/a.csv",
        "file:///etc/passwd",
        "data:text/plain,hi",
        "example.org/a.csv",
        "http:///nohost.csv",
    ],
)
def test_non_http_url_refused(dl: Downloader, url: str) -> None:
    with pytest.raises(SourceError, match="http"):
        dl.fetch(url)


def test_redirect_followed(dl: Downloader, server: LocalHTTPServer) -> None:
    server.config.redirects["/data/old.csv"] = "/ai_models.csv"
    url = server.url("data/old.csv")
    res = dl.fetch(url)
    assert res.url == url
    assert res.path.read_bytes() == BODY
    assert res.path.name.endswith("-old.csv")
    meta = json.loads(Downloader.sidecar_path(res.path).read_text())
    assert meta["final_url"] == server.url("ai_models.csv")


def test_redirect_loop_refused(dl: Downloader, server: LocalHTTPServer) -> None:
    server.config.redirects["/a"] = "/b"
    server.config.redirects["/b"] = "/a"
    with pytest.raises(SourceError, match="too many redirects"):
        dl.fetch(server.url("a"))


def test_corrupted_cache_is_ignored(dl: Downloader, server: LocalHTTPServer) -> None:
    url = server.url("ai_models.csv")
    first = dl.fetch(url)
    first.path.write_bytes(b"X" * len(BODY))  # same size, wrong content
    assert dl.cached(url) is None
    res = dl.fetch(url)
    assert "If-None-Match" not in server.requests[-1].headers
    assert res.path.read_bytes() == BODY
    assert not res.from_cache


def test_injected_client_with_transport(cache: Path, server: LocalHTTPServer) -> None:
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        seen.append(str(request.url))

    transport = httpx.HTTPTransport(retries=0)
    with httpx.Client(transport=transport, event_hooks={"request": [hook]}) as client:
        d = Downloader(cache, client=client, offline=False)
        res = d.fetch(server.url("ai_models.csv"))
        d.close()
        assert not client.is_closed  # a given client is not closed by the downloader
    assert seen == [server.url("ai_models.csv")]
    assert res.size == len(BODY)
    assert d.timeout is None


def test_module_fetch_uses_settings_cache(home: Path, server: LocalHTTPServer) -> None:
    res = fetch(server.url("ai_models.csv"))
    assert res.path.parent == home / "cache"


def test_default_timeout_from_settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGAP_TIMEOUT", "7.5")
    assert Downloader().timeout == 7.5
    assert Downloader().cache_dir == home / "cache"


@given(st.text(min_size=0, max_size=300))
def test_cache_names_are_safe_and_distinct(path: str) -> None:
    d = Downloader(Path("/c"), timeout=1, offline=True)
    url = "https://example.org/" + path
    try:
        name = d.cache_path(url).name
    except SourceError:
        return  # e.g. text that makes an invalid URL is refused, never mis-cached
    assert "/" not in name
    assert "\\" not in name
    assert len(name) <= 64 + 1 + 100
    assert name.startswith(hashlib.sha256(url.encode()).hexdigest() + "-")
    assert d.cache_path(url + "x").name != name
