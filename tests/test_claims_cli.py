"""`aigap claims` on a small planted store: JSON structure, show, errors (exit 2)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"


def _build(home: Path) -> None:
    from aigap.config import get_settings

    spec = importlib.util.spec_from_file_location("claims_planted_cli", FIX / "planted.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = get_settings(home).store_path
    path.parent.mkdir(parents=True, exist_ok=True)
    mod.build(path)


def test_claims_json(cli: Callable[..., Any], home: Path) -> None:
    _build(home)
    r = cli("claims", "--claims", str(FIX / "planted_claims.yaml"), "--id", "planted-supported",
            "--id", "planted-recorded", "--as-of", "2024-03-01", "--bootstrap", "40",
            "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    got = {c["id"]: c for c in data["claims"]}
    assert set(got) == {"planted-supported", "planted-recorded"}
    sup = got["planted-supported"]
    assert sup["at_claim_date"]["verdict"] == "supported"
    assert sup["as_of"]["as_of"] == "2024-03-01"
    ev = sup["at_claim_date"]["parts"][0]["evidence"][0]
    for key in ("estimate", "lower", "upper", "method", "metric", "data", "explanation"):
        assert key in ev
    assert got["planted-recorded"]["as_of"]["verdict"] == "recorded"
    assert got["planted-recorded"]["record"][0]["value"] == 3


def test_claims_table_csv_and_show(cli: Callable[..., Any], home: Path) -> None:
    _build(home)
    args = ("--claims", str(FIX / "planted_claims.yaml"), "--as-of", "2024-03-01",
            "--bootstrap", "20")
    r = cli("claims", "--id", "planted-contradicted", *args, "--format", "csv")
    assert r.code == 0, r.err
    assert "planted-contradicted" in r.out and "contradicted" in r.out
    r = cli("claims", "show", "planted-inconclusive", *args, "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["at_claim_date"]["verdict"] == "inconclusive"
    r = cli("claims", "show", "planted-supported", *args)
    assert r.code == 0 and "supported" in r.out


def test_claims_errors_exit_2(cli: Callable[..., Any], home: Path) -> None:
    _build(home)
    r = cli("claims", "--claims", str(FIX / "upside_down.yaml"), "--format", "json")
    assert r.code == 2
    assert "upside_down.yaml" in r.err and "user-upside-down.tests.0.low/high" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = cli("claims", "--id", "no-such-claim")
    assert r.code == 2 and "no-such-claim" in r.err


def test_claims_table_keeps_ids_whole_at_80_columns(cli: Callable[..., Any], home: Path,
                                                   monkeypatch: Any) -> None:
    _build(home)
    monkeypatch.setenv("COLUMNS", "80")
    r = cli("claims", "--claims", str(FIX / "planted_claims.yaml"), "--as-of", "2024-03-01",
            "--bootstrap", "20")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for cid in ("planted-supported", "planted-contradicted", "planted-inconclusive",
                "planted-untestable", "planted-recorded"):
        assert any(cid in line for line in lines), cid  # on one line, never wrapped
    assert "at the time" in r.out and "same period" in r.out
