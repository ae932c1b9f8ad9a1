"""A disk cache of built reports, keyed by everything a report's numbers depend on.

A report is a pure function of: the aigap code (a hash of the package's files, so an edited
method never serves old numbers), the request (groups, as-of, metrics, rule, resamples,
seed, level), the store's data (every dataset's current vintage and vintage count) and, for
"latest data" reports, the day (old-data warnings and "now" verdicts depend on it). Equal
keys give the same report, so a second `aigap report` on unchanged data only assembles the
HTML. The cache lives in the data home's ``cache/report`` folder (the user's own files,
like the store); ``--no-cache`` skips it.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Package files whose content is part of the key (code, bundled data, claims registry).
_SUFFIXES = (".py", ".csv", ".yaml", ".yml", ".json", ".js", ".css")
#: Reports kept per data home (oldest removed first).
KEEP = 20


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the aigap package's files (names and contents)."""
    import aigap

    root = Path(aigap.__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES and p.is_file()):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def report_key(request: dict[str, Any], datasets: Any) -> str:
    """The key of one report: code, request and the store's vintages (a hex digest)."""
    rows: list[Any] = []
    if datasets is not None and len(datasets):
        cols = [c for c in ("dataset", "current_vintage", "vintages") if c in datasets]
        rows = sorted(map(tuple, datasets[cols].astype(str).to_numpy().tolist()))
    text = repr((code_fingerprint(), sorted(request.items()), rows))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load(folder: Path, key: str) -> Any | None:
    """The cached report for ``key``, or None (missing or unreadable)."""
    path = folder / f"{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # the user's own cache, written by save()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def save(folder: Path, key: str, data: Any) -> None:
    """Store a report under ``key`` (best effort: a read-only home just skips it)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{key}.tmp"
        tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(folder / f"{key}.pickle")
        old = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-KEEP]
        for p in old:
            p.unlink(missing_ok=True)
    except OSError:
        return
