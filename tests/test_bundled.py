"""The bundled Epoch AI snapshot: files match their manifest and parse with the Epoch parsers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aigap.errors import SourceError
from aigap.sources import get_source
from aigap.sources.bundled import (
    BUNDLED_SOURCES,
    REFERENCE_SOURCE,
    ManifestEntry,
    _folder,
    bundled_files,
    check,
    manifest,
    snapshot_date,
)


def test_manifest_lists_every_file_with_its_hash() -> None:
    folder = _folder()
    entries = manifest()
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and p.name not in ("manifest.csv", "LICENSE.md")}
    assert on_disk == {e.path for e in entries}
    for e in entries:
        data = (folder / e.path).read_bytes()
        assert len(data) == e.bytes, e.path
        assert hashlib.sha256(data).hexdigest() == e.sha256, e.path
        assert e.original_url.startswith("https://epoch.ai/data/")


def test_licence_and_credit_ship_with_the_files() -> None:
    text = (_folder() / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert '"Data on AI Models"' in text and '"AI Benchmarking Hub"' in text
    for e in manifest():
        assert e.original_url in text


def test_snapshot_date_is_the_newest_vintage() -> None:
    assert snapshot_date() == max(e.vintage for e in manifest())


def test_bundled_files_grouped_by_source() -> None:
    files = bundled_files()
    assert set(files) == set(BUNDLED_SOURCES)
    assert [f.basename for f in files["epoch-models"]] == ["ai_models.zip"]
    names = {f.basename for f in files["epoch-benchmarks"]}
    assert "epoch_capabilities_index.csv" in names and "gpqa_diamond.csv" in names
    ref = {e.path.rsplit("/", 1)[-1] for e in manifest() if e.source == REFERENCE_SOURCE}
    assert ref and not ref & names
    assert bundled_files("epoch-models").keys() == {"epoch-models"}


def test_unknown_source_and_tampered_file_refused() -> None:
    with pytest.raises(SourceError, match="no bundled files for source 'top500'"):
        bundled_files("top500")
    (file,) = bundled_files("epoch-models")["epoch-models"]
    entry = next(e for e in manifest() if e.source == "epoch-models")
    check(entry, file)
    bad = ManifestEntry(entry.path, entry.source, entry.bytes, "0" * 64, entry.original_url,
                        entry.vintage)
    with pytest.raises(SourceError, match="differs from its manifest"):
        check(bad, file)


@pytest.mark.slow
def test_every_bundled_file_parses_with_the_epoch_parsers() -> None:
    for name, files in bundled_files(verify=True).items():
        source = get_source(name)
        for f in files:
            assert source.claims(f.name, f.data[:8192]), f.name
            parsed = source.parse(f)
            assert parsed, f.name
            for ds in parsed:
                ds.conform()
                assert ds.n_rows > 0, ds.dataset
    metrics = {ds.dataset for f in bundled_files("epoch-benchmarks")["epoch-benchmarks"]
               for ds in get_source("epoch-benchmarks").parse(f)}
    assert "benchmark:epoch_capabilities_index" in metrics


def test_bundled_paths_are_inside_the_package() -> None:
    import aigap

    root = Path(aigap.__file__).parent
    for files in bundled_files().values():
        for f in files:
            assert f.path is not None and root in f.path.parents


@pytest.mark.slow
def test_bundled_snapshot_answers_the_headline_offline(tmp_path: Path) -> None:
    """A first run: ensure_bundled fills an empty store with the snapshot (dated, credited)
    and the starter data for what Epoch lacks; the ECI lag answers from Epoch data alone."""
    import math

    import aigap
    from aigap.api.context import data_note, ensure_bundled
    from aigap.store import Store

    with Store(tmp_path / "s.duckdb") as st:
        assert ensure_bundled(st)
        assert not ensure_bundled(st)  # only an empty store is filled
        r = aigap.lag("USA", "China", "eci", since="2023-01-01", bootstrap=50, seed=3,
                      store=st)
        assert not r.selection.starter
        assert r.selection.bundled_snapshot == snapshot_date()
        assert r.to_dict()["data"]["bundled_snapshot"] == snapshot_date().isoformat()
        assert r.credits == ['Epoch AI, "AI Benchmarking Hub", epoch.ai, CC BY 4.0']
        used = st.con.execute(
            "SELECT DISTINCT source FROM vintage WHERE list_contains(?, vintage_id)",
            [list(r.selection.vintages.values())]).fetchall()
        retrieved = st.con.execute(
            "SELECT DISTINCT CAST(retrieved_at AS DATE) FROM vintage WHERE source = "
            "'epoch-benchmarks'").fetchall()
        # The starter models step aside for Epoch's catalogue ...
        models = aigap.models(store=st)
        assert set(models["dataset"]) <= {"all_ai_models", "notable_ai_models",
                                          "frontier_ai_models", "large_scale_ai_models"}
        assert models.attrs["selection"].bundled_snapshot == snapshot_date()
        # ... but answer what Epoch's files lack (indicators; C-Eval scores).
        ind = aigap.indicators(store=st)
        assert len(ind) and ind.attrs["selection"].starter
        assert aigap.scores("ceval", store=st).attrs["selection"].starter
        assert snapshot_date().isoformat() in (data_note(store=st) or "")
    assert used == [("epoch-benchmarks",)]
    assert retrieved == [(snapshot_date(),)]
    h = r.headline
    assert math.isfinite(h["estimate"]) and h["lower"] <= h["estimate"] <= h["upper"]
    assert r.n_models["USA"] > 50 and r.n_models["China"] > 20
