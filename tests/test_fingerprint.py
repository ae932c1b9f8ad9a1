"""Unchanged files recognised by size and sha256 before parsing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from aigap.errors import SourceError
from aigap.sources import fingerprint as fpm
from aigap.sources.fingerprint import (
    candidate_files,
    hash_file,
    scan,
    split_unchanged,
    unchanged,
)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    (tmp_path / "epoch").mkdir()
    (tmp_path / "epoch" / "a.csv").write_bytes(b"x,y\n1,2\n")
    (tmp_path / "epoch" / "SOURCE.txt").write_text("provenance")
    (tmp_path / "b.zip").write_bytes(b"PK" + bytes(range(200)))
    (tmp_path / ".hidden").write_text("no")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "obj").write_text("no")
    (tmp_path / "README.md").write_text("docs")
    return tmp_path


def test_candidates_skip_docs_and_hidden(mirror: Path) -> None:
    names = [p.relative_to(mirror).as_posix() for p in candidate_files(mirror)]
    assert names == ["b.zip", "epoch/a.csv"]
    with pytest.raises(SourceError, match="not a folder"):
        candidate_files(mirror / "b.zip")


@pytest.mark.parametrize("workers", [1, 2])
def test_scan_gives_size_and_real_hash(mirror: Path, workers: int) -> None:
    fps = scan(mirror, workers=workers)
    assert [fp.path for fp in fps] == candidate_files(mirror)
    for fp in fps:
        data = fp.path.read_bytes()
        assert fp.size == len(data)
        assert fp.sha256 == hashlib.sha256(data).hexdigest() == hash_file(fp.path)


def test_scan_reuses_previous_hash_only_when_stat_unchanged(
        mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = scan(mirror)
    previous = {fp.stat_key: fp.sha256 for fp in first}
    calls: list[Path] = []
    real = fpm.hash_file
    monkeypatch.setattr(fpm, "hash_file", lambda p: calls.append(p) or real(p))
    assert scan(mirror, previous=previous) == first
    assert calls == []
    target = mirror / "epoch" / "a.csv"
    target.write_bytes(b"x,y\n1,3\n")
    os.utime(target, ns=(1, 1))
    again = scan(mirror, previous=previous)
    assert calls == [target]
    changed = next(fp for fp in again if fp.path == target)
    assert changed.sha256 == hashlib.sha256(b"x,y\n1,3\n").hexdigest()


def test_unchanged_needs_same_hash_and_size(mirror: Path) -> None:
    fps = scan(mirror)
    a, b = fps[1], fps[0]
    known = {a.sha256: a.size, b.sha256: b.size + 1}
    assert unchanged(a, known)
    assert not unchanged(b, known)  # a size mismatch is never "unchanged"
    same, new = split_unchanged(fps, known)
    assert same == [a] and new == [b]
    assert split_unchanged(fps, {}) == ([], fps)
    assert unchanged(b, {b.sha256: None})  # size not recorded: the hash decides
    assert not unchanged(b, {a.sha256: None})


@pytest.mark.slow
def test_scan_real_mirror(shared_data: Path) -> None:
    fps = scan(shared_data / "epoch" / "benchmark_data_2026-04")
    assert len(fps) >= 50
    assert all(len(fp.sha256) == 64 and fp.size > 0 for fp in fps)
