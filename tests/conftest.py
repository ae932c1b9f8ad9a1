"""Shared test fixtures: the optional ../shared/data mirror, a temporary data home, the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No per-example deadline (a loaded 2-core CI machine is slow), and in CI a fixed example
# sequence so a run is reproducible; locally examples stay random to keep exploring.
settings.register_profile("aigap", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("aigap"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "aigap")

# `aigap update` evaluates the claims registry after new data (--warm); tests that update
# a fixture home do not need it (tests/test_cli_data.py turns it on where it is tested).
os.environ.setdefault("AIGAP_WARM", "0")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(os.environ.get("AIGAP_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public datasets in ../shared/data; the test is skipped when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (real-data tests skipped)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def mirror_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home holding the whole ../shared/data mirror (built once per test process)."""
    from aigap.api import open_store, update_from_dir

    home = tmp_path_factory.mktemp("mirror-home")
    with open_store(home) as st:
        update_from_dir(st, shared_data)
    return home


@pytest.fixture(scope="session")
def mirror_store(mirror_home: Path) -> object:
    """The mirror's store, opened read-only for the whole session."""
    from aigap.api import Store
    from aigap.config import get_settings

    st = Store(get_settings(mirror_home).store_path, read_only=True)
    yield st
    st.close()


@pytest.fixture
def fixtures() -> Path:
    """Folder of small hand-written fixture files."""
    return FIXTURES


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty, isolated AIGAP_HOME for one test."""
    h = tmp_path / "home"
    monkeypatch.setenv("AIGAP_HOME", str(h))
    return h


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], home: Path) -> Callable[..., CliResult]:
    """Run the aigap CLI in-process: ``cli("models", "--format", "json")``."""
    from aigap.cli.app import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def rng_seed() -> int:
    return 20261124


@pytest.fixture(scope="session")
def planted_claims_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted claims store (tests/fixtures/claims/planted.py), built once; copy it
    before writing next to it (claim caches live beside the store file)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "claims_planted_db", Path(__file__).parent / "fixtures" / "claims" / "planted.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return Path(mod.build(tmp_path_factory.mktemp("planted") / "planted.duckdb"))
