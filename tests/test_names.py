"""Forgiving metric/group/source names: case, separators, readable names, suggestions."""

from __future__ import annotations

import pytest

from aigap.analysis.names import (
    MAX_SUGGESTIONS,
    match_name,
    metric_candidates,
    normalise_name,
    suggestions,
)
from aigap.api.catalogue import group_candidates, source_candidates
from aigap.errors import QueryError

METRICS = {
    "eci": "Epoch Capabilities Index",
    "gpqa_diamond": "GPQA Diamond",
    "mmlu": "MMLU",
    "math_level_5": "MATH Level 5",
    "frontiermath": "FrontierMath",
    "frontiermath_tier_4": "FrontierMath Tier 4",
    "swe_bench_verified": "SWE-bench Verified",
    "arena_text": "Arena (text)",
}


def m(query: str) -> str:
    return match_name(query, METRICS, what="metric", parameter="--metric")


@pytest.mark.parametrize(("query", "expected"), [
    ("eci", "eci"),
    ("ECI", "eci"),
    ("GPQA Diamond", "gpqa_diamond"),
    ("gpqa-diamond", "gpqa_diamond"),
    ("GPQA_DIAMOND", "gpqa_diamond"),
    ("Epoch capabilities index", "eci"),
    ("swe bench verified", "swe_bench_verified"),
    ("SWE-bench Verified", "swe_bench_verified"),
    ("math level 5", "math_level_5"),
    ("  mmlu ", "mmlu"),
])
def test_matches_ids_and_readable_names(query: str, expected: str) -> None:
    assert m(query) == expected


def test_unknown_name_suggests_closest_and_points_to_listing() -> None:
    with pytest.raises(QueryError) as err:
        m("gpqa")
    msg = str(err.value)
    assert msg == ("--metric: unknown metric 'gpqa'; did you mean gpqa_diamond? "
                   "(see `aigap metrics`)")


def test_typo_gets_difflib_suggestion() -> None:
    with pytest.raises(QueryError, match=r"did you mean mmlu\?"):
        m("mmul")


def test_suggestions_are_few_and_whole() -> None:
    many = {f"frontiermath_v{i}": f"FrontierMath v{i}" for i in range(20)}
    with pytest.raises(QueryError) as err:
        match_name("frontiermath", many, what="metric", parameter="--metric")
    msg = str(err.value)
    named = [k for k in many if k in msg]
    assert 1 <= len(named) <= MAX_SUGGESTIONS
    assert "..." not in msg


def test_nothing_close_says_so_without_guessing() -> None:
    with pytest.raises(QueryError) as err:
        m("zzzzqqq")
    assert "did you mean" not in str(err.value)
    assert "`aigap metrics`" in str(err.value)


def test_ambiguous_readable_name_is_refused() -> None:
    cands = {"mmlu": "MMLU", "mmlu_pro": "MMLU", "eci": "ECI"}
    with pytest.raises(QueryError, match="ambiguous; it could be mmlu or mmlu_pro"):
        match_name("MMLU ", cands, what="metric", parameter="--metric")
    assert match_name("mmlu", cands, what="metric", parameter="--metric") == "mmlu"


def test_groups_and_sources_use_their_own_listing() -> None:
    sources = {"hf-open-llm-v1": "Open LLM Leaderboard v1", "epoch-models": "Data on AI Models"}
    with pytest.raises(QueryError, match=r"did you mean hf-open-llm-v1\? \(see `aigap sources`\)"):
        match_name("hf-open-llm", sources, what="source", parameter="SOURCE")
    assert match_name("HF Open LLM v1", sources, what="source", parameter="SOURCE") == (
        "hf-open-llm-v1")
    with pytest.raises(QueryError, match="see `aigap groups`"):
        match_name("x", {"China": "China"}, what="group", parameter="--follower",
                   hint="aigap groups")


def test_normalise_and_empty() -> None:
    assert normalise_name("GPQA  Diamond") == normalise_name("gpqa_diamond") == "gpqadiamond"
    assert suggestions("", METRICS) == []
    with pytest.raises(QueryError, match="none are available"):
        match_name("eci", {}, what="metric", parameter="--metric")


def test_candidate_builders() -> None:
    cands = metric_candidates(["eci", "gpqa_diamond", "cmmlu"])
    assert cands["cmmlu"] == "cmmlu"
    assert match_name("Epoch Capabilities Index", cands, what="metric",
                      parameter="--metric") == "eci"
    groups = group_candidates()
    assert match_name("eu27", groups, what="group", parameter="--leader") == "EU27"
    with pytest.raises(QueryError, match="did you mean US\\+allies"):
        match_name("us+ally", groups, what="group", parameter="--leader")
    sources = source_candidates()
    assert "scores" in sources and "epoch-models" in sources
    assert match_name("Epoch Models", sources, what="source", parameter="SOURCE") == (
        "epoch-models")
