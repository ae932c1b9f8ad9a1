"""Download publisher files over HTTP(S) into a local cache, with conditional requests.

Why a cache: publishers' files are tens of megabytes and change rarely. Each URL is stored
once under the cache directory as ``<sha256(url)>-<basename>`` next to a JSON sidecar
(``...json``) holding the URL, ETag, Last-Modified, the body's sha256 and size, when it was
retrieved and its content type. A later fetch sends ``If-None-Match`` / ``If-Modified-Since``;
a ``304 Not Modified`` answer returns the cached file without downloading it again.

Safety: bodies are streamed to a temporary file in the cache directory and moved into place
with :func:`os.replace` only once complete, so a failed, truncated or interrupted download
never replaces or corrupts the cached copy. Every failure a user can meet (no network,
timeout, HTTP error, bad URL) raises :class:`~aigap.errors.SourceError` with one line of text.

Offline use: with ``AIGAP_OFFLINE=1`` a fetch returns the cached copy if there is one and
otherwise fails at once without touching the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import httpx

from aigap.errors import SourceError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "OFFLINE_ENV",
    "Downloader",
    "FetchResult",
    "ProgressCallback",
    "fetch",
    "offline_mode",
    "rich_progress",
    "user_agent",
]

OFFLINE_ENV = "AIGAP_OFFLINE"
MAX_REDIRECTS = 10
CHUNK_SIZE = 1 << 16
#: Largest body stored (the publishers' files are tens of megabytes).
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
#: Largest expansion of a compressed transfer (Content-Encoding gzip/deflate/br) over the
#: bytes received, once the body passes :data:`EXPANSION_FLOOR` bytes.
MAX_EXPANSION = 100
EXPANSION_FLOOR = 8 * 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}
_HINT = "to import files you already have, use `aigap update --from DIR`"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

ProgressCallback = Callable[[int, int | None], None]
"""Called as ``progress(downloaded_bytes, total_bytes_or_None)`` while a body arrives."""


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch.

    Attributes:
        url: the URL asked for.
        path: the cached file holding the body.
        sha256: hex sha256 of the body.
        size: body size in bytes.
        etag: the server's ETag, if it sent one.
        last_modified: the server's Last-Modified header, if it sent one.
        retrieved_at: when the body was downloaded (UTC).
        from_cache: True when no body was downloaded (304, or offline mode).
        changed: True when the body differs from the previously cached copy (or there was none).
    """

    url: str
    path: Path
    sha256: str
    size: int
    etag: str | None
    last_modified: str | None
    retrieved_at: datetime
    from_cache: bool
    changed: bool

    @property
    def name(self) -> str:
        """The file name from the URL (``ai_models.zip``), for matching sources and messages.

        The cached file's own name starts with a hash; use this for ``SourceFile.name``.
        """
        return self.path.name.split("-", 1)[1]


def user_agent() -> str:
    """The User-Agent header: identifies aigap and its version to publishers."""
    from aigap.version import VERSION as __version__

    return f"aigap/{__version__} (+https://pypi.org/project/aigap/) httpx/{httpx.__version__}"


def offline_mode() -> bool:
    """Whether ``AIGAP_OFFLINE`` asks for no network access."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in _TRUE


def _check_url(url: str) -> tuple[str, str]:
    """Return ``(host, basename)`` of an http(s) URL; refuse anything else."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise SourceError(f"{url}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SourceError(f"{url}: only http:// and https:// URLs can be downloaded")
    if not parts.hostname:
        raise SourceError(f"{url}: URL has no host name")
    base = _SAFE.sub("_", unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])).strip("._")
    return parts.hostname, (base[:100] or "download")


