"""Raw Benchmarking Hub rows for aigap's own capability index (``aci``).

:func:`aigap.sources.epoch.parse_benchmarks` turns each benchmark file into canonical score
rows for the store. The index fit needs four things that parser does not keep, so this module
reads the same files a second way, without changing that parser:

- **which benchmark** a row belongs to, under Epoch's benchmark name (the one its published
  difficulties file uses), and the score normalised to 0-1 above the benchmark's chance level;
- **the model group**: Epoch scores a *model* (e.g. "GPT-5"), not each reasoning setting
  (``gpt-5-2025-08-07_high``); the group is the ``Model name`` column of
  ``epoch_capabilities_index.csv``, and a version it does not list is its own group;
- **the run date** of each row where the file has one (``Started at`` for Epoch's own runs;
  ``Evaluation date``, ``Run date``, ``Date added``, ``Date`` for some external reports);
- **benchmark release dates** from ``additional_eci_data/eci_benchmark_difficulties_and_slopes.csv``
  when the folder has it.

Chance levels are this project's reading of each benchmark's format (number of answer
options), not a copy of Epoch's table: 2-way choice 0.5, 3-way 1/3, 4-way 0.25, free answer 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from aigap.attribution.countries import map_country_lists
from aigap.errors import SchemaError, SourceError
from aigap.sources.base import SourceFile
from aigap.sources.readers import find_column, model_key, read_csv, to_dates, to_numbers

__all__ = [
    "IRT_BENCHMARKS",
    "IrtBenchmark",
    "benchmark_info_frame",
    "benchmark_row_frame",
    "group_rows",
    "irt_benchmark",
    "published_eci_frame",
    "published_groups",
    "read_benchmark_release_dates",
    "read_irt_rows",
    "read_published_eci",
]


@dataclass(frozen=True)
class IrtBenchmark:
    """One benchmark file that enters the index fit.

    Attributes:
        stem: file name without ``.csv``.
        name: Epoch's benchmark name (matches its difficulties file).
        column: the headline score column.
        chance: score of random guessing on the 0-1 scale (mapped to 0).
        full: the score that counts as full marks in the file's own unit (None: 1 or 100,
            detected from the values).
    """

    stem: str
    name: str
    column: str
    chance: float = 0.0
    full: float | None = None


_B = IrtBenchmark
IRT_BENCHMARKS: tuple[IrtBenchmark, ...] = (
    _B("adversarial_nli_external", "ANLI", "Score", 1 / 3),
    _B("aider_polyglot_external", "Aider polyglot", "Percent correct"),
    _B("apex_agents_external", "APEX-Agents", "Pass@1 score"),
    _B("arc_agi_2_external", "ARC-AGI-2", "Score"),
    _B("arc_agi_external", "ARC-AGI", "Score"),
    _B("arc_ai2_external", "ARC AI2", "Challenge score", 0.25),
    _B("balrog_external", "Balrog", "Average progress"),
    _B("bbh_external", "BBH", "Average"),
    _B("cad_eval_external", "CadEval", "Overall pass (%)"),
    _B("chess_puzzles", "Chess Puzzles", "mean_score"),
    _B("common_sense_qa_2_external", "CSQA2", "Score", 0.5),
    _B("cybench_external", "Cybench", "Unguided % Solved"),
    _B("deepresearchbench_external", "DeepResearch Bench", "Average score"),
    _B("fictionlivebench_external", "Fiction.LiveBench", "120k token score"),
    _B("frontiermath", "FrontierMath-2025-02-28-Private", "mean_score"),
    _B("frontiermath_tier_4", "FrontierMath-Tier-4-2025-07-01-Private", "mean_score"),
    _B("geobench_external", "GeoBench", "ACW Avg Score", 0.0, 5000.0),
    _B("gpqa_diamond", "GPQA diamond", "mean_score", 0.25),
    _B("gsm8k_external", "GSM8K", "EM"),
    _B("gso_external", "GSO-Bench", "Score OPT@1"),
    _B("hella_swag_external", "HellaSwag", "Overall accuracy", 0.25),
    _B("hle_external", "HLE", "Accuracy"),
    _B("lambada_external", "LAMBADA", "Score"),
    _B("lech_mazur_writing_external", "Lech Mazur Writing", "Mean score", 0.0, 10.0),
    _B("math_level_5", "MATH level 5", "mean_score"),
    _B("mmlu_external", "MMLU", "EM", 0.25),
    _B("open_book_qa_external", "OpenBookQA", "Accuracy", 0.25),
    _B("os_world_external", "OSWorld", "Score"),
    _B("otis_mock_aime_2024_2025", "OTIS Mock AIME 2024-2025", "mean_score"),
    _B("piqa_external", "PIQA", "Score", 0.5),
    _B("posttrainbench_external", "PostTrainBench", "Average (%)"),
    _B("science_qa_external", "ScienceQA", "Score"),
    _B("simplebench_external", "SimpleBench", "Score (AVG@5)"),
    _B("simpleqa_verified", "SimpleQA Verified", "mean_score"),
    _B("swe_bench_verified", "SWE-Bench verified", "mean_score"),
    _B("terminalbench_external", "Terminal Bench", "Accuracy mean"),
    _B("the_agent_company_external", "The Agent Company", "% Score"),
    _B("trivia_qa_external", "TriviaQA", "EM"),
    _B("video_mme_external", "VideoMME", "Overall (no subtitles)", 0.25),
    _B("vpct_external", "VPCT", "Correct"),
    _B("weirdml_external", "WeirdML", "Accuracy"),
    _B("wino_grande_external", "Winogrande", "Accuracy", 0.5),
)
"""Benchmarks in the fit: the 42 Epoch lists in its 2026-04 difficulties file. Files not
listed (BoolQ, SuperGLUE, GDPval, METR horizons, LiveBench, WebDev Arena, SWE-bench bash) are
shown by Epoch but not used in its index, so not here either."""

RUN_DATE_COLUMNS = ("Started at", "Evaluation date", "Run date", "Date run", "Date added",
                    "Date")
ECI_FILE = "epoch_capabilities_index.csv"
DIFFICULTIES_FILE = "additional_eci_data/eci_benchmark_difficulties_and_slopes.csv"


def _file(directory: Path, name: str) -> SourceFile:
    path = directory / name
    if not path.is_file():
        raise SourceError(f"{path}: file not found (expected Epoch's unzipped benchmark_data)")
    return SourceFile.from_path(path)


def read_published_eci(directory: Path) -> pd.DataFrame:
    """Epoch's published ECI per model version, with its model group and countries.

    Returns:
        DataFrame[model_version, model_group, eci, release_date, countries, group_name];
        ``eci`` is NaN for versions Epoch lists without a score; ``group_name`` is the unit
        the index fits (see :func:`_group_names`).
    """
    return published_groups(published_eci_frame(_file(directory, ECI_FILE)))


def published_eci_frame(file: SourceFile) -> pd.DataFrame:
    """The ECI file's versions: DataFrame[model_version, model_group, eci, release_date,
    countries] (``eci`` NaN for versions listed without a score); also the ``model_group``
    table the store keeps next to the file's scores."""
    frame = read_csv(file)
    name = file.name
    c_ver = find_column(frame, ["Model version"], file=name, required=True)
    c_eci = find_column(frame, ["ECI Score"], file=name, required=True)
    c_date = find_column(frame, ["Release date"], file=name, required=True)
    assert c_ver and c_eci and c_date
    c_group = find_column(frame, ["Model name"], file=name)
    version = frame[c_ver].astype("string").str.strip()
    group = frame[c_group].astype("string").str.strip() if c_group else version
    c_country = find_column(frame, ["Country"], file=name)
    countries = (map_country_lists(frame[c_country], file=name, column=c_country)[0]
                 if c_country else pd.Series([[] for _ in range(len(frame))]))
    out = pd.DataFrame({
        "model_version": version,
        "model_group": group.where(group.notna() & (group != ""), version),
        "eci": to_numbers(frame[c_eci], file=name, column=c_eci),
        "release_date": to_dates(frame[c_date], file=name, column=c_date),
        "countries": countries,
    })
    return out[version.notna() & (version != "")].reset_index(drop=True)


