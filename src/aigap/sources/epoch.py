"""Epoch AI datasets: AI Models, the AI Benchmarking Hub, organisations, GPU clusters, hardware.

Columns are found by meaning, not position: Epoch renames columns between vintages (the
2025 "Country (from Organization)" became "Country (of organization)" in 2026) and adds or
drops optional ones. Required columns missing from a file are an error naming the column.

Epoch AI data is licensed CC BY 4.0; cite as Epoch AI, "Data on AI Models" / "AI
Benchmarking Hub", epoch.ai.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aigap.attribution.countries import map_country_lists, split_names
from aigap.errors import SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import (
    EARLIEST_DATE,
    check_range,
    drop_duplicates,
    find_column,
    iter_zip_members,
    max_date,
    model_key,
    read_csv,
    to_bools,
    to_dates,
    to_numbers,
)

LICENCE = "CC BY 4.0"
PUBLISHER = "Epoch AI"

MODEL_DATASETS = ("all_ai_models", "notable_ai_models", "large_scale_ai_models",
                  "frontier_ai_models")

# Column candidates, by meaning. The first is the current Epoch spelling.
COUNTRY_COLS = ("Country (of organization)", "Country (from Organization)", "Country")
OPEN_COLS = ("Open model weights?", "Open weights")
#: Declared ranges of the models' numeric columns: (lowest, highest, meaning).
MODEL_RANGES: dict[str, tuple[float, float, str]] = {
    "parameters": (1.0, 1e16, "a parameter count between 1 and 1e16"),
    "training_compute_flop": (0.0, 1e31, "training compute between 0 and 1e31 FLOP"),
    "finetune_compute_flop": (0.0, 1e31, "fine-tuning compute between 0 and 1e31 FLOP"),
}


def _stamps(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Timestamps (UTC) that date a file, e.g. "Last modified": whole ISO values only,
    between 1950 and the import day."""
    days = to_dates(values, file=file, column=column)
    text = values.astype("string").str.strip()
    return pd.to_datetime(text.where(days.notna()), errors="coerce", utc=True,
                          format="ISO8601")


def _split_lists(values: pd.Series) -> pd.Series:
    obj = values.astype("object").where(values.notna(), "")
    # one (shared, read-only) list per distinct value, not one per row
    uniq = {v: list(split_names(v)) for v in pd.unique(obj)}
    return obj.map(uniq)


def _open_from_accessibility(values: pd.Series) -> pd.Series:
    """Open weights from Epoch's 'Model accessibility' label (null when unknown)."""
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.str.startswith("open weights", na=False)] = True
    closed = text.str.contains(r"^(?:api access|hosted access|unreleased)", na=False, regex=True)
    out[closed] = False
    return out


def _first_link(values: pd.Series) -> pd.Series:
    return values.astype("string").str.split(r",\s*(?=https?://)", regex=True).str[0].str.strip()


def _dataset_name(file: SourceFile, known: tuple[str, ...]) -> str:
    base = file.basename.lower()
    for name in known:
        if name in base:
            return name
    return re.sub(r"\.csv$", "", base)


