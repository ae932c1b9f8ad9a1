"""The self-contained HTML report: gather results (build), draw charts (charts), assemble (html).

    from aigap.report import build_report, render_html
    data = build_report(leader="USA", follower="China")
    Path("report.html").write_text(render_html(data), encoding="utf-8")
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReportData", "build_report", "export_charts", "render_html", "write_report"]


def __getattr__(name: str) -> Any:
    """Lazy exports, so importing the package does not import Altair or pandas."""
    if name in ("ReportData", "build_report"):
        from aigap.report import build

        return getattr(build, name)
    if name in ("render_html", "write_report", "export_charts"):
        from aigap.report import html

        return getattr(html, name)
    raise AttributeError(name)
