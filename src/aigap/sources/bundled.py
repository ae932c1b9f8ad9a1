"""The bundled Epoch AI snapshot: the publisher's files shipped whole inside the package.

``aigap/data/epoch_snapshot`` holds Epoch AI's ``ai_models.zip`` and the members of its
``benchmark_data.zip`` byte for byte (CC BY 4.0; credit and vintage in ``LICENSE.md``), and a
``manifest.csv`` with the size and sha256 of every file. This module lists them as
:class:`~aigap.sources.base.SourceFile` objects per source so that the importer can load them
on first use, exactly as it would load the same files from a download or a mirror.

Nothing is read at import time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from aigap.errors import SourceError
from aigap.sources.base import ParsedDataset, SourceFile

SNAPSHOT_FOLDER = ("data", "epoch_snapshot")
MANIFEST = "manifest.csv"
#: Sources whose parsers read the bundled files (manifest ``source`` column).
BUNDLED_SOURCES = ("epoch-models", "epoch-benchmarks", "epoch-eci-benchmarks")
#: Files shipped for completeness that no parser reads (Epoch's ECI scale constants).
REFERENCE_SOURCE = "epoch-benchmarks-reference"
CREDIT = 'Epoch AI, "Data on AI Models" / "AI Benchmarking Hub", epoch.ai, CC BY 4.0'


@dataclass(frozen=True)
class ManifestEntry:
    """One bundled file as the manifest records it.

    Attributes:
        path: path relative to the snapshot folder (forward slashes).
        source: registry source that parses it, or ``epoch-benchmarks-reference``.
        bytes: size in bytes.
        sha256: hex digest of the file.
        original_url: the publisher URL the file (or the archive it came from) is served at.
        vintage: the publisher's date for this file (YYYY-MM-DD).
    """

    path: str
    source: str
    bytes: int
    sha256: str
    original_url: str
    vintage: date


def _folder() -> Path:
    """The snapshot folder inside the installed package."""
    return Path(str(resources.files("aigap").joinpath(*SNAPSHOT_FOLDER)))


def manifest() -> list[ManifestEntry]:
    """Every bundled file with its size, sha256, original URL and vintage.

    Raises:
        SourceError: the manifest is missing or malformed (a broken installation).
    """
    path = _folder() / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: bundled snapshot manifest cannot be read ({exc})") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    try:
        return [ManifestEntry(r["path"], r["source"], int(r["bytes"]), r["sha256"],
                              r["original_url"], date.fromisoformat(r["vintage"]))
                for r in rows]
    except (KeyError, ValueError) as exc:
        raise SourceError(f"{path}: malformed bundled snapshot manifest ({exc})") from exc


def snapshot_date() -> date:
    """The newest publisher vintage among the bundled files (to label answers with)."""
    return max(e.vintage for e in manifest())


def bundled_files(source: str | None = None, *, verify: bool = False
                  ) -> dict[str, list[SourceFile]]:
    """The bundled files as SourceFiles, grouped by the source that parses them.

    Args:
        source: only this source (``epoch-models`` or ``epoch-benchmarks``); all when None.
        verify: also check each file's size and sha256 against the manifest (costs one
            hash of ~4.5 MB; the importer's own sha256 check makes it optional).

    Returns:
        source name -> files in manifest order. Each file's ``url`` is the publisher's URL
        and ``path`` its location inside the installed package. Reference files that no
        parser reads are left out (see :func:`manifest`).

    Raises:
        SourceError: an unknown source name, a missing file, or (with ``verify``) a file
            whose bytes differ from the manifest.
    """
    if source is not None and source not in BUNDLED_SOURCES:
        raise SourceError(f"no bundled files for source {source!r}; expected one of "
                          f"{', '.join(BUNDLED_SOURCES)}")
    wanted = (source,) if source else BUNDLED_SOURCES
    folder = _folder()
    out: dict[str, list[SourceFile]] = {s: [] for s in wanted}
    for entry in manifest():
        if entry.source not in out:
            continue
        path = folder / entry.path
        file = SourceFile.from_path(path, url=entry.original_url)
        if verify:
            check(entry, file)
        out[entry.source].append(file)
    return out


def load_bundled(*, verify: bool = False) -> list[ParsedDataset]:
    """Parse every bundled file with its source's parser (what a first run imports).

    Returns:
        The datasets of ``epoch-models`` (one per CSV in the zip) and ``epoch-benchmarks``
        (one per benchmark CSV), conformed, ready for ``Store.import_datasets``.

    Raises:
        SourceError, SchemaError: a broken installation (a file missing or unreadable).
    """
    from aigap.sources.base import get_source

    out: list[ParsedDataset] = []
    for name, files in bundled_files(verify=verify).items():
        source = get_source(name)
        for f in files:
            out.extend(d.conform() for d in source.parse(f))
    return out


def check(entry: ManifestEntry, file: SourceFile) -> None:
    """Raise SourceError unless ``file`` has the manifest's size and sha256."""
    if len(file.data) != entry.bytes or file.sha256 != entry.sha256:
        raise SourceError(f"{entry.path}: bundled file differs from its manifest entry "
                          f"(expected {entry.bytes} bytes, sha256 {entry.sha256[:12]}...); "
                          "reinstall aigap")
