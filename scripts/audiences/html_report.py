"""The marketer's report: one self-contained HTML file with the charts of a build, written by the
main job beside the warehouse (data/report.html) and by `audiences report --html PATH`.

Charts: audience sizes and emailable members, the audience overlap matrix as a heatmap,
lifecycle stage sizes and stage changes over the weeks, the lifecycle KPIs, RFM segment sizes
and, once publishes with holdouts exist, lift with its 95 % interval. Plotly draws them:
plotly.js is written into the file once, so the page works offline and fetches nothing when
opened; each chart stays interactive (hover for the numbers, zoom, hide a series). A chart
whose mart holds no rows is replaced by a sentence saying so, never drawn empty.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

STAGE_ORDER = ["loyal", "active", "lapsed", "inactive"]
STAGE_COLORS = {
    "loyal": "#1b7837",
    "active": "#7fbf7b",
    "lapsed": "#f1a340",
    "inactive": "#998ec3",
}


@dataclass(frozen=True)
class Section:
    """One chart of the report: its title, what it shows, and the figure (None: no data,
    `empty_reason` says why)."""

    title: str
    explanation: str
    figure: go.Figure | None
    empty_reason: str = ""


def relation_exists(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = connection.execute(
        "select count(*) from (select table_name as name from duckdb_tables() where schema_name = ?"
        " union all select view_name from duckdb_views() where schema_name = ?) where name = ?",
        [schema, schema, name],
    ).fetchone()
    return bool(row and row[0])


def frame(connection: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return connection.execute(sql).df()


def styled(figure: go.Figure, height: int = 420) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def weekly_lines(points: pd.DataFrame, series: str, value: str) -> list[go.Scatter]:
    """One line per value of `series` (sorted), `value` over week_ending_at."""
    return [
        go.Scatter(
            name=name,
            x=points.loc[points[series] == name, "week_ending_at"],
            y=points.loc[points[series] == name, value],
            mode="lines+markers",
        )
        for name in sorted(points[series].unique())
    ]


def audience_sizes(connection: duckdb.DuckDBPyConnection) -> Section:
    sizes = frame(
        connection,
        "select audience_name, members, emailable_members, size_base, share_of_base,"
        " is_small_and_not_top_value from marts.rpt_audience_sizes order by audience_priority",
    )
    title = "Audience sizes"
    explanation = (
        "Members and emailable members per audience, in catalog priority order. Hover for the "
        "share of the audience's base; a small audience that is not top-value is marked *."
    )
    if sizes.empty:
        return Section(title, explanation, None, "No audience in rpt_audience_sizes.")
    labels = [
        f"{name} *" if small else name
        for name, small in zip(
            sizes["audience_name"], sizes["is_small_and_not_top_value"], strict=True
        )
    ]
    hover = [
        f"{share:.1%} of {base}" if pd.notna(share) else f"no {base}"
        for share, base in zip(sizes["share_of_base"], sizes["size_base"], strict=True)
    ]
    figure = go.Figure(
        [
            go.Bar(name="members", x=labels, y=sizes["members"], hovertext=hover),
            go.Bar(name="emailable members", x=labels, y=sizes["emailable_members"]),
        ]
    )
    figure.update_layout(barmode="group", yaxis_title="persons or accounts")
    return Section(title, explanation, styled(figure))


def audience_overlaps(connection: duckdb.DuckDBPyConnection) -> Section:
    pairs = frame(
        connection,
        "select audience_a, audience_b, shared_members, share_of_a"
        " from marts.rpt_audience_overlaps",
    )
    title = "Audience overlaps"
    explanation = (
        "Each cell: the share of the row audience's members who are also in the column "
        "audience (the diagonal is 100 % for a non-empty audience). Hover for the members shared."
    )
    if pairs.empty:
        return Section(title, explanation, None, "No audience pair in rpt_audience_overlaps.")
    names = sorted(set(pairs["audience_a"]) | set(pairs["audience_b"]))
    shares = pairs.pivot_table(
        index="audience_a", columns="audience_b", values="share_of_a", aggfunc="first"
    ).reindex(index=names, columns=names)
    shared = pairs.pivot_table(
        index="audience_a", columns="audience_b", values="shared_members", aggfunc="first"
    ).reindex(index=names, columns=names)
    figure = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(dtype=float),
            x=names,
            y=names,
            customdata=shared.to_numpy(dtype=float),
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y} in %{x}: %{z:.0%} (%{customdata:,.0f} shared)<extra></extra>",
            colorbar={"title": "share of row"},
        )
    )
    figure.update_yaxes(autorange="reversed")
    return Section(title, explanation, styled(figure, height=620))


def lifecycle_stage_sizes(connection: duckdb.DuckDBPyConnection) -> Section:
    weekly = frame(
        connection,
        "select week_ending_at, lifecycle_stage, count(*) as persons"
        " from marts.fct_lifecycle_weekly_stages group by all order by 1",
    )
    title = "Lifecycle stages over the weeks"
    explanation = "Persons in each lifecycle stage at the end of each week."
    if weekly.empty:
        return Section(title, explanation, None, "No week in fct_lifecycle_weekly_stages.")
    figure = go.Figure(
        [
            go.Bar(
                name=stage,
                x=weekly.loc[weekly["lifecycle_stage"] == stage, "week_ending_at"],
                y=weekly.loc[weekly["lifecycle_stage"] == stage, "persons"],
                marker_color=STAGE_COLORS.get(stage),
            )
            for stage in STAGE_ORDER
            if (weekly["lifecycle_stage"] == stage).any()
        ]
    )
    figure.update_layout(barmode="stack", yaxis_title="persons")
    return Section(title, explanation, styled(figure))


def lifecycle_flows(connection: duckdb.DuckDBPyConnection) -> Section:
    flows = frame(
        connection,
        "select week_ending_at, from_stage || ' -> ' || lifecycle_stage as flow, persons"
        " from marts.rpt_lifecycle_weekly_flows where is_stage_change order by 1, 2",
    )
    title = "Lifecycle flows"
    explanation = (
        "Persons who changed stage in each week, per change (active -> lapsed is a person "
        "slipping; lapsed -> active one won back)."
    )
    if flows.empty:
        return Section(title, explanation, None, "No stage change in rpt_lifecycle_weekly_flows.")
    figure = go.Figure(weekly_lines(flows, "flow", "persons"))
    figure.update_layout(yaxis_title="persons changing stage")
    return Section(title, explanation, styled(figure))


def rfm_segments(connection: duckdb.DuckDBPyConnection) -> Section:
    segments = frame(
        connection,
        "select rfm_segment, count(*) as buyers from marts.dim_persons"
        " where rfm_segment is not null group by all order by buyers desc",
    )
    title = "RFM segments"
    explanation = "Buyers per RFM segment (recency, frequency and monetary scores, spec: Scores)."
    if segments.empty:
        return Section(title, explanation, None, "No buyer has an RFM segment.")
    figure = go.Figure(go.Bar(x=segments["rfm_segment"], y=segments["buyers"]))
    figure.update_layout(yaxis_title="buyers")
    return Section(title, explanation, styled(figure))


def lifecycle_kpis(connection: duckdb.DuckDBPyConnection) -> Section:
    title = "Lifecycle KPIs"
    explanation = (
        "Each lifecycle stage's campaign KPI per week (seed lifecycle_kpis), one panel per stage, "
        "one line per industry the data has the KPI's events for; a week whose window is not "
        "over yet is left out."
    )
    if not relation_exists(connection, "marts", "rpt_lifecycle_kpis"):
        return Section(title, explanation, None, "This build has no rpt_lifecycle_kpis.")
    kpis = frame(
        connection,
        "select week_ending_at, lifecycle_stage, industry || ': ' || kpi as series, kpi_value"
        " from marts.rpt_lifecycle_kpis where kpi_value is not null order by 1, 3",
    )
    if kpis.empty:
        return Section(title, explanation, None, "No KPI could be computed from this data.")
    stages = [stage for stage in STAGE_ORDER if (kpis["lifecycle_stage"] == stage).any()]
    figure = make_subplots(rows=len(stages), cols=1, subplot_titles=stages, shared_xaxes=True)
    for row, stage in enumerate(stages, start=1):
        for line in weekly_lines(kpis[kpis["lifecycle_stage"] == stage], "series", "kpi_value"):
            figure.add_trace(line, row=row, col=1)
    return Section(title, explanation, styled(figure, height=220 * len(stages) + 120))


def audience_lift(connection: duckdb.DuckDBPyConnection) -> Section:
    lift = frame(
        connection,
        "select audience_name, treated_members, holdout_members, order_share_lift,"
        " order_share_lift_low, order_share_lift_high from marts.rpt_audience_lift"
        " where entry_week is null and order_share_lift is not null order by audience_name",
    )
    title = "Lift: treated minus holdout"
    explanation = (
        "Per audience, over every entry week: the share of treated members who ordered within "
        "the lift window minus the holdout's share, with its 95 % interval. An interval across "
        "0 is no evidence of lift yet."
    )
    if lift.empty:
        return Section(
            title, explanation, None, "No lift yet: it needs publishes with holdout members."
        )
    figure = go.Figure(
        go.Scatter(
            x=lift["order_share_lift"],
            y=lift["audience_name"],
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": lift["order_share_lift_high"] - lift["order_share_lift"],
                "arrayminus": lift["order_share_lift"] - lift["order_share_lift_low"],
            },
            customdata=lift[["treated_members", "holdout_members"]].to_numpy(),
            hovertemplate=(
                "%{y}: %{x:+.1%} (treated %{customdata[0]:,}, holdout %{customdata[1]:,})"
                "<extra></extra>"
            ),
        )
    )
    figure.add_vline(x=0, line_dash="dot")
    figure.update_layout(xaxis_title="order share lift", xaxis_tickformat="+.0%")
    return Section(title, explanation, styled(figure))


SECTIONS: list[Callable[[duckdb.DuckDBPyConnection], Section]] = [
    audience_sizes,
    audience_overlaps,
    lifecycle_stage_sizes,
    lifecycle_flows,
    lifecycle_kpis,
    rfm_segments,
    audience_lift,
]


def section_html(index: int, section: Section) -> str:
    body = (
        section.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{index}",
            config={"displaylogo": False, "responsive": True},
        )
        if section.figure is not None
        else f'<p class="empty">{html.escape(section.empty_reason)}</p>'
    )
    return (
        f"<section><h2>{html.escape(section.title)}</h2>\n"
        f"<p>{html.escape(section.explanation)}</p>\n{body}</section>"
    )


def render(sections: list[Section], subtitle: str) -> str:
    parts = "\n".join(section_html(index, section) for index, section in enumerate(sections))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Audiences report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
section {{ margin-bottom: 2.5rem; }}
p.empty {{ color: #777; font-style: italic; }}
</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>Audiences report</h1>
<p>{html.escape(subtitle)}</p>
{parts}
</body>
</html>
"""


def write_html_report(connection: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the report of the built warehouse open on `connection` to `path`."""
    sections = [make(connection) for make in SECTIONS]
    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = f"The marts of the last build, charted {written}."
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(sections, subtitle), encoding="utf-8")
    return path
