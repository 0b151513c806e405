"""The timeline: a lane per buyer with its signatures, delivery batches and events."""

import pandas as pd
import plotly.graph_objects as go

from ..formats import format_money
from .base import (AGGREGATED, COARSE, PALETTE, esc, figure, house_layout, hover_text, is_empty, is_present,
                   legend_entry, mark_traces, precision_text, scatter, year_start)

# Event types drawn apart on the timeline; every other type is a small grey "Other event",
# drawn first so that sanctions, suspensions and tests on the same day stay on top.
EVENT_GROUPS = {"other": ("Other event", "circle"), "sanctions": ("Sanctions", "x"),
                "programme_suspension": ("Programme suspension (e.g. F-35)", "triangle-down"),
                "test": ("Test firing", "star")}
TIMELINE_MAX_MARKS = 3000   # above this the timeline is aggregated: more marks than the eye can see
# What timeline_figure reads of the deals and the events (the deliveries it shares with a table).
DEAL_MARK_COLUMNS = ("buyer_code", "buyer", "signed_start", "signed_date", "date_precision", "title", "status",
                     "value_amount", "value_currency", "quantity", "unit", "confidence")
EVENT_MARK_COLUMNS = ("type", "title", "date", "date_precision", "countries", "confidence", "date_start",
                      "buyer_code")


