"""Canonical tables: their columns, DuckDB types and the check every parsed frame passes.

Parsers produce pandas frames with exactly these columns (minus ``vintage_id``, which the
store adds). :func:`conform` fills optional columns, orders them and checks required ones, so
a parser bug shows up as a clear error at import time, not as a wrong number later.

Lists (organisations, countries) are Python lists of strings in frames and ``VARCHAR[]`` in
DuckDB. Countries are ISO 3166 alpha-3 codes (or OWID region codes in ``indicator``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = 5


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    sql: str
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table: the columns a parser fills (``vintage_id`` is added by the store)."""

    name: str
    columns: tuple[Column, ...]
    doc: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        cols = ",\n  ".join(f'"{c.name}" {c.sql}' for c in self.columns)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  vintage_id BIGINT,\n  {cols}\n)'


C = Column

MODEL = Table(
    "model",
    (
        C("model_key", "VARCHAR", True, "stable key: normalised model name"),
        C("name", "VARCHAR", True, "display name as the source gives it"),
        C("organizations", "VARCHAR[]", True, "developing organisations, lead first"),
        C("countries", "VARCHAR[]", True, "ISO3 codes, as the source gave them, de-duplicated"),
        C("release_date", "DATE", False, "publication/release date"),
        C("open_weights", "BOOLEAN", False, "true/false/unknown (null)"),
        C("accessibility", "VARCHAR", False, "the source's accessibility label"),
        C("parameters", "DOUBLE", False, "parameter count"),
        C("training_compute_flop", "DOUBLE", False, "training compute in FLOP"),
        C("domain", "VARCHAR[]", False, "domains, e.g. Language, Multimodal"),
        C("notability", "VARCHAR", False, "the source's notability criteria"),
        C("frontier", "BOOLEAN", False, "the source's frontier flag"),
        C("base_model", "VARCHAR", False, "model this one was fine-tuned from"),
        C("finetune_compute_flop", "DOUBLE", False, "fine-tuning compute in FLOP"),
        C("multinational", "BOOLEAN", False, "the source listed 'Multinational' as a country"),
        C("hf_developer", "VARCHAR", False, "Hugging Face developer id"),
        C("source_url", "VARCHAR", False, "the model's reference link"),
        C("last_modified", "TIMESTAMP", False, "the source's last-modified stamp for the row"),
        # v2, appended so that migrated tables keep the same column order
        C("training_hardware", "VARCHAR", False,
          "hardware used to train, as the source lists it (comma-joined)"),
    ),
    "One row per model per vintage.",
)

SCORE = Table(
    "score",
    (
        C("model_key", "VARCHAR", True, "stable key of the model (normalised name)"),
        C("model_version", "VARCHAR", False, "the source's version id (e.g. gpt-4o-2024-05-13)"),
        C("model_name", "VARCHAR", False, "display name"),
        C("metric", "VARCHAR", True, "metric id, e.g. eci, gpqa_diamond, mmlu, arena_text"),
        C("value", "DOUBLE", True, "the score; higher is better"),
        C("lower", "DOUBLE", False, "lower bound the source gives (e.g. 2.5% quantile)"),
        C("upper", "DOUBLE", False, "upper bound the source gives"),
        C("stderr", "DOUBLE", False, "standard error the source gives"),
        C("scale", "VARCHAR", False, "fraction | percent | index | rating"),
        C("setting", "VARCHAR", False, "evaluation setting, e.g. '5-shot'"),
        C("provenance", "VARCHAR", False,
          "epoch (run by Epoch) | external | self_reported | leaderboard | user_supplied"),
        C("source_name", "VARCHAR", False, "who reported the score"),
        C("source_url", "VARCHAR", False, "where the score was reported"),
        C("release_date", "DATE", False, "model release date as the score source gives it"),
        C("organizations", "VARCHAR[]", False, "organisations as the score source gives them"),
        C("countries", "VARCHAR[]", False, "ISO3 codes as the score source gives them"),
        C("open_weights", "BOOLEAN", False, "open weights, where the score source says"),
        C("observed_on", "DATE", False, "snapshot date for ratings that change over time"),
    ),
    "One row per model per metric (per setting/snapshot) per vintage.",
)

