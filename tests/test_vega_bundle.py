"""The inline Vega bundle: built once per process and kept in every cache folder asked."""

from __future__ import annotations

from pathlib import Path

from aigap.present.vega import vega_bundle


def test_bundle_is_written_to_each_cache_folder_even_when_memoised(tmp_path: Path) -> None:
    first = vega_bundle(tmp_path / "a")
    second = vega_bundle(tmp_path / "b")  # memoised in the process: still kept on disk
    assert first == second and len(first) > 100_000 and "vegaEmbed" in first
    for folder in ("a", "b"):
        files = list((tmp_path / folder).glob("vega-bundle-*.js"))
        assert len(files) == 1
        assert files[0].read_text(encoding="utf-8") == first
