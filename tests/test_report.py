"""The HTML report and its charts, built from the small Epoch-format fixture mirror."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from aigap.store import Store

FIXTURE_MIRROR = Path(__file__).resolve().parent / "fixtures" / "epoch" / "mirror"


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the bundled starter data (closed again, so others can open it)."""
    from aigap.api.context import ensure_starter

    path = tmp_path_factory.mktemp("report") / "aigap.duckdb"
    with Store(path) as st:
        ensure_starter(st)
    return path


@pytest.fixture(scope="module")
def report_data(fixture_store: Path):  # type: ignore[no-untyped-def]
    from aigap.report.build import build_report

    with Store(fixture_store, read_only=True) as st:
        return build_report("USA", "China", n_boot=100, seed=1, store=st)


def test_sections_present_or_explained(report_data) -> None:  # type: ignore[no-untyped-def]
    keys = [s.key for s in report_data.sections]
    for want in ("compute", "top500", "clusters", "models", "claims", "sources"):
        assert want in keys
    for s in report_data.sections:
        # Every section either has content or a one-line reason.
        assert s.unavailable or s.figures or s.tables or s.items, s.key
        if s.unavailable:
            assert "\n" not in s.unavailable
    # The starter data has no TOP500 lists, only recorded counts: the section shows them and
    # says so; it has no AI-supercomputer data: that section says why instead of failing.
    top = next(s for s in report_data.sections if s.key == "top500")
    assert top.figures
    assert any("Counts recorded from reports of the lists" in t for t in top.text)
    clusters = next(s for s in report_data.sections if s.key == "clusters")
    assert clusters.unavailable
    assert "supercomputer" in clusters.unavailable


def test_headline_matches_lag_api(fixture_store: Path, report_data) -> None:  # type: ignore[no-untyped-def]
    from aigap.api.capability import lag

    assert report_data.headline, "the bundled snapshot has ECI scores for both groups"
    h = report_data.headline[0]
    with Store(fixture_store, read_only=True) as st:
        rep = lag("USA", "China", h["metric"], bootstrap=100, seed=1, store=st)
    assert h["lag_mean"] == pytest.approx(rep.headline["estimate"])
    assert h["lag_lower"] == pytest.approx(rep.headline["lower"])
    assert h["lag_lower"] <= h["lag_mean"] <= h["lag_upper"]
    assert h["verdict"] in ("closing", "widening", "no clear trend", "depends on the window",
                            "too few records")
    assert report_data.bundled_snapshot is not None  # a first run: the bundled snapshot


