"""Memoised frames are handed out as private copies: a caller's edits never reach the
memo (the next caller gets the stored data)."""

from __future__ import annotations

from pathlib import Path

from aigap.api import open_store, update_from_dir
from aigap.store.frames import load_observations, load_scores

MIRROR = Path(__file__).parent / "fixtures" / "epoch" / "mirror"


def test_edits_to_a_loaded_frame_do_not_reach_the_memo(tmp_path: Path) -> None:
    with open_store(tmp_path / "home") as st:
        update_from_dir(st, MIRROR)
        for load in (load_scores, load_observations):
            first, sel = load(st, "eci")
            assert len(first) > 0
            before = first["value"].tolist()
            first.loc[first.index[0], "value"] = -1e9
            first["value"] = first["value"] * 0
            first["model_key"] = "edited"
            sel.warnings.append("edited")
            again, sel2 = load(st, "eci")
            assert again["value"].tolist() == before
            assert "edited" not in set(again["model_key"])
            assert "edited" not in sel2.warnings