def parse_models(file: SourceFile) -> list[ParsedDataset]:
    """Parse ``ai_models.zip`` or one of its CSVs (all/notable/large_scale/frontier)."""
    if file.basename.lower().endswith(".zip"):
        out: list[ParsedDataset] = []
        for m in iter_zip_members(file):
            if _dataset_name(m, MODEL_DATASETS) in MODEL_DATASETS:
                out.extend(parse_models(m))
        if not out:
            raise SchemaError(f"no AI-models CSV ({', '.join(MODEL_DATASETS)}) in the archive",
                              file=file.name)
        return out
    frame = read_csv(file)
    name = file.name
    c_model = find_column(frame, ["Model", "System"], file=name, required=True,
                          meaning="the model name")
    c_org = find_column(frame, ["Organization", "Organisation"], file=name, required=True,
                        meaning="the organisation")
    c_date = find_column(frame, ["Publication date", "Release date"], file=name,
                         required=True, meaning="the publication date")
    assert c_model and c_org and c_date
    skipped: Counter[str] = Counter()

    names = frame[c_model].astype("string").str.strip()
    keep = names.notna() & (names != "")
    skipped["no model name"] += int((~keep).sum())
    dates = to_dates(frame[c_date], file=name, column=c_date)
    no_date = keep & dates.isna()
    skipped["no publication date"] += int(no_date.sum())
    keep &= dates.notna()

    out_frame = pd.DataFrame({"name": names, "release_date": dates})
    out_frame["model_key"] = model_key(names)
    out_frame["organizations"] = _split_lists(frame[c_org])
    # Required: without it every model would silently have no country and drop out of
    # every country comparison (a renamed column must be an error, not a smaller count).
    c_country = find_column(frame, COUNTRY_COLS, file=name, required=True,
                            meaning="the country of the organisation")
    assert c_country
    countries, multi = map_country_lists(frame[c_country], file=name, column=c_country)
    out_frame["countries"] = countries
    out_frame["multinational"] = multi
    c_access = find_column(frame, ["Model accessibility"], file=name)
    open_w = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    c_open = find_column(frame, OPEN_COLS, file=name)
    if c_open:
        open_w = to_bools(frame[c_open], file=name, column=c_open)
    if c_access:
        out_frame["accessibility"] = frame[c_access]
        open_w = open_w.fillna(_open_from_accessibility(frame[c_access]))
    out_frame["open_weights"] = open_w
    numeric = {
        "parameters": ["Parameters"],
        "training_compute_flop": ["Training compute (FLOP)"],
        "finetune_compute_flop": ["Finetune compute (FLOP)"],
    }
    for col, cands in numeric.items():
        c = find_column(frame, cands, file=name)
        if c:
            out_frame[col] = to_numbers(frame[c], file=name, column=c)
            lo, hi, what = MODEL_RANGES[col]
            check_range(out_frame[col], lo=lo, hi=hi, file=name, column=c, what=what)
    c_domain = find_column(frame, ["Domain"], file=name)
    if c_domain:
        out_frame["domain"] = _split_lists(frame[c_domain])
    for col, cands in {
        "notability": ["Notability criteria"],
        "base_model": ["Base model"],
        "hf_developer": ["Hugging Face developer id"],
        "training_hardware": ["Training hardware"],
    }.items():
        c = find_column(frame, cands, file=name)
        if c:
            out_frame[col] = frame[c].astype("string").str.strip()
    c_front = find_column(frame, ["Frontier model"], file=name)
    if c_front:
        out_frame["frontier"] = to_bools(frame[c_front], file=name, column=c_front)
    c_link = find_column(frame, ["Link", "Reference link"], file=name)
    if c_link:
        out_frame["source_url"] = _first_link(frame[c_link])
    c_mod = find_column(frame, ["Last modified"], file=name)
    if c_mod:
        # It dates the vintage: read strictly, never after the import day.
        out_frame["last_modified"] = _stamps(frame[c_mod], file=name, column=c_mod)

    out_frame = out_frame[keep]
    # One row per model key: Epoch occasionally lists a model twice; keep the newest edit.
    if "last_modified" in out_frame:
        out_frame = out_frame.sort_values("last_modified", ascending=False, kind="stable")
    dup = out_frame["model_key"].duplicated()
    skipped["duplicate model name (kept the most recently modified)"] += int(dup.sum())
    out_frame = out_frame[~dup].sort_index()
    skipped = Counter({k: v for k, v in skipped.items() if v})

    as_of = max_date(out_frame["last_modified"]) if "last_modified" in out_frame else None
    as_of = as_of or max_date(out_frame["release_date"])
    return [
        ParsedDataset(
            source="epoch-models",
            dataset=_dataset_name(file, MODEL_DATASETS),
            file=file,
            frames={"model": out_frame},
            data_as_of=as_of,
            skipped=skipped,
        )
    ]


# -- Benchmarking Hub -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scale:
    """The declared scale of a metric: its name (``score.scale``) and the values allowed."""

    name: str
    lo: float
    hi: float
    what: str


