"""Import orchestration: files and mirror folders -> parsers -> one store transaction.

Everything is parsed before anything is written, and all datasets of one call are written in
one transaction, so a bad file anywhere leaves the store exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aigap.errors import SourceError
from aigap.sources.base import ParsedDataset, Source, SourceFile, all_sources, get_source
from aigap.store import DatasetOutcome, FileRecord, Store

if TYPE_CHECKING:
    from aigap.sources.fingerprint import Fingerprint

#: Called as ``progress(done, total, label)`` while files are hashed, parsed and stored.
Progress = Callable[[int, int, str], None]

#: Mirrors with at least this many files to parse are parsed in a process pool.
PARALLEL_MIN_FILES = 24


@dataclass
class ImportReport:
    """What an import or update did.

    ``skipped_files``: files recognised as already stored (same size and sha256) and not
    parsed; ``unrecognised``: files no selected source claims (not imported).
    """

    outcomes: list[DatasetOutcome] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    #: optional sources a full update could not download, with the reason (one line each)
    not_downloaded: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[DatasetOutcome]:
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def unchanged(self) -> list[DatasetOutcome]:
        return [o for o in self.outcomes if o.status == "unchanged"]

    @property
    def changed(self) -> bool:
        return bool(self.imported)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "unchanged": len(self.unchanged),
            "rows_imported": sum(o.rows for o in self.imported),
            "rows_skipped": sum(sum(o.skipped.values()) for o in self.imported),
            "datasets": [o.to_dict() for o in self.outcomes],
            "unrecognised_files": self.unrecognised,
            "unchanged_files": self.skipped_files,
            "not_downloaded": self.not_downloaded,
        }

    def summary_line(self) -> str:
        if not self.outcomes:
            return "Nothing to import."
        if not self.changed:
            return (f"No changes: all {len(self.outcomes)} datasets are already stored "
                    "(same sha256).")
        rows = sum(o.rows for o in self.imported)
        skipped = sum(sum(o.skipped.values()) for o in self.imported)
        return (f"Imported {len(self.imported)} dataset vintages ({rows:,} rows, {skipped:,} "
                f"rows skipped on purpose); {len(self.unchanged)} unchanged.")


def store_parsed(store: Store, parsed: list[ParsedDataset], sources: dict[str, Source], *,
                 origin: str | Mapping[str, str] = "import", retrieved_at: datetime | None = None,
                 files: Sequence[FileRecord] = ()) -> list[DatasetOutcome]:
    """Write parsed datasets, each source's licence and the input files' records (with
    their ``origin``: bundled, starter, download, mirror or import) in one transaction."""
    licences = {name: src.licence for name, src in sources.items()}
    return store.import_datasets(parsed, licences=licences, origin=origin,
                                 retrieved_at=retrieved_at, files=files)


def resolve_source(name: str, parameter: str = "source") -> Source:
    """The registered source a name means (case-blind, by name or title; closest names
    suggested otherwise)."""
    from aigap.analysis.names import match_name

    return get_source(match_name(name, source_candidates(), what="source",
                                 parameter=parameter))


def source_candidates() -> dict[str, str]:
    """Registered source names -> their titles (for name matching)."""
    return {s.name: s.title for s in all_sources()}


def import_path(store: Store, source_name: str, path: Path | str, *,
                defaults: Mapping[str, Any] | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import one file (or a folder of files) for a named source: ``aigap import``.

    In a folder, files the source does not claim (by name pattern and header) are skipped
    and listed in the report, as ``update --from`` does; files already stored (same size
    and sha256) are not parsed again. ``defaults`` (source ``scores`` only) fill the model
    facts an evaluation log lacks (organisation, country, release_date, evaluator,
    open_weights...; see :func:`aigap.sources.user_scores.parse_results`).

    Raises:
        SourceError: no such path, or nothing in it for this source.
        SchemaError: a bad file (file, row, column and what was expected).
    """
    from aigap.sources.fingerprint import scan, split_unchanged

    source = resolve_source(source_name)
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if defaults and source.name != "scores":
        raise SourceError(f"--org/--country/--release-date/--evaluator/--open-weights apply "
                          f"to `aigap import scores` only, not {source.name}")
    if path.is_file():
        fps = scan_files([path])
        unrecognised: list[str] = []
    else:
        fps = scan(path)
        mine = [fp for fp in fps if _claimed(source, fp.path)]
        unrecognised = [str(fp.path.relative_to(path)) for fp in fps if fp not in mine]
        fps = mine
    same, new = split_unchanged(fps, store.known_files(source.name))
    parsed: list[ParsedDataset] = []
    for i, fp in enumerate(new):
        if progress:
            progress(i, len(new), fp.path.name)
        parsed.extend(_parse_file(source, fp.path, defaults))
    if progress:
        progress(len(new), len(new), "")
    if not parsed and not same:
        raise SourceError(f"{path}: no {source.name} data found")
    if parsed and not any(p.n_rows for p in parsed) and not same:
        raise SourceError(f"{path}: no data rows (an empty or header-only file); nothing "
                          "imported, the stored data stays current")
    outcomes = store_parsed(store, parsed, {source.name: source}, origin="import",
                            files=_records(source.name, new)) if parsed else []
    store.confirm_files((fp.sha256 for fp in same), "import")
    outcomes += [o for o in store.stored_outcomes(fp.sha256 for fp in same)
                 if o.source == source.name]
    return ImportReport(outcomes, unrecognised, [str(fp.path) for fp in same])