INDICATOR = Table(
    "indicator",
    (
        C("indicator_id", "VARCHAR", True, "e.g. top500_systems, owid:private-investment..."),
        C("country", "VARCHAR", True, "ISO3 code, or a region code such as OWID_WRL"),
        C("date", "DATE", True, "the date (1 January for yearly figures)"),
        C("value", "DOUBLE", True, "the figure"),
        C("unit", "VARCHAR", False, "unit of the figure"),
        C("label", "VARCHAR", False, "human-readable name of the indicator"),
        C("source_name", "VARCHAR", False, "publisher"),
        C("source_url", "VARCHAR", False, "where the figure comes from"),
        C("note", "VARCHAR", False, "free text"),
    ),
    "Country-level figures over time.",
)

ORGANIZATION = Table(
    "organization",
    (
        C("org_id", "VARCHAR", True, "normalised organisation name"),
        C("name", "VARCHAR", True, "organisation name"),
        C("aliases", "VARCHAR[]", False, "other names"),
        C("hf_namespaces", "VARCHAR[]", False, "Hugging Face namespaces"),
        C("countries", "VARCHAR[]", True, "ISO3 codes, headquarters first"),
        C("org_type", "VARCHAR", False, "Industry, Academia, Government..."),
        C("source_url", "VARCHAR", False, "where the country comes from"),
    ),
    "Organisation -> country table.",
)

CLUSTER = Table(
    "cluster",
    (
        C("name", "VARCHAR", True, "cluster name"),
        C("status", "VARCHAR", False, "Existing, Planned, Decommissioned..."),
        C("certainty", "VARCHAR", False, "the source's certainty label"),
        C("countries", "VARCHAR[]", False, "ISO3 codes"),
        C("owner", "VARCHAR", False, "owners"),
        C("sector", "VARCHAR", False, "Private, Public..."),
        C("first_operational", "DATE", False, "first operational date"),
        C("decommissioned", "DATE", False, "decommissioned date"),
        C("h100_equivalents", "DOUBLE", False, "H100 equivalents"),
        C("ops_16bit", "DOUBLE", False, "16-bit OP/s"),
        C("max_ops", "DOUBLE", False, "max OP/s"),
        C("power_mw", "DOUBLE", False, "power capacity in MW"),
        C("chip_type", "VARCHAR", False, "primary chip type"),
        C("chip_quantity", "DOUBLE", False, "primary chip quantity"),
        C("single_cluster", "BOOLEAN", False, "the source's single-cluster flag"),
        C("include_standard", "BOOLEAN", False, "the source's 'include in standard analysis'"),
    ),
    "AI supercomputers (GPU clusters).",
)

HARDWARE = Table(
    "hardware",
    (
        C("name", "VARCHAR", True, "hardware name"),
        C("manufacturer", "VARCHAR", False, "manufacturer"),
        C("type", "VARCHAR", False, "GPU, TPU, ..."),
        C("release_date", "DATE", False, "release date"),
        C("fp16_tensor_flops", "DOUBLE", False, "dense tensor FP16/BF16 FLOP/s"),
        C("fp16_flops", "DOUBLE", False, "FP16 (half precision, non-tensor) FLOP/s"),
        C("fp8_flops", "DOUBLE", False, "FP8 FLOP/s"),
        C("int8_ops", "DOUBLE", False, "INT8 OP/s"),
        C("memory_bytes", "DOUBLE", False, "memory in bytes"),
        C("memory_bandwidth", "DOUBLE", False, "memory bandwidth, byte/s"),
        C("intranode_bandwidth", "DOUBLE", False, "intranode bandwidth, byte/s"),
        C("internode_bandwidth", "DOUBLE", False, "internode bandwidth, bit/s"),
        C("tdp_w", "DOUBLE", False, "thermal design power, W"),
        C("foundry", "VARCHAR", False, "foundry"),
        C("process_nm", "DOUBLE", False, "process size, nm"),
    ),
    "ML accelerators.",
)