FRACTION = Scale("fraction", 0.0, 1.0, "a fraction between 0 and 1")
PERCENT = Scale("percent", 0.0, 100.0, "a percentage between 0 and 100")
ECI = Scale("index", 0.0, 500.0, "an Epoch Capabilities Index between 0 and 500")
RATING = Scale("rating", 0.0, 4000.0, "an arena rating between 0 and 4000")


def points(hi: float, what: str) -> Scale:
    """A points scale from 0 to ``hi``."""
    return Scale("points", 0.0, hi, what)


#: The headline score column and its declared scale, per benchmark file (stem). Declared,
#: never inferred from the values: one "85%" or "1e9" cell must not change a whole metric.
#: Names as in Epoch's Benchmarking Hub export (2026-04); files not listed here are read
#: only when they have Epoch's own ``mean_score`` column (a 0-1 fraction).
BENCHMARK_COLUMNS: dict[str, tuple[str, Scale]] = {
    "epoch_capabilities_index": ("ECI Score", ECI),
    "adversarial_nli_external": ("Score", FRACTION),
    "aider_polyglot_external": ("Percent correct", PERCENT),
    "apex_agents_external": ("Pass@1 score", FRACTION),
    "arc_agi_2_external": ("Score", FRACTION),
    "arc_agi_external": ("Score", FRACTION),
    "arc_ai2_external": ("Challenge score", FRACTION),
    "balrog_external": ("Average progress", FRACTION),
    "bbh_external": ("Average", FRACTION),
    "bool_q_external": ("Score", FRACTION),
    "cad_eval_external": ("Overall pass (%)", FRACTION),
    "common_sense_qa_2_external": ("Score", FRACTION),
    "cybench_external": ("Unguided % Solved", FRACTION),
    "deepresearchbench_external": ("Average score", FRACTION),
    "fictionlivebench_external": ("120k token score", FRACTION),
    "gdpval_external": ("Win Rate (%)", FRACTION),
    "geobench_external": ("ACW Avg Score", points(5000.0, "GeoBench points (0-5000)")),
    "gsm8k_external": ("EM", FRACTION),
    "gso_external": ("Score OPT@1", FRACTION),
    "hella_swag_external": ("Overall accuracy", FRACTION),
    "hle_external": ("Accuracy", FRACTION),
    "lambada_external": ("Score", FRACTION),
    "lech_mazur_writing_external": ("Mean score", points(10.0, "a mean grade from 0 to 10")),
    "live_bench_external": ("Global average", PERCENT),
    "metr_time_horizons_external": ("Time horizon",
                                    points(1e6, "a time horizon in minutes (0 to 1e6)")),
    "mmlu_external": ("EM", FRACTION),
    "open_book_qa_external": ("Accuracy", FRACTION),
    "os_world_external": ("Score", PERCENT),
    "piqa_external": ("Score", FRACTION),
    "posttrainbench_external": ("Average (%)", FRACTION),
    "science_qa_external": ("Score", FRACTION),
    "simplebench_external": ("Score (AVG@5)", FRACTION),
    "superglue_external": ("Score", FRACTION),
    "swe_bench_bash": ("% Resolved", FRACTION),
    "terminalbench_external": ("Accuracy mean", FRACTION),
    "the_agent_company_external": ("% Score", FRACTION),
    "trivia_qa_external": ("EM", FRACTION),
    "video_mme_external": ("Overall (no subtitles)", FRACTION),
    "vpct_external": ("Correct", FRACTION),
    "webdev_arena_external": ("Arena Score", RATING),
    "weirdml_external": ("Accuracy", FRACTION),
    "wino_grande_external": ("Accuracy", FRACTION),
}
#: Epoch-run benchmark files carry their score as ``mean_score``, a 0-1 fraction.
EPOCH_RUN_COLUMN = ("mean_score", FRACTION)
#: Columns that tell two rows of one model apart in a benchmark file (a row's setting).
_DESCRIPTORS = ("UUID", "Scaffold", "Agent", "Tools", "Prompt", "Frames", "Edit format",
                "LiveBench Version", "METR version", "Environment model", "Agent Org")


