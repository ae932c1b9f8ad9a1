"""Property test (issue 16): mutated real-format files never crash an importer.

Every importer gets hand-written fixture files in its publisher's format, mutated by
hypothesis (bytes flipped, inserted, deleted, lines repeated, cells replaced by hostile
tokens such as ``inf``, ``85%``, ``0,8358``, ``2999-01-01``, NUL, a BOM, another delimiter,
the file cut short). The property: the file parses into datasets that pass the canonical
schema, or the importer raises an aigap error whose one-line message names the file. At the
import level (``aigap.api.data.import_path`` into a real store), a failed import leaves every
table exactly as it was.

The example budget is fixed so the module runs in well under 30 s on a loaded CI machine.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigap.errors import AigapError
from aigap.schema import TABLES
from aigap.sources import SourceFile, get_source

FIX = Path(__file__).parent / "fixtures"
EPOCH = FIX / "epoch" / "mirror"


def _bench_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in sorted((EPOCH / "benchmark_data").glob("*.csv")):
            z.writestr(p.name, p.read_bytes())
    return buf.getvalue()


def _starter(name: str) -> bytes:
    return resources.files("aigap").joinpath("data", "starter", name).read_bytes()


#: (source, file name, seed bytes): at least one real-format file per importer.
SEEDS: list[tuple[str, str, bytes]] = [
    ("epoch-models", "all_ai_models.csv",
     (EPOCH / "ai_models" / "all_ai_models.csv").read_bytes()),
    ("epoch-benchmarks", "gpqa_diamond.csv",
     (EPOCH / "benchmark_data" / "gpqa_diamond.csv").read_bytes()),
    ("epoch-benchmarks", "mmlu_external.csv",
     (EPOCH / "benchmark_data" / "mmlu_external.csv").read_bytes()),
    ("epoch-benchmarks", "epoch_capabilities_index.csv",
     (EPOCH / "benchmark_data" / "epoch_capabilities_index.csv").read_bytes()),
    ("epoch-benchmarks", "benchmark_data.zip", _bench_zip()),
    ("epoch-orgs", "organizations.csv", (EPOCH / "organizations.csv").read_bytes()),
    ("epoch-clusters", "gpu_clusters.csv", (EPOCH / "gpu_clusters.csv").read_bytes()),
    ("epoch-hardware", "ml_hardware.csv", (EPOCH / "ml_hardware.csv").read_bytes()),
    ("lmarena-history", "arena_text_elo_by_date_wide.csv",
     (FIX / "lmarena" / "arena_text_elo_by_date_wide.csv").read_bytes()),
    ("lmarena-catalog", "leaderboard-text_2025-04-07_0a1b2c3d.json",
     (FIX / "lmarena" / "leaderboard-text_2025-04-07_0a1b2c3d.json").read_bytes()),
    ("lmarena-tables", "leaderboard_table_20241222.csv",
     (FIX / "lmarena" / "leaderboard_table_20241222.csv").read_bytes()),
    ("hf-open-llm", "contents_v2.csv", (FIX / "hf" / "contents_v2.csv").read_bytes()),
    ("hf-open-llm", "contents_v2.parquet", (FIX / "hf" / "contents_v2.parquet").read_bytes()),
    ("hf-open-llm-v1", "20230712.csv", (FIX / "hf" / "20230712.csv").read_bytes()),
    ("owid", "private-investment-in-artificial-intelligence.csv",
     (FIX / "owid" / "private-investment-in-artificial-intelligence.csv").read_bytes()),
    ("csrankings", "generated-author-info.csv",
     (FIX / "csrankings" / "generated-author-info.csv").read_bytes()),
    ("csrankings", "country-info.csv", (FIX / "csrankings" / "country-info.csv").read_bytes()),
    ("openalex", "openalex-ai-top1pct-cited-2019.json",
     (FIX / "openalex" / "openalex-ai-top1pct-cited-2019.json").read_bytes()),
    ("top500", "TOP500_202406.csv", (FIX / "top500" / "TOP500_202406.csv").read_bytes()),
    ("top500", "TOP500_202411.csv", (FIX / "top500" / "TOP500_202411.csv").read_bytes()),
    ("top500", "TOP500_202106.xlsx", (FIX / "top500" / "TOP500_202106.xlsx").read_bytes()),
    ("top500", "TOP500_200006.xls", (FIX / "top500" / "TOP500_200006.xls").read_bytes()),
    ("starter", "indicators.csv", _starter("indicators.csv")),
    ("starter", "models.csv", _starter("models.csv")),
]

TOKENS = [b"inf", b"-inf", b"NaN", b"85%", b"0,8358", b"1e400", b"1e9", b"-0.5", b"2999-01-01",
          b"1500-01-01", b"today", b"2025-01-01garbage", b",", b";", b"\t", b'"', b"\n", b"\r",
          b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"", b"0", b"999", b"{", b"[[[[", b"PK"]

_op = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(TOKENS)),
    st.tuples(st.just("replace"), st.floats(0, 1), st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("cut"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("dupline"), st.floats(0, 1), st.integers(1, 3)),
)


def mutate(data: bytes, ops: list[tuple[str, float, object]]) -> bytes:
    """Apply the mutations in order (positions are fractions of the current length)."""
    out = bytearray(data)
    for kind, frac, arg in ops:
        pos = min(int(frac * len(out)), max(len(out) - 1, 0))
        if kind == "flip" and out:
            out[pos] = int(arg)  # type: ignore[call-overload]
        elif kind == "insert":
            out[pos:pos] = arg  # type: ignore[assignment]
        elif kind == "replace":
            end = out.find(b",", pos + 1)
            out[pos:end if end > 0 else pos + 1] = arg  # type: ignore[assignment]
        elif kind == "delete":
            del out[pos:pos + int(arg)]  # type: ignore[call-overload]
        elif kind == "cut":
            del out[pos:]
        elif kind == "dupline":
            start = out.rfind(b"\n", 0, pos) + 1
            end = out.find(b"\n", pos)
            line = bytes(out[start:end + 1 if end >= 0 else len(out)])
            out[start:start] = line * int(arg)  # type: ignore[call-overload]
    return bytes(out)


def check_parse(source: str, name: str, data: bytes) -> bool:
    """Parse (and conform) one file; True if it imported, False if refused properly."""
    try:
        for ds in get_source(source).parse(SourceFile(name, data)):
            ds.conform()
    except AigapError as exc:
        msg = str(exc)
        assert name in msg, f"error does not name the file: {msg}"
        assert "\n" not in msg.strip(), f"error is not one line: {msg!r}"
        return False
    return True


@pytest.mark.parametrize(("source", "name", "seed"), SEEDS, ids=[f"{s[0]}:{s[1]}" for s in SEEDS])
def test_unmutated_seeds_import(source: str, name: str, seed: bytes) -> None:
    assert check_parse(source, name, seed)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.data_too_large])
@given(st.sampled_from(SEEDS), st.lists(_op, min_size=1, max_size=4))
def test_mutated_files_parse_or_fail_naming_the_file(
        seed: tuple[str, str, bytes], ops: list[tuple[str, float, object]]) -> None:
    source, name, data = seed
    check_parse(source, name, mutate(data, ops))


# --------------------------------------------------------------------------- import level


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzzstore")


def _snapshot(store: object) -> dict[str, object]:
    con = store.con  # type: ignore[attr-defined]
    snap: dict[str, object] = {}
    for table in [*TABLES, "vintage"]:
        sql = f'SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM "{table}"'
        snap[table] = con.execute(sql).fetchone()
    return snap


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.data_too_large])
@given(st.sampled_from([s for s in SEEDS if s[0] != "starter"]),
       st.lists(_op, min_size=1, max_size=3))
def test_failed_import_leaves_the_store_unchanged(
        store_dir: Path, seed: tuple[str, str, bytes],
        ops: list[tuple[str, float, object]]) -> None:
    from aigap.api.data import import_path
    from aigap.store import Store

    source, name, data = seed
    folder = store_dir / "in"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(mutate(data, ops))
    with Store(store_dir / "aigap.duckdb") as store:
        before = _snapshot(store)
        message = None
        try:
            import_path(store, source, path)
        except AigapError as exc:
            message = str(exc)
        if message is not None:
            assert name in message
            assert _snapshot(store) == before
