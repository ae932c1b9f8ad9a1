"""Reader-facing names and units: metrics, metric families, models, scales and statistics.

Every door (CLI sentences, chart titles, the dashboard's pickers) names a metric or a unit
through this module, so "ECI" or "percentage points" reads the same everywhere.
"""

from __future__ import annotations

import re

__all__ = ["METRIC_NAMES", "SCALE_UNITS", "metric_family", "metric_label", "model_label",
           "plain", "scale_unit"]

#: Jargon in result sentences -> the words a reader knows (docs/report.md's glossary has the
#: technical terms).
_PLAIN = ((re.compile(r"\btau (\d+(?:\.\d+)?)"), r"tolerance \1"),
          (re.compile(r"\b(\d+% )HAC interval"), r"\1interval"),
          (re.compile(r"matched-predecessor lag"), "lag behind the matching earlier model"))

#: Reader-facing names of common metrics.
METRIC_NAMES = {
    "eci": "ECI (Epoch Capabilities Index)",
    "aci": "aci (aigap Capability Index)",
    "gpqa_diamond": "GPQA Diamond",
    "mmlu": "MMLU",
    "math_level_5": "MATH Level 5",
    "math_500": "MATH-500",
    "frontiermath": "FrontierMath",
    "frontiermath_tier_4": "FrontierMath Tier 4",
    "swe_bench_verified": "SWE-bench Verified",
    "swe_bench_bash": "SWE-bench (bash only)",
    "hle": "Humanity's Last Exam",
    "otis_mock_aime_2024_2025": "OTIS Mock AIME",
    "humaneval": "HumanEval",
    "arena_text": "LMArena text rating",
    "webdev_arena": "WebDev Arena rating",
    "mt_bench": "MT-Bench",
    "hf_open_llm_v1_avg": "Open LLM Leaderboard v1 average",
    "hf_open_llm_v2_avg": "Open LLM Leaderboard v2 average",
    "hella_swag": "HellaSwag",
    "wino_grande": "WinoGrande",
    "gsm8k": "GSM8K",
    "bbh": "BIG-Bench Hard",
    "arc_agi": "ARC-AGI",
    "arc_agi_2": "ARC-AGI-2",
    "arc_ai2": "AI2 ARC",
    "metr_time_horizons": "METR time horizons",
    "os_world": "OSWorld",
    "gdpval": "GDPval",
    "simpleqa_verified": "SimpleQA Verified",
    "trivia_qa": "TriviaQA",
    "piqa": "PIQA",
    "bool_q": "BoolQ",
    "live_bench": "LiveBench",
}

#: Names of the parts after ``family:`` in ids such as ``hf_open_llm_v1:hellaswag``.
_PART_NAMES = {"arc": "ARC", "hellaswag": "HellaSwag", "mmlu": "MMLU",
               "truthfulqa": "TruthfulQA", "if": "instruction following",
               "hard_6": "hard prompts", "hard_english_6": "hard English prompts",
               "long_user": "long queries", "no_refusal": "excluding refusals",
               "no_short": "excluding short answers", "no_tie": "excluding ties",
               "multiturn": "multi-turn"}

#: Families of metrics for grouped pickers: id prefix -> family name.
_FAMILIES = (("arena_text", "LMArena (human preference ratings)"),
             ("webdev_arena", "LMArena (human preference ratings)"),
             ("mt_bench", "LMArena (human preference ratings)"),
             ("hf_open_llm", "Hugging Face Open LLM Leaderboard"),
             ("eci", "Epoch Capabilities Index"))

#: Unit of score points per scale.
SCALE_UNITS = {"fraction": "score (0-1)", "percent": "percentage points", "index": "points",
               "points": "points", "rating": "rating points"}


def metric_label(metric: str) -> str:
    """A reader-facing name for a metric id (a tidied id when it has no registered name)."""
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    if ":" in metric:
        family, part = metric.split(":", 1)
        if family == "arena_text":
            pretty = _PART_NAMES.get(part) or part.replace("_", " ").capitalize() + " prompts"
            return f"LMArena rating ({pretty})"
        return f"{metric_label(family)}: {_PART_NAMES.get(part, part.replace('_', ' '))}"
    if metric.startswith("hf_open_llm_v"):
        return "Open LLM Leaderboard " + metric.removeprefix("hf_open_llm_").replace("_", " ")
    return metric.replace("_", " ").strip().capitalize() if "_" in metric else metric


def metric_family(metric: str) -> str:
    """The family a metric belongs to, for grouping pickers (benchmarks by default)."""
    for prefix, family in _FAMILIES:
        if metric.startswith(prefix):
            return family
    return "Epoch AI benchmarks"


_DATE_SUFFIX = re.compile(r"[-_@]20\d\d-?[01]\d-?[0-3]\d(?=$|[-_])")


def model_label(name: str) -> str:
    """A shorter reader-facing model name: release-date suffixes dropped, a reasoning-effort
    suffix in brackets ("gpt-5.4-pro-2026-03-05_xhigh" -> "gpt-5.4-pro (xhigh)")."""
    text = str(name)
    effort = ""
    m = re.search(r"_(minimal|low|medium|high|xhigh|max)$", text)
    if m:
        effort, text = f" ({m.group(1)})", text[: m.start()]
    text = _DATE_SUFFIX.sub("", text)
    return (text or str(name)) + effort


def plain(sentence: str) -> str:
    """A result sentence without statistical jargon ("tau 1" -> "tolerance 1", "90% HAC
    interval" -> "90% interval"), for headlines; the methods section explains the terms."""
    for pattern, words in _PLAIN:
        sentence = pattern.sub(words, sentence)
    return sentence


def scale_unit(scale: str | None) -> str:
    """The unit of one point on a metric's scale."""
    return SCALE_UNITS.get(scale or "", "points")