def _metric_name(stem: str) -> tuple[str, str]:
    """(metric id, provenance) from a benchmark file's stem."""
    if stem == "epoch_capabilities_index":
        return "eci", "epoch"
    if stem.endswith("_external"):
        return stem[: -len("_external")], "external"
    return stem, "epoch"


def benchmark_column(frame: pd.DataFrame, stem: str, file: str) -> tuple[str, Scale]:
    """The declared score column of a benchmark file and its scale, found by name.

    Raises:
        SchemaError: the declared column is missing (naming it and look-alikes), or the
            file is not a known benchmark and has no ``mean_score`` column.
    """
    declared = BENCHMARK_COLUMNS.get(stem)
    if declared is None and stem.endswith("_external"):
        raise SchemaError(
            f"no declared score column for benchmark file {stem!r}; the importer reads "
            "only benchmarks whose score column and scale it knows (see BENCHMARK_COLUMNS)",
            file=file)
    wanted, scale = declared or EPOCH_RUN_COLUMN
    col = find_column(frame, [wanted], file=file, required=True,
                      meaning=f"the {stem} score")
    assert col
    return col, scale


def parse_benchmarks(file: SourceFile) -> list[ParsedDataset]:
    """Parse ``benchmark_data.zip`` or one benchmark CSV of Epoch's Benchmarking Hub.

    Inside the archive, members are read one at a time; a benchmark file whose score
    column is not declared gives an empty dataset with its rows counted as skipped (a new
    Epoch benchmark never blocks an update); imported on its own it is an error.
    """
    if file.basename.lower().endswith(".zip"):
        out: list[ParsedDataset] = []
        for m in iter_zip_members(file):
            head = m.data[:4096].decode("utf-8-sig", errors="replace").splitlines()[:1]
            if head and "Model version" in head[0] and "Release date" in head[0]:
                out.extend(_parse_benchmark(m, in_archive=True))
        if not out:
            raise SchemaError("no benchmark CSV (with 'Model version' and 'Release date' "
                              "columns) in the archive", file=file.name)
        return out
    return _parse_benchmark(file, in_archive=False)


def _aux_dates(frame: pd.DataFrame, keep: pd.Series, file: str) -> list[pd.Series]:
    """Run/evaluation dates that date the file; one after the import day is refused."""
    from aigap.sources.readers import import_day

    out = []
    limit = pd.Timestamp(import_day()) + pd.Timedelta(days=1)
    for extra in ("Started at", "Date of evaluation", "Evaluation date", "Date run",
                  "Date added", "Last updated", "Run date"):
        c = find_column(frame, [extra], file=file)
        if not c:
            continue
        stamps = pd.to_datetime(frame.loc[keep, c], errors="coerce", utc=True,
                                format="mixed").dt.tz_localize(None)
        late = (stamps >= limit) | (stamps < pd.Timestamp(EARLIEST_DATE))
        if late.any():
            pos = int(late.to_numpy().argmax())
            raise SchemaError(f"date {frame.loc[keep, c].iloc[pos]!r} is out of range; "
                              f"expected a date between {EARLIEST_DATE} and the import day",
                              file=file, row=int(keep[keep].index[pos]) + 2, column=c)
        out.append(stamps)
    return out


#: Benchmark columns never read (free text and model facts the models file carries).
_UNUSED = re.compile(r"notes|training compute|description|^logs$|confidence|best score",
                     flags=re.IGNORECASE)