SYSTEM = Table(
    "system",
    (
        C("list", "VARCHAR", True, "which list, e.g. top500"),
        C("edition", "DATE", True, "the list's edition date"),
        C("rank", "INTEGER", True, "rank in the edition"),
        C("country", "VARCHAR", True, "ISO3 code of the site"),
        C("rmax_tflops", "DOUBLE", False, "Rmax in TFlop/s"),
        C("rpeak_tflops", "DOUBLE", False, "Rpeak in TFlop/s"),
        C("name", "VARCHAR", False, "system name"),
        C("site", "VARCHAR", False, "site"),
        C("manufacturer", "VARCHAR", False, "manufacturer"),
        C("accelerator", "VARCHAR", False, "accelerator / co-processor"),
        C("segment", "VARCHAR", False, "Research, Industry, ..."),
        C("year", "INTEGER", False, "installation year"),
        C("cores", "DOUBLE", False, "total cores"),
    ),
    "Supercomputer list entries (TOP500), one row per system per edition.",
)

BENCHMARK_ROW = Table(
    "benchmark_row",
    (
        C("benchmark", "VARCHAR", True, "benchmark name as Epoch's ECI fit names it"),
        C("model_version", "VARCHAR", True, "the source's version id"),
        C("score", "DOUBLE", True, "score normalised to 0-1 above chance"),
        C("raw", "DOUBLE", False, "the file's own headline score"),
        C("release_date", "DATE", False, "the model version's release date"),
        C("run_date", "DATE", False, "when the row was run or reported, where the file says"),
        C("provenance", "VARCHAR", False, "epoch (run by Epoch) | external"),
        C("countries", "VARCHAR[]", False, "ISO3 codes the file gives for the model"),
    ),
    "Raw per-benchmark rows for aigap's capability index (aci), one per version and report.",
)

MODEL_GROUP = Table(
    "model_group",
    (
        C("model_version", "VARCHAR", True, "the source's version id"),
        C("model_group", "VARCHAR", True, "the model the version belongs to (ECI 'Model name')"),
        C("release_date", "DATE", False, "the version's release date"),
        C("countries", "VARCHAR[]", False, "ISO3 codes the file gives"),
        C("eci", "DOUBLE", False, "the publisher's ECI score (null when unscored)"),
    ),
    "Model versions -> models, as Epoch's ECI file groups them (aci fits models, not versions).",
)

BENCHMARK_INFO = Table(
    "benchmark_info",
    (
        C("benchmark", "VARCHAR", True, "benchmark name as Epoch's ECI fit names it"),
        C("release_date", "DATE", False, "the benchmark's release date"),
        C("difficulty", "DOUBLE", False, "the publisher's fitted difficulty (index scale)"),
        C("slope", "DOUBLE", False, "the publisher's fitted slope (index scale)"),
        C("is_anchor", "BOOLEAN", False, "the publisher's anchor benchmark"),
    ),
    "Per-benchmark facts from Epoch's ECI fit (release dates bound as-of refits).",
)

RESEARCH_OUTPUT = Table(
    "research_output",
    (
        C("institution", "VARCHAR", True, "the institution as the source names it"),
        C("area", "VARCHAR", True, "research area code, e.g. CSRankings' ai, vision, nlp"),
        C("venue", "VARCHAR", False, "conference within the area, where the source says"),
        C("year", "INTEGER", True, "publication year"),
        C("authors", "INTEGER", True, "researchers of the institution with a paper there"),
        C("papers", "DOUBLE", True, "papers (each author's papers summed)"),
        C("adjusted", "DOUBLE", False, "papers with credit split among co-authors"),
        C("source_url", "VARCHAR", False, "where the counts come from"),
    ),
    "Papers at selected venues per institution, area and year (CSRankings).",
)

INSTITUTION = Table(
    "institution",
    (
        C("institution", "VARCHAR", True, "the institution as the source names it"),
        C("country", "VARCHAR", True, "ISO3 code"),
        C("region", "VARCHAR", False, "the source's region label"),
        C("source_url", "VARCHAR", False, "where the country comes from"),
    ),
    "Institution -> country, for the research tables (CSRankings' country-info).",
)

