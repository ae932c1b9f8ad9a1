"""Reader-facing names and units: metrics, scales and statistics.

Every door (CLI sentences, chart titles, the dashboard's pickers) names a metric or a unit
through this module, so "ECI" or "percentage points" reads the same everywhere.
"""

from __future__ import annotations

__all__ = ["METRIC_NAMES", "SCALE_UNITS", "metric_label", "scale_unit"]

#: Reader-facing names of common metrics.
METRIC_NAMES = {
    "eci": "ECI (Epoch Capabilities Index)",
    "aci": "aci (aigap Capability Index)",
    "gpqa_diamond": "GPQA Diamond",
    "mmlu": "MMLU",
    "math_level_5": "MATH Level 5",
    "frontiermath": "FrontierMath",
    "swe_bench_verified": "SWE-bench Verified",
    "arena_text": "LMArena text rating",
    "hf_open_llm_v2_avg": "Open LLM Leaderboard v2 average",
}

#: Unit of score points per scale.
SCALE_UNITS = {"fraction": "score (0-1)", "percent": "percentage points", "index": "points",
               "points": "points", "rating": "rating points"}


def metric_label(metric: str) -> str:
    """A reader-facing name for a metric id (the id itself when unknown)."""
    if metric.startswith("arena_text:"):
        return f"LMArena rating ({metric.split(':', 1)[1]} prompts)"
    return METRIC_NAMES.get(metric, metric)


def scale_unit(scale: str | None) -> str:
    """The unit of one point on a metric's scale."""
    return SCALE_UNITS.get(scale or "", "points")
