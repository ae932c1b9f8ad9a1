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
    from aigap.api.context import ensure_starter
    from aigap.report.build import build_report
    from aigap.report.html import write_report

    with Store(tmp_path / "starter.duckdb") as st:  # the bundled starter data
        ensure_starter(st)
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
        claims.first.locator("> summary").click()
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


def _ready(page: Any, before: str | None) -> None:
    """Wait until the dashboard finished a redraw newer than ``before``."""
    page.wait_for_function(
        "b => document.body.dataset.ready && document.body.dataset.ready !== b",
        arg=before or "", timeout=60000)


def test_dashboard_controls_redraw(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]", timeout=30000)
    assert page.eval_on_selector("#leader", "s => s.tagName") == "SELECT"  # a picker
    page.select_option("#metric", "mmlu")
    page.wait_for_function("document.querySelector('#headline').textContent.includes"
                           "('MMLU')", timeout=30000)
    assert "metric=mmlu" in page.evaluate("location.search")  # the state is in the URL
    first = page.text_content("#headline")
    svg1 = page.inner_html("#frontier")
    assert "<svg" in svg1 and "<svg" in page.inner_html("#lagchart")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    # Change the follower: headline and chart change.
    page.select_option("#follower", "open")
    page.wait_for_function(f"document.querySelector('#headline').textContent !== {first!r}",
                           timeout=30000)
    assert page.inner_html("#frontier") != svg1
    # Pick an as-of date: the headline changes, the metric stays.
    second = page.text_content("#headline")
    page.fill("#asof", "2024-06-30")
    page.dispatch_event("#asof", "change")
    page.wait_for_function(
        f"document.querySelector('#headline').textContent !== {second!r} || "
        "!document.querySelector('#error').hidden", timeout=30000)
    assert page.input_value("#metric") == "mmlu"
    assert "as_of=2024-06-30" in page.evaluate("location.search")
    page.screenshot(path=str(ARTIFACTS / "dashboard-asof.png"), full_page=True)
    # A bad parameter shows the API's plain message, and no stale answer stays on screen.
    page.fill("#tau", "-3")
    page.dispatch_event("#tau", "change")
    page.wait_for_selector("#error:not([hidden])", timeout=30000)
    assert "tau" in page.text_content("#error")
    assert page.text_content("#headline") == ""
    page.screenshot(path=str(ARTIFACTS / "dashboard-error.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_dashboard_url_restores_the_selection(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/?leader=USA&follower=open&metric=mmlu&as_of=2024-06-30")
    page.wait_for_selector("body[data-ready]", timeout=60000)
    assert page.input_value("#leader") == "USA"
    assert page.input_value("#follower") == "open"
    assert page.input_value("#metric") == "mmlu"
    assert page.input_value("#asof") == "2024-06-30"
    headline = page.text_content("#headline") or page.text_content("#error") or ""
    assert "MMLU" in headline or "mmlu" in headline, headline
    if page.is_hidden("#error"):
        assert "open" in headline and "2024-06-30" in headline, headline
    sw, iw = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert sw <= iw, (sw, iw)
    page.screenshot(path=str(ARTIFACTS / "dashboard-390.png"), full_page=True)
    assert not errors, errors
    page.close()


def test_dashboard_every_metric_renders_its_own_result(browser: Any, server: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready]", timeout=30000)
    metrics = page.eval_on_selector_all("#metric option", "os => os.map(o => o.value)")
    assert metrics
    for metric in metrics:
        before = page.evaluate("document.body.dataset.ready")
        if page.input_value("#metric") == metric:
            continue
        page.select_option("#metric", metric)
        _ready(page, before)
        if page.is_hidden("#error"):
            shown = page.text_content("#status") or ""
            label = page.eval_on_selector("#metric", "s => s.selectedOptions[0].textContent")
            assert label.split(" (")[0] in shown, (metric, shown)
        else:
            assert page.text_content("#headline") == "" and page.text_content("#error")
    for view in ("compute", "top500"):
        before = page.evaluate("document.body.dataset.ready")
        page.click(f"nav.tabs button[data-view={view}]")
        _ready(page, before)
        assert f"view={view}" in page.evaluate("location.search")
        assert page.is_visible(f"#view-{view}")
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("width", [390, 1400])
def test_report_fits_the_screen_and_downloads(browser: Any, tmp_path: Path,
                                              width: int) -> None:
    from aigap.api.context import ensure_starter
    from aigap.report.build import build_report
    from aigap.report.html import write_report

    with Store(tmp_path / "starter.duckdb") as st:
        ensure_starter(st)
        data = build_report(n_boot=50, store=st)
    assert len(data.figures()) >= 4
    path = write_report(data, tmp_path / "report.html")
    ctx = browser.new_context(offline=True, viewport={"width": width, "height": 900},
                              accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-charts=done]", timeout=60000)
    rendered = page.eval_on_selector_all("div.chart", "els => els.map(e => e.dataset.rendered)")
    assert rendered and all(r == "1" for r in rendered), rendered
    sw, iw = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert sw <= iw, (width, sw, iw)
    page.screenshot(path=str(ARTIFACTS / f"report-{width}.png"), full_page=False)
    # Every chart has its kit; the first chart's downloads produce the right files.
    figs = data.figures()
    for fig in figs:
        kit = page.locator(f"#fig-{fig.key} .kit")
        assert kit.locator("button[data-export=png]").count() == 1
        assert kit.locator("button[data-export=svg]").count() == 1
        assert kit.locator("a.csv").count() == 1
        assert "aigap " + data.version in page.text_content(f"#fig-{fig.key} .cite")
    fig = next(f for f in figs if f.key.startswith("frontier-"))
    for kind, check in (("png", lambda b: b[:8] == b"\x89PNG\r\n\x1a\n"),
                        ("svg", lambda b: b"<svg" in b and b"Source:" in b)):
        with page.expect_download() as dl:
            page.click(f"#fig-{fig.key} button[data-export={kind}]")
        assert dl.value.suggested_filename == f"{fig.key}.{kind}"
        assert check(Path(dl.value.path()).read_bytes()), kind
    with page.expect_download() as dl:
        page.click(f"#fig-{fig.key} a.csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(fig.table.columns)
    assert len(text.splitlines()) == len(fig.table) + 1
    assert not errors, errors
    ctx.close()
