"""Export-control chip variants vs flagships: hand-made frame and real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.chips import CHIPS, chip_comparison, match_chip
from aigap.errors import QueryError


def hardware() -> pd.DataFrame:
    """Hand-made figures in Epoch's naming style (round numbers, not copied rows)."""
    rows = [
        ("NVIDIA A100 PCIe", 300e12, 1.9e12, 600e9),
        ("NVIDIA A100 SXM4 80 GB", 300e12, 2.0e12, 600e9),
        ("NVIDIA A800 SXM", 300e12, 2.0e12, 400e9),
        ("NVIDIA H100 PCIe", 750e12, 2.0e12, 600e9),
        ("NVIDIA H100 SXM5 80GB", 1000e12, 3.0e12, 900e9),
        ("NVIDIA GH100", 1000e12, 3.0e12, None),
        ("NVIDIA H200 SXM", 1000e12, 4.8e12, 900e9),
        ("NVIDIA HGX H20", 150e12, 4.0e12, 900e9),
        ("Huawei Ascend 910B Pro", None, 1.2e12, None),
        ("Huawei Ascend 910B", None, 1.2e12, 400e9),
        ("Huawei Ascend 910B3", None, 1.6e12, None),
    ]
    return pd.DataFrame(
        rows, columns=["name", "fp16_tensor_flops", "memory_bandwidth", "intranode_bandwidth"]
    )


def test_ratios_and_missing_rows() -> None:
    out = chip_comparison(hardware()).set_index(["variant", "flagship"])
    a800 = out.loc[("A800", "A100")]
    assert a800["flagship_name"] == "NVIDIA A100 SXM4 80 GB"  # SXM preferred over PCIe
    assert a800["fp16_ratio"] == pytest.approx(1.0)
    assert a800["intranode_bandwidth_ratio"] == pytest.approx(400 / 600)
    h20 = out.loc[("H20", "H100")]
    assert h20["variant_name"] == "NVIDIA HGX H20"  # not H200
    assert h20["flagship_name"] == "NVIDIA H100 SXM5 80GB"  # not GH100 or PCIe
    assert h20["fp16_ratio"] == pytest.approx(0.15)
    assert h20["memory_bandwidth_ratio"] == pytest.approx(4 / 3)
    h800 = out.loc[("H800", "H100")]  # absent: listed, not dropped
    assert not h800["variant_found"]
    assert h800["flagship_found"]
    assert np.isnan(h800["fp16_ratio"])
    assert "H800 not in data" in h800["missing"]
    b = out.loc[("Ascend 910B", "H100")]
    assert b["variant_name"] == "Huawei Ascend 910B"  # the plain name over B3 / Pro
    assert np.isnan(b["fp16_ratio"])
    assert "Ascend 910B fp16" in b["missing"]
    assert b["memory_bandwidth_ratio"] == pytest.approx(0.4)
    assert len(out) == 7
    assert not out.loc[("Ascend 910C", "A100")]["variant_found"]


def test_plain_fp16_fills_tensor_gap() -> None:
    hw = hardware()
    hw["fp16_flops"] = np.where(hw["name"].str.contains("Ascend"), 400e12, 80e12)
    out = chip_comparison(hw).set_index(["variant", "flagship"])
    b = out.loc[("Ascend 910B", "A100")]
    assert b["fp16_ratio"] == pytest.approx(400 / 300)
    assert b["variant_fp16_basis"] == "fp16"
    assert b["flagship_fp16_basis"] == "tensor"  # tensor figure kept when present


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("h100-sxm5", "H100"),
        ("NVIDIA H100", "H100"),
        ("A800 PCIe 40GB", "A800"),
        ("HUAWEI ASCEND 910C", "Ascend 910C"),
        ("Ascend 910B4", "Ascend 910B"),
    ],
)
def test_match_is_robust_to_spelling(spelling: str, label: str) -> None:
    frame = pd.DataFrame({"name": ["NVIDIA H200", "NVIDIA GH100", spelling]})
    assert match_chip(frame, CHIPS[label]) == 2


def test_errors() -> None:
    with pytest.raises(QueryError, match="unknown chip"):
        chip_comparison(hardware(), pairs=(("B200", "H100"),))
    with pytest.raises(QueryError, match="name"):
        chip_comparison(hardware().drop(columns="name"))


@pytest.mark.slow
@pytest.mark.shared
def test_real_hardware(shared_data: Path) -> None:
    from aigap.sources import get_source
    from aigap.sources.base import SourceFile

    path = shared_data / "epoch" / "hardware" / "ml_hardware.csv"
    frame = get_source("epoch-hardware").parse(SourceFile.from_path(path))[0].frames["hardware"]
    out = chip_comparison(frame)
    cols = [
        "variant",
        "flagship",
        "variant_name",
        "flagship_name",
        "fp16_ratio",
        "memory_bandwidth_ratio",
        "intranode_bandwidth_ratio",
        "missing",
    ]
    with pd.option_context("display.width", 250):
        print("\n" + out[cols].to_string())
    assert out["variant_found"].all()
    assert out["flagship_found"].all()
    row = out.set_index(["variant", "flagship"]).loc[("H20", "H100")]
    assert 0.1 < row["fp16_ratio"] < 0.2  # H20: about 15% of H100 dense 16-bit throughput