def _parse_benchmark(file: SourceFile, *, in_archive: bool) -> list[ParsedDataset]:
    frame = read_csv(file, keep=lambda c: not _UNUSED.search(c))
    name = file.name
    stem = re.sub(r"\.csv$", "", file.basename.lower())
    metric, provenance = _metric_name(stem)
    c_version = find_column(frame, ["Model version"], file=name, required=True,
                            meaning="the model version")
    c_date = find_column(frame, ["Release date"], file=name, required=True,
                         meaning="the release date")
    assert c_version and c_date
    if in_archive and stem not in BENCHMARK_COLUMNS and "mean_score" not in frame.columns:
        return [ParsedDataset(
            source="epoch-benchmarks", dataset=f"benchmark:{stem}", file=file,
            frames={"score": pd.DataFrame(columns=["model_key", "metric", "value"])},
            skipped=Counter({"benchmark file without a declared score column": len(frame)})
            if len(frame) else Counter())]
    c_score, scale = benchmark_column(frame, stem, name)
    skipped: Counter[str] = Counter()

    values = to_numbers(frame[c_score], file=name, column=c_score)
    check_range(values, lo=scale.lo, hi=scale.hi, file=name, column=c_score, what=scale.what)
    version = frame[c_version].astype("string").str.strip()
    c_name = find_column(frame, ["Model name", "Name", "Display name"], file=name)
    display = frame[c_name].astype("string").str.strip() if c_name else version
    # The unit of analysis is the model version: versions of one named model released on
    # different days with different scores (GPT-4o 2024-05 / 08 / 11) are separate frontier
    # points. Rows without a version (external reports) fall back to the model's name.
    model = display.where(display.notna() & (display != ""), version)
    unit = version.where(version.notna() & (version != ""), model)
    keep = values.notna()
    skipped["no score"] += int((~keep).sum())
    no_model = keep & (model.isna() | (model == ""))
    skipped["no model version or name"] += int(no_model.sum())
    keep &= ~no_model

    out_frame = pd.DataFrame({
        "model_key": model_key(unit),
        "model_version": version,
        "model_name": model,
        "metric": metric,
        "value": values,
        "provenance": provenance,
        "release_date": to_dates(frame[c_date], file=name, column=c_date),
        "scale": scale.name,
    })
    c_err = find_column(frame, ["stderr", "Accuracy SE", "Accuracy Standard Error"], file=name)
    if c_err:
        out_frame["stderr"] = to_numbers(frame[c_err], file=name, column=c_err)
        check_range(out_frame["stderr"], lo=0.0, hi=scale.hi, file=name, column=c_err,
                    what=f"a standard error between 0 and {scale.hi:g}")
    c_lo = find_column(frame, ["CI_low", "95% CI Low"], file=name)
    c_hi = find_column(frame, ["CI_high", "95% CI High"], file=name)
    if c_lo and c_hi:
        out_frame["lower"] = to_numbers(frame[c_lo], file=name, column=c_lo)
        out_frame["upper"] = to_numbers(frame[c_hi], file=name, column=c_hi)
        _check_bounds(out_frame, name, c_lo, c_hi)
    c_shots = find_column(frame, ["Shots"], file=name)
    if c_shots:
        # Usually a number of shots; sometimes words ("few"): keep those as written.
        raw = frame[c_shots].astype("string").str.strip()
        shots = pd.to_numeric(raw, errors="coerce")
        as_shots = shots.round().astype("Int64").astype("string") + "-shot"
        out_frame["setting"] = as_shots.where(shots.notna(), raw)
    c_src = find_column(frame, ["Source"], file=name)
    out_frame["source_name"] = frame[c_src] if c_src else "Epoch AI"
    c_link = find_column(frame, ["Source link", "Source Link", "Source link (site from table)",
                                 "Log viewer"], file=name)
    url = frame[c_link].astype("string") if c_link else pd.Series(pd.NA, index=frame.index)
    out_frame["source_url"] = url.fillna("https://epoch.ai/benchmarks")
    c_org = find_column(frame, ["Organization"], file=name)
    if c_org:
        out_frame["organizations"] = _split_lists(frame[c_org])
    c_country = find_column(frame, ["Country"], file=name)
    if c_country:
        out_frame["countries"] = map_country_lists(frame[c_country], file=name,
                                                   column=c_country)[0]
    c_access = find_column(frame, ["Model accessibility"], file=name)
    if c_access:
        out_frame["open_weights"] = _open_from_accessibility(frame[c_access])
    dates = [out_frame.loc[keep, "release_date"], *_aux_dates(frame, keep, name)]
    out_frame = out_frame[keep]
    # A row is one record: Epoch's record id where the file has one (several runs of one
    # model are separate records), else the model and whatever sets its rows apart.
    descriptors = [c for c in (find_column(frame, [d], file=name) for d in
                               ("id", *_DESCRIPTORS)) if c]
    descriptors = [c for c in descriptors if c not in out_frame.columns]
    keyed = out_frame.assign(**{c: frame.loc[keep, c] for c in descriptors})
    key = [k for k in ("model_key", "metric", "setting", "source_name", *descriptors)
           if k in keyed.columns]
    keyed, n_dup = drop_duplicates(
        keyed, key, file=name, rows=pd.Series(keyed.index + 2, index=keyed.index),
        compare=[c for c in ("value", "lower", "upper", "stderr", "release_date")
                 if c in keyed.columns], what="model")
    if n_dup:
        skipped["exact duplicate row"] += n_dup
    out_frame = keyed.drop(columns=descriptors)
    return [
        ParsedDataset(
            source="epoch-benchmarks",
            dataset=f"benchmark:{stem}",
            file=file,
            frames={"score": out_frame},
            data_as_of=max_date(*dates),
            skipped=Counter({k: v for k, v in skipped.items() if v}),
        )
    ]