def published_groups(eci: pd.DataFrame) -> pd.DataFrame:
    """Add ``group_name`` (the unit the index fits) to ECI rows.

    Args:
        eci: DataFrame[model_version, model_group, release_date, ...] (e.g. the ECI file's
            rows, or the stored ``eci`` score rows with ``model_name`` as ``model_group``).
    """
    out = eci.copy()
    out["release_date"] = pd.to_datetime(out["release_date"])
    out["group_name"] = _group_names(out)
    return out


def _group_names(eci: pd.DataFrame) -> pd.Series:
    """The fitted unit's name per version: the model name, dated when the name has several.

    Epoch's fit aggregates versions into release-dated model groups: versions of one named
    model released on different days (Gemini 1.5 Pro, February / May / September 2024) are
    separate models with separate scores, versions released the same day (GPT-5 at four
    reasoning settings) are one. The ECI file shows this as one score per (name, release
    date); this reproduces it from the name and date columns alone.
    """
    dates = eci["release_date"].dt.strftime("%Y-%m-%d").fillna("undated")
    n_dates = eci.groupby("model_group")["release_date"].transform("nunique")
    name = eci["model_group"].astype(str)
    return name.where(n_dates <= 1, name + " (" + dates + ")")


def read_benchmark_release_dates(directory: Path) -> pd.Series:
    """Benchmark name -> release date from Epoch's difficulties file (empty if absent)."""
    path = directory / DIFFICULTIES_FILE
    if not path.is_file():
        return pd.Series(dtype="datetime64[ns]")
    file = SourceFile.from_path(path)
    frame = read_csv(file)
    c_name = find_column(frame, ["benchmark_name"], file=file.name, required=True)
    c_date = find_column(frame, ["benchmark_release_date"], file=file.name, required=True)
    assert c_name and c_date
    dates = to_dates(frame[c_date], file=file.name, column=c_date)
    return pd.Series(dates.to_numpy(), index=frame[c_name].astype(str).str.strip())