def _parse_file(source: Source, path: Path, defaults: Mapping[str, Any] | None
                ) -> list[ParsedDataset]:
    """Parse one file; own results take command-line defaults over a sidecar's."""
    file = SourceFile.from_path(path)
    if source.name == "scores" and defaults:
        from aigap.sources.user_scores import SIDECAR_SUFFIX, parse_results, read_sidecar

        if file.basename.lower().endswith(SIDECAR_SUFFIX):
            return []
        return parse_results(file, defaults={**read_sidecar(file), **defaults})
    return _parse_released(source, file)


def _claimed(source: Source, path: Path) -> bool:
    """Whether ``source`` reads this file (a source without patterns, such as ``scores``,
    reads every CSV and JSON file)."""
    if not source.patterns:
        return path.suffix.lower() in (".csv", ".json")
    return claim(path, [source]) is not None


def scan_files(paths: Sequence[Path]) -> list[Fingerprint]:
    """Fingerprints (size, mtime, sha256) of given files."""
    from aigap.sources.fingerprint import Fingerprint, hash_file

    out = []
    for p in paths:
        st = p.stat()
        out.append(Fingerprint(p, st.st_size, st.st_mtime_ns, hash_file(p)))
    return out


def _records(source: str, fps: Iterable[Fingerprint]) -> list[FileRecord]:
    """File records for files that were parsed (including those that gave no dataset)."""
    return [FileRecord(source, fp.path.name, fp.sha256, fp.size) for fp in fps]


def _mirror_files(folder: Path) -> list[Path]:
    from aigap.sources.fingerprint import candidate_files

    return candidate_files(folder)


def claim(file: Path, sources: Iterable[Source]) -> Source | None:
    """The first source that claims a mirror file (by name pattern and CSV header)."""
    with file.open("rb") as fh:
        head = fh.read(8192)
    for src in sources:
        if src.claims(file.name, head):
            return src
    return None


