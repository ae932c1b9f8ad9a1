"""The public API: ``__all__`` is exact, every name resolves, and importing is cheap."""

from __future__ import annotations

import subprocess
import sys

import aigap

EXPECTED = {
    "__version__", "AigapError", "SourceError", "SchemaError", "AttributionError",
    "QueryError", "ClaimError", "Store", "open_store", "get_settings", "models", "lag",
    "trend", "LagReport", "TrendReport", "compute", "ComputeReport", "top500", "clusters",
    "chips", "import_path", "update_from_dir", "update_live", "Downloader", "FetchResult",
    "index", "IndexResult",
}


def test_all_is_exact_and_resolves() -> None:
    assert set(aigap.__all__) >= EXPECTED
    for name in aigap.__all__:
        assert getattr(aigap, name) is not None, name


def test_exception_tree() -> None:
    for name in ("SourceError", "SchemaError", "QueryError", "ClaimError"):
        assert issubclass(getattr(aigap, name), aigap.AigapError)
    assert issubclass(aigap.AttributionError, aigap.SchemaError)


def test_import_does_no_heavy_work() -> None:
    code = ("import sys, aigap; heavy = [m for m in ('pandas', 'duckdb', 'numpy', 'httpx') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
