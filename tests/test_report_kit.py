"""The report's dates, warnings and per-chart kit (download links, cite line), on the
bundled starter data and the small Epoch-format fixture mirror."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pandas as pd
import pytest

from aigap.store import Store

FIXTURE_MIRROR = Path(__file__).resolve().parent / "fixtures" / "epoch" / "mirror"


@pytest.fixture(scope="module")
def mirror_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aigap.api.data import update_from_dir

    path = tmp_path_factory.mktemp("kit") / "aigap.duckdb"
    with Store(path) as st:
        update_from_dir(st, FIXTURE_MIRROR)
    return path


@pytest.fixture(scope="module")
def page(mirror_store: Path) -> tuple[object, str]:
    from aigap.report.build import build_report
    from aigap.report.html import render_html

    with Store(mirror_store, read_only=True) as st:
        data = build_report("USA", "China", n_boot=50, seed=7, store=st)
    return data, render_html(data)


def test_every_chart_has_downloads_and_a_dated_cite_line(page: tuple[object, str]) -> None:
    data, html = page
    figs = data.figures()  # type: ignore[attr-defined]
    assert figs
    for fig in figs:
        block = html.split(f'id="fig-{fig.key}"', 1)[1].split("</figure>", 1)[0]
        assert f'data-export="png" data-key="{fig.key}"' in block
        assert f'data-export="svg" data-key="{fig.key}"' in block
        csv = re.search(r'download="[^"]+\.csv" href="data:text/csv;charset=utf-8,([^"]+)"',
                        block)
        assert csv, fig.key
        text = unquote(csv.group(1).replace("&amp;", "&"))
        assert text.splitlines()[0] == ",".join(fig.table.columns)
        assert f"aigap {data.version}" in fig.cite  # type: ignore[attr-defined]
        assert re.search(r"\d{4}-\d\d-\d\d", fig.cite), fig.cite
        assert "Reproduce: aigap " in fig.cite
        if not fig.key.startswith("claim-"):
            assert re.search(r"data as of \d{4}-\d\d-\d\d", fig.source), fig.source


def test_lag_cite_names_seed_and_the_reproducing_command(page: tuple[object, str]) -> None:
    data, _ = page
    fig = next(f for f in data.figures() if f.key.startswith("frontier-"))  # type: ignore[attr-defined]
    assert "Seed 7, 50 bootstrap resamples." in fig.cite
    metric = fig.key.removeprefix("frontier-")
    assert (f"aigap lag --leader USA --follower China --attribution inclusive --metric "
            f"{metric} --bootstrap 50 --seed 7") in fig.cite


def test_header_lists_each_sources_data_date(page: tuple[object, str],
                                             mirror_store: Path) -> None:
    from aigap.api import data_sources as sources

    _, html = page
    with Store(mirror_store, read_only=True) as st:
        table = sources(store=st)
    used = table[table["vintages"] > 0]
    header = html.split('id="source-dates"', 1)[1].split("</ul>", 1)[0]
    for row in used.itertuples():
        assert str(row.publisher) in header
        if row.newest_data is not None and not pd.isna(row.newest_data):
            assert pd.Timestamp(row.newest_data).date().isoformat() in header
    assert "aigap report --leader USA --follower China" in html


def test_old_data_gets_a_warning_box(page: tuple[object, str]) -> None:
    data, html = page
    # The fixture's data are years older than today: every computed section warns.
    dated = [s for s in data.sections if s.data_date is not None]  # type: ignore[attr-defined]
    assert dated
    for sec in dated:
        if (data.report_date - sec.data_date).days > 183:  # type: ignore[attr-defined]
            assert any(w.startswith("Old data") for w in sec.warnings), sec.key
    assert '<div class="warning" role="note">Old data' in html


def test_as_of_before_every_vintage_warns_of_hindsight(mirror_store: Path) -> None:
    from aigap.report.build import build_report
    from aigap.report.html import render_html

    with Store(mirror_store, read_only=True) as st:
        data = build_report("USA", "China", n_boot=20, as_of="2024-09-01", store=st,
                            metrics=["eci"])
    html = render_html(data)
    lag = next(s for s in data.sections if s.key == "lag-eci")
    if lag.unavailable is None:
        assert any(w.startswith("Hindsight") for w in lag.warnings), lag.warnings
        assert "Hindsight:" in html


def test_stale_threshold_and_hindsight_wording() -> None:
    from aigap.report.provenance import hindsight_warnings, stale_warning

    today = date(2026, 12, 1)
    assert stale_warning("x", date(2026, 6, 1), today) is None  # 183 days: not yet old
    old = stale_warning("TOP500", date(2021, 6, 1), today)
    assert old and "2021-06-01" in old and "66 months" in old
    sel = SimpleNamespace(warnings=["no vintage of a is as old as 2025-01-01; using the "
                                    "oldest stored (data as of 2025-02-26)", "other"])
    assert len(hindsight_warnings(sel)) == 1


def test_command_is_shell_quoted_and_repeats_lists() -> None:
    from aigap.report.provenance import command

    cmd = command("report", leader="US+allies", follower="open weights", as_of=None,
                  metric=["eci", "mmlu"], seed=0)
    assert cmd == ("aigap report --leader US+allies --follower 'open weights' "
                   "--metric eci --metric mmlu --seed 0")


@pytest.mark.parametrize(("raw", "shown"), [
    ("gpt-5.4-pro-2026-03-05_xhigh", "gpt-5.4-pro (xhigh)"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("gpt-4-0613", "gpt-4-0613"),
    ("DeepSeek-V3", "DeepSeek-V3"),
])
def test_model_label(raw: str, shown: str) -> None:
    from aigap.present.labels import model_label

    assert model_label(raw) == shown


def test_metric_labels_are_readable() -> None:
    from aigap.present.labels import metric_family, metric_label

    assert metric_label("hf_open_llm_v1:hellaswag") == "Open LLM Leaderboard v1: HellaSwag"
    assert metric_label("arena_text:chinese") == "LMArena rating (Chinese prompts)"
    assert ":" not in metric_label("arena_text:hard_6")
    assert metric_family("arena_text:coding") != metric_family("gpqa_diamond")


def test_fraction_scores_are_drawn_in_percent() -> None:
    from aigap.present.charts import frontier_figure

    pts = pd.DataFrame({"group": ["A", "B"], "name": ["a", "b"],
                        "date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                        "value": [0.5, 0.25]})
    fig = frontier_figure(pts, pts, leader="A", follower="B", metric="gpqa_diamond",
                          end=pd.Timestamp("2024-03-01"), arrows=pd.DataFrame(),
                          finding="f", source="s", unit="fraction")
    values = [v["value"] for v in fig.table.to_dict("records")] if "value" in fig.table \
        else fig.table.iloc[:, -1].tolist()
    assert sorted(values) == [25.0, 50.0]
    assert "(% correct)" in str(fig.spec())


def test_trend_line_is_drawn_when_the_result_offers_one() -> None:
    from aigap.present.charts import lag_figure

    series = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=40, freq="D"),
                           "lag_months": [3.0] * 40})
    fitted = pd.DataFrame({"date": series["date"], "fitted": 3.0, "lower": 2.0,
                           "upper": 4.0})
    band = pd.DataFrame(columns=["date", "estimate", "lower", "upper"])
    with_band = lag_figure(series, band, leader="A", follower="B", metric="eci",
                           finding="f", source="s", trend=SimpleNamespace(fitted=fitted))
    spec = str(with_band.spec())
    assert "'fitted'" in spec and "'area'" in spec and "band" in with_band.subtitle
    plain = lag_figure(series, band, leader="A", follower="B", metric="eci", finding="f",
                       source="s", trend=None)
    assert "'fitted'" not in str(plain.spec())


def test_report_cache_reuses_only_for_the_same_data(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from aigap.api.data import update_from_dir
    from aigap.config import get_settings
    from aigap.report.build import build_report

    home = tmp_path / "home"
    monkeypatch.setenv("AIGAP_HOME", str(home))
    with Store(get_settings(home).store_path) as st:
        update_from_dir(st, FIXTURE_MIRROR)
    steps: list[str] = []
    first = build_report(n_boot=20, metrics=["eci"], home=home, progress=steps.append)
    assert not any("Reusing" in s for s in steps)
    steps.clear()
    again = build_report(n_boot=20, metrics=["eci"], home=home, progress=steps.append)
    assert steps == ["Reusing the report built from the same data"]
    assert again.headline == first.headline
    # Other settings, or new data, are computed afresh.
    steps.clear()
    build_report(n_boot=20, seed=1, metrics=["eci"], home=home, progress=steps.append)
    assert not any("Reusing" in s for s in steps)
    with Store(get_settings(home).store_path) as st:
        update_from_dir(st, FIXTURE_MIRROR.parent.parent / "top500")
    steps.clear()
    fresh = build_report(n_boot=20, metrics=["eci"], home=home, progress=steps.append)
    assert not any("Reusing" in s for s in steps)
    assert any(r["source"] == "top500" for r in fresh.source_dates)
    steps.clear()
    build_report(n_boot=20, metrics=["eci"], home=home, progress=steps.append, cache=False)
    assert not any("Reusing" in s for s in steps)


def test_a_leading_follower_is_said_to_be_ahead() -> None:
    from aigap.report.build import _ahead, _ahead_text

    summ = pd.DataFrame({"estimate": [0.2, -5.0], "lower": [0.0, -8.0], "upper": [0.9, -3.5]},
                        index=["lag_mean", "gap_mean"])
    head = {"estimate": 0.2}
    assert _ahead(head, summ)
    assert _ahead_text(summ, "index", 90) == ("its best score was 5.0 points higher on "
                                              "average (90% interval 3.5–8.0)")
    assert "percentage points" in _ahead_text(summ / 100, "fraction", 90)
    behind = summ.assign(estimate=[6.0, 4.0])
    assert not _ahead({"estimate": 6.0}, behind)


def test_headline_sentences_lose_the_jargon() -> None:
    from aigap.present.labels import plain

    s = plain("On ECI, China trails USA by 6.2 months (90% interval 4.9–7.6) on average "
              "(inclusive attribution, tau 1). Slope (90% HAC interval -2.9 to -0.6).")
    assert "tau" not in s and "HAC" not in s
    assert "tolerance 1" in s and "90% interval -2.9 to -0.6" in s


def test_claim_evidence_chart_draws_the_claimed_range() -> None:
    from aigap.present.charts import evidence_figure

    f = pd.DataFrame({"when": ["at the claim's date", "now", "now"],
                      "metric": ["eci", "eci", "gap"], "estimate": [7.0, 3.0, 3.0],
                      "lower": [5.0, 1.0, 2.0], "upper": [9.0, 5.0, 4.0],
                      "unit": ["months", "months", "points"], "verdict": ["a", "b", "c"]})
    fig = evidence_figure(f, key="k", finding="x", source="s", claimed=(24.0, 48.0))
    spec = fig.spec()
    assert spec["width"] == "container"
    assert "'rect'" in str(spec) and "24.0" in str(spec) and "48.0" in str(spec)
    assert "claimed range" in fig.subtitle and "other units" in fig.subtitle
    assert "'rect'" not in str(evidence_figure(f, key="k", finding="x", source="s").spec())
