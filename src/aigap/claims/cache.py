"""Claim results cached on disk by data vintage, so a second `aigap claims` (or a cold
``/api/claims``) on unchanged data reads them instead of recomputing every lag.

The key covers everything a verdict depends on: the store's current vintages and its file
stamp (any import changes it), the claims evaluated (their full definitions), the evaluation
date, the options, and the code of the claims package and the api it calls. A cache file
that cannot be read is ignored and rewritten; the cache lives next to the store
(``<home>/cache/claims-<key>.pkl``, written by this process only).

Answers to "at the time" are also kept per claim (``claims-at-<key>.pkl``, keyed without the
evaluation date): they do not change with ``--as-of`` once it is past the claim's date, so
asking about another date recomputes only the other questions.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aigap.api import Store
    from aigap.claims.evidence import ClaimResult, Options
    from aigap.claims.schema import Claim

__all__ = ["at_time_key", "cache_key", "effective_date", "evaluate_cached", "warm_cache"]


def _code_stamp() -> str:
    import aigap

    root = Path(aigap.__file__).parent
    h = hashlib.sha256(aigap.__version__.encode())
    for sub in ("claims", "api", "analysis"):
        for f in sorted((root / sub).rglob("*")):
            if f.suffix in (".py", ".yaml"):
                st = f.stat()
                h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def effective_date(store: Store, as_of: date) -> date:
    """The evaluation date as far as verdicts can tell: ``as_of``, or the newest data date
    of the store's current vintages when ``as_of`` is later (every part stops at the data's
    end, so later dates give the same verdicts and the cache survives from day to day)."""
    import pandas as pd

    from aigap.api.catalogue import metrics

    dates = [pd.Timestamp(d) for d in store.data_dates(store.vintage_ids().values()).values()
             if d is not None]
    last = pd.to_datetime(metrics(store=store)["last"], errors="coerce").dropna()
    dates += list(last)  # a vintage's stamp can lag its rows: the newest score counts too
    newest = max(dates).date() if dates else as_of
    return min(as_of, newest)


def cache_key(store: Store, claims: list[Claim], as_of: date, options: Options) -> str:
    """A digest of everything the verdicts depend on (see the module docstring)."""
    path = Path(store.path)
    stat = path.stat() if path.exists() else None
    parts = {
        "vintages": store.vintage_ids(),
        "store": [str(path), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0],
        "claims": [c.model_dump(mode="json") for c in claims],
        "as_of": effective_date(store, as_of).isoformat(), "options": vars(options),
        "code": _code_stamp(),
        # which claims exist yet, and which can have come true, on the date asked: two
        # dates past the data's end differ in that when a claim is dated between them
        "claim_dates": [(as_of > c.date) - (as_of < c.date) for c in claims],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _strip(results: list[ClaimResult]) -> list[ClaimResult]:
    """Drop the api reports behind each figure (large; only charts need them)."""
    for r in results:
        for dv in (r.at_time, r.today, r.come_true):
            for t in (dv.tests if dv is not None else []):
                for e in t.evidence:
                    e.report = None
    return results


def evaluate_cached(claims: list[Claim], *, store: Store, as_of: date | None = None,
                    options: Options | None = None, keep_reports: bool = False
                    ) -> list[ClaimResult]:
    """:func:`~aigap.claims.evaluate.evaluate_claims`, read from the disk cache when the
    data, claims, date, options and code are unchanged (reports behind the figures are kept
    only when computed now and ``keep_reports``)."""
    from aigap.claims.evaluate import evaluate_claims
    from aigap.claims.evidence import Options

    opts = options or Options()
    when = as_of or date.today()
    key = cache_key(store, claims, when, opts)
    file = Path(store.path).parent / "cache" / f"claims-{key[:32]}.pkl"
    cached = _read(file)  # a damaged cache file is recomputed, never trusted
    if isinstance(cached, list):
        return _dated(cached, when)
    at_file = file.parent / f"claims-at-{at_time_key(store, opts)[:32]}.pkl"
    known = _read(at_file)
    digests = {c.id: _digest(c) for c in claims}
    # (answers read back carry no api reports: a caller that wants them computes anew)
    reuse = {} if keep_reports else {
        cid: dv for cid, (dig, dv) in (known or {}).items() if digests.get(cid) == dig}
    results = evaluate_claims(claims, store=store, as_of=when, options=opts,
                              at_the_time=reuse)
    stored = _strip([_copy(r) for r in results]) if keep_reports else _strip(results)
    _write(file, stored)
    fresh = {r.claim.id: (digests[r.claim.id], r.at_time) for r in stored
             if when >= r.claim.date}
    if fresh.keys() - reuse.keys():
        _write(at_file, {**(known or {}), **fresh})
    return results


def at_time_key(store: Store, options: Options) -> str:
    """A digest of what "at the time" answers depend on: the data (vintages and store
    stamp), the options and the code; not the evaluation date (see
    :func:`~aigap.claims.evaluate.evaluate_claims`), nor the other claims."""
    path = Path(store.path)
    stat = path.stat() if path.exists() else None
    parts = {"vintages": store.vintage_ids(),
             "store": [str(path), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0],
             "options": vars(options), "code": _code_stamp()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _digest(claim: Claim) -> str:
    return hashlib.sha256(json.dumps(claim.model_dump(mode="json"), sort_keys=True,
                                     default=str).encode()).hexdigest()


def _read(file: Path) -> Any:
    """A cache file's content, or None when absent or damaged (never trusted then)."""
    if not file.exists():
        return None
    try:
        with file.open("rb") as fh:
            return pickle.load(fh)
    except Exception:
        return None


def _write(file: Path, content: Any) -> None:
    """Write a cache file atomically; a cache that cannot be written is not an error."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(content, fh)
        tmp.replace(file)
    except OSError:
        pass


def _copy(r: ClaimResult) -> ClaimResult:
    import copy

    return copy.deepcopy(r)


def _dated(results: list[ClaimResult], when: date) -> list[ClaimResult]:
    """Results read from the cache, dated with the evaluation date asked for now (the
    cache key guarantees the data read for that date are the same): the answers and the
    "as of" of the evidence that was read as of the cached date."""
    for r in results:
        for dv in (r.today, r.come_true):
            if dv is None:
                continue
            old, dv.as_of = dv.as_of, when
            for t in dv.tests:
                for e in t.evidence:
                    if str(e.data.get("as_of")) == old.isoformat():
                        e.data["as_of"] = when.isoformat()
    return results


def warm_cache(store: Store, as_of: date | None = None) -> int:
    """Evaluate the shipped registry with the default options so the next `aigap claims`,
    report or ``/api/claims`` reads cached results (call after an import). Returns the
    number of claims evaluated."""
    from aigap.api.catalogue import metrics
    from aigap.claims.registry import load_claims

    known = metrics(store=store)["metric"].tolist()
    return len(evaluate_cached(load_claims(known_metrics=known), store=store, as_of=as_of))