def _one_line(exc: BaseException) -> str:
    """An exception's text on one line (some transport errors span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Downloader:
    """Fetch URLs into a cache directory, revalidating with ETag / Last-Modified.

    Args:
        cache_dir: where files and sidecars go; default ``get_settings().cache_dir``.
        client: an ``httpx.Client`` to use (e.g. with a custom transport or proxy). The
            downloader does not close a client it was given.
        transport: an ``httpx`` transport for the client the downloader builds itself.
        timeout: seconds per network operation; default ``get_settings().timeout``. When a
            client is given and timeout is None, the client's own timeout applies.
        offline: force offline mode on/off; None reads ``AIGAP_OFFLINE`` at each fetch.
        max_redirects: redirects followed before giving up (for a client built here).
        max_bytes: the largest body stored, after any transfer decompression.
        home: a data directory (the CLI's ``--home``) whose ``cache/`` is used when
            ``cache_dir`` is not given.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        cache_dir: str | os.PathLike[str] | None = None,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | None = None,
        offline: bool | None = None,
        max_redirects: int = MAX_REDIRECTS,
        max_bytes: int = MAX_DOWNLOAD_BYTES,
        home: str | os.PathLike[str] | None = None,
    ) -> None:
        if client is not None and transport is not None:
            raise ValueError("pass either client or transport, not both")
        self.max_bytes = max_bytes
        if cache_dir is None or (timeout is None and client is None):
            from aigap.config import get_settings

            settings = get_settings(home)
            cache_dir = settings.cache_dir if cache_dir is None else cache_dir
            timeout = settings.timeout if (timeout is None and client is None) else timeout
        self.cache_dir = Path(cache_dir)
        self.timeout = timeout
        self.offline = offline
        self._own_client = client is None
        self._client = client
        self._transport = transport
        self._max_redirects = max_redirects

    # -- client lifecycle -------------------------------------------------------------------

    @property
    def client(self) -> httpx.Client:
        """The HTTP client (built lazily so constructing a Downloader does no work)."""
        if self._client is None:
            self._client = httpx.Client(
                transport=self._transport,
                timeout=self.timeout,
                max_redirects=self._max_redirects,
                follow_redirects=True,
                headers={"User-Agent": user_agent()},
            )
        return self._client

    def close(self) -> None:
        """Close the client if this downloader created it."""
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cache ------------------------------------------------------------------------------

    def cache_path(self, url: str) -> Path:
        """Where the body of ``url`` is cached: ``<sha256(url)>-<basename>``."""
        _, base = _check_url(url)
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}-{base}"

    @staticmethod
    def sidecar_path(path: Path) -> Path:
        """The JSON sidecar next to a cached body."""
        return path.with_name(path.name + ".json")

    def _read_meta(self, url: str, path: Path) -> dict[str, Any] | None:
        """The sidecar of a cached copy, or None if missing, unreadable or inconsistent."""
        try:
            meta = json.loads(self.sidecar_path(path).read_text(encoding="utf-8"))
            size = path.stat().st_size
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("size") != size:
            return None
        return meta

    def cached(self, url: str, *, verify: bool = True) -> FetchResult | None:
        """The cached copy of ``url`` as a result with ``from_cache=True``, or None.

        Args:
            url: the URL.
            verify: re-hash the file and reject it if it does not match the sidecar.
        """
        path = self.cache_path(url)
        meta = self._read_meta(url, path)
        if meta is None or (verify and _sha256_file(path) != meta.get("sha256")):
            return None
        return self._result(url, path, meta, from_cache=True, changed=False)

    @staticmethod
    def _result(
        url: str, path: Path, meta: dict[str, Any], *, from_cache: bool, changed: bool
    ) -> FetchResult:
        return FetchResult(
            url=url,
            path=path,
            sha256=str(meta["sha256"]),
            size=int(meta["size"]),
            etag=meta.get("etag"),
            last_modified=meta.get("last_modified"),
            retrieved_at=datetime.fromisoformat(str(meta["retrieved_at"])),
            from_cache=from_cache,
            changed=changed,
        )

    # -- fetching ---------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        progress: ProgressCallback | None = None,
        force: bool = False,
    ) -> FetchResult:
        """Download ``url`` into the cache, or confirm the cached copy is current.

        Args:
            url: an http:// or https:// URL.
            progress: called as ``progress(done, total_or_None)`` as chunks arrive, and once
                more at the end with ``(size, size)``.
            force: ignore the cache validators and download the body again.

        Raises:
            SourceError: bad URL, no network, timeout, HTTP error status, truncated body.
        """
        host, _ = _check_url(url)
        offline = offline_mode() if self.offline is None else self.offline
        previous = self.cached(url)
        if offline:
            if previous is not None:
                return previous
            raise SourceError(
                f"cannot reach {host} (offline mode, {OFFLINE_ENV}=1) and {url} is not "
                f"in the cache; {_HINT}"
            )
        headers = {"User-Agent": user_agent()}
        if previous is not None and not force:
            if previous.etag:
                headers["If-None-Match"] = previous.etag
            if previous.last_modified:
                headers["If-Modified-Since"] = previous.last_modified
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        try:
            return self._download(url, headers, previous, progress)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise SourceError(
                f"cannot reach {_host(url)} (no network?): {_one_line(exc)}; {_HINT}"
            ) from exc
        except httpx.TimeoutException as exc:
            raise SourceError(
                f"timed out waiting for {_host(url)} after {self.timeout or '?'} s "
                f"({type(exc).__name__}); set AIGAP_TIMEOUT to wait longer; {_HINT}"
            ) from exc
        except httpx.TooManyRedirects as exc:
            raise SourceError(f"{url}: too many redirects ({_one_line(exc)})") from exc
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(
                f"{url}: redirected to an unsupported URL ({_one_line(exc)})"
            ) from exc
        except httpx.TransportError as exc:
            raise SourceError(
                f"{url}: download failed ({type(exc).__name__}: {_one_line(exc)}); "
                "the cached copy, if any, was kept"
            ) from exc

    def _download(
        self,
        url: str,
        headers: dict[str, str],
        previous: FetchResult | None,
        progress: ProgressCallback | None,
    ) -> FetchResult:
        kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": True}
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        with self.client.stream("GET", url, **kwargs) as response:
            if response.status_code == 304:
                if previous is None:
                    raise SourceError(f"{url}: HTTP 304 Not Modified but nothing is cached")
                self._touch(url, previous, response)
                if progress is not None:
                    progress(previous.size, previous.size)
                return previous
            if response.status_code != 200:
                reason = response.reason_phrase or ""
                raise SourceError(f"{url}: HTTP {response.status_code} {reason}".rstrip())
            if response.url.scheme not in ("http", "https"):
                raise SourceError(f"{url}: redirected to a non-http URL {response.url}")
            return self._store(url, response, previous, progress)

    def _store(
        self,
        url: str,
        response: httpx.Response,
        previous: FetchResult | None,
        progress: ProgressCallback | None,
    ) -> FetchResult:
        """Stream the body to a temp file, check it is complete, then move it into place."""
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if total is not None and total > self.max_bytes:
            raise SourceError(f"{url}: {total} bytes announced, more than the limit of "
                              f"{self.max_bytes}; nothing was downloaded")
        path = self.cache_path(url)
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                if progress is not None:
                    progress(0, total)
                for chunk in response.iter_bytes(CHUNK_SIZE):
                    size += len(chunk)
                    self._check_growth(url, size, response.num_bytes_downloaded)
                    f.write(chunk)
                    digest.update(chunk)
                    if progress is not None:
                        progress(size, total)
                f.flush()
                os.fsync(f.fileno())
            received = response.num_bytes_downloaded
            if total is not None and received < total:
                raise SourceError(
                    f"{url}: download truncated ({received} of {total} bytes); "
                    "the cached copy, if any, was kept"
                )
            sha = digest.hexdigest()
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        meta = {
            "url": url,
            "final_url": str(response.url),
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "sha256": sha,
            "size": size,
            "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "content_type": response.headers.get("Content-Type"),
        }
        _atomic_write_text(self.sidecar_path(path), json.dumps(meta, indent=2) + "\n")
        if progress is not None:
            progress(size, size)
        changed = previous is None or previous.sha256 != sha
        return self._result(url, path, meta, from_cache=False, changed=changed)

    def _check_growth(self, url: str, size: int, received: int) -> None:
        """Stop a body that passes the size limit, or that a compressed transfer inflates
        far beyond the bytes received (a gzip bomb), before it fills the disk."""
        if size > self.max_bytes:
            raise SourceError(f"{url}: body larger than the limit of {self.max_bytes} bytes; "
                              "the cached copy, if any, was kept")
        if size > EXPANSION_FLOOR and size > MAX_EXPANSION * max(received, 1):
            raise SourceError(f"{url}: the compressed transfer expands more than "
                              f"{MAX_EXPANSION} times ({received} bytes received, {size} "
                              "decoded); refusing it, the cached copy, if any, was kept")

    def _touch(self, url: str, previous: FetchResult, response: httpx.Response) -> None:
        """After a 304: record when the copy was last confirmed and any new validators."""
        path = previous.path
        meta = self._read_meta(url, path)
        if meta is None:
            return
        meta["checked_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        for key, header in (("etag", "ETag"), ("last_modified", "Last-Modified")):
            if response.headers.get(header):
                meta[key] = response.headers[header]
        _atomic_write_text(self.sidecar_path(path), json.dumps(meta, indent=2) + "\n")


def fetch(
    url: str,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressCallback | None = None,
    client: httpx.Client | None = None,
    timeout: float | None = None,
    force: bool = False,
) -> FetchResult:
    """Fetch one URL with a throw-away :class:`Downloader` (see it for the arguments)."""
    with Downloader(cache_dir, client=client, timeout=timeout) as downloader:
        return downloader.fetch(url, progress=progress, force=force)


@contextlib.contextmanager
def rich_progress(
    description: str, *, console: Console | None = None
) -> Iterator[ProgressCallback]:
    """A transient rich progress bar for one download, as a progress callback.

    Shows the file name, bytes done / total, speed and time left; disappears when done.

    Example:
        >>> with rich_progress("ai_models.zip") as cb:  # doctest: +SKIP
        ...     downloader.fetch(url, progress=cb)
    """
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
