"""Cumulative deliveries: a step line per (buyer, unit), since units are never added together."""

import pandas as pd
import plotly.graph_objects as go

from .base import (AGGREGATED, COARSE, colour_map, esc, figure, house_layout, hover_text, is_empty, mark_traces,
                   precision_text, scatter, year_start)

# Lines the eye can tell apart: more (buyer, unit) series than this draw only the largest, by the
# batches they deliver (planned included), on either path (aggregates.cumulative_years in SQL).
MAX_SERIES = 12
CUMULATIVE_COLUMNS = ["series", "buyer_code", "buyer", "unit", "kind", "date_start", "date",
                      "date_precision", "quantity", "cumulative", "quantity_note", "confidence", "schedule"]


def cumulative_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    """Cumulative delivered quantity per (buyer, unit): units are never added together.

    kind 'actual': running total of actual batches (basis 'batch', planned false), by date;
    kind 'planned': planned batches continuing from the actual total; kind 'reported total':
    a source's stated total (basis 'cumulative', not planned), kept as stated, never summed.
    Rows without a quantity, unit or date are skipped: they cannot be placed on the chart.
    """
    if is_empty(deliveries):
        return pd.DataFrame(columns=CUMULATIVE_COLUMNS)
    d = deliveries[deliveries["quantity"].notna() & deliveries["unit"].notna()
                   & deliveries["date_start"].notna()].copy()
    d["planned"] = d["planned"].fillna(False).astype(bool)
    d["series"] = d["buyer"].astype(str) + " · " + d["unit"].astype(str)
    is_total = d["basis"] == "cumulative"
    # Actual batches first so that a plan continues from what has already arrived.
    batches = d[~is_total].sort_values(["series", "planned", "date_start"], kind="stable")
    batches = batches.assign(cumulative=batches.groupby("series")["quantity"].cumsum(),
                             kind=batches["planned"].map({False: "actual", True: "planned"}))
    totals = d[is_total & ~d["planned"]]
    totals = totals.assign(cumulative=totals["quantity"], kind="reported total")
    out = pd.concat([batches, totals], ignore_index=True).reindex(columns=CUMULATIVE_COLUMNS)
    return out.sort_values(["series", "date_start"], kind="stable", ignore_index=True)


def _cumulative_hover(rows: pd.DataFrame) -> list[str]:
    return [hover_text(r.series, f"{r.kind.capitalize()}: {precision_text(r.date, r.date_precision)}",
                       f"Quantity: {r.quantity:g}; cumulative {r.cumulative:g}", r.quantity_note,
                       f"Confidence: {r.confidence}") for r in rows.itertuples()]


def _step_trace(rows: pd.DataFrame, name: str, colour: str, dash: str) -> go.Scatter:
    symbols = ["circle-open" if p in COARSE or dash != "solid" else "circle" for p in rows["date_precision"]]
    return scatter(x=list(rows["date_start"]), y=list(rows["cumulative"]), mode="lines+markers",
                   line_shape="hv", name=esc(name), legendgroup=esc(name),
                   line=dict(color=colour, dash=dash, width=2.5), hoverinfo="text",
                   hovertext=_cumulative_hover(rows),
                   marker=dict(symbol=symbols, size=9, color=colour, line=dict(color=colour, width=2)))


def cumulative_figure(frame: pd.DataFrame) -> go.Figure:
    """Step lines (one per buyer · unit) of the frame from cumulative_deliveries.

    Batches sit at their period's first day; a month/year-dated point is a hollow marker.
    Planned batches continue the line dashed; reported totals are separate diamond markers
    ("<series> · reported total"), a month/year total with a span over its period.
    """
    layout = house_layout("Date", "Units delivered (cumulative, per unit type)", 440, xaxis=dict(type="date"))
    if is_empty(frame):
        return figure([], layout)
    colours, traces = colour_map(sorted(frame["series"].unique())), []
    for series, rows in frame.groupby("series", sort=True):
        colour, actual = colours[series], rows[rows["kind"] == "actual"]
        if not actual.empty:
            traces.append(_step_trace(actual, series, colour, "solid"))
        planned = rows[rows["kind"] == "planned"]
        if not planned.empty:
            # A plan whose date has passed is said to be one, never left looking merely planned.
            late = " (some dates passed, unconfirmed)" if planned["schedule"].eq("overdue").any() else ""
            traces.append(_step_trace(pd.concat([actual.tail(1), planned]), f"{series} · planned{late}",
                                      colour, "dash"))
        totals = rows[rows["kind"] == "reported total"]
        if not totals.empty:
            marks = pd.DataFrame({"start": totals["date_start"], "precision": totals["date_precision"],
                                  "y": totals["cumulative"], "hover": _cumulative_hover(totals)})
            traces += mark_traces(marks, esc(f"{series} · reported total"), "diamond", colour)
    return figure(traces, layout)


def _series_note(in_view: int, drawn: int, summed: bool) -> str | None:
    """What the chart leaves out, in words: the series it does not draw, the years it sums."""
    per_year = ", summed per year" if summed else ""
    if in_view > drawn:
        return (f"{in_view} buyer and unit series: showing the {drawn} largest{per_year}. "
                "Narrow the filters to see every " + ("delivery." if summed else "series."))
    return "Summed per year." if summed else None


def largest_series(frame: pd.DataFrame, most: int = MAX_SERIES) -> tuple[pd.DataFrame, str | None]:
    """(rows of the ``most`` series with the largest batch totals, note) of a frame from
    cumulative_deliveries, as aggregates.cumulative_years chooses them (ties by buyer code, then
    unit; a series of reported totals alone has no batches and is not among them); every series
    and no note when there are no more than ``most``. Pure."""
    keys = ["buyer_code", "unit"]
    in_view = frame.groupby(keys).ngroups if len(frame) else 0
    if in_view <= most:
        return frame, None
    batches = frame[frame["kind"] != "reported total"].groupby(keys)["quantity"].sum().reset_index()
    chosen = batches.sort_values(["quantity", *keys], ascending=[False, True, True], kind="stable").head(most)
    kept = frame.set_index(keys).index.isin(chosen.set_index(keys).index)
    return frame[kept].reset_index(drop=True), _series_note(in_view, len(chosen), summed=False)


def cumulative_from_years(years: pd.DataFrame):
    """(cumulative frame, note) from ``queries.cumulative_years``: each (buyer, unit) series summed
    per year, with a note saying how many series there are and how many are drawn. Pure."""
    frame = years.assign(date_start=year_start(years["year"]), date=years["year"].astype(int).astype(str),
                         date_precision="year", confidence=AGGREGATED, planned=years["planned"].astype(bool),
                         quantity_note=[f"{n} deliveries in the year" for n in years["n"]])
    drawn = frame.groupby(["buyer_code", "unit"]).ngroups
    in_view = int(years["series_in_view"].max()) if len(years) else 0
    return cumulative_deliveries(frame), _series_note(in_view, drawn, summed=True)
