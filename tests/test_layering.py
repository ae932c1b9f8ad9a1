"""The shape of the code is a test: one-way layers (import-linter), SQL only in the store,
no reaching into another module's private names, exact public ``__all__``."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import aigap
import aigap.api

SRC = Path(__file__).resolve().parents[1] / "src" / "aigap"
ROOT = SRC.parents[1]
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH)\b[\s\S]*\b"
                 r"(FROM|INTO|SET|TABLE|VALUES|AS)\b")


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    run = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "2 kept, 0 broken" in run.stdout


def test_sql_only_in_the_store() -> None:
    found = []
    for path in _modules():
        if path.is_relative_to(SRC / "store") or path.name == "schema.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SQL.search(node.value):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_the_sql_detector_would_notice() -> None:
    assert SQL.search("SELECT count(*) FROM vintage")
    assert SQL.search("\n  UPDATE vintage SET licence = ?")
    assert not SQL.search("Select a metric from the list")


def _private_imports(tree: ast.AST, module: str) -> list[str]:
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("aigap"):
            if node.module == module:
                continue
            bad += [f"{node.module}.{a.name}" for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")]
    return bad


def test_no_private_names_imported_across_modules() -> None:
    found = []
    for path in _modules():
        rel = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        found += [f"{module} <- {n}" for n in
                  _private_imports(ast.parse(path.read_text(encoding="utf-8")), module)]
    assert found == []


def test_private_import_detector_would_notice() -> None:
    tree = ast.parse("from aigap.store.frames import _secret, public\n")
    assert _private_imports(tree, "aigap.cli.x") == ["aigap.store.frames._secret"]


API = {
    "models", "metrics", "data_sources", "scores", "unmapped", "lag", "lag_by_evaluator",
    "trend", "LagReport",
    "TrendReport", "compute", "ComputeReport", "top500", "clusters", "chips", "arena_gap",
    "arena_languages", "leaderboard", "indicators", "institutions", "import_path",
    "update_from_dir",
    "update_live", "ImportReport", "Result", "Store", "open_store", "index", "IndexResult",
}
TOP = API | {"__version__", "AigapError", "SourceError", "SchemaError", "AttributionError",
             "QueryError", "ClaimError", "get_settings", "Downloader", "FetchResult"}


def test_api_all_is_exact_and_resolves() -> None:
    assert set(aigap.api.__all__) == API
    assert sorted(aigap.api.__all__) == aigap.api.__all__
    for name in aigap.api.__all__:
        assert getattr(aigap.api, name) is not None, name


def test_top_level_all_is_exact_and_is_the_api() -> None:
    assert set(aigap.__all__) == TOP
    for name in API:
        assert getattr(aigap, name) is getattr(aigap.api, name), name


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = aigap.api.no_such_question  # type: ignore[attr-defined]
