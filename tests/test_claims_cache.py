"""The per-claim "at the time" cache (reused across --as-of dates) and per-question
provenance: an answer reads the same whichever question computed the shared figures."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aigap.claims.cache import evaluate_cached
from aigap.claims.evaluate import Options, evaluate_claims
from aigap.claims.registry import load_file
from aigap.store import Store

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"
OPTS = Options(bootstrap=60, seed=1, compute_boot=60)


@pytest.fixture
def store(planted_claims_db: Path, tmp_path: Path) -> Store:
    path = tmp_path / "home" / "aigap.duckdb"
    path.parent.mkdir()
    shutil.copy(planted_claims_db, path)
    st = Store(path)
    yield st
    st.close()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions evaluated from now on (each claim's answers that were computed)."""
    import aigap.claims.evaluate as ev

    names: list[str] = []
    real = ev._answer

    def spy(ctx: Any, claim: Any, q: Any, **kw: Any) -> Any:
        names.append(q.name)
        return real(ctx, claim, q, **kw)

    monkeypatch.setattr(ev, "_answer", spy)
    return names


def _claims() -> list[Any]:
    return [c for c in load_file(FIX / "planted_claims.yaml", today=date(2026, 1, 1))
            if c.tests]


def _dicts(results: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results]


def test_another_as_of_reuses_at_the_time_answers_and_gives_the_fresh_result(
        store: Store, asked: list[str]) -> None:
    claims = _claims()
    fresh = _dicts(evaluate_claims(claims, store=store, as_of=date(2024, 2, 1),
                                   options=OPTS))
    evaluate_cached(claims, store=store, as_of=date(2024, 3, 1), options=OPTS)
    asked.clear()
    again = _dicts(evaluate_cached(claims, store=store, as_of=date(2024, 2, 1),
                                   options=OPTS))
    assert again == fresh  # the same document as a run with no cache at all
    # claims dated on or before 2024-02-01 reuse "at the time"; the later one cannot
    later = [c for c in claims if c.date > date(2024, 2, 1)]
    assert asked.count("at_the_time") == len(later) and later
    assert asked.count("today_same_period") == len(claims)


def test_changed_definition_or_options_are_not_reused(store: Store,
                                                      asked: list[str]) -> None:
    claims = _claims()
    evaluate_cached(claims, store=store, as_of=date(2024, 3, 1), options=OPTS)
    asked.clear()
    edited = [c.model_copy(update={"claim": c.claim + " (edited)"}) for c in claims]
    evaluate_cached(edited, store=store, as_of=date(2024, 2, 15), options=OPTS)
    assert asked.count("at_the_time") == len(claims)  # new definitions: computed
    asked.clear()
    evaluate_cached(claims, store=store, as_of=date(2024, 2, 15),
                    options=Options(bootstrap=61, seed=1, compute_boot=60))
    assert asked.count("at_the_time") == len(claims)  # other options: computed


def test_each_question_carries_its_own_data_date(store: Store) -> None:
    """Today's answer about a past period is labelled with today's data, even when it
    shares its figures with the "at the time" answer (same vintages)."""
    (claim,) = [c for c in _claims() if c.id == "planted-supported"]
    (res,) = evaluate_claims([claim], store=store, as_of=date(2024, 3, 1), options=OPTS)
    at_time = res.at_time.tests[0].evidence[0]
    today = res.today.tests[0].evidence[0]
    assert at_time.estimate == today.estimate  # one computation...
    assert at_time.data["as_of"] == "2024-01-01"  # ...two labels
    assert today.data["as_of"] == "2024-03-01"


def test_a_claim_dated_between_two_dates_past_the_data_is_not_read_from_the_cache(
        store: Store) -> None:
    """Both dates lie past the planted data's end (same verdicts for dated claims), but on
    the earlier one the 2024-03-01 claim had not been made yet."""
    claims = _claims()
    evaluate_cached(claims, store=store, as_of=date(2024, 3, 1), options=OPTS)
    res = {r.claim.id: r for r in evaluate_cached(claims, store=store,
                                                   as_of=date(2024, 2, 1), options=OPTS)}
    assert res["planted-inconclusive"].at_time.verdict == "untestable"
    assert "dated after the evaluation date" in res["planted-inconclusive"].at_time.explanation
