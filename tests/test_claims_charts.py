"""Claim charts (claimed band and figure against the measured interval, per part) and the
vintage-keyed cache of claim results, on the small planted store."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aigap.claims.evaluate import Options
from aigap.claims.schema import Claim
from aigap.store import Store

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"
OPTS = Options(bootstrap=40, seed=1, compute_boot=40)


@pytest.fixture(scope="module")
def store(planted_claims_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("charts") / "planted.duckdb"
    shutil.copy(planted_claims_db, path)
    st = Store(path)
    yield st
    st.close()


def _claim() -> Claim:
    return Claim.model_validate({
        "id": "planted-about", "speaker": "A planted speaker", "publication": "p",
        "date": "2024-01-01", "claim": "The follower trails by about six months.",
        "tests": [{"label": "lag on the date", "family": "capability_lag",
                   "metrics": ["eci"], "value": 6, "low": 5.5, "high": 6.5,
                   "unit": "months", "tolerance": "rounding"},
                  {"label": "a range", "family": "capability_lag", "metrics": ["eci"],
                   "low": 12, "high": 24, "unit": "months"}]})


def _marks(spec: Any) -> list[str]:
    out: list[str] = []
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if mark is not None:
            out.append(mark if isinstance(mark, str) else mark.get("type"))
        for v in spec.values():
            out += _marks(v)
    elif isinstance(spec, list):
        for v in spec:
            out += _marks(v)
    return out


def test_claim_figure_draws_claimed_value_and_measurement(store: Store) -> None:
    from aigap.claims.evaluate import evaluate_claims
    from aigap.present.claim_charts import claim_figure

    res = evaluate_claims([_claim()], store=store, as_of=date(2024, 3, 1), options=OPTS)[0]
    d = res.to_dict()
    assert d["verdict"] == "partly supported"  # lag 6.1 ~ "about 6"; not in 12-24
    fig = claim_figure(d)
    assert fig is not None
    marks = _marks(fig.spec())
    assert "rect" in marks and "rule" in marks and "point" in marks  # band, line, estimate
    assert "planted-about" not in fig.title and "A planted speaker" in fig.title
    assert "data to" in fig.source and "aigap store" not in fig.source
    table = fig.table
    row = table[(table["part"] == "lag on the date")].iloc[0]
    assert row["claimed_value"] == 6 and row["lower"] <= row["estimate"] <= row["upper"]
    assert set(table["question"]) == {"at the time", "today's data, same period"}


def test_recorded_claim_has_no_figure() -> None:
    from aigap.present.claim_charts import claim_figure

    assert claim_figure({"id": "x", "questions": {"at_the_time": {"parts": []}}}) is None


def test_cache_reused_until_something_changes(store: Store, monkeypatch:
                                              pytest.MonkeyPatch) -> None:
    import aigap.claims.evaluate as ev
    from aigap.claims.cache import evaluate_cached

    calls = []
    real = ev.evaluate_claims

    def counting(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(ev, "evaluate_claims", counting)
    claims = [_claim()]
    first = evaluate_cached(claims, store=store, as_of=date(2024, 3, 1), options=OPTS)
    again = evaluate_cached(claims, store=store, as_of=date(2024, 3, 1), options=OPTS)
    assert len(calls) == 1
    assert [r.to_dict() for r in again] == [r.to_dict() for r in first]
    evaluate_cached(claims, store=store, as_of=date(2024, 3, 1),
                    options=Options(bootstrap=41, seed=1, compute_boot=40))
    assert len(calls) == 2  # other options: computed again
    evaluate_cached(claims, store=store, as_of=date(2023, 12, 1), options=OPTS)
    assert len(calls) == 3  # a date within the data: computed again
    # a later date past the end of the data gives the same verdicts: read, re-dated
    later = evaluate_cached(claims, store=store, as_of=date(2024, 6, 1), options=OPTS)
    assert len(calls) == 3 and later[0].today.as_of == date(2024, 6, 1)
