"""One evaluator class at a time: who produced a score decides which scores a lag pools."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from aigap.errors import QueryError
from aigap.store.frames import evaluator_class, select_evaluators


def _rows(**cols: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_classes_from_provenance_source_and_citation() -> None:
    frame = _rows(
        provenance=["epoch", "external", "external", "leaderboard", "leaderboard",
                    "leaderboard", "self_reported", "user_supplied"],
        source=["epoch-benchmarks", "epoch-benchmarks", "epoch-benchmarks", "hf-open-llm-v1",
                "lmarena-catalog", "lmarena-tables", "starter", "scores"],
        metric=["gpqa_diamond", "mmlu", "mmlu", "hf_open_llm_v1:mmlu", "arena_text", "mmlu",
                "mmlu", "mmlu"],
        source_name=["Epoch AI", "Stanford CRFM Leaderboard", "Qwen Technical Report",
                     "HF", "LMArena", "LMArena", "OpenAI", "my lab"],
    )
    assert evaluator_class(frame).tolist() == [
        "third-party", "third-party", "reported", "third-party", "arena", "reported",
        "reported", "user"]


def test_auto_prefers_independent_evaluations_and_never_pools_silently() -> None:
    frame = _rows(model_key=["a", "a", "b"], evaluator=["third-party", "reported", "user"],
                  value=[0.84, 0.887, 0.5])
    kept, used = select_evaluators(frame, "auto")
    assert used == ["third-party", "user"] and len(kept) == 2
    only_reported = frame[frame["evaluator"] == "reported"]
    kept, used = select_evaluators(only_reported, "auto")  # nothing independent: all there is
    assert used == ["reported"]
    kept, used = select_evaluators(frame, "reported")
    assert kept["value"].tolist() == [0.887]
    with pytest.raises(QueryError, match="no arena scores"):
        select_evaluators(frame, "arena")
    with pytest.raises(QueryError, match=r"^evaluator: expected"):
        select_evaluators(frame, "bogus")


@pytest.mark.slow
@pytest.mark.shared
def test_mmlu_side_by_side_on_the_real_data(mirror_store: Any) -> None:
    import aigap

    table = aigap.lag_by_evaluator("USA", "CHN", "mmlu", bootstrap=100, store=mirror_store)
    got = set(table["evaluator"])
    assert {"third-party", "reported"} <= got
    r = aigap.lag("USA", "CHN", "mmlu", bootstrap=0, store=mirror_store)
    assert r.to_dict()["data"]["evaluators"] == ["third-party"]
    assert r.to_dict()["inputs"]["evaluator"] == "auto"
