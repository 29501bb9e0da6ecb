"""The HTML report opened as a marketer would open it: in a real headless Chromium (Debian's
package), from the file, with the network cut off. The report of the test warehouse must load
without a script error or a request leaving the file, and draw every chart with data; reports
planted with a script error, an empty chart or a network fetch must be caught, so the check can
fail. Without Chromium the test is skipped with the install line, except in CI (CI set), where
.ci/run installs it and a missing browser fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest
from audiences.html_report import SECTIONS, Section, render, write_html_report

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")

# per drawn chart: its id, how many traces it has and how many data points they hold, and
# whether Plotly drew an SVG of some height for it
CHART_STATE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(div => ({
    id: div.id,
    traces: (div._fullData || []).length,
    points: (div._fullData || []).reduce((sum, trace) => {
        const values = trace.z || trace.y || trace.x || trace.values || [];
        return sum + (values.length || 0);
    }, 0),
    drawn: Array.from(div.querySelectorAll('svg.main-svg'))
        .some(svg => svg.getBoundingClientRect().height > 0),
}))"""


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "the HTML report test needs Chromium (Debian: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def browser_problems(report: Path) -> tuple[list[str], int]:
    """Open `report` in headless Chromium: (every problem seen, charts drawn)."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console error: {message.text}")
                    if message.type == "error"
                    else None
                ),
            )

            def refuse_network(route: object) -> None:
                request = route.request  # type: ignore[attr-defined]
                if request.url.startswith(LOCAL_SCHEMES):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    problems.append(f"network fetch: {request.url}")
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", refuse_network)
            page.goto(report.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(500)
            charts = page.evaluate(CHART_STATE)
        finally:
            browser.close()
    for chart in charts:
        if chart["traces"] == 0 or chart["points"] == 0:
            problems.append(f"empty chart: {chart['id']}")
        elif not chart["drawn"]:
            problems.append(f"chart not drawn: {chart['id']}")
    return problems, len(charts)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, warehouse: duckdb.DuckDBPyConnection) -> Path:
    return write_html_report(warehouse, tmp_path_factory.mktemp("report") / "report.html")


def test_every_section_of_the_test_warehouse_has_data(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    empty = {
        section.title: section.empty_reason
        for section in (make(warehouse.cursor()) for make in SECTIONS)
        if section.figure is None
    }
    assert not empty


def test_the_report_opens_offline_and_draws_every_chart(report: Path) -> None:
    problems, charts = browser_problems(report)
    assert not problems
    assert charts == len(SECTIONS)


def test_the_report_is_one_file_that_links_nothing(report: Path) -> None:
    # plotly.js is inlined: no script, style or image is loaded from elsewhere
    text = report.read_text(encoding="utf-8")
    assert "<script src=" not in text and '<link rel="stylesheet"' not in text
    assert 'src="http' not in text


def planted(tmp_path: Path, figure: go.Figure, extra: str = "") -> Path:
    path = tmp_path / "planted.html"
    page = render([Section("planted", "a planted chart", figure)], "planted")
    path.write_text(page.replace("</body>", f"{extra}</body>"), encoding="utf-8")
    return path


def test_the_browser_check_catches_an_empty_chart(tmp_path: Path) -> None:
    problems, _ = browser_problems(planted(tmp_path, go.Figure(go.Bar(x=[], y=[]))))
    assert problems == ["empty chart: chart-0"]


def test_the_browser_check_catches_a_script_error(tmp_path: Path) -> None:
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    problems, _ = browser_problems(
        planted(tmp_path, figure, "<script>undefinedFunction();</script>")
    )
    assert any(problem.startswith("script error") for problem in problems)


def test_the_browser_check_catches_a_network_fetch(tmp_path: Path) -> None:
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    fetch = '<img src="https://cdn.example.com/pixel.png">'
    problems, _ = browser_problems(planted(tmp_path, figure, fetch))
    assert "network fetch: https://cdn.example.com/pixel.png" in problems