def _normalise(values: pd.Series, bench: IrtBenchmark) -> pd.Series:
    """Raw scores -> 0-1 above chance, clipped (a sub-chance score is 0, not negative)."""
    full = bench.full
    if full is None:
        full = 100.0 if float(values.max(skipna=True)) > 1.5 else 1.0
    frac = values / full
    return ((frac - bench.chance) / (1.0 - bench.chance)).clip(0.0, 1.0)


def _run_dates(frame: pd.DataFrame, name: str) -> pd.Series:
    """The row's run/report date where the file has one (first matching column), else NaT."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for cand in RUN_DATE_COLUMNS:
        col = find_column(frame, [cand], file=name)
        if col:
            parsed = pd.to_datetime(frame[col], errors="coerce", utc=True, format="mixed")
            out = out.fillna(parsed.dt.tz_localize(None).dt.normalize())
    return out


def _rows_of(file: SourceFile, bench: IrtBenchmark) -> pd.DataFrame:
    """One benchmark file's rows: version, 0-1 score, raw score, dates, provenance, countries."""
    frame = read_csv(file)
    name = file.name
    c_ver = find_column(frame, ["Model version"], file=name, required=True)
    c_date = find_column(frame, ["Release date"], file=name, required=True)
    c_score = find_column(frame, [bench.column], file=name, required=True, meaning="the score")
    assert c_ver and c_date and c_score
    raw = to_numbers(frame[c_score], file=name, column=c_score)
    version = frame[c_ver].astype("string").str.strip()
    keep = raw.notna() & version.notna() & (version != "")
    c_country = find_column(frame, ["Country"], file=name)
    countries = (map_country_lists(frame[c_country], file=name, column=c_country)[0]
                 if c_country else pd.Series([[] for _ in range(len(frame))], index=frame.index))
    out = pd.DataFrame({
        "model_version": version,
        "benchmark": bench.name,
        "raw": raw,
        "score": _normalise(raw, bench),
        "version_date": to_dates(frame[c_date], file=name, column=c_date),
        "run_date": _run_dates(frame, name),
        "provenance": "external" if bench.stem.endswith("_external") else "epoch",
        "countries": countries,
    })
    return out[keep]


def _read_one(directory: Path, bench: IrtBenchmark) -> pd.DataFrame:
    return _rows_of(_file(directory, bench.stem + ".csv"), bench)


def irt_benchmark(file: SourceFile) -> IrtBenchmark | None:
    """The index benchmark a file (or archive member) holds, by its stem; None if none."""
    stem = file.basename.lower().removesuffix(".csv")
    return next((b for b in IRT_BENCHMARKS if b.stem == stem), None)


def benchmark_row_frame(file: SourceFile) -> pd.DataFrame | None:
    """The ``benchmark_row`` table of one Benchmarking Hub file (None: not an index benchmark).

    The same reading :func:`read_irt_rows` does, kept per file so that each benchmark file's
    vintage carries its own raw rows; model grouping and benchmark release dates are joined
    when the rows are read back (:func:`group_rows`).
    """
    bench = irt_benchmark(file)
    if bench is None:
        return None
    rows = _rows_of(file, bench)
    return pd.DataFrame({
        "benchmark": rows["benchmark"], "model_version": rows["model_version"].astype(str),
        "score": rows["score"].astype(np.float64), "raw": rows["raw"],
        "release_date": rows["version_date"], "run_date": rows["run_date"],
        "provenance": rows["provenance"], "countries": rows["countries"],
    }).reset_index(drop=True)