TABLES: dict[str, Table] = {
    t.name: t for t in (MODEL, SCORE, INDICATOR, ORGANIZATION, CLUSTER, HARDWARE, SYSTEM,
                        BENCHMARK_ROW, MODEL_GROUP, BENCHMARK_INFO, RESEARCH_OUTPUT,
                        INSTITUTION)
}

#: Tables added after the first schema: a re-import of an unchanged file fills them for its
#: stored vintage (see ``Store._backfill``).
BACKFILL = frozenset({"benchmark_row", "model_group"})

INDEX_FIT_DDL = """
CREATE TABLE IF NOT EXISTS index_fit (
  fit_key VARCHAR PRIMARY KEY,
  created_at TIMESTAMP NOT NULL,
  fit_json VARCHAR NOT NULL
)
"""
"""Cache of aci fits keyed by (data vintages, as-of date, settings); derived, never data."""

VINTAGE_DDL = """
CREATE TABLE IF NOT EXISTS vintage (
  vintage_id BIGINT PRIMARY KEY,
  source VARCHAR NOT NULL,
  dataset VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL,
  url VARCHAR,
  licence VARCHAR,
  sha256 VARCHAR NOT NULL,
  retrieved_at TIMESTAMP NOT NULL,
  imported_at TIMESTAMP NOT NULL,
  data_as_of DATE,
  n_rows BIGINT NOT NULL,
  n_skipped BIGINT NOT NULL,
  skipped VARCHAR,
  is_current BOOLEAN NOT NULL
)
"""

_LIST_SQL = "VARCHAR[]"


def conform(table: str, frame: pd.DataFrame, *, file: str = "") -> pd.DataFrame:
    """Return ``frame`` with exactly the canonical columns of ``table``, in order, typed.

    Missing optional columns are added as nulls; unknown columns are an error (a parser bug);
    required columns must exist and have no nulls.

    Raises:
        SchemaError: a required column is missing or null, or an unknown column is present.
    """
    import pandas as pd

    from aigap.errors import SchemaError

    spec = TABLES[table]
    extra = [c for c in frame.columns if c not in spec.names]
    if extra:
        raise SchemaError(f"parser produced unknown {table} columns {extra}", file=file)
    # Columns are collected first and the frame built once (inserting them one by one
    # costs a copy each; this runs for every dataset of every import).
    cols: dict[str, Any] = {}
    for col in spec.columns:
        if col.name not in frame.columns:
            if col.required:
                raise SchemaError(f"required {table} column {col.name!r} is missing", file=file)
            cols[col.name] = pd.Series([None] * len(frame), index=frame.index, dtype="object")
            continue
        values = frame[col.name]
        if col.required and values.isna().any():
            first = int(values.isna().to_numpy().argmax())
            raise SchemaError(
                f"{table}.{col.name} is empty in parsed row {first + 1}", file=file
            )
        if col.sql == "DATE":
            values = pd.to_datetime(values, errors="raise").dt.normalize()
        elif col.sql == "TIMESTAMP":
            values = pd.to_datetime(values, errors="raise", utc=True).dt.tz_localize(None)
        elif col.sql in ("DOUBLE",):
            values = pd.to_numeric(values, errors="raise").astype("float64")
        elif col.sql in ("INTEGER", "BIGINT"):
            values = pd.to_numeric(values, errors="raise").astype("Int64")
        elif col.sql == "BOOLEAN":
            values = values.astype("boolean")
        elif col.sql == _LIST_SQL:
            values = values.map(_as_list)
        else:
            # Arrow-backed text (pandas' "str"): a few bytes a cell, not a Python object
            values = values.astype("str")
        cols[col.name] = values
    out = pd.DataFrame(cols, index=frame.index, columns=list(spec.names))
    return out.reset_index(drop=True)


def _as_list(v: object) -> list[str]:
    if v is None:
        return []
    if isinstance(v, float):  # NaN
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return v  # already a list of text: keep the (possibly shared) object
    return [str(x) for x in v]  # type: ignore[attr-defined]