def update_from_dir(
    store: Store,
    folder: Path | str,
    *,
    sources: list[str] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import every recognised file under ``folder`` (an offline mirror) in one transaction.

    Files are fingerprinted first (size and sha256); those already stored are reported
    unchanged without being parsed, so a repeat update costs a hash per file. Files no
    selected source recognises are listed in the report, not imported. Many new files are
    parsed in ``workers`` processes (default: up to 2, one per core); nothing is written
    until every file has parsed.
    """
    from aigap.sources.fingerprint import scan, split_unchanged

    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"--from {folder}: not a folder")
    fps = scan(folder)
    known = store.known_files()
    same, new = split_unchanged(fps, known)
    # Files no source claimed last time, with the same source modules, are not claimed again
    # (claiming loads every parser module; a repeat update should cost a hash per file).
    signature = registry_signature()
    seen_unclaimed = set() if sources else _unclaimed(store, signature)
    tasks: list[tuple[str, Path]] = []
    unrecognised: list[str] = []
    unclaimed: set[str] = set()
    parsed_fps: dict[str, list[Fingerprint]] = {}
    todo = [fp for fp in new if fp.sha256 not in seen_unclaimed]
    unclaimed |= {fp.sha256 for fp in new if fp.sha256 in seen_unclaimed}
    unrecognised += [str(fp.path.relative_to(folder)) for fp in new
                     if fp.sha256 in seen_unclaimed]
    size = _pool_size(workers)
    pool = _start_pool(size) if size > 1 and len(todo) >= PARALLEL_MIN_FILES else None
    try:
        chosen = ([resolve_source(n) for n in sources] if sources else all_sources()
                  ) if todo else []
        for fp in todo:
            src = claim(fp.path, chosen)
            if src is None:
                unrecognised.append(str(fp.path.relative_to(folder)))
                unclaimed.add(fp.sha256)
            else:
                tasks.append((src.name, fp.path))
                parsed_fps.setdefault(src.name, []).append(fp)
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    parsed = [d for result in _parse_each(tasks, workers=workers, pool=pool,
                                          progress=progress) for d in result]
    records = [r for name, group in parsed_fps.items() for r in _records(name, group)]
    outcomes = (store_parsed(store, parsed, {s.name: s for s in chosen}, origin="mirror",
                             files=records) if parsed or records else [])
    if not sources:
        store.set_meta(UNCLAIMED_KEY, json.dumps({"signature": signature,
                                                  "sha256": sorted(unclaimed)}))
    store.confirm_files((fp.sha256 for fp in same), "mirror")
    wanted = {resolve_source(n).name for n in sources} if sources else None
    outcomes += [o for o in store.stored_outcomes(fp.sha256 for fp in same)
                 if wanted is None or o.source in wanted]
    return ImportReport(outcomes, unrecognised,
                        [str(fp.path.relative_to(folder)) for fp in same])


UNCLAIMED_KEY = "unclaimed_mirror_files"


def registry_signature() -> str:
    """A fingerprint of the source modules (path, size, mtime of each), which decide which
    files a source claims: when it changes, files unclaimed before are looked at again."""
    import hashlib

    import aigap.sources as package
    from aigap.sources.base import SOURCE_MODULES

    folder = Path(package.__file__).parent
    parts = []
    for mod in ("aigap.sources.base", *SOURCE_MODULES):
        path = folder / (mod.rsplit(".", 1)[-1] + ".py")
        st = path.stat() if path.exists() else None
        parts.append(f"{path}:{st.st_size if st else 0}:{st.st_mtime_ns if st else 0}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _unclaimed(store: Store, signature: str) -> set[str]:
    """sha256 of mirror files no source claimed at the last full update (same modules)."""
    text = store.meta(UNCLAIMED_KEY)
    if not text:
        return set()
    try:
        data = json.loads(text)
    except ValueError:
        return set()
    if not isinstance(data, dict) or data.get("signature") != signature:
        return set()
    return {str(h) for h in data.get("sha256", [])}


def _parse_task(task: tuple[str, Path]) -> list[ParsedDataset]:
    """Parse one mirror file (runs in a worker process for large mirrors)."""
    from aigap.store.derive import with_derived

    name, path = task
    parsed = _parse_released(get_source(name), SourceFile.from_path(path))
    # Derived tables (TOP500 per-country indicators) are computed here, in the worker, so
    # they are parallel too; the store's own derive step then has nothing left to do.
    return [d.conform() for d in with_derived(parsed)]


def _parse_released(source: Source, file: SourceFile) -> list[ParsedDataset]:
    """Parse a file, then let go of its bytes (the datasets keep its name, URL and sha256),
    so they are not held while the rows are written nor sent back from a worker."""
    parsed = source.parse(file)
    light = file.released()
    for d in parsed:
        if d.file is file:
            d.file = light
    return parsed


def _pool_size(workers: int | None) -> int:
    """Worker processes for parsing: ``workers``, else one per core, at most 2."""
    import os

    return workers if workers is not None else min(2, os.cpu_count() or 1)


def _start_pool(n: int) -> Any:
    """A process pool whose workers start importing the parsers at once (in the
    background, while the caller is still sorting files), so the first task finds them
    ready."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
    for _ in range(n):
        pool.submit(_warm_up)
    return pool


def _warm_up() -> None:
    """Load every parser module in a worker process."""
    all_sources()


def _parse_each(tasks: list[tuple[str, Path]], *, workers: int | None, pool: Any,
                progress: Progress | None) -> list[list[ParsedDataset]]:
    """Each task's datasets, in the tasks' order; with many files, parsed in a small
    process pool (one per core), the largest files first (so the pool's last seconds are
    not spent on one big file). ``pool``: one started with :func:`_start_pool` (shut down
    here). ``progress(done, total, file name)`` is called as files finish.
    """
    out: list[list[ParsedDataset]] = [[] for _ in tasks]
    n = _pool_size(workers)
    if pool is None and (n <= 1 or len(tasks) < PARALLEL_MIN_FILES):
        for i, task in enumerate(tasks):
            out[i] = _parse_task(task)
            if progress:
                progress(i + 1, len(tasks), task[1].name)
        return out
    pool = pool or _start_pool(n)
    try:
        order = sorted(range(len(tasks)), key=lambda i: -tasks[i][1].stat().st_size)
        done = pool.map(_parse_task, [tasks[i] for i in order], chunksize=4)
        for k, (i, result) in enumerate(zip(order, done, strict=True)):
            out[i] = result
            if progress:
                progress(k + 1, len(tasks), tasks[i][1].name)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return out


def _die_with_parent(parent: int) -> None:
    """Worker initialiser: end this parse worker as soon as its parent (``aigap update``)
    dies, even by SIGKILL, so no orphan keeps parsing (and holding memory).

    On Linux the kernel sends SIGKILL on the parent's death (``PR_SET_PDEATHSIG``);
    everywhere, a daemon thread also checks twice a second that the parent is still there.
    """
    import os
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, name="aigap-parent-watch", daemon=True).start()


