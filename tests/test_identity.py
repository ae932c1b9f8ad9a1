"""Model identity: keys that are one model (same date, score and name) collapse; others stay."""

from __future__ import annotations

import pandas as pd
import pytest

from aigap.attribution.identity import assign_model_ids, clean_key
from aigap.errors import QueryError


def _frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["model", "name", "date", "value"])


def test_effort_suffixes_and_provider_prefixes_collapse() -> None:
    f = _frame([
        ("claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", "2025-02-24", 141.97),
        ("claude-3-7-sonnet-20250219_1k", "Claude 3.7 Sonnet", "2025-02-24", 141.97),
        ("claude-3-7-sonnet-20250219_64k", "claude-3-7-sonnet-20250219_64k", "2025-02-24", 141.97),
        ("chutes/deepseek-r1-0528", "chutes/deepseek-r1-0528", "2025-05-28", 142.08),
        ("deepseek-r1-0528", "DeepSeek-R1 (May 2025)", "2025-05-28", 142.08 + 1e-9),
        ("deepseek-v3.1_thinking", "x", "2025-08-21", 138.87),
        ("deepseek-v3.1", "y", "2025-08-21", 138.87),
    ])
    ident = assign_model_ids(f)
    ids = ident.frame["model_id"].tolist()
    assert len(set(ids[:3])) == 1 and ids[0] == "claude-3-7-sonnet-20250219"
    assert ids[3] == ids[4] == "deepseek-r1-0528"
    assert ident.frame["display_name"].iloc[3] == "DeepSeek-R1 (May 2025)"
    assert ids[5] == ids[6]
    assert (ident.n_keys, ident.n_models) == (7, 3)
    assert ident.summary() == "7 keys -> 3 models"


def test_different_dates_or_scores_stay_separate() -> None:
    f = _frame([
        ("gpt-4o-2024-05-13", "GPT-4o", "2024-05-13", 130.0),
        ("gpt-4o-2024-08-06", "GPT-4o", "2024-08-06", 130.0),
        ("gpt-4o-2024-11-20", "GPT-4o", "2024-11-20", 131.0),
        ("o3_high", "o3", "2025-04-16", 147.0),
        ("o3_low", "o3", "2025-04-16", 144.0),  # effort levels with different scores
        ("kimi-k2-thinking", "Kimi K2 Thinking", "2025-11-06", 145.5),
        ("kimi-k2", "Kimi K2", "2025-07-12", 140.5),
    ])
    ident = assign_model_ids(f)
    assert ident.n_models == 7
    assert ident.frame["model_id"].is_unique
    assert "kimi-k2-thinking" in set(ident.frame["model_id"])


def test_same_date_and_score_but_unrelated_names_stay_separate() -> None:
    f = _frame([("alpha-1", "Alpha", "2025-01-01", 100.0), ("beta-2", "Beta", "2025-01-01", 100.0)])
    assert assign_model_ids(f).n_models == 2


def test_clean_key_and_bad_input() -> None:
    keys = pd.Series(
        ["openrouter/Qwen/Qwen3-X_high", "gemini-2.5 (16k thinking)", "a-thinking-2507"]
    )
    assert clean_key(keys).tolist() == ["qwen3-x", "gemini-2.5", "a-thinking-2507"]
    with pytest.raises(QueryError, match="missing column"):
        assign_model_ids(pd.DataFrame({"model": ["a"]}))


@pytest.mark.slow
def test_real_eci_keys_collapse(shared_data) -> None:  # type: ignore[no-untyped-def]
    eci = pd.read_csv(shared_data / "epoch/benchmark_data_2026-04/epoch_capabilities_index.csv")
    eci = eci.dropna(subset=["ECI Score", "Release date"])
    f = pd.DataFrame({"model": eci["Model version"], "name": eci["Model name"],
                      "date": eci["Release date"], "value": eci["ECI Score"],
                      "country": eci["Country"].fillna("")})
    for country, keys_lo, models_hi in (("United States", 200, 130), ("China", 50, 45)):
        part = f[f["country"].str.contains(country)]
        ident = assign_model_ids(part)
        assert ident.n_keys >= keys_lo
        assert ident.n_models <= models_hi
        assert ident.n_models < 0.75 * ident.n_keys
    gpt4o = assign_model_ids(f).frame.query("model.str.startswith('gpt-4o-2024')")
    assert gpt4o["model_id"].nunique() == gpt4o["date"].nunique()
