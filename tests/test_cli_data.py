"""CLI data commands: update, import, sources; exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

EPOCH = Path(__file__).parent / "fixtures" / "epoch"
MIRROR = EPOCH / "mirror"


def test_update_from_mirror_twice(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("update", "--from", str(MIRROR), "--format", "json")
    assert r.code == 0, r.err
    first = json.loads(r.out)
    assert first["imported"] >= 8
    assert first["rows_skipped"] >= 2
    r2 = cli("update", "--from", str(MIRROR))
    assert r2.code == 0
    assert "No changes" in r2.out


def test_sources_lists_licences_and_counts(cli) -> None:  # type: ignore[no-untyped-def]
    cli("update", "--from", str(MIRROR))
    r = cli("sources", "--format", "json")
    assert r.code == 0
    data = json.loads(r.out)
    by_name = {s["source"]: s for s in data["sources"]}
    assert by_name["epoch-models"]["licence"] == "CC BY 4.0"
    assert by_name["epoch-models"]["rows"] > 0
    assert by_name["epoch-models"]["newest_data"] == "2025-07-02"
    assert "Epoch AI" in by_name["epoch-models"]["credit"]


def test_import_bad_file_exit_2_one_line_store_unchanged(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "all_ai_models.csv"
    bad.write_text("Model,Organization,Publication date\nA,X,2024-01-01\nB,Y,yesterday\n")
    before = json.loads(cli("sources", "--format", "json").out)
    r = cli("import", "epoch-models", str(bad))
    assert r.code == 2
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "all_ai_models.csv" in lines[0]
    assert "row 3" in lines[0]
    assert "'Publication date'" in lines[0]
    assert "expected a date" in lines[0]
    assert json.loads(cli("sources", "--format", "json").out) == before


def test_wrong_source_name_and_flags_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("import", "epoch-modelz", str(tmp_path))
    assert r.code == 2
    assert "unknown source 'epoch-modelz'" in r.err
    r = cli("sources", "--format", "xml")
    assert r.code == 2
    assert "--format" in r.err
    r = cli("update", "--no-such-flag")
    assert r.code == 2
    assert "no-such-flag" in r.err
    r = cli("update", "--from", str(tmp_path / "missing"))
    assert r.code == 2
    assert "not a folder" in r.err


def test_missing_required_column_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notable_ai_models.csv"
    bad.write_text("Model,Publication date\nA,2024-01-01\n")
    r = cli("import", "epoch-models", str(bad))
    assert r.code == 2
    assert "notable_ai_models.csv" in r.err
    assert "Organization" in r.err


def test_truncated_zip_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    z = tmp_path / "ai_models.zip"
    z.write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    r = cli("import", "epoch-models", str(z))
    assert r.code == 2
    assert "ai_models.zip" in r.err


def test_help_explains(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("--help")
    assert r.code == 0
    assert "update" in r.out and "sources" in r.out
    r = cli("update", "--help")
    assert "--from" in r.out


def _results(home: Path) -> list[Path]:
    """The cached whole-run results (not the per-claim "at the time" answers)."""
    return [p for p in (home / "cache").glob("claims-*.pkl")
            if not p.name.startswith("claims-at-")]


def test_update_evaluates_the_claims_ahead_only_when_data_changed(  # type: ignore[no-untyped-def]
        cli, home: Path, tmp_path: Path, monkeypatch) -> None:
    """--warm (the default outside tests): new data -> claims cached by vintage, which
    `aigap claims` then reads; an update that changes nothing evaluates nothing."""
    import aigap.claims.evaluate as evaluate

    r = cli("update", "--from", str(MIRROR), "--no-warm")
    assert r.code == 0, r.err
    assert not list((home / "cache").glob("claims-*.pkl"))
    other = tmp_path / "warmed"
    r = cli("--home", str(other), "update", "--from", str(MIRROR), "--warm")
    assert r.code == 0, r.err
    assert "Evaluated" in r.err
    assert len(_results(other)) == 1
    assert list((other / "cache").glob("vega-bundle-*.js")), "chart bundle built ahead"
    calls: list[int] = []
    real = evaluate.evaluate_claims

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluate, "evaluate_claims", counted)
    r = cli("--home", str(other), "claims", "--format", "json")
    assert r.code == 0, r.err
    assert calls == [], "aigap claims after a warming update reads the cache"
    r = cli("--home", str(other), "update", "--from", str(MIRROR), "--warm")
    assert r.code == 0 and "Evaluated" not in r.err and calls == []
    r = cli("claims", "--format", "json")  # the home updated with --no-warm computes now
    assert r.code == 0 and calls == [1]


def test_import_evaluates_the_claims_ahead_too(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    """Every command that changes the data can warm the cache (not only update)."""
    fix = Path(__file__).parent / "fixtures" / "csrankings"
    r = cli("import", "csrankings", str(fix), "--warm")
    assert r.code == 0, r.err
    assert "Evaluated" in r.err
    assert len(_results(home)) == 1
    r = cli("import", "csrankings", str(fix), "--warm")  # unchanged: nothing evaluated
    assert r.code == 0 and "Evaluated" not in r.err


def test_a_failing_warm_step_leaves_a_successful_update_and_a_note(  # type: ignore[no-untyped-def]
        cli, home: Path, monkeypatch) -> None:
    import aigap.claims.cache as cache

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("registry unreadable")

    monkeypatch.setattr(cache, "warm_cache", broken)
    r = cli("update", "--from", str(MIRROR), "--warm", "--format", "json")
    assert r.code == 0
    assert json.loads(r.out)["imported"] >= 8  # stdout stays the update's JSON
    assert "claims were not evaluated ahead (RuntimeError: registry unreadable)" in r.err
    assert "Traceback" not in r.err
