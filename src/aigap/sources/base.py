"""What a source is, what a parser returns, and the registry of sources.

A *source* is one publisher's family of files (Epoch AI models, TOP500 lists...). Its parser
turns one file (or archive member) into one or more :class:`ParsedDataset` objects: canonical
frames plus what the store needs for provenance. Parsers are pure: bytes in, frames out; they
never touch the store or the network and never compute statistics.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from aigap.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SourceFile:
    """One input file: its bytes and where it came from.

    Attributes:
        name: the file name, or ``archive.zip!member`` for a member of an archive.
        data: the raw bytes.
        url: the publisher URL it was downloaded from, if any.
        path: the local path it was read from, if any.
        digest: the sha256 of the bytes, kept when the bytes are released (see
            :meth:`released`).
    """

    name: str
    data: bytes
    url: str | None = None
    path: Path | None = None
    digest: str | None = None

    @property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.data).hexdigest()

    def released(self) -> SourceFile:
        """The same file without its bytes (name, URL, path and sha256 kept): what a parsed
        dataset needs once parsing is done, so a large file's bytes are not held (or sent
        back from a worker process) while the rows are written."""
        return replace(self, data=b"", digest=self.sha256)

    @property
    def basename(self) -> str:
        """The file name without any archive prefix or folders."""
        return self.name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]

    @classmethod
    def from_path(cls, path: Path, url: str | None = None) -> SourceFile:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
        return cls(name=path.name, data=data, url=url, path=path)


@dataclass
class ParsedDataset:
    """The canonical content of one dataset vintage, ready for the store.

    Attributes:
        source: source name (registry key), e.g. ``epoch-models``.
        dataset: dataset name, e.g. ``all_ai_models``; vintages are per dataset.
        file: the file it came from (for provenance and error messages).
        frames: canonical table name -> frame (columns as in :mod:`aigap.schema`).
        data_as_of: the newest date the file itself carries.
        skipped: reason -> number of rows skipped on purpose.
    """

    source: str
    dataset: str
    file: SourceFile
    frames: dict[str, pd.DataFrame]
    data_as_of: date | None = None
    skipped: Counter[str] = field(default_factory=Counter)

    conformed: bool = False

    @property
    def n_rows(self) -> int:
        return sum(len(f) for f in self.frames.values())

    def conform(self) -> ParsedDataset:
        """Check and type every frame against its canonical table (see :func:`schema.conform`).

        Done once; parsers running in worker processes call it there, so the store only
        writes.
        """
        if not self.conformed:
            from aigap.schema import conform

            self.frames = {t: conform(t, f, file=self.file.name) for t, f in self.frames.items()}
            self.conformed = True
        return self

    @property
    def n_skipped(self) -> int:
        return sum(self.skipped.values())


Parser = Callable[[SourceFile], list[ParsedDataset]]


@dataclass(frozen=True)
class Source:
    """A registered source.

    Attributes:
        name: registry key used on the command line (``aigap import NAME PATH``).
        publisher: who publishes the data.
        title: what the data is.
        homepage: where a person reads about it.
        licence: licence of the data.
        credit: the credit line to show next to figures.
        urls: download URLs used by ``aigap update``.
        patterns: file-name patterns (fnmatch) that this source claims in a mirror folder.
        header: columns that must all appear in a CSV's header for the source to claim it
            (lets two sources share a pattern such as ``*.csv``).
        parse: the parser.
        dated_by_file: the ``data_as_of`` of its datasets is the publisher's date of the file
            (a TOP500 edition, a leaderboard snapshot day named in the file), so a vintage
            with a newer such date is current even when imported earlier. For every other
            source the last imported vintage is current (a row's value never decides).
        optional: in a full ``aigap update`` a failed download of this source is reported
            and the rest is imported (its data serves only questions that say so when it
            is missing); asked for by name (``--source``), a failure still stops the update.
    """

    name: str
    publisher: str
    title: str
    homepage: str
    licence: str
    credit: str
    urls: tuple[str, ...]
    patterns: tuple[str, ...]
    parse: Parser
    header: tuple[str, ...] = ()
    dated_by_file: bool = False
    optional: bool = False

    def claims(self, file_name: str, head: bytes = b"") -> bool:
        """Whether a mirror file with this name (and first bytes) belongs to this source."""
        base = file_name.rsplit("/", 1)[-1]
        if not any(fnmatch.fnmatch(base.lower(), p.lower()) for p in self.patterns):
            return False
        if self.header and base.lower().endswith(".csv"):
            first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
            line = first[0] if first else ""
            return all(h in line for h in self.header)
        return True


_REGISTRY: dict[str, Source] = {}

# Modules that register sources when imported; add a line when a source module lands.
SOURCE_MODULES: tuple[str, ...] = (
    "aigap.sources.epoch",
    "aigap.sources.top500",
    "aigap.sources.lmarena",
    "aigap.sources.hf_leaderboard",
    "aigap.sources.owid",
    "aigap.sources.csrankings",
    "aigap.sources.openalex",
    "aigap.sources.starter",
    "aigap.sources.user_scores",
)


def register(source: Source) -> Source:
    """Add a source to the registry (called by source modules)."""
    _REGISTRY[source.name] = source
    return source


def _load() -> None:
    import importlib

    for mod in SOURCE_MODULES:
        importlib.import_module(mod)


def all_sources() -> list[Source]:
    """Every registered source, in registration order."""
    _load()
    return list(_REGISTRY.values())


def get_source(name: str) -> Source:
    """The source called ``name``.

    Raises:
        SourceError: no such source; the message lists the valid names.
    """
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        valid = ", ".join(sorted(_REGISTRY))
        raise SourceError(f"unknown source {name!r}; expected one of: {valid}") from None
