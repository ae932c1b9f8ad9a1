"""Export-control chip variants against their flagship counterparts.

NVIDIA cut down its flagship data-centre GPUs to meet US export rules for China (A800 for
the A100, H800 and later H20 for the H100), and Huawei's Ascend 910B/910C are China's
domestic alternatives. :func:`chip_comparison` lines each up against its flagship on dense
16-bit throughput, memory bandwidth and intranode (chip-to-chip) bandwidth, from Epoch AI's
ML hardware table (CC BY 4.0).

Names are matched by patterns on a normalised name (lower case, punctuation as spaces),
trying the flagship form factor first (SXM before PCIe), so "NVIDIA H100 SXM5 80GB",
"H100 SXM" and "h100-sxm5" all match H100. A chip the data lacks is reported with
``*_found = False`` and empty ratios, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aigap.errors import QueryError

__all__ = ["CHIPS", "CHIP_PAIRS", "ChipSpec", "chip_comparison", "match_chip"]


@dataclass(frozen=True)
class ChipSpec:
    """A chip to find: its label and name patterns, most preferred first."""

    label: str
    patterns: tuple[str, ...]


CHIPS: dict[str, ChipSpec] = {
    s.label: s
    for s in (
        ChipSpec("A100", (r"\ba100\b.*\bsxm\w*\b.*\b80\b", r"\ba100\b.*\bsxm", r"\ba100\b")),
        ChipSpec("A800", (r"\ba800\b.*\bsxm", r"\ba800\b")),
        ChipSpec("H100", (r"\bh100\b.*\bsxm", r"\bh100\b(?!.*\b(?:pcie|nvl)\b)", r"\bh100\b")),
        ChipSpec("H800", (r"\bh800\b.*\bsxm", r"\bh800\b")),
        ChipSpec("H20", (r"\bh20\b",)),
        ChipSpec("Ascend 910B", (r"\bascend 910b$", r"\b910b\b(?!.*\bpro\b)", r"\b910b\w*")),
        ChipSpec("Ascend 910C", (r"\bascend 910c$", r"\b910c\b")),
    )
}

CHIP_PAIRS: tuple[tuple[str, str], ...] = (
    ("A800", "A100"),
    ("H800", "H100"),
    ("H20", "H100"),
    ("Ascend 910B", "A100"),
    ("Ascend 910B", "H100"),
    ("Ascend 910C", "A100"),
    ("Ascend 910C", "H100"),
)

_METRICS = {
    "fp16": "dense 16-bit tensor FLOP/s",
    "memory_bandwidth": "memory bandwidth, byte/s",
    "intranode_bandwidth": "intranode (chip-to-chip) bandwidth, byte/s",
}


def _normalise(names: pd.Series) -> pd.Series:
    return (
        names.astype("string")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", " ", regex=True)
        .str.strip()
        .fillna("")
    )


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats, or all-NaN when the frame lacks it."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _fp16(hardware: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Dense 16-bit throughput and which column it came from.

    ``fp16_tensor_flops`` first; when a frame also carries ``fp16_flops`` (plain FP16, the
    only 16-bit figure Epoch gives for Huawei's Ascend chips, whose matrix units do the
    FP16 work), it fills the gaps.
    """
    tensor = _numeric(hardware, "fp16_tensor_flops")
    basis = pd.Series(None, index=hardware.index, dtype=object).where(tensor.isna(), "tensor")
    if "fp16_flops" in hardware.columns:
        plain = pd.to_numeric(hardware["fp16_flops"], errors="coerce")
        fill = tensor.isna() & plain.notna()
        tensor = tensor.where(~fill, plain)
        basis = basis.where(~fill, "fp16")
    return tensor.astype(float), basis


