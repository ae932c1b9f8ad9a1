"""The claim schema: what a registry entry (YAML) must contain, validated with pydantic.

A claim records who said what, where and when, in the project's own words, and either a
machine-checkable test (``tests``) or recorded figures (``record``) when no data source can
test it yet. See docs/claims.md for the fields and an example.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Metric families a test can use, and what each measures.
FAMILIES: dict[str, str] = {
    "capability_lag": "months the follower trails the leader (daily lag, Epoch's method)",
    "vertical_gap": "leader best minus follower best on a benchmark (points or pp)",
    "benchmark_pp_gap": "vertical gap in percentage points at a date (AI Index style)",
    "arena_pct_gap": "(top leader rating - top follower rating) / top follower, in %",
    "trend": "is the capability lag closing or widening (aigap trend's record-growth test)",
    "compute": "training-compute growth per year or compute lag (rolling top-N trend)",
    "share": "a country's share of GPU-cluster 16-bit performance",
    "count": "a country's count in an indicator such as TOP500 systems",
    "parity": "months from a reference model's release to the follower's first match",
    "chip_ratio": "one chip's specification relative to another's (Epoch ML hardware)",
    "indicator": "a country indicator in a year (OWID/CSET): value, ratio or share",
    "leaderboard_rank": "a model's rank on the Open LLM Leaderboard as it stood on a date",
    "model_count": "notable models released by a group in a year (Epoch AI Models)",
    "hardware_share": "share of a group's models trained on a vendor's chips (Epoch AI Models)",
    "institutions": "a country's institutions publishing at top AI conferences (CSRankings): "
                    "how many, or how many among the top N",
}

#: Metrics tried, in order, when a capability claim does not name one.
DEFAULT_METRICS: tuple[str, ...] = ("eci", "gpqa_diamond", "mmlu", "arena_text")

#: Statistics per family (the first is the default).
STATISTICS: dict[str, tuple[str, ...]] = {
    "capability_lag": ("lag_end", "lag_mean", "lag_min", "lag_max"),
    "vertical_gap": ("gap_end", "gap_mean"),
    "benchmark_pp_gap": ("gap_end",),
    "arena_pct_gap": ("gap_pct",),
    "trend": ("lag_slope",),
    "compute": ("follower_growth", "leader_growth", "lag_years", "slope_diff"),
    "share": ("share",),
    "count": ("count",),
    "parity": ("months_to_parity",),
    "chip_ratio": ("ratio", "slowdown"),
    "indicator": ("value", "ratio", "share"),
    "leaderboard_rank": ("rank",),
    "model_count": ("count",),
    "hardware_share": ("share",),
    "institutions": ("count", "top_n"),
}

#: How a claimed range is read: ``about`` a stated figure plus a tolerance (supported when
#: the measured interval overlaps it), or a ``range``/bound the value must lie in (supported
#: when the whole interval lies inside).
Reading = Literal["about", "range"]

Horizon = Literal["claim_date", "since_claim", "fixed"]


class Source(BaseModel):
    """Where a recorded figure comes from."""

    model_config = ConfigDict(extra="forbid")

    name: str
    url: str | None = None


class RecordedFigure(BaseModel):
    """A figure cited in a claim, kept as an indicator row (no verdict)."""

    model_config = ConfigDict(extra="forbid")

    indicator_id: str
    country: str
    date: date
    value: float
    unit: str
    label: str | None = None
    source_name: str
    source_url: str | None = None


class ClaimTest(BaseModel):
    """A machine-checkable test of a claim.

    ``low``/``high`` bound the claimed range (either may be open); ``direction`` is for trend
    claims ("closing"/"widening"). ``horizon``: evaluate on each evaluation date
    (``claim_date``), over every date since the claim (``since_claim``: the range must hold
    throughout), or at a fixed date the claim names (``fixed`` with ``at``).
    """

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    family: str
    leader: str = "USA"
    follower: str = "China"
    attribution: str = "inclusive"
    metrics: list[str] | None = None
    statistic: str | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    direction: Literal["closing", "widening"] | None = None
    horizon: Horizon = "claim_date"
    at: date | None = None
    since: date | None = None
    tau: float | None = None
    # compute
    top: int = Field(default=10, ge=1)
    # share / count
    country: str | None = None
    indicator: str | None = None
    max_staleness_days: int = Field(default=183, ge=0)
    # parity
    reference_models: list[str] | None = None
    reference_date: date | None = None
    # how the claim is read: the stated figure, the tolerance and why
    reading: Reading | None = None
    value: float | None = None
    tolerance: str | None = None
    # the claim says what will happen (asked "has it come true", on data after the claim)
    future: bool = False
    # arena: keys left out as the claim's source did (default: anonymous/pre-release)
    exclude_models: list[str] | None = None
    # chip_ratio
    chip: str | None = None
    reference_chip: str | None = None
    spec: Literal["fp16", "memory_bandwidth", "intranode_bandwidth"] = "fp16"
    # indicator / model_count / hardware_share / institutions (last year)
    year: int | None = None
    # institutions: CSRankings area codes (default its AI areas)
    areas: list[str] | None = None
    domain: str | None = None
    other: str | None = None
    # leaderboard_rank
    board: str = "hf-open-llm"
    models: list[str] | None = None
    note: str | None = None

    @field_validator("family")
    @classmethod
    def _family(cls, v: str) -> str:
        if v not in FAMILIES:
            raise ValueError(f"unknown metric family {v!r}; expected one of "
                             f"{', '.join(FAMILIES)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ClaimTest:
        allowed = STATISTICS[self.family]
        if self.statistic is None:
            self.statistic = allowed[0]
        elif self.statistic not in allowed:
            raise ValueError(f"statistic: {self.statistic!r} is not one of "
                             f"{', '.join(allowed)} for family {self.family}")
        if self.family == "trend":
            if self.direction is None:
                raise ValueError("direction: a trend test needs closing or widening")
        elif self.low is None and self.high is None:
            raise ValueError("low/high: give the claimed range (at least one bound)")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low/high: range upside down (low {self.low} > high "
                             f"{self.high})")
        if self.horizon == "fixed" and self.at is None:
            raise ValueError("at: a fixed-horizon test needs the date it is about")
        if self.family == "parity" and (not self.reference_models
                                        or self.reference_date is None):
            raise ValueError("reference_models/reference_date: a parity test needs both")
        if self.family == "chip_ratio" and not (self.chip and self.reference_chip):
            raise ValueError("chip/reference_chip: a chip_ratio test needs both chips")
        if self.family == "indicator" and not (self.indicator and self.year):
            raise ValueError("indicator/year: an indicator test needs the indicator and year")
        if self.family == "leaderboard_rank" and not (self.models and self.at):
            raise ValueError("models/at: a leaderboard test needs the models and the date")
        if self.family == "hardware_share" and not (self.chip and self.since):
            raise ValueError("chip/since: a hardware_share test needs the vendor and the start")
        if self.family == "institutions" and not (self.country and self.since and self.year):
            raise ValueError("country/since/year: an institutions test needs the country and "
                             "the first (since) and last (year) years")
        if self.family == "model_count" and not self.year:
            raise ValueError("year: a model_count test needs the year")
        if self.family in ("share", "count", "indicator") and not self.country:
            raise ValueError("country: a share/count test needs the country")
        if self.family == "count" and not self.indicator:
            raise ValueError("indicator: a count test needs the indicator id")
        return self

    def metric_list(self) -> list[str]:
        """The metrics this test is run on (the default set when none is named)."""
        if self.metrics:
            return list(self.metrics)
        if self.family in ("capability_lag", "trend"):
            return list(DEFAULT_METRICS)
        if self.family == "arena_pct_gap":
            return ["arena_text"]
        return []

    @property
    def about(self) -> bool:
        """True when the test reads a stated figure ("about X"), not a range to lie in."""
        if self.reading is not None:
            return self.reading == "about"
        return self.value is not None

    @property
    def about_future(self) -> bool:
        """True when the claim says what will happen (a range to hold from the claim on, a
        trend after the claim): only then is "has it come true" asked."""
        return self.future or self.horizon == "since_claim" or self.family == "trend"


class Claim(BaseModel):
    """One dated public claim."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    speaker: str
    publication: str
    url: str | None = None
    date: date
    date_note: str | None = None
    claim: str = Field(min_length=10)
    tests: list[ClaimTest] = Field(default_factory=list)
    record: list[RecordedFigure] = Field(default_factory=list)
    note: str | None = None
    #: for a claim left "recorded": the public dataset that would test it
    needs: str | None = None

    @model_validator(mode="after")
    def _has_content(self) -> Claim:
        if not self.tests and not self.record:
            raise ValueError("tests/record: a claim needs a test or recorded figures")
        return self

    @property
    def testable(self) -> bool:
        return bool(self.tests)
