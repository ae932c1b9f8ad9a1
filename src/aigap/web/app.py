"""The local dashboard: a FastAPI app with a JSON API and one page that draws from it.

    from aigap.web.app import create_app
    app = create_app(home="~/aigap")          # then: uvicorn.run(app, host="127.0.0.1")

Endpoints (GET; query parameters mirror the CLI flags, e.g. ``as_of`` for ``--as-of``):
``/api/sources``, ``/api/metrics``, ``/api/models``, ``/api/lag``, ``/api/trend``,
``/api/compute``, ``/api/top500``, ``/api/clusters``, ``/api/groups``, ``/api/claims``;
``/`` is the dashboard. A bad parameter gets HTTP 400 and ``{"error": "<one plain sentence
naming the parameter>"}``.

Never locking the user out: the store is opened read-only, and only while a request that is
not cached is computed, so ``aigap lag``, ``aigap report`` and even ``aigap update`` keep
working while the dashboard runs. Every answer is cached by the query and the store file's
signature (modification time and size): after a write, the next request sees the new data
and the caches start afresh, without a restart.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from aigap.api import Store
from aigap.errors import AigapError

CACHE_SIZE = 256
#: Bootstrap resamples: the same default as the CLI and the Python API, so every door gives
#: the same interval for the same question.
DEFAULT_BOOTSTRAP = 1000


def _static(name: str) -> str:
    return resources.files("aigap.web").joinpath("static", name).read_text(encoding="utf-8")


def _parameter(loc: tuple[Any, ...] | list[Any]) -> str:
    """The query parameter a validation error is about (named as in the JSON API)."""
    return str(loc[-1]) if loc else "parameter"


def _json(obj: Any) -> bytes:
    import json

    from aigap.present.output import jsonable

    return json.dumps(jsonable(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class StoreAccess:
    """Read-only access to one store file, reopened per computation so writers are not
    locked out, with an answer cache that is cleared when the file changes.

    Args:
        path: the store file; store: an already open store to use as is (tests, notebooks).
    """

    def __init__(self, path: Path | None, store: Store | None = None) -> None:
        self.path = path
        self.store = store
        # A shared open store is one DuckDB connection: its queries run one at a time. With
        # a path, each computation has its own read-only connection, so a long question
        # (the claims) does not hold up short ones; only the answer cache is guarded.
        self.lock: Any = threading.Lock() if store is not None else nullcontext()
        self.answers_lock = threading.Lock()
        self.answers: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self.memo: dict[tuple[Any, ...], Any] = {}  # the Store's memo of derived frames
        self.signature: tuple[int, int] | None = self._stat()

    def _stat(self) -> tuple[int, int] | None:
        """The store file's (mtime in ns, size), with its write-ahead log's; None if fixed."""
        if self.path is None:
            return None
        sig = (0, 0)
        for f in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = os.stat(f)
            except FileNotFoundError:
                continue
            sig = (max(sig[0], st.st_mtime_ns), sig[1] + st.st_size)
        return sig

    def check(self) -> None:
        """Forget every cached answer when the store file has changed since it was read."""
        sig = self._stat()
        if sig != self.signature:
            with self.answers_lock:
                self.answers.clear()
                self.memo.clear()
                self.signature = sig

    @contextmanager
    def opened(self) -> Iterator[Store]:
        """The store, open read-only for the duration of one computation."""
        if self.store is not None:
            yield self.store
            return
        assert self.path is not None
        with Store(self.path, read_only=True) as st:
            st.cache = self.memo
            yield st

    def answer(self, kind: str, params: tuple[tuple[str, Any], ...]) -> bytes:
        """The JSON body of one question, from the cache or computed (failures not cached)."""
        self.check()
        key = (kind, params)
        with self.answers_lock:
            hit = self.answers.get(key)
            if hit is not None:
                self.answers.move_to_end(key)
                return hit
        signature = self.signature
        with self.lock, self.opened() as st:
            body = _json(HANDLERS[kind](st, **dict(params)))
        with self.answers_lock:
            if signature == self.signature:  # not computed from data replaced meanwhile
                self.answers[key] = body
                while len(self.answers) > CACHE_SIZE:
                    self.answers.popitem(last=False)
        return body


def _plain(err: dict[str, Any]) -> str:
    """A validation error as one plain sentence naming the parameter and what it needs."""
    name = _parameter(err.get("loc", ()))
    kind = str(err.get("type", ""))
    got = err.get("input")
    expected = {
        "float_parsing": "a number", "int_parsing": "a whole number",
        "bool_parsing": "true or false", "greater_than_equal": "a larger number",
        "less_than_equal": "a smaller number", "missing": "a value",
    }.get(kind)
    if expected is None:
        expected = str(err.get("msg", "a valid value")).lower().replace("input should be ", "")
    msg = f"{name}: expected {expected}"
    ctx = err.get("ctx") or {}
    if "ge" in ctx:
        msg += f" of at least {ctx['ge']}"
    if "le" in ctx:
        msg += f" of at most {ctx['le']}"
    if got is not None and not isinstance(got, dict):
        msg += f", got {got!r}"
    return msg + "."


def create_app(home: str | Path | None = None, *, store: Store | None = None,
               warm: bool = False) -> FastAPI:
    """The dashboard app over the store of ``home`` (opened read-only, per computation) or
    an open ``store``. With ``warm``, the first view's answers (metrics, groups, the
    USA-China lag and trend on ECI) are computed in a background thread at start, so the
    dashboard's first view is served from the cache.

    Raises:
        AigapError: the store does not exist yet (run ``aigap update`` first).
    """
    from aigap.config import get_settings

    path: Path | None = None
    if store is None:
        path = Path(get_settings(home).store_path)
        if not path.exists():
            raise AigapError(f"no data store at {path}; run `aigap update` first")
        with Store(path, read_only=True):  # fail now, not on the first request
            pass
    access = StoreAccess(path, store)
    app = FastAPI(title="aigap", description="How far behind? Generative-AI gaps, measured.",
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")

    @app.exception_handler(AigapError)
    async def _aigap_error(_: Request, exc: AigapError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_param(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0] if exc.errors() else {}
        return JSONResponse({"error": _plain(dict(err))}, status_code=400)

    def answer(kind: str, **kw: Any) -> Response:
        body = access.answer(kind, tuple(sorted(kw.items())))
        return Response(body, media_type="application/json")

    @app.get("/api/sources")
    def api_sources() -> Response:
        """Every source: publisher, URL, licence, credit, vintages, rows, newest data."""
        return answer("sources")

    @app.get("/api/metrics")
    def api_metrics() -> Response:
        """Score metrics in the store with model counts and date ranges."""
        return answer("metrics")

    @app.get("/api/models")
    def api_models(country: str | None = None, org: str | None = None,
                   since: str | None = None, until: str | None = None,
                   open: bool | None = None, attribution: str = "inclusive",
                   as_of: str | None = None) -> Response:
        """Models attributed to a country or group (as ``aigap models``)."""
        return answer("models", country=country, org=org, since=since, until=until,
                      open=open, attribution=attribution, as_of=as_of)

    # Parameters left out take aigap.lag's / aigap.trend's own defaults (never restated
    # here), so the dashboard and the CLI answer the same question the same way.
    @app.get("/api/lag")
    def api_lag(leader: str | None = None, follower: str | None = None,
                metric: str | None = None, method: str | None = None,
                tau: float | None = None, as_of: str | None = None, since: str | None = None,
                attribution: str | None = None, drop_first: bool | None = None,
                exclude_censored: bool | None = None, evaluator: str | None = None,
                bootstrap: int | None = Query(None, ge=0, le=10000),
                seed: int | None = Query(None, ge=0), level: float | None = None,
                sensitivity: bool | None = None) -> Response:
        """The lag (as ``aigap lag --format json``) plus ``points`` for the frontier chart."""
        return answer("lag", **_given(locals()))

    @app.get("/api/trend")
    def api_trend(leader: str | None = None, follower: str | None = None,
                  metric: str | None = None, tau: float | None = None,
                  as_of: str | None = None, since: str | None = None,
                  attribution: str | None = None, drop_first: bool | None = None,
                  exclude_censored: bool | None = None,
                  bootstrap: int | None = Query(None, ge=1, le=10000),
                  seed: int | None = Query(None, ge=0), level: float | None = None
                  ) -> Response:
        """Is the gap closing (as ``aigap trend --format json``)."""
        return answer("trend", **_given(locals()))

    @app.get("/api/compute")
    def api_compute(leader: str = "ROW", follower: str = "China", as_of: str | None = None,
                    top: int = 10, since: str = "2018-01-01", attribution: str = "inclusive",
                    n_boot: int = Query(DEFAULT_BOOTSTRAP, ge=0, le=10000),
                    seed: int = 0) -> Response:
        """Training-compute trends and the compute lag, plus points and fitted lines."""
        return answer("compute", leader=leader, follower=follower, as_of=as_of, top=top,
                      since=since, attribution=attribution, n_boot=n_boot, seed=seed)

    @app.get("/api/claims")
    def api_claims(as_of: str | None = None) -> Response:
        """Claim verdicts; ``available: false`` with the reason when there is no registry."""
        return answer("claims", as_of=as_of)

    @app.get("/api/top500")
    def api_top500(as_of: str | None = None, leader: str = "USA",
                   follower: str = "China") -> Response:
        """TOP500 systems share, Rmax and best rank per list edition and country, and the
        share of systems of the leader, the follower and the rest of the world."""
        return answer("top500", as_of=as_of, leader=leader, follower=follower)

    @app.get("/api/clusters")
    def api_clusters(as_of: str | None = None) -> Response:
        """Share of known AI-supercomputer performance per date and country."""
        return answer("clusters", as_of=as_of)

    @app.get("/api/groups")
    def api_groups() -> Response:
        """The groups the pickers offer: configured groups and common countries."""
        return answer("groups")

    @app.get("/", response_class=HTMLResponse)
    def dashboard() -> HTMLResponse:
        return HTMLResponse(_static("index.html"))

    @app.get("/static/vega.js")
    def vega_js() -> Response:
        from aigap.present.vega import vega_bundle

        return Response(vega_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "max-age=86400"})

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        types = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
        if name not in types:
            return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)
        return Response(_static(name), media_type=types[name])

    def warm_up() -> None:
        from aigap.present.vega import vega_bundle

        # built by vl-convert (seconds) unless a report already left it in the cache
        vega_bundle(None if store is not None else get_settings(home).cache_dir)
        try:
            api_metrics()
            api_groups()
            api_lag(bootstrap=DEFAULT_BOOTSTRAP)
            api_trend()
            api_sources()
        except AigapError:  # e.g. no ECI scores: the page will say so when asked
            pass

    if warm:
        threading.Thread(target=warm_up, name="aigap-warm-up", daemon=True).start()
    app.state.access = access
    return app


# -- handlers: (store, **params) -> JSON-ready object ----------------------------------------


def _sources(st: Store) -> dict[str, Any]:
    from aigap.api import data_sources

    table = data_sources(store=st)
    return {"sources": table, "datasets": table.attrs["datasets"]}


def _metrics(st: Store) -> dict[str, Any]:
    from aigap.api import metrics
    from aigap.present.labels import metric_family, metric_label

    frame = metrics(store=st)
    frame = frame.assign(label=frame["metric"].map(metric_label),
                         family=frame["metric"].map(metric_family))
    return {"metrics": frame}


def _models(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import models

    frame = models(kw["country"], org=kw["org"], since=kw["since"], until=kw["until"],
                   open_weights=kw["open"], attribution=kw["attribution"], as_of=kw["as_of"],
                   store=st)
    sel = frame.attrs.get("selection")
    return {"n_models": len(frame), "data": sel.to_dict() if sel else None,
            "attribution": frame.attrs.get("attribution"), "models": frame}


def _given(params: dict[str, Any]) -> dict[str, Any]:
    """The query parameters the caller set (None: not given, so the API's default applies);
    ``params`` is an endpoint's ``locals()``, which also holds the closures it uses."""
    return {k: v for k, v in params.items() if v is not None and not callable(v)}


def _lag(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import lag

    rep = lag(store=st, **kw)
    out = rep.to_dict()
    out["points"] = rep.frames()["points"][["group", "name", "date", "value"]]
    return out


def _trend(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import trend

    out: dict[str, Any] = trend(store=st, **kw).to_dict(include_series=False)
    return out


def _compute(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import compute

    rep = compute(kw["leader"], kw["follower"], as_of=kw["as_of"], top=kw["top"],
                  since=kw["since"], attribution=kw["attribution"], n_boot=kw["n_boot"],
                  seed=kw["seed"], store=st)
    from aigap.api.context import credits_for

    out: dict[str, Any] = rep.to_dict()
    out["data"] = {**out["data"], "credits": credits_for(st, rep.selection)}
    charts = rep.frames()
    out["points"] = charts["points"]
    out["lines"] = charts["lines"]
    return out


def _claims(st: Store, as_of: str | None = None) -> dict[str, Any]:
    from datetime import date

    from aigap.claims import evaluate_cached, load_claims
    from aigap.errors import QueryError

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise QueryError(f"as_of: expected a date as YYYY-MM-DD, got {as_of!r}") from None

    try:
        claims = load_claims()
    except ImportError as exc:
        return {"available": False, "reason": f"claims are not available: {exc}",
                "claims": []}
    return {"available": True,
            "claims": [{**r.to_dict(), "row": r.row()}
                       for r in evaluate_cached(claims, store=st, as_of=when)]}


def _table(frame: Any, key: str) -> dict[str, Any]:
    sel = frame.attrs.get("selection")
    return {"data": sel.to_dict() if sel is not None else None,
            "note": frame.attrs.get("note"), key: frame}


def _top500(st: Store, as_of: str | None = None, leader: str = "USA",
            follower: str = "China") -> dict[str, Any]:
    """TOP500 rows plus ``shares``: the share of systems of the leader, the follower and
    the rest of the world per list edition."""
    import numpy as np

    from aigap.api import top500
    from aigap.api.catalogue import group

    lead_g, foll_g = group(leader), group(follower)
    frame = top500(as_of=as_of, store=st)
    codes = frame["country"].astype(str)
    label = np.where(codes.map(lead_g.contains), lead_g.name,
                     np.where(codes.map(foll_g.contains), foll_g.name, "Rest of world"))
    shares = (frame.assign(group=label).groupby(["edition", "group"], as_index=False)
              ["systems_share"].sum())
    out = _table(frame, "top500")
    out["shares"] = shares
    out["leader"], out["follower"] = lead_g.name, foll_g.name
    return out


def _clusters(st: Store, as_of: str | None = None) -> dict[str, Any]:
    from aigap.api import clusters

    return _table(clusters(as_of=as_of, store=st), "clusters")


#: Countries the group pickers offer besides the configured groups (any ISO3 code works
#: in the JSON API).
PICKER_COUNTRIES = ("USA", "GBR", "FRA", "DEU", "CAN", "ISR", "KOR", "JPN", "TWN", "IND",
                    "ARE", "SAU", "SGP", "CHE")


def _groups(st: Store) -> dict[str, Any]:
    from aigap.api.catalogue import group, groups

    table = groups()
    rows = [{"name": r["name"], "label": r["label"], "kind": "group"}
            for r in table.to_dict("records")]
    rows += [{"name": c, "label": group(c).label, "kind": "country"}
             for c in PICKER_COUNTRIES]
    return {"groups": rows}


HANDLERS: dict[str, Callable[..., Any]] = {
    "sources": _sources, "metrics": _metrics, "models": _models, "lag": _lag,
    "trend": _trend, "compute": _compute, "claims": _claims, "top500": _top500,
    "clusters": _clusters, "groups": _groups,
}