def _check_bounds(frame: pd.DataFrame, file: str, c_lo: str, c_hi: str) -> None:
    """Interval bounds must bracket the score: lower <= value <= upper where given."""
    lo, hi, v = frame["lower"], frame["upper"], frame["value"]
    for bad, col, why in (((lo > hi), c_lo, "the lower bound is above the upper bound"),
                          ((lo > v), c_lo, "the lower bound is above the score"),
                          ((hi < v), c_hi, "the upper bound is below the score")):
        if bad.fillna(False).any():
            pos = int(bad.fillna(False).to_numpy().argmax())
            raise SchemaError(f"{why} ({lo.iloc[pos]:g} / {v.iloc[pos]:g} / "
                              f"{hi.iloc[pos]:g})", file=file, row=pos + 2, column=col)


def parse_benchmark_hub(file: SourceFile) -> list[ParsedDataset]:
    """:func:`parse_benchmarks`, plus the raw rows aigap's capability index fits.

    Each benchmark file the index uses gets a ``benchmark_row`` frame next to its ``score``
    frame (same dataset, same vintage), the ECI file a ``model_group`` frame; in the zip,
    Epoch's benchmark difficulties file becomes the ``epoch-eci-benchmarks`` dataset
    (benchmark release dates).
    """
    from aigap.sources.epoch_irt import ECI_FILE, benchmark_row_frame, published_eci_frame

    out = parse_benchmarks(file)
    for ds in out:
        rows = benchmark_row_frame(ds.file)
        if rows is not None:
            ds.frames["benchmark_row"] = rows
        elif ds.file.basename.lower() == ECI_FILE:
            ds.frames["model_group"] = published_eci_frame(ds.file)
    if file.basename.lower().endswith(".zip"):
        for m in iter_zip_members(file):
            if fnmatch.fnmatch(m.basename.lower(), ECI_BENCHMARKS_PATTERN):
                out.extend(parse_eci_benchmarks(m))
    return out


ECI_BENCHMARKS_PATTERN = "eci_benchmark_difficulties*.csv"


def parse_eci_benchmarks(file: SourceFile) -> list[ParsedDataset]:
    """Epoch's ECI benchmark file (difficulties, slopes, benchmark release dates)."""
    from aigap.sources.epoch_irt import benchmark_info_frame

    frame = benchmark_info_frame(file)
    return [ParsedDataset(source="epoch-eci-benchmarks", dataset="benchmark_info:eci",
                          file=file, frames={"benchmark_info": frame},
                          data_as_of=max_date(frame["release_date"]))]


# -- organisations, clusters, hardware ------------------------------------------------------


