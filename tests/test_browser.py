"""The report and the dashboard in real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aigap.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FIXTURE_MIRROR = Path(__file__).resolve().parent / "fixtures" / "epoch" / "mirror"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing in CI (install Debian's chromium)")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the bundled starter data (frontier LLMs with benchmark scores)."""
    from aigap.api.context import ensure_starter

    path = tmp_path_factory.mktemp("browser") / "aigap.duckdb"
    with Store(path) as st:
        ensure_starter(st)
    return path


def test_report_offline_renders_every_chart(browser: Any, tmp_path: Path) -> None:
    from aigap.report.build import build_report
    from aigap.report.html import write_report

    with Store(tmp_path / "starter.duckdb") as st:  # empty -> bundled starter data
        data = build_report(n_boot=50, store=st)
    path = write_report(data, tmp_path / "report.html")
    ctx = browser.new_context(offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(
        ("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    n = len(data.figures())
    page.wait_for_function(f"document.querySelectorAll('div.chart[data-rendered]').length >= "
                           f"{len([f for f in data.figures()])}", timeout=30000)
    sizes = page.eval_on_selector_all(
        "div.chart[data-rendered] svg", "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) >= n and all(w > 100 for w in sizes)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    claims = page.locator("details.claim")
    if claims.count():
        claims.first.locator("summary").click()
        assert claims.first.evaluate("e => e.open")
    assert not errors, errors
    assert not requests, requests
    ctx.close()


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    import uvicorn

    from aigap.web.app import create_app

    app = create_app(store=Store(store_path, read_only=True))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(5)


def test_dashboard_controls_redraw(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]", timeout=30000)
    page.select_option("#metric", "mmlu")
    page.wait_for_function("document.querySelector('#headline').textContent.includes"
                           "('MMLU')", timeout=30000)
    first = page.text_content("#headline")
    svg1 = page.inner_html("#frontier")
    assert "<svg" in svg1
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    # Change the follower: headline and chart change.
    page.select_option("#follower", "open")
    page.wait_for_function(f"document.querySelector('#headline').textContent !== {first!r}",
                           timeout=30000)
    assert page.inner_html("#frontier") != svg1
    # Move the as-of slider to the middle: the headline changes again.
    second = page.text_content("#headline")
    page.eval_on_selector("#asof", "s => { s.value = String(Math.floor(s.max / 2)); "
                          "s.dispatchEvent(new Event('change')); }")
    page.wait_for_function(
        f"document.querySelector('#headline').textContent !== {second!r} || "
        "!document.querySelector('#error').hidden", timeout=30000)
    page.screenshot(path=str(ARTIFACTS / "dashboard-asof.png"), full_page=True)
    # A bad parameter shows the API's message.
    page.fill("#tau", "-3")
    page.dispatch_event("#tau", "change")
    page.wait_for_selector("#error:not([hidden])", timeout=30000)
    assert "tau" in page.text_content("#error")
    page.screenshot(path=str(ARTIFACTS / "dashboard-error.png"), full_page=True)
    assert not errors, errors
    page.close()