def _lanes(deals: pd.DataFrame, deliveries: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """Buyer ISO3 -> (lane index, buyer name); lanes in order of each buyer's first dated record."""
    parts = [f.assign(when=f[col])[["buyer_code", "buyer", "when"]]
             for f, col in ((deals, "signed_start"), (deliveries, "date_start")) if not is_empty(f)]
    if not parts:
        return {}
    rows = pd.concat(parts).dropna(subset=["buyer_code"])
    first = rows.groupby("buyer_code").agg(buyer=("buyer", "first"), when=("when", "min"))
    first = first.reset_index().sort_values(["when", "buyer"], na_position="last")
    return {iso: (i, name) for i, (iso, name) in enumerate(zip(first["buyer_code"], first["buyer"]))}


def _deal_marks(deals: pd.DataFrame, lanes: dict) -> pd.DataFrame:
    signed = deals[deals["signed_start"].notna() & deals["buyer_code"].isin(list(lanes))]
    hover = [hover_text(r.title, f"Contract signed: {precision_text(r.signed_date, r.date_precision)}",
                        f"Status: {r.status}", f"Value: {format_money(r.value_amount, r.value_currency)}",
                        _quantity(r), f"Confidence: {r.confidence}") for r in signed.itertuples()]
    return pd.DataFrame({"start": signed["signed_start"], "precision": signed["date_precision"],
                         "y": [lanes[i][0] for i in signed["buyer_code"]], "hover": hover})


def _plan_words(row) -> str:
    if not row.planned:
        return ""
    if getattr(row, "schedule", None) == "overdue":
        return " (planned; the date has passed with no report of arrival)"
    return " (planned)"


def _delivery_marks(rows: pd.DataFrame, lanes: dict, offset: float = 0.0) -> pd.DataFrame:
    rows = rows[rows["buyer_code"].isin(list(lanes))]
    hover = [hover_text(f"{r.buyer}: {'total delivered as of' if r.basis == 'cumulative' else 'delivery'} "
                        f"{precision_text(r.date, r.date_precision)}" + _plan_words(r),
                        _quantity(r), r.quantity_note, r.description, f"Confidence: {r.confidence}")
             for r in rows.itertuples()]
    return pd.DataFrame({"start": rows["date_start"], "precision": rows["date_precision"],
                         "y": [lanes[i][0] + offset for i in rows["buyer_code"]], "hover": hover})


def _quantity(row) -> str | None:
    if not is_present(row.quantity):
        return None
    unit = row.unit if is_present(row.unit) else "(unit not stated)"
    return f"Quantity: {row.quantity:g} {unit}"


def _event_lanes(event, lanes: dict) -> list[str]:
    """The lanes an event belongs on: its deal's buyer, else every involved country with a lane."""
    if is_present(event.buyer_code) and event.buyer_code in lanes:
        return [event.buyer_code]
    codes = str(event.countries).split(";") if is_present(event.countries) else []
    return [code.strip() for code in codes if code.strip() in lanes]


def _event_marks(events: pd.DataFrame, lanes: dict) -> pd.DataFrame:
    rows = []
    for e in events.itertuples(index=False):
        group = e.type if e.type in EVENT_GROUPS else "other"
        hover = hover_text(e.title, f"{e.type.replace('_', ' ').capitalize()}: "
                           f"{precision_text(e.date, e.date_precision)}",
                           f"Countries: {e.countries}", f"Confidence: {e.confidence}")
        # Events sit just above the lane line so they never hide a delivery on the same day.
        rows += [dict(group=group, start=e.date_start, precision=e.date_precision,
                      y=lanes[iso][0] - 0.3, hover=hover) for iso in _event_lanes(e, lanes)]
    return pd.DataFrame(rows, columns=["group", "start", "precision", "y", "hover"])


def _rule_trace(marks: pd.DataFrame, name: str, colour: str) -> go.Scatter:
    """Vertical dotted lines through the lane for day-dated sanctions and suspensions."""
    day = marks[~marks["precision"].isin(COARSE) & marks["start"].notna()]
    xs = [x for s in day["start"] for x in (s, s, None)]
    ys = [v for y in day["y"] for v in (y - 0.15, y + 0.75, None)]
    return scatter(x=xs, y=ys, mode="lines", name=f"{name} · rule", legendgroup=name,
                   showlegend=False, hoverinfo="skip", line=dict(color=colour, width=1.5, dash="dot"))


def _delivery_traces(deliveries: pd.DataFrame, lanes: dict) -> list[go.Scatter]:
    """Actual batches, planned ones (hollow, dotted; those whose date has passed apart: a plan
    is never silently left 'planned') and sources' totals (ticks below the lane)."""
    deliveries = deliveries.assign(planned=deliveries["planned"].fillna(False).astype(bool))
    planned = deliveries["planned"]
    totals = deliveries["basis"] == "cumulative"
    overdue = (deliveries["schedule"] == "overdue") if "schedule" in deliveries else planned & False
    return [*mark_traces(_delivery_marks(deliveries[~planned & ~totals], lanes),
                         "Delivery (actual)", "circle", PALETTE["delivery"]),
            *mark_traces(_delivery_marks(deliveries[planned & ~overdue & ~totals], lanes), "Delivery planned",
                         "circle", PALETTE["planned"], hollow=True, dash="dot"),
            *mark_traces(_delivery_marks(deliveries[planned & overdue & ~totals], lanes),
                         "Planned, date passed (unconfirmed)", "circle-x", PALETTE["overdue"], hollow=True,
                         dash="dot"),
            *mark_traces(_delivery_marks(deliveries[totals], lanes, 0.25),
                         "Reported total to date", "line-ns", PALETTE["reported_total"])]


def _event_traces(events: pd.DataFrame, lanes: dict) -> list[go.Scatter]:
    """Events by group in EVENT_GROUPS order; sanctions and suspensions also get a dotted rule."""
    marks = _event_marks(events, lanes)
    traces = []
    for group, (name, symbol) in EVENT_GROUPS.items():
        colour, in_group = PALETTE.get(group, PALETTE["event"]), marks[marks["group"] == group]
        traces += mark_traces(in_group, name, symbol, colour, size=7 if group == "other" else 11)
        if group in ("sanctions", "programme_suspension") and not in_group.empty:
            traces.append(_rule_trace(in_group, name, colour))
    return traces


def timeline_figure(deals: pd.DataFrame, deliveries: pd.DataFrame, events: pd.DataFrame) -> go.Figure:
    """One lane per buyer: contract signatures, delivery batches and events over time.

    Diamonds are signatures, circles actual delivery batches, hollow sky-blue circles (dotted
    span) planned ones; sources' cumulative totals (basis 'cumulative') are drawn as black
    vertical ticks just below the lane ("Reported total to date"), never as batches. Events
    sit just above the lane of their deal's buyer, or of each involved country with a lane
    (others are dropped); sanctions and programme suspensions also get a dotted rule.
    Filled marker = day known; month/year only = span over the period + hollow marker.
    The y axis is numeric lanes labelled with buyer names (so marks can sit above/below).
    """
    lanes = _lanes(deals, deliveries)
    height = max(320, 140 + 60 * len(lanes))
    # Legend-only entries carry no dates, so the axis type must be stated, not inferred.
    if not lanes:
        return figure([], house_layout("Date", "Buyer", height, xaxis=dict(type="date")))
    traces = []
    if not is_empty(deals):
        traces += mark_traces(_deal_marks(deals, lanes), "Contract signed", "diamond", PALETTE["signed"])
    if not is_empty(deliveries):
        traces += _delivery_traces(deliveries, lanes)
    if not is_empty(events):
        traces += _event_traces(events, lanes)
    traces += [legend_entry("day known", "circle", PALETTE["key"]),
               legend_entry("month/year only: span", "circle-open", PALETTE["key"], "lines+markers")]
    order = sorted(lanes.values())
    lane_axis = dict(tickvals=[i for i, _ in order], ticktext=[esc(n) for _, n in order], autorange="reversed",
                     showgrid=True, zeroline=False)
    return figure(traces, house_layout("Date", "Buyer", height, xaxis=dict(type="date"), yaxis=lane_axis,
                                       hovermode="closest"))


def timeline_from_years(years: pd.DataFrame, counts: dict[str, int]):
    """(deals, deliveries, events, note) for timeline_figure from ``queries.timeline_years``: each
    buyer lane's signatures, deliveries and events of a year as one year span, with a note saying
    so. ``counts`` are the records in view ({'deliveries': n, 'events': n, ...}). Pure."""
    years = years.assign(year=years["year"].astype(int), date_precision="year", confidence=AGGREGATED)
    lanes = years["buyer_code"].nunique()
    buyers = int(years["buyers_in_view"].max()) if len(years) else 0
    note = (f"{buyers} buyers, {counts['deliveries']:,} deliveries and {counts['events']:,} events are too many "
            f"to draw one by one: showing the {lanes} buyers with the most records, each year's "
            "signatures, deliveries and events summed into one span. Narrow the filters to see single records.")
    return _yearly_signatures(years), _yearly_deliveries(years), _yearly_events(years), note


def _yearly_signatures(years: pd.DataFrame) -> pd.DataFrame:
    """Each lane's contracts signed in a year, as one deal row of timeline_figure."""
    signed = years[years["kind"] == "signed"]
    return signed.assign(signed_start=year_start(signed["year"]), signed_date=signed["year"].astype(str),
                         title=[f"{n} contract(s) signed in {y}" for n, y in zip(signed["n"], signed["year"])],
                         status="various", value_amount=float("nan"), value_currency=None,
                         quantity=float("nan"), unit=None)


def _yearly_deliveries(years: pd.DataFrame) -> pd.DataFrame:
    """Each lane's deliveries of a year (actual or planned), as one delivery row."""
    batches = years[years["kind"] == "delivery"]
    # Units are never added together, so the lanes show counts of deliveries, not quantities.
    return batches.assign(date_start=year_start(batches["year"]), date=batches["year"].astype(str),
                          planned=batches["planned"].astype(bool), quantity=float("nan"),
                          quantity_qualifier=None, unit=None, quantity_note=None,
                          description=[f"{n} deliveries in the year" for n in batches["n"]])


def _yearly_events(years: pd.DataFrame) -> pd.DataFrame:
    """Each lane's events of a year per event group, as one event row."""
    events = years[years["kind"] == "event"]
    events = events.assign(type=events["type"].where(events["type"].isin(list(EVENT_GROUPS)), "other"))
    events = events.groupby(["buyer_code", "buyer", "type", "year"], as_index=False)["n"].sum()
    return events.assign(date_start=year_start(events["year"]), date=events["year"].astype(str),
                         date_precision="year", confidence=AGGREGATED, countries=events["buyer_code"],
                         title=[f"{n} {t.replace('_', ' ')} event(s)" for n, t in zip(events["n"], events["type"])])
