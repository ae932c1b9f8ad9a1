"""The local dashboard: a FastAPI app with a JSON API and one page that draws from it.

    from aigap.web.app import create_app
    app = create_app(home="~/aigap")          # then: uvicorn.run(app, host="127.0.0.1")

Endpoints (GET; query parameters mirror the CLI flags, e.g. ``as_of`` for ``--as-of``):
``/api/sources``, ``/api/metrics``, ``/api/models``, ``/api/lag``, ``/api/trend``,
``/api/compute``, ``/api/claims``; ``/`` is the dashboard. A bad parameter gets HTTP 400
and ``{"error": "<one line naming the parameter>"}``. The store is opened read-only and every
answer is cached (LRU, keyed by the query), so repeated calls cost a dictionary lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
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


def create_app(home: str | Path | None = None, *, store: Store | None = None) -> FastAPI:
    """The dashboard app over the store of ``home`` (opened read-only) or an open ``store``.

    Raises:
        AigapError: the store does not exist yet (run ``aigap update`` first).
    """
    from aigap.config import get_settings

    if store is None:
        path = get_settings(home).store_path
        if not Path(path).exists():
            raise AigapError(f"no data store at {path}; run `aigap update` first")
        store = Store(path, read_only=True)
    st = store
    lock = threading.Lock()  # one DuckDB connection: queries run one at a time
    app = FastAPI(title="aigap", description="How far behind? Generative-AI gaps, measured.",
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")

    @app.exception_handler(AigapError)
    async def _aigap_error(_: Request, exc: AigapError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_param(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0] if exc.errors() else {}
        got = err.get("input")
        msg = f"{_parameter(err.get('loc', ()))}: {err.get('msg', 'invalid value')}"
        if got is not None and not isinstance(got, dict):
            msg += f", got {got!r}"
        return JSONResponse({"error": msg}, status_code=400)

    @lru_cache(maxsize=CACHE_SIZE)
    def cached(kind: str, params: tuple[tuple[str, Any], ...]) -> bytes:
        kw = dict(params)
        with lock:
            return _json(HANDLERS[kind](st, **kw))

    def answer(kind: str, **kw: Any) -> Response:
        # Failures are not cached (lru_cache does not store exceptions).
        body = cached(kind, tuple(sorted(kw.items())))
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

    @app.get("/api/lag")
    def api_lag(leader: str = "USA", follower: str = "China", metric: str = "eci",
                method: str = "daily", tau: float | None = None, as_of: str | None = None,
                since: str | None = None, attribution: str = "inclusive",
                drop_first: bool = True,
                bootstrap: int = Query(DEFAULT_BOOTSTRAP, ge=0, le=10000),
                seed: int = 0, level: float = 0.9, sensitivity: bool = False) -> Response:
        """The lag (as ``aigap lag --format json``) plus ``points`` for the frontier chart."""
        return answer("lag", leader=leader, follower=follower, metric=metric, method=method,
                      tau=tau, as_of=as_of, since=since, attribution=attribution,
                      drop_first=drop_first, bootstrap=bootstrap, seed=seed, level=level,
                      sensitivity=sensitivity)

    @app.get("/api/trend")
    def api_trend(leader: str = "USA", follower: str = "China", metric: str = "eci",
                  tau: float | None = None, as_of: str | None = None, since: str | None = None,
                  attribution: str = "inclusive", drop_first: bool = True,
                  level: float = 0.9) -> Response:
        """Is the gap closing (as ``aigap trend --format json``)."""
        return answer("trend", leader=leader, follower=follower, metric=metric, tau=tau,
                      as_of=as_of, since=since, attribution=attribution,
                      drop_first=drop_first, level=level)

    @app.get("/api/compute")
    def api_compute(leader: str = "ROW", follower: str = "China", as_of: str | None = None,
                    top: int = 10, since: str = "2018-01-01", attribution: str = "inclusive",
                    n_boot: int = Query(DEFAULT_BOOTSTRAP, ge=0, le=10000),
                    seed: int = 0) -> Response:
        """Training-compute trends and the compute lag, plus points and fitted lines."""
        return answer("compute", leader=leader, follower=follower, as_of=as_of, top=top,
                      since=since, attribution=attribution, n_boot=n_boot, seed=seed)

    @app.get("/api/claims")
    def api_claims() -> Response:
        """Claim verdicts; ``available: false`` with the reason when there is no registry."""
        return answer("claims")

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

    app.state.store = st
    app.state.cache = cached
    return app


# -- handlers: (store, **params) -> JSON-ready object ----------------------------------------


def _sources(st: Store) -> dict[str, Any]:
    from aigap.api import data_sources

    table = data_sources(store=st)
    return {"sources": table, "datasets": table.attrs["datasets"]}


def _metrics(st: Store) -> dict[str, Any]:
    from aigap.api import metrics

    return {"metrics": metrics(store=st)}


def _models(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import models

    frame = models(kw["country"], org=kw["org"], since=kw["since"], until=kw["until"],
                   open_weights=kw["open"], attribution=kw["attribution"], as_of=kw["as_of"],
                   store=st)
    sel = frame.attrs.get("selection")
    return {"n_models": len(frame), "data": sel.to_dict() if sel else None,
            "attribution": frame.attrs.get("attribution"), "models": frame}


def _lag(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import lag

    rep = lag(kw["leader"], kw["follower"], kw["metric"], method=kw["method"], tau=kw["tau"],
              as_of=kw["as_of"], since=kw["since"], attribution=kw["attribution"],
              drop_first=kw["drop_first"], bootstrap=kw["bootstrap"], seed=kw["seed"],
              level=kw["level"], sensitivity=kw["sensitivity"], store=st)
    out = rep.to_dict()
    out["points"] = rep.frames()["points"][["group", "name", "date", "value"]]
    return out


def _trend(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import trend

    out: dict[str, Any] = trend(kw["leader"], kw["follower"], kw["metric"], tau=kw["tau"],
                                as_of=kw["as_of"], since=kw["since"],
                                attribution=kw["attribution"], drop_first=kw["drop_first"],
                                level=kw["level"], store=st).to_dict(include_series=False)
    return out


def _compute(st: Store, **kw: Any) -> dict[str, Any]:
    from aigap.api import compute

    rep = compute(kw["leader"], kw["follower"], as_of=kw["as_of"], top=kw["top"],
                  since=kw["since"], attribution=kw["attribution"], n_boot=kw["n_boot"],
                  seed=kw["seed"], store=st)
    out: dict[str, Any] = rep.to_dict()
    charts = rep.frames()
    out["points"] = charts["points"]
    out["lines"] = charts["lines"]
    return out


def _claims(st: Store) -> dict[str, Any]:
    from aigap.claims import evaluate_claims, load_claims

    try:
        claims = load_claims()
    except ImportError as exc:
        return {"available": False, "reason": f"claims are not available: {exc}",
                "claims": []}
    return {"available": True,
            "claims": [r.to_dict() for r in evaluate_claims(claims, store=st)]}


HANDLERS: dict[str, Callable[..., Any]] = {
    "sources": _sources, "metrics": _metrics, "models": _models, "lag": _lag,
    "trend": _trend, "compute": _compute, "claims": _claims,
}