def benchmark_info_frame(file: SourceFile) -> pd.DataFrame:
    """The ``benchmark_info`` table from Epoch's difficulties file.

    Raises:
        SchemaError: the file lacks ``benchmark_name`` or ``benchmark_release_date``.
    """
    frame = read_csv(file)
    name = file.name
    c_name = find_column(frame, ["benchmark_name"], file=name, required=True)
    c_date = find_column(frame, ["benchmark_release_date"], file=name, required=True)
    assert c_name and c_date
    out = pd.DataFrame({
        "benchmark": frame[c_name].astype("string").str.strip(),
        "release_date": to_dates(frame[c_date], file=name, column=c_date),
    })
    for col, cands in (("difficulty", ["edi"]), ("slope", ["estimated_slope_scaled"])):
        c = find_column(frame, cands, file=name)
        if c:
            out[col] = to_numbers(frame[c], file=name, column=c)
    c_anchor = find_column(frame, ["is_anchor"], file=name)
    if c_anchor:
        out["is_anchor"] = frame[c_anchor].astype("string").str.strip().str.lower() == "true"
    return out[out["benchmark"].notna() & (out["benchmark"] != "")].reset_index(drop=True)


def group_rows(raw: pd.DataFrame, eci: pd.DataFrame, released: pd.Series) -> pd.DataFrame:
    """Raw per-version rows -> the rows the index fits (model groups, countries, dates).

    Args:
        raw: DataFrame[model_version, benchmark, score, raw, version_date, run_date,
            provenance, countries (optional)].
        eci: :func:`read_published_eci`-style frame (model_version, group_name,
            release_date, countries).
        released: benchmark name -> release date.

    Returns:
        The frame :func:`read_irt_rows` documents.
    """
    rows = raw.copy()
    info = eci.drop_duplicates("model_version").set_index("model_version")
    group = rows["model_version"].map(info["group_name"])
    rows["model_name"] = group.fillna(rows["model_version"]).astype(str)
    rows["model_key"] = model_key(rows["model_name"]).astype(str)
    rows["release_date"] = rows["version_date"].fillna(rows["model_version"].map(
        info["release_date"]))
    by_version = dict(zip(eci["model_version"].astype(str), eci["countries"], strict=False))
    own = rows["countries"] if "countries" in rows.columns else pd.Series(
        [[] for _ in range(len(rows))], index=rows.index)
    rows["countries"] = [list(by_version.get(v) or (list(c) if isinstance(c, list | tuple |
                                                                            np.ndarray) else []))
                         for v, c in zip(rows["model_version"].astype(str), own, strict=True)]
    rows["benchmark_release_date"] = pd.to_datetime(rows["benchmark"].map(released))
    cols = ["model_key", "model_name", "model_version", "release_date", "benchmark", "score",
            "raw", "run_date", "benchmark_release_date", "provenance", "countries"]
    out = rows[cols].reset_index(drop=True)
    out["score"] = out["score"].astype(np.float64)
    return out


def read_irt_rows(directory: Path, *, benchmarks: tuple[IrtBenchmark, ...] = IRT_BENCHMARKS
                  ) -> pd.DataFrame:
    """Read the raw rows the index fit uses from an unzipped Benchmarking Hub folder.

    One row per (model version, benchmark, report). Versions are grouped into models by the
    ``Model name`` and release date of Epoch's ECI file; a version it does not list is its
    own model.

    Returns:
        DataFrame[model_key, model_name, model_version, release_date, benchmark, score, raw,
        run_date, benchmark_release_date, provenance, countries]: ``model_key`` /
        ``model_name`` are the model group, ``release_date`` the version's release date,
        ``score`` 0-1 above chance.

    Raises:
        SourceError: a file is missing. SchemaError: a file lacks a needed column.
    """
    eci = read_published_eci(directory)
    frames = [_read_one(directory, b) for b in benchmarks]
    rows = pd.concat(frames, ignore_index=True)
    if not len(rows):
        raise SchemaError("no benchmark rows with a model version and a score", file=str(directory))
    # The ECI file's countries win; the benchmark file's own Country column is not used here
    # (kept as before, so the published agreement figures do not move).
    rows = rows.drop(columns="countries")
    return group_rows(rows, eci, read_benchmark_release_dates(directory))