def parse_organizations(file: SourceFile) -> list[ParsedDataset]:
    """Parse Epoch's organisation -> country table (``organizations.csv``)."""
    frame = read_csv(file)
    name = file.name
    c_org = find_column(frame, ["Organization"], file=name, required=True,
                        meaning="the organisation")
    c_country = find_column(frame, ["Country"], file=name, required=True,
                            meaning="the country")
    assert c_org and c_country
    skipped: Counter[str] = Counter()
    names = frame[c_org].astype("string").str.strip()
    countries, _ = map_country_lists(frame[c_country], file=name, column=c_country)
    keep = names.notna() & (names != "")
    skipped["no organisation name"] += int((~keep).sum())
    no_country = keep & (countries.map(len) == 0)
    skipped["no country"] += int(no_country.sum())
    keep &= ~no_country
    out = pd.DataFrame({
        "org_id": model_key(names),
        "name": names,
        "countries": countries,
        "source_url": "https://epoch.ai/data/ai-models",
    })
    c_type = find_column(frame, ["Organization categorization"], file=name)
    if c_type:
        out["org_type"] = frame[c_type]
    out = out[keep]
    dup = out["org_id"].duplicated()
    skipped["duplicate organisation"] += int(dup.sum())
    out = out[~dup]
    return [ParsedDataset("epoch-orgs", "epoch_organizations", file, {"organization": out},
                          data_as_of=None,
                          skipped=Counter({k: v for k, v in skipped.items() if v}))]


def parse_clusters(file: SourceFile) -> list[ParsedDataset]:
    """Parse Epoch's AI supercomputers table (``gpu_clusters.csv``)."""
    frame = read_csv(file)
    name = file.name
    c_name = find_column(frame, ["Name"], file=name, required=True, meaning="the cluster name")
    assert c_name
    skipped: Counter[str] = Counter()
    names = frame[c_name].astype("string").str.strip()
    keep = names.notna() & (names != "")
    skipped["no cluster name"] += int((~keep).sum())
    out = pd.DataFrame({"name": names})
    c_country = find_column(frame, ["Country"], file=name)
    if c_country:
        out["countries"] = map_country_lists(frame[c_country], file=name, column=c_country)[0]
    text_cols = {"status": ["Status"], "certainty": ["Certainty"], "owner": ["Owner"],
                 "sector": ["Sector"], "chip_type": ["Chip type (primary)"]}
    for col, cands in text_cols.items():
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = frame[c]
    for col, cands in {"first_operational": ["First Operational Date"],
                       "decommissioned": ["Decommissioned Date (if applicable)",
                                          "Decommissioned Date"]}.items():
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = to_dates(frame[c], file=name, column=c, latest=None)  # plans
    for col, cands in {"h100_equivalents": ["H100 equivalents"],
                       "ops_16bit": ["16-bit OP/s"], "max_ops": ["Max OP/s"],
                       "power_mw": ["Power Capacity (MW)"],
                       "chip_quantity": ["Chip quantity (primary)"]}.items():
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = to_numbers(frame[c], file=name, column=c)
    c_single = find_column(frame, ["Single cluster?"], file=name)
    if c_single:
        single = frame[c_single].astype("string").str.strip().str.lower()
        out["single_cluster"] = single.map({"yes": True, "no": False}).astype("boolean")
    c_inc = find_column(frame, ["Include in Standard Analysis"], file=name)
    if c_inc:
        out["include_standard"] = to_bools(frame[c_inc], file=name, column=c_inc).fillna(False)
    out = out[keep]
    as_of = None
    if "first_operational" in out:
        existing = out["first_operational"]
        if "status" in out:
            existing = existing[out["status"].astype("string").str.lower() != "planned"]
        as_of = max_date(existing)
    return [ParsedDataset("epoch-clusters", "gpu_clusters", file, {"cluster": out},
                          data_as_of=as_of,
                          skipped=Counter({k: v for k, v in skipped.items() if v}))]