def match_chip(hardware: pd.DataFrame, spec: ChipSpec) -> int | None:
    """Row position of the best match for ``spec`` in ``hardware``, or None.

    Among rows matching the first pattern that matches anything, the one with the most of
    the compared figures present wins, then the shortest name (the plain model name).
    """
    norm = _normalise(hardware["name"])
    fp16, _ = _fp16(hardware)
    filled = fp16.notna().astype(int)
    for col in ("memory_bandwidth", "intranode_bandwidth"):
        if col in hardware.columns:
            filled += pd.to_numeric(hardware[col], errors="coerce").notna().astype(int)
    for pattern in spec.patterns:
        hit = norm.str.contains(pattern, regex=True, flags=re.IGNORECASE).to_numpy(bool)
        if hit.any():
            pos = np.flatnonzero(hit)
            order = np.lexsort((norm.str.len().to_numpy()[pos], -filled.to_numpy()[pos]))
            return int(pos[order[0]])
    return None


def chip_comparison(
    hardware: pd.DataFrame, pairs: tuple[tuple[str, str], ...] = CHIP_PAIRS
) -> pd.DataFrame:
    """Each export-control or domestic variant against its flagship, as ratios.

    Args:
        hardware: canonical hardware frame (see :data:`aigap.schema.HARDWARE`).
        pairs: (variant, flagship) labels from :data:`CHIPS`.

    Returns:
        One row per pair: variant, flagship, variant_name, flagship_name (as the data
        spells them), variant_found, flagship_found, then for each metric (fp16,
        memory_bandwidth, intranode_bandwidth) the variant's and flagship's values and
        ``<metric>_ratio`` = variant / flagship (empty when either value is missing), the
        16-bit basis of each chip ("tensor" or "fp16"), and ``missing``: what is absent.

    Raises:
        QueryError: an unknown chip label or a frame without a name column.
    """
    if "name" not in hardware.columns:
        raise QueryError("hardware frame lacks column 'name' needed for the chip comparison")
    unknown = sorted({c for p in pairs for c in p} - set(CHIPS))
    if unknown:
        raise QueryError(f"unknown chip label(s) {unknown}; known: {sorted(CHIPS)}")
    hw = hardware.reset_index(drop=True)
    fp16, basis = _fp16(hw)
    values = {
        "fp16": fp16,
        "memory_bandwidth": _numeric(hw, "memory_bandwidth"),
        "intranode_bandwidth": _numeric(hw, "intranode_bandwidth"),
    }
    found = {label: match_chip(hw, CHIPS[label]) for label in {c for p in pairs for c in p}}
    rows = []
    for variant, flagship in pairs:
        iv, ifl = found[variant], found[flagship]
        row: dict[str, object] = {
            "variant": variant,
            "flagship": flagship,
            "variant_name": None if iv is None else str(hw["name"].iloc[iv]),
            "flagship_name": None if ifl is None else str(hw["name"].iloc[ifl]),
            "variant_found": iv is not None,
            "flagship_found": ifl is not None,
        }
        missing = [f"{lab} not in data" for lab, i in ((variant, iv), (flagship, ifl)) if i is None]
        for metric in _METRICS:
            series = values[metric]
            v = np.nan
            f = np.nan
            v = float(series.iloc[iv]) if iv is not None else np.nan
            f = float(series.iloc[ifl]) if ifl is not None else np.nan
            row[f"variant_{metric}"] = v
            row[f"flagship_{metric}"] = f
            ok = np.isfinite(v) and np.isfinite(f) and f > 0
            row[f"{metric}_ratio"] = v / f if ok else np.nan
            for lab, i, val in ((variant, iv, v), (flagship, ifl, f)):
                if i is not None and not np.isfinite(val):
                    missing.append(f"{lab} {metric}")
        row["variant_fp16_basis"] = None if iv is None else basis.iloc[iv]
        row["flagship_fp16_basis"] = None if ifl is None else basis.iloc[ifl]
        row["missing"] = "; ".join(missing)
        rows.append(row)
    return pd.DataFrame(rows)
