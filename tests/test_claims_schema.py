"""Claim schema and registry: shipped claims cover CLAIMS.md; user mistakes are rejected."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from aigap.claims.registry import load_claims, load_file, parse_text
from aigap.errors import ClaimError

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"

# Every claim id in /work/shared/CLAIMS.md (facts: the ids of the claims list).
CLAIMS_MD_IDS = [
    "xu-2023-2to4y", "ding-2023-gpt3-parity", "asterisk-2023-1y", "economist-2023-2to3y",
    "lw-2023-compute-widen", "techopedia-2024-closing", "rioux-2024-3y",
    "schmidt-2021-1to2y", "schmidt-2024-2to3y", "huang-2025-nanoseconds", "epoch-2026-7mo",
    "aa-2025-3mo", "aiindex-2025-arena", "lw-comment-2023-top500", "epoch-2025-compute-3x5x",
    "economist-2023-nvidia-half", "economist-2023-smic", "economist-2023-nvidia-slower",
    "lw-2023-h800", "epoch-2025-clusters", "economist-2023-cited", "economist-2023-conf",
    "economist-2023-top10", "economist-2023-web", "economist-2023-invest",
    "ding-2023-universities", "ding-2023-frameworks", "ding-2023-safety",
    "economist-2023-visas", "economist-2023-talent", "macropolo-talent",
    "cbinsights-2023-funding", "govini-patents", "techopedia-2024-oll", "ernie-2024-users",
    "hf-2023-block", "cac-2023-registration",
    # claims made since 2025
    "epoch-2025-open-closed", "epoch-2026-open-closed-4mo", "aiindex-2026-arena",
    "caisi-2026-deepseek-v4", "lw-2026-open-threshold", "aiindex-2025-benchmarks",
]


def test_registry_covers_every_claim_id() -> None:
    claims = {c.id: c for c in load_claims()}
    assert set(CLAIMS_MD_IDS) <= set(claims)
    for c in claims.values():
        assert c.tests or c.record  # testable, or recorded with sources
        for r in c.record:
            assert r.source_name


def test_registry_matches_shared_claims_md(shared_data: Path) -> None:
    text = (shared_data.parent / "CLAIMS.md").read_text(encoding="utf-8")
    ids = re.findall(r"^\| ([a-z0-9][a-z0-9.-]+) \|", text, flags=re.M)
    ids = [i for i in ids if i != "id"]  # the header row
    assert len(ids) == 43 and set(ids) <= {c.id for c in load_claims()}


def test_recorded_claims_name_the_dataset_that_would_test_them() -> None:
    claims = load_claims()
    recorded = [c for c in claims if not c.tests]
    assert recorded and all(c.needs for c in recorded)
    assert len(recorded) <= 10  # issue 14's ceiling
    # the ones the data can test are tested (the last three on CSRankings and OpenAlex)
    tested = {c.id for c in claims if c.tests}
    assert {"economist-2023-nvidia-slower", "lw-2023-h800", "economist-2023-invest",
            "economist-2023-conf", "techopedia-2024-oll", "ding-2023-universities",
            "economist-2023-top10", "economist-2023-cited"} <= tested


def test_testable_families_as_expected() -> None:
    claims = {c.id: c for c in load_claims()}
    assert claims["ding-2023-gpt3-parity"].tests[0].family == "parity"
    assert claims["techopedia-2024-closing"].tests[0].direction == "closing"
    assert claims["economist-2023-smic"].tests == []
    assert claims["economist-2023-smic"].needs
    assert claims["economist-2023-2to3y"].tests[0].metric_list() == [
        "eci", "gpqa_diamond", "mmlu", "arena_text"]


@pytest.mark.parametrize(("name", "cid", "field", "words"), [
    ("bad_metric.yaml", "user-bad-metric", "tests.0.metrics", "unknown metric 'ecci'"),
    ("upside_down.yaml", "user-upside-down", "tests.0.low/high", "upside down"),
    ("future.yaml", "user-future", "date", "in the future"),
    ("bad_group.yaml", "user-bad-group", "tests.0.follower", "unknown group 'Atlantis'"),
    ("bad_family.yaml", "user-bad-family", "tests.0.family", "unknown metric family"),
])
def test_user_mistakes_name_file_claim_and_field(name: str, cid: str, field: str,
                                                 words: str) -> None:
    with pytest.raises(ClaimError) as info:
        load_file(FIX / name, today=date(2026, 1, 1))
    err = info.value
    assert err.file == str(FIX / name)
    assert err.column == f"{cid}.{field}"
    msg = str(err)
    assert "\n" not in msg and name in msg and cid in msg and words in msg


def test_user_file_via_load_claims_and_override() -> None:
    with pytest.raises(ClaimError, match="upside down"):
        load_claims([FIX / "upside_down.yaml"])
    text = ("- id: economist-2023-2to3y\n  speaker: me\n  publication: p\n  date: 2023-05-09\n"
            "  claim: my own version of this claim\n  tests:\n"
            "    - {family: capability_lag, low: 1, high: 2}\n")
    p = FIX.parent.parent / "_tmp_override_claims.yaml"
    try:
        p.write_text(text, encoding="utf-8")
        claims = {c.id: c for c in load_claims([p])}
        assert claims["economist-2023-2to3y"].speaker == "me"
    finally:
        p.unlink()


@pytest.mark.parametrize(("yaml_text", "column"), [
    ("- id: a\n  speaker: s\n  publication: p\n  date: 2024-01-01\n  claim: long enough\n",
     "a.tests/record"),
    ("- id: a\n  speaker: s\n  publication: p\n  date: 2024-13-01\n  claim: long enough\n"
     "  record: []\n", "a.date"),
    ("- id: a\n  speaker: s\n  publication: p\n  date: 2024-01-01\n  claim: long enough\n"
     "  tests: [{family: trend}]\n", "a.tests.0.direction"),
    ("- id: a\n  speaker: s\n  publication: p\n  date: 2024-01-01\n  claim: long enough\n"
     "  tests: [{family: capability_lag, statistic: lag_median, low: 1}]\n",
     "a.tests.0.statistic"),
])
def test_schema_errors_point_at_field(yaml_text: str, column: str) -> None:
    with pytest.raises(ClaimError) as info:
        parse_text(yaml_text, "user.yaml", today=date(2026, 1, 1))
    assert info.value.column == column and info.value.file == "user.yaml"


def test_bad_yaml_names_row() -> None:
    with pytest.raises(ClaimError) as info:
        parse_text("- id: a\n  speaker: [unclosed\n", "user.yaml")
    assert info.value.row is not None and "not valid YAML" in str(info.value)
