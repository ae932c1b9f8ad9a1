"""Recognise unchanged input files by size and sha256 before any parsing.

An update over a mirror folder mostly meets files it has already imported. Parsing them
only to learn that their bytes are stored costs seconds; hashing them costs milliseconds.
:func:`scan` lists a folder's candidate files with (size, mtime, sha256), reusing the hash of
a file whose path, size and modification time are unchanged since a previous scan, and
:func:`unchanged` / :func:`split_unchanged` decide from (size, sha256) against the hashes the
store already holds.

Pure helpers: no store access; the caller supplies what is known.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aigap.errors import SourceError

__all__ = [
    "IGNORED_NAMES",
    "Fingerprint",
    "candidate_files",
    "hash_file",
    "scan",
    "split_unchanged",
    "unchanged",
]

#: Documentation files in a mirror that are never data (case-insensitive).
IGNORED_NAMES = frozenset({"source.txt", "readme.md", "readme.txt", "license", "license.txt",
                           "license.md"})
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    """One candidate file: where it is, its size, modification time and content hash.

    Attributes:
        path: the file.
        size: size in bytes.
        mtime_ns: modification time (ns since the epoch), only to reuse earlier hashes.
        sha256: hex digest of the bytes.
    """

    path: Path
    size: int
    mtime_ns: int
    sha256: str

    @property
    def stat_key(self) -> tuple[str, int, int]:
        """(path, size, mtime_ns): equal keys mean the earlier hash can be reused."""
        return (str(self.path), self.size, self.mtime_ns)


def candidate_files(folder: Path | str) -> list[Path]:
    """Data files under ``folder`` (recursively), sorted; hidden and documentation files out.

    Raises:
        SourceError: ``folder`` is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise SourceError(f"{root}: not a folder")
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not p.name.startswith(".")
                  and p.name.lower() not in IGNORED_NAMES
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def hash_file(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks (hashlib releases the GIL while hashing).

    Raises:
        SourceError: the file cannot be read.
    """
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file ({exc.strerror or exc})") from exc


def scan(
    folder: Path | str,
    *,
    previous: Mapping[tuple[str, int, int], str] | None = None,
    workers: int = 2,
) -> list[Fingerprint]:
    """Fingerprint every candidate file under ``folder``.

    Args:
        folder: the mirror folder.
        previous: hashes from an earlier scan, keyed by :attr:`Fingerprint.stat_key`; a file
            whose path, size and mtime are unchanged is not read again.
        workers: threads hashing in parallel (files are hashed whole; 1 = sequential).

    Returns:
        One fingerprint per file, in :func:`candidate_files` order.
    """
    paths = candidate_files(folder)
    stats = []
    for p in paths:
        st = p.stat()
        stats.append((p, st.st_size, st.st_mtime_ns))
    known = previous or {}
    todo = [p for p, size, mtime in stats if (str(p), size, mtime) not in known]
    if workers > 1 and len(todo) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, os.cpu_count() or 1)) as pool:
            fresh = dict(zip(todo, pool.map(hash_file, todo), strict=True))
    else:
        fresh = {p: hash_file(p) for p in todo}
    return [Fingerprint(p, size, mtime, fresh.get(p) or known[(str(p), size, mtime)])
            for p, size, mtime in stats]


def unchanged(fp: Fingerprint, known: Mapping[str, int | None]) -> bool:
    """Whether a file's bytes are already stored: its sha256 is known with the same size.

    Args:
        fp: the file's fingerprint.
        known: sha256 -> size in bytes of every file already imported; a size of None
            (a store that recorded only hashes) matches on the hash alone.
    """
    if fp.sha256 not in known:
        return False
    size = known[fp.sha256]
    return size is None or size == fp.size


def split_unchanged(fps: Iterable[Fingerprint], known: Mapping[str, int | None]
                    ) -> tuple[list[Fingerprint], list[Fingerprint]]:
    """(unchanged, to parse): files whose bytes are stored, and the rest, in order."""
    same: list[Fingerprint] = []
    new: list[Fingerprint] = []
    for fp in fps:
        (same if unchanged(fp, known) else new).append(fp)
    return same, new