def parse_hardware(file: SourceFile) -> list[ParsedDataset]:
    """Parse Epoch's ML hardware table (``ml_hardware.csv``)."""
    frame = read_csv(file)
    name = file.name
    c_name = find_column(frame, ["Hardware name"], file=name, required=True,
                         meaning="the hardware name")
    assert c_name
    skipped: Counter[str] = Counter()
    names = frame[c_name].astype("string").str.strip()
    keep = names.notna() & (names != "")
    skipped["no hardware name"] += int((~keep).sum())
    out = pd.DataFrame({"name": names})
    for col, cands in {"manufacturer": ["Manufacturer"], "type": ["Type"],
                       "foundry": ["Foundry"]}.items():
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = frame[c]
    c_rel = find_column(frame, ["Release date"], file=name)
    if c_rel:
        out["release_date"] = to_dates(frame[c_rel], file=name, column=c_rel, latest=None)
    numeric = {
        "fp16_tensor_flops": ["Tensor-FP16/BF16 performance (FLOP/s)"],
        "fp16_flops": ["FP16 (half precision) performance (FLOP/s)"],
        "fp8_flops": ["FP8 performance (FLOP/s)"],
        "int8_ops": ["INT8 performance (OP/s)"],
        "memory_bytes": ["Memory (bytes)"],
        "memory_bandwidth": ["Memory bandwidth (byte/s)"],
        "intranode_bandwidth": ["Intranode bandwidth (byte/s)"],
        "internode_bandwidth": ["Internode bandwidth (bit/s)"],
        "tdp_w": ["TDP (W)"],
        "process_nm": ["Process size (nm)"],
    }
    for col, cands in numeric.items():
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = to_numbers(frame[c], file=name, column=c)
    out = out[keep]
    c_mod = find_column(frame, ["Last modified"], file=name)
    if c_mod:
        as_of = max_date(frame[c_mod])
    else:
        as_of = max_date(out["release_date"]) if "release_date" in out else None
    return [ParsedDataset("epoch-hardware", "ml_hardware", file, {"hardware": out},
                          data_as_of=as_of,
                          skipped=Counter({k: v for k, v in skipped.items() if v}))]


def _epoch_source(name: str, title: str, homepage: str, urls: tuple[str, ...],
                  patterns: tuple[str, ...], header: tuple[str, ...], parse: Any,
                  licence: str = LICENCE) -> Source:
    """Register one Epoch AI dataset family with its credit line."""
    return register(Source(
        name=name, publisher=PUBLISHER, title=title, homepage=homepage, licence=licence,
        credit=f'Epoch AI, "{title}", epoch.ai, CC BY 4.0', urls=urls, patterns=patterns,
        header=header, parse=parse))


_epoch_source("epoch-models", "Data on AI Models", "https://epoch.ai/data/ai-models",
              ("https://epoch.ai/data/ai_models.zip",), ("ai_models*.zip", "*ai_models*.csv"),
              ("Model",), parse_models)
_epoch_source("epoch-benchmarks", "AI Benchmarking Hub", "https://epoch.ai/benchmarks",
              ("https://epoch.ai/data/benchmark_data.zip",), ("benchmark_data*.zip", "*.csv"),
              ("Model version", "Release date"), parse_benchmark_hub)
_epoch_source("epoch-eci-benchmarks", "AI Benchmarking Hub (ECI benchmark release dates)",
              "https://epoch.ai/benchmarks", (), (ECI_BENCHMARKS_PATTERN,),
              ("benchmark_name", "benchmark_release_date"), parse_eci_benchmarks)
_epoch_source("epoch-orgs", "Data on AI Models (organisations and their countries)",
              "https://epoch.ai/data/ai-models", (),
              ("organizations*.csv", "organisations*.csv"), ("Organization", "Country"),
              parse_organizations, licence="CC BY 4.0 (Epoch AI data; repository code MIT)")
_epoch_source("epoch-clusters", "Data on GPU clusters (AI supercomputers)",
              "https://epoch.ai/data/gpu-clusters", ("https://epoch.ai/data/gpu_clusters.csv",),
              ("gpu_clusters*.csv",), ("Name",), parse_clusters)
_epoch_source("epoch-hardware", "Data on Machine Learning Hardware",
              "https://epoch.ai/data/machine-learning-hardware",
              ("https://epoch.ai/data/ml_hardware.csv",), ("ml_hardware*.csv",),
              ("Hardware name",), parse_hardware)