MIRROR_URL_ENV = "AIGAP_MIRROR_URL"


def resolve_url(url: str, mirror: str | None) -> str:
    """The URL to download: the publisher's, or the same file name under a mirror base URL.

    ``AIGAP_MIRROR_URL=http://host/path/`` makes ``https://epoch.ai/data/ai_models.zip``
    come from ``http://host/path/ai_models.zip`` (an institutional mirror, or a test server).
    """
    if not mirror:
        return url
    return mirror.rstrip("/") + "/" + url.rsplit("/", 1)[-1]


def update_live(
    store: Store,
    *,
    sources: list[str] | None = None,
    show_progress: bool = False,
    downloader: Any = None,
) -> ImportReport:
    """Download every selected source's files and import them in one transaction.

    Downloads are cached by URL (ETag / Last-Modified revalidation); a file whose bytes are
    already stored is reported unchanged. With no network this raises a one-line
    :class:`SourceError` pointing to ``--from DIR``. In a full update (no ``sources``), an
    optional source that cannot be downloaded is listed in ``not_downloaded`` and the rest
    is imported.
    """
    import os

    from aigap.sources.fetch import Downloader

    chosen = [resolve_source(n) for n in sources] if sources else all_sources()
    mirror = os.environ.get(MIRROR_URL_ENV)
    parsed: list[ParsedDataset] = []
    records: list[FileRecord] = []
    same: list[str] = []
    own = downloader is None
    dl = downloader or Downloader(store.path.parent / "cache")  # the cache follows --home
    missing: list[str] = []
    try:
        for src in chosen:
            try:
                files = [_download(dl, url, mirror, show_progress) for url in src.urls]
            except SourceError as exc:
                if sources or not src.optional:
                    raise
                missing.append(f"{src.name}: not downloaded ({exc}); the rest was imported")
                continue
            known = store.known_files(src.name)
            for file in files:
                if known.get(file.sha256, -1) in (None, len(file.data)):
                    same.append(file.sha256)  # these bytes are stored: no need to parse
                    continue
                records.append(FileRecord(src.name, file.name, file.sha256, len(file.data)))
                parsed.extend(_parse_released(src, file))
    finally:
        if own:
            dl.close()
    outcomes = (store_parsed(store, parsed, {s.name: s for s in chosen}, origin="download",
                             files=records) if parsed or records else [])
    store.confirm_files(same, "download")
    names = {s.name for s in chosen}
    outcomes += [o for o in store.stored_outcomes(same) if o.source in names]
    return ImportReport(outcomes, not_downloaded=missing)


def _download(dl: Any, url: str, mirror: str | None, show_progress: bool) -> SourceFile:
    """One publisher file through the download cache (a progress bar when asked)."""
    import contextlib

    from aigap.sources.fetch import rich_progress

    target = resolve_url(url, mirror)
    bar = (rich_progress(target.rsplit("/", 1)[-1]) if show_progress
           else contextlib.nullcontext(None))
    with bar as callback:
        res = dl.fetch(target, progress=callback)
    return SourceFile(name=res.name, data=res.path.read_bytes(), url=url, path=res.path)
