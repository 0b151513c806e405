"""What every chart shares: safe text, hover lines, the layout, dated marks, colours.

Every data string that reaches hover text, legend names, tick or node labels goes through
``esc``: plotly renders a subset of HTML there, and curated text must never become markup.
"""

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..dates import period_ends

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = {"signed": "#0072B2", "delivery": "#009E73", "planned": "#56B4E9", "overdue": "#E69F00",
           "reported_total": "#000000", "sanctions": "#D55E00", "programme_suspension": "#CC79A7",
           "test": "#E69F00", "event": "#999999", "key": "#555555", "balance": "#999999"}
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                  "#F0E442"]
COARSE = ("month", "year")
AGGREGATED = "mixed (aggregated)"


def esc(value) -> str:
    """Escape data for plotly text. plotly decodes numeric entities but not &quot;."""
    return html.escape("" if value is None or value is pd.NA else str(value)).replace("&quot;", "&#34;")


def is_present(value) -> bool:
    """False for None, NaN, NaT and pd.NA (a string is always present, even empty)."""
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


HOVER_WIDTH = 70


def wrapped_lines(text: str) -> list[str]:
    """``text`` wrapped at HOVER_WIDTH, exactly as ``textwrap.wrap`` would (one empty line for none)."""
    # textwrap is the dear part of a timeline of thousands of marks; a short, plain line is
    # already what it would return.
    if len(text) <= HOVER_WIDTH and text.isprintable() and text == text.strip():
        return [text]
    return textwrap.wrap(text, HOVER_WIDTH) or [""]


def hover_text(*lines) -> str:
    """Plain-text hover: each data line wrapped and escaped, joined with plotly's <br>."""
    parts = [part for line in lines if is_present(line) and str(line) != "" for part in wrapped_lines(str(line))]
    return "<br>".join(esc(part) for part in parts)


def is_empty(frame) -> bool:
    """True for no frame or a frame without rows: every builder then draws nothing."""
    return frame is None or len(frame) == 0


# The house template, resolved once: named in update_layout, plotly looked it up, copied and
# validated it for every figure (~20 ms each, more than all the seed timeline's queries).
TEMPLATE = pio.templates["plotly_white"].to_plotly_json()
MARGIN = dict(l=10, r=10, t=30, b=10)


def house_layout(x_title: str, y_title: str, height: int = 420, xaxis: dict | None = None,
                 yaxis: dict | None = None, **extra) -> dict:
    """The house style as a layout dict: white template, tight margins, axis titles, height;
    ``xaxis``/``yaxis`` add to the axes, ``extra`` sets any other layout property."""
    return dict(template=TEMPLATE, height=height, margin=MARGIN) | extra | dict(
        xaxis=dict(title=dict(text=x_title), **(xaxis or {})), yaxis=dict(title=dict(text=y_title), **(yaxis or {})))


def figure(traces: list, layout: dict) -> go.Figure:
    """A figure of ``traces`` and a layout dict, built without plotly's property-by-property
    validation (the figures' whole cost at seed scale); a test checks that validating each
    figure changes nothing."""
    return go.Figure(data=traces, layout=layout, _validate=False)


def precision_text(date_text, precision) -> str:
    """A date as written, saying so when only its month or year is known."""
    return f"{date_text} ({precision} only)" if precision in COARSE else str(date_text)


def scatter(**spec) -> go.Scatter:
    """A scatter trace without plotly's value-by-value validation, which was half the cost of a
    timeline of thousands of marks; a test checks that validating each figure changes nothing."""
    return go.Scatter(**spec, _validate=False)


def legend_entry(name: str, symbol: str, colour: str, mode: str = "markers") -> go.Scatter:
    """A legend-only item (no data): one entry per kind however many traces draw it."""
    return scatter(x=[None], y=[None], mode=mode, name=name, legendgroup=name,
                   marker=dict(symbol=symbol, color=colour, size=10, line=dict(color=colour, width=2)),
                   line=dict(color=colour, width=6))


def mark_traces(marks: pd.DataFrame, name: str, symbol: str, colour: str,
                hollow: bool = False, dash: str = "solid", size: int = 10) -> list[go.Scatter]:
    """Dated marks (columns start, precision, y, hover): legend entry, spans, markers.

    A day is a filled marker; a month or year is a thick semi-transparent span from the
    period's first to last day with a hollow marker in its middle, so no day is implied.
    ``hollow`` draws even day marks open (planned deliveries: a plan is not a fact).
    """
    marks = marks[marks["start"].notna()]
    if marks.empty:
        return []
    coarse = list(marks["precision"].isin(COARSE))
    ends = list(period_ends(marks["start"], marks["precision"]))
    spans = [(s, e, y) for s, e, y, c in zip(marks["start"], ends, marks["y"], coarse) if c]
    traces = [legend_entry(name, f"{symbol}-open" if hollow else symbol, colour)]
    if spans:
        traces.append(scatter(x=[v for s, e, _ in spans for v in (s, e, None)],
                              y=[v for *_, y in spans for v in (y, y, None)], mode="lines",
                              name=f"{name} · span", legendgroup=name, showlegend=False,
                              hoverinfo="skip", opacity=0.35, line=dict(color=colour, width=8, dash=dash)))
    symbols = [f"{symbol}-open" if c or hollow else symbol for c in coarse]
    return traces + [scatter(
        x=[s + (e - s) / 2 for s, e in zip(marks["start"], ends)], y=list(marks["y"]), mode="markers",
        name=name, legendgroup=name, showlegend=False, hoverinfo="text", hovertext=list(marks["hover"]),
        marker=dict(symbol=symbols, color=colour, size=size, line=dict(color=colour, width=2)))]


def colour_map(keys) -> dict:
    """A series colour per key, in order, cycling through SERIES_COLOURS."""
    return {key: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, key in enumerate(keys)}


def year_start(years: pd.Series) -> pd.Series:
    """1 January of each year (the date a year-precision mark starts at)."""
    return pd.to_datetime(years.astype(int).astype(str) + "-01-01")
