"""The README's main command on a machine with no network and no data: the bundled Epoch AI
snapshot (plus the starter data for what it lacks) gives a labelled report with lags on ECI,
GPQA Diamond and MMLU, claim verdicts and TOP500 counts recorded from reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


@pytest.mark.slow
def test_report_offline_from_an_empty_home(cli, home: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGAP_OFFLINE", "1")
    assert not home.exists()
    out = tmp_path / "report.html"
    r = cli("report", "-o", str(out), "--bootstrap", "200")
    assert r.code == 0, r.err
    html = out.read_text(encoding="utf-8")
    headline = html[html.index('id="headline"'):]
    headline = re.sub(r"<[^>]+>", " ", headline[: headline.index("</div>")])
    assert "ECI (Epoch Capabilities Index)" in headline
    assert "GPQA Diamond" in headline
    assert "MMLU" in headline
    assert "China trails USA by" in headline
    # The report and the command say it is the bundled snapshot, and of which date.
    from aigap.sources.bundled import snapshot_date

    stamp = snapshot_date().isoformat()
    assert f"Epoch AI snapshot of {stamp} bundled with aigap" in html
    assert stamp in r.out
    # Claims the starter data can test get verdicts; the others say why not.
    assert re.search(r"then: (supported|contradicted|inconclusive)", html)
    assert "then: recorded" in html or "recorded" in html
    # TOP500 from the recorded counts, labelled as such.
    top = html[html.index('id="top500"'):]
    assert "Counts recorded from reports of the lists" in top[:20000]


def test_update_without_network_says_so(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AIGAP_OFFLINE", "1")
    r = cli("update", "--source", "epoch-models")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1
    assert "--from DIR" in lines[0]
