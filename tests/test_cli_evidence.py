"""compute, top500, clusters, chips, arena, leaderboard, indicators and sources --unmapped,
through the CLI on small fixture mirrors (and the compute figures on the real data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """A mirror of good fixture files from several sources."""
    m = tmp_path / "mirror"
    shutil.copytree(FIX / "epoch" / "mirror", m / "epoch")
    (m / "lmarena").mkdir()
    for name in ("leaderboard-text_2025-04-07_0a1b2c3d.json", "leaderboard_table_20241222.csv"):
        shutil.copy(FIX / "lmarena" / name, m / "lmarena" / name)
    # The rating history plus one model no table, registry row or family prefix knows.
    wide = pd.read_csv(FIX / "lmarena" / "arena_text_elo_by_date_wide.csv", dtype=str)
    wide["mystery-model-1"] = "1000.0"
    wide.to_csv(m / "lmarena" / "arena_text_elo_by_date_wide.csv", index=False)
    (m / "top500").mkdir()
    for name in ("TOP500_202406.csv", "TOP500_202411.csv"):
        shutil.copy(FIX / "top500" / name, m / "top500" / name)
    (m / "owid").mkdir()
    shutil.copy(FIX / "owid" / "private-investment-in-artificial-intelligence.csv",
                m / "owid")
    (m / "hf").mkdir()
    shutil.copy(FIX / "hf" / "contents_v2.csv", m / "hf" / "open_llm_leaderboard_contents.csv")
    return m


@pytest.fixture
def loaded(cli, mirror: Path):  # type: ignore[no-untyped-def]
    r = cli("update", "--from", str(mirror), "--format", "json")
    assert r.code == 0, r.err
    return cli


def j(r) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert r.code == 0, r.err
    return json.loads(r.out)  # type: ignore[no-any-return]


def test_top500_command(loaded) -> None:  # type: ignore[no-untyped-def]
    out = j(loaded("top500", "--country", "USA", "--country", "China", "--format", "json"))
    rows = pd.DataFrame(out["rows"])
    assert set(rows["country"]) == {"USA", "CHN"}
    assert set(rows["edition"]) == {"2024-06-01", "2024-11-01"}
    assert (rows["systems"] >= 0).all()
    r = loaded("top500", "--since", "2024-10-01", "--format", "csv")
    assert "2024-06-01" not in r.out
    r = loaded("top500", "--country", "Atlantis")
    assert r.code == 2
    assert "Atlantis" in r.err


def test_clusters_and_chips(loaded) -> None:  # type: ignore[no-untyped-def]
    out = j(loaded("clusters", "--date", "2025-05-01", "--all-rows", "--format", "json"))
    rows = pd.DataFrame(out["rows"]).set_index("country")
    # Existing US and CN clusters count; the decommissioned and planned ones do not.
    assert rows.loc["USA", "ops_16bit"] == pytest.approx(9.9e19)
    assert rows.loc["USA", "share"] == pytest.approx(9.9e19 / (9.9e19 + 1.2e19))
    assert "JPN" not in rows.index
    chips = j(loaded("chips", "--format", "json"))["rows"]
    h800 = next(c for c in chips if c["variant"] == "H800")
    assert h800["intranode_bandwidth_ratio"] == pytest.approx(4.0e11 / 9.0e11)


def test_arena_gap_and_languages(loaded) -> None:  # type: ignore[no-untyped-def]
    out = j(loaded("arena", "--format", "json", "--draws", "400"))
    rows = pd.DataFrame(out["rows"])
    snap = rows[rows["date"] == "2025-04-07"].iloc[0]
    # In the fixture snapshot the top US model is gpt-4o (1285.4) and the top Chinese
    # model deepseek-r1 (1358.3): the follower leads, so the gap is negative.
    assert snap["leader_model"] == "gpt-4o-2024-05-13"
    assert snap["follower_model"] == "deepseek-r1"
    assert snap["gap_pct"] == pytest.approx(100 * (1285.4 - 1358.3) / 1358.3)
    assert snap["gap_pct_lower"] < snap["gap_pct"] < snap["gap_pct_upper"]
    assert snap["p_leader_ahead"] < 0.01
    lang = pd.DataFrame(j(loaded("arena", "--languages", "--format", "json"))["rows"])
    row = lang.iloc[0]
    assert row["english_gap_points"] == pytest.approx(1290.7 - 1352.0)
    assert row["chinese_gap_points"] == pytest.approx(1301.2 - 1380.5)
    assert row["difference_lower"] <= row["difference_points"] <= row["difference_upper"]


def test_unmapped_keys_are_listed(loaded) -> None:  # type: ignore[no-untyped-def]
    out = j(loaded("sources", "--unmapped", "--format", "json"))
    keys = {r["model_key"] for r in out["unmapped"]}
    # A key nobody can attribute is listed, not dropped; keys a table, the registry or a
    # model-family prefix attributes are not.
    assert keys == {"mystery-model-1"}
    obs = j(loaded("lag", "--metric", "arena_text", "--leader", "USA", "--follower", "China",
                   "--bootstrap", "0", "--tau", "0", "--format", "json"))
    assert obs["n_models"]["USA"] >= 2


def test_leaderboard_and_indicators(loaded) -> None:  # type: ignore[no-untyped-def]
    out = j(loaded("leaderboard", "hf-open-llm", "--top", "3", "--format", "json"))
    rows = out["rows"]
    assert [r["rank"] for r in rows][:3] == sorted(r["rank"] for r in rows)[:3]
    assert all("country_source" in r for r in rows)
    ind = j(loaded("indicators", "--id", "owid:private-investment", "-c", "USA",
                   "--format", "json"))["rows"]
    assert ind
    assert {r["country"] for r in ind} == {"USA"}
    r = loaded("leaderboard", "nope")
    assert r.code == 2
    assert "unknown leaderboard" in r.err


@pytest.mark.shared
@pytest.mark.slow
def test_compute_on_real_2025_vintage(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "epoch/ai_models_2025-04/all_ai_models.csv"
    assert cli("import", "epoch-models", str(path)).code == 0
    out = j(cli("compute", "--leader", "ROW", "--follower", "China", "--as-of", "2025-01-22",
                "--bootstrap", "300", "--format", "json"))
    china, rest = out["follower"], out["leader"]
    # Epoch AI (2025-01-22): ~3x/yr for China since late 2021, ~5x/yr elsewhere, ~2 years.
    assert 2.0 < china["growth_per_year"] < 4.5
    assert 4.0 < rest["growth_per_year"] < 6.0
    assert 1.0 < out["gap"]["lag_years"] < 3.5
    print(out["sentence"])


def test_leaderboard_by_base_follows_the_base_chain(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = FIX / "hf" / "contents_v2_chain.csv"
    assert cli("import", "hf-open-llm", str(path)).code == 0
    rows = j(cli("leaderboard", "hf-open-llm", "--by", "base", "--format", "json"))["rows"]
    calme = next(r for r in rows if r["name"] == "MaziyarPanahi/calme-2.4-rys-78b")
    # calme-2.4-rys-78b <- dnhkng/RYS-XLarge <- Qwen/Qwen2-72B (Alibaba).
    assert calme["countries"] == ["CHN"]
    assert "dnhkng/RYS-XLarge -> Qwen/Qwen2-72B" in calme["country_source"]
    by_uploader = j(cli("leaderboard", "hf-open-llm", "--format", "json"))["rows"]
    calme_u = next(r for r in by_uploader if r["name"] == "MaziyarPanahi/calme-2.4-rys-78b")
    assert calme_u["countries"] == []
    assert "try --by base" in calme_u["country_source"]
