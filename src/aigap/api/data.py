"""Import orchestration: files and mirror folders -> parsers -> one store transaction.

Everything is parsed before anything is written, and all datasets of one call are written in
one transaction, so a bad file anywhere leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aigap.errors import SourceError
from aigap.sources.base import ParsedDataset, Source, SourceFile, all_sources, get_source
from aigap.store import DatasetOutcome, FileRecord, Store

# Files in a mirror that are documentation, not data.
_IGNORED = {"source.txt", "readme.md", "readme.txt", "license", "license.txt"}

Progress = Callable[[str], None]

#: Mirrors with at least this many files are parsed in a process pool.
PARALLEL_MIN_FILES = 24


@dataclass
class ImportReport:
    """What an import or update did."""

    outcomes: list[DatasetOutcome] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)

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


def import_path(store: Store, source_name: str, path: Path | str) -> ImportReport:
    """Import one file (or a folder of files) for a named source: ``aigap import``."""
    source = get_source(source_name)
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    files = [path] if path.is_file() else _mirror_files(path)
    parsed: list[ParsedDataset] = []
    for f in files:
        parsed.extend(source.parse(SourceFile.from_path(f)))
    if not parsed:
        raise SourceError(f"{path}: no {source_name} data found")
    return ImportReport(store_parsed(store, parsed, {source.name: source}))


def _mirror_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.name.lower() not in _IGNORED and not p.name.startswith("."))


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

    Files no selected source recognises are listed in the report, not imported. Large
    mirrors are parsed in ``workers`` processes (default: up to 2, one per core); nothing is
    written until every file has parsed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"--from {folder}: not a folder")
    chosen = [get_source(n) for n in sources] if sources else all_sources()
    tasks: list[tuple[str, Path]] = []
    unrecognised: list[str] = []
    for f in _mirror_files(folder):
        src = claim(f, chosen)
        if src is None:
            unrecognised.append(str(f.relative_to(folder)))
        else:
            tasks.append((src.name, f))
    parsed: list[ParsedDataset] = []
    for name, result in _parse_all(tasks, workers=workers):
        if progress:
            progress(name)
        parsed.extend(result)
    outcomes = store_parsed(store, parsed, {s.name: s for s in chosen})
    return ImportReport(outcomes, unrecognised)


def _parse_task(task: tuple[str, Path]) -> list[ParsedDataset]:
    """Parse one mirror file (runs in a worker process for large mirrors)."""
    name, path = task
    return [d.conform() for d in get_source(name).parse(SourceFile.from_path(path))]


def _parse_all(tasks: list[tuple[str, Path]], *, workers: int | None
               ) -> Iterable[tuple[str, list[ParsedDataset]]]:
    """Parse files in order; with many files, in a small process pool (one per core).

    Results come back in the tasks' order, so the first error raised is the first bad file.
    """
    import os

    n = workers if workers is not None else min(2, os.cpu_count() or 1)
    if n <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        for task in tasks:
            yield task[1].name, _parse_task(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
        for task, result in zip(tasks, pool.map(_parse_task, tasks, chunksize=4),
                                strict=True):
            yield task[1].name, result


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
    :class:`SourceError` pointing to ``--from DIR``.
    """
    import contextlib
    import os

    from aigap.sources.fetch import Downloader, rich_progress

    chosen = [get_source(n) for n in sources] if sources else all_sources()
    mirror = os.environ.get(MIRROR_URL_ENV)
    parsed: list[ParsedDataset] = []
    own = downloader is None
    dl = downloader or Downloader()
    try:
        for src in chosen:
            for url in src.urls:
                target = resolve_url(url, mirror)
                bar = (rich_progress(target.rsplit("/", 1)[-1]) if show_progress
                       else contextlib.nullcontext(None))
                with bar as callback:
                    res = dl.fetch(target, progress=callback)
                file = SourceFile(name=res.name, data=res.path.read_bytes(), url=url,
                                  path=res.path)
                parsed.extend(src.parse(file))
    finally:
        if own:
            dl.close()
    return ImportReport(store_parsed(store, parsed, {s.name: s for s in chosen}))
