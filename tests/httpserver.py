"""A small real HTTP server on 127.0.0.1 for tests that download files.

Serves a folder with ETag / If-None-Match (304), Last-Modified / If-Modified-Since (304),
404 for missing files, configurable redirects and error statuses, and an option to send a
truncated body under a larger Content-Length (then drop the connection). It records every
request (method, path, headers) so tests can assert what the client sent.

    with LocalHTTPServer(folder) as server:
        url = server.url("ai_models.zip")
        ...
        assert server.requests[-1].headers["If-None-Match"] == '"..."'
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class SeenRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class ServerConfig:
    """Behaviour switches, changeable while the server runs.

    Attributes:
        etags: send ETag and honour If-None-Match.
        last_modified: send Last-Modified and honour If-Modified-Since.
        truncate: URL path -> number of body bytes actually sent (Content-Length stays full).
        redirects: URL path -> location to answer 302 with.
        status: URL path -> HTTP status to answer with (empty body).
        encoding: URL path -> Content-Encoding header sent with the file's bytes as they are
            (the file holds e.g. gzip data, which the client decodes).
    """

    etags: bool = True
    last_modified: bool = True
    truncate: dict[str, int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)
    encoding: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.requests.append(SeenRequest("GET", path, dict(self.headers.items())))
        cfg = self.server.config
        if path in cfg.redirects:
            self._empty(302, {"Location": cfg.redirects[path]})
            return
        if path in cfg.status:
            self._empty(cfg.status[path])
            return
        file = self._resolve(path)
        if file is None:
            self._empty(404)
            return
        body = file.read_bytes()
        headers = {"Content-Type": "application/octet-stream"}
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        mtime = file.stat().st_mtime
        if cfg.etags:
            headers["ETag"] = etag
        if cfg.last_modified:
            headers["Last-Modified"] = formatdate(mtime, usegmt=True)
        if self._not_modified(etag, mtime):
            self._empty(304, {k: v for k, v in headers.items() if k != "Content-Type"})
            return
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        if path in cfg.encoding:
            self.send_header("Content-Encoding", cfg.encoding[path])
        if path in cfg.truncate:
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: cfg.truncate[path]])
            self.wfile.flush()
            self.close_connection = True
            return
        self.end_headers()
        self.wfile.write(body)

    def _resolve(self, path: str) -> Path | None:
        root = self.server.root
        candidate = (root / unquote(path).lstrip("/")).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    def _not_modified(self, etag: str, mtime: float) -> bool:
        cfg = self.server.config
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return cfg.etags and etag in [t.strip() for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims is not None and cfg.last_modified:
            try:
                return int(mtime) <= parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, config: ServerConfig) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.config = config
        self.requests: list[SeenRequest] = []


class LocalHTTPServer:
    """A threaded HTTP server on 127.0.0.1 (a free port) serving ``root``.

    Args:
        root: folder whose files are served at ``/<relative path>``.
        config: behaviour switches (see :class:`ServerConfig`); editable via ``.config``.
    """

    def __init__(self, root: Path, config: ServerConfig | None = None) -> None:
        self._server = _Server(root, config or ServerConfig())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def config(self) -> ServerConfig:
        return self._server.config

    @property
    def requests(self) -> list[SeenRequest]:
        """Every request received so far, oldest first."""
        return self._server.requests

    def url(self, path: str = "") -> str:
        """The full URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