def test_html_is_self_contained(report_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from aigap.report.html import write_report

    path = write_report(report_data, tmp_path / "r.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    # No external resource: no src/href to http(s), no stylesheet links, CSP forbids requests.
    assert not re.search(r"""(src|href)=["']?https?://""", text)
    assert "<link" not in text
    assert "default-src 'none'" in text
    assert "window.vegaEmbed" in text  # the inline bundle
    # Every figure has its spec, a source line and a data table.
    for fig in report_data.figures():
        spec_tag = f'id="spec-{fig.key}"'
        assert spec_tag in text
        assert fig.source.startswith("Source:")
    assert text.count("Data table for this chart") == len(report_data.figures())
    assert "CC BY 4.0" in text
    assert "docs/methods.md" in text


def test_specs_are_valid_vega_lite(report_data) -> None:  # type: ignore[no-untyped-def]
    import vl_convert as vlc

    from aigap.present.vega import vega_lite_version as _vl_version

    for fig in report_data.figures():
        svg = vlc.vegalite_to_svg(fig.spec(), vl_version=_vl_version())
        assert "<svg" in svg and len(svg) > 2000, fig.key
        json.dumps(fig.spec())  # plain JSON


def test_export_charts_png_and_svg(report_data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from aigap.report.html import export_charts

    figs = report_data.figures()[:2]
    files = export_charts(figs, tmp_path / "png", scale=1)
    assert len(files) == 3 * len(figs)
    for f in files:
        data = f.read_bytes()
        if f.suffix == ".png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
        elif f.suffix == ".svg":
            assert b"<svg" in data
            # the file carries its finding and its dated source line
            fig = next(g for g in figs if g.key == f.stem)
            assert fig.source.split(",")[0].replace("Source: ", "")[:20].encode() in data
        else:
            assert data.decode().splitlines()[0] == ",".join(
                next(g for g in figs if g.key == f.stem).table.columns)


def test_frontier_figure_planted_records() -> None:
    from aigap.present.charts import frontier_figure

    pts = pd.DataFrame({"group": ["A", "A", "B", "B"], "name": ["a1", "a2", "b1", "b2"],
                        "date": pd.to_datetime(["2024-01-01", "2024-06-01", "2024-03-01",
                                                "2024-09-01"]), "value": [1.0, 2.0, 0.5, 1.5]})
    recs = pts.copy()
    arrows = pd.DataFrame({"date": [pd.Timestamp("2024-09-01")],
                           "start": [pd.Timestamp("2024-05-31")], "value": [1.5],
                           "months": [3.0]})
    fig = frontier_figure(pts, recs, leader="A", follower="B", metric="eci",
                          end=pd.Timestamp("2024-12-31"), arrows=arrows, finding="B trails A",
                          source="Source: test.")
    spec = json.dumps(fig.spec())
    # The page's spec follows its container's width; title and source are page text.
    assert fig.spec()["width"] == "container" and "B trails A" not in spec
    export = json.dumps(fig.export_spec())
    assert "B trails A" in export and "Source: test." in export
    assert "3.0 months" in spec  # the lag arrow label
    assert "2024-12-31" in spec  # frontiers extended to the end date
    assert "#0072B2" in spec and "#D55E00" in spec  # Okabe–Ito leader/follower
    assert len(fig.table) == 4


def test_missing_sections_say_why(tmp_path: Path) -> None:
    """An empty store gets the starter data; absent sections become notices, not errors."""
    from aigap.report.build import build_report
    from aigap.report.html import render_html

    with Store(tmp_path / "s.duckdb") as st:
        data = build_report(n_boot=20, store=st)
        text = render_html(data)
    assert "Not available:" in text
    assert text.count("<section") == len(data.sections)
    assert 'id="methods"' in text


def test_bad_flags_raise_query_error(fixture_store: Path) -> None:
    from aigap.errors import QueryError
    from aigap.report.build import build_report

    with Store(fixture_store, read_only=True) as st:
        with pytest.raises(QueryError, match=r"^as_of:"):
            build_report(as_of="2025-13-40", store=st)
        with pytest.raises(QueryError):
            build_report(follower="Atlantis", store=st)


def test_cli_report(cli, fixtures: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = cli("update", "--from", str(fixtures / "epoch" / "mirror"))
    assert res.code == 0, res.err
    out = tmp_path / "r.html"
    res = cli("report", "-o", str(out), "--bootstrap", "50", "--metric", "eci")
    assert res.code == 0, res.err
    assert out.stat().st_size > 100_000
    res = cli("report", "-o", str(out), "--as-of", "yesterday")
    assert res.code == 2
    assert "--as-of" in res.err


@pytest.mark.slow
def test_report_on_shared_data(shared_data: Path, tmp_path: Path) -> None:
    from aigap.api.data import update_from_dir
    from aigap.report.build import build_report
    from aigap.report.html import write_report

    with Store(tmp_path / "s.duckdb") as st:
        update_from_dir(st, shared_data)
        data = build_report(n_boot=200, store=st)
    assert {h["metric"] for h in data.headline} >= {"eci"}
    eci = next(h for h in data.headline if h["metric"] == "eci")
    # Epoch AI reports a US–China ECI lag of roughly 7 months (2026); ours must be near.
    assert 3 < eci["lag_mean"] < 12
    assert all(not s.unavailable for s in data.sections if s.key in ("compute", "top500"))
    write_report(data, tmp_path / "r.html")
