"""Pure chart builders: pandas frames in, plotly figures (or tidy frames) out.

No streamlit or duckdb here: pages query, these functions draw. Only plotly.graph_objects
(plotly.express costs ~25x more per figure), and nothing that fetches (no geo traces).
Every data string that reaches hover text, legend names, tick or node labels goes through
``_esc``: plotly renders a subset of HTML there, and curated text must never become markup.
Every builder accepts an empty frame and then returns an empty figure or frame.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .schema import CONTRACTED

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = {"signed": "#0072B2", "delivery": "#009E73", "planned": "#56B4E9",
           "reported_total": "#000000", "sanctions": "#D55E00", "programme_suspension": "#CC79A7",
           "test": "#E69F00", "event": "#999999", "key": "#555555", "balance": "#999999"}
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                  "#F0E442"]
# Event types drawn apart on the timeline; every other type is a small grey "Other event",
# drawn first so that sanctions, suspensions and tests on the same day stay on top.
EVENT_GROUPS = {"other": ("Other event", "circle"), "sanctions": ("Sanctions", "x"),
                "programme_suspension": ("Programme suspension (e.g. F-35)", "triangle-down"),
                "test": ("Test firing", "star")}
PAYMENT_LABELS = {"advance": "Advance payment", "instalment": "Instalment",
                  "state_loan": "State loan", "final_payment": "Final payment",
                  "other": "Other payment", "balance": "Balance (terms not public)"}
COARSE = ("month", "year")
_PERIOD_END = {"month": pd.offsets.MonthEnd(0), "year": pd.offsets.YearEnd(0)}  # rolls forward
_USD_COLUMNS = {"nominal": ("value_usd_nominal", "usd_nominal"),
                "constant": ("value_usd_constant", "usd_constant")}


def format_money(amount, currency) -> str:
    """Money for people: "US$ 2.50 bn", "EUR 500 m", "INR 390.00 bn"; "—" when unknown."""
    if amount is None or pd.isna(amount):
        return "—"
    prefix = "US$" if currency == "USD" else (currency if isinstance(currency, str) else "")
    sign, size = ("-" if amount < 0 else ""), abs(float(amount))
    number = (f"{size / 1e9:.2f} bn" if size >= 1e9 else f"{size / 1e6:.0f} m" if size >= 1e6
              else f"{size:,.0f}")
    return f"{prefix} {sign}{number}".strip()


def _esc(value) -> str:
    """Escape data for plotly text. plotly decodes numeric entities but not &quot;."""
    return html.escape("" if value is None or value is pd.NA else str(value)).replace("&quot;", "&#34;")


def _present(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


HOVER_WIDTH = 70


def _wrapped(text: str) -> list[str]:
    # textwrap is the dear part of a timeline of thousands of marks; a short, plain line is
    # already what it would return.
    if len(text) <= HOVER_WIDTH and text.isprintable() and text == text.strip():
        return [text]
    return textwrap.wrap(text, HOVER_WIDTH) or [""]


def _hover(*lines) -> str:
    """Plain-text hover: each data line wrapped and escaped, joined with plotly's <br>."""
    wrapped = [part for line in lines if _present(line) and str(line) != "" for part in _wrapped(str(line))]
    return "<br>".join(_esc(part) for part in wrapped)


def _empty(frame) -> bool:
    return frame is None or len(frame) == 0


def _layout(fig: go.Figure, x_title: str, y_title: str, height: int = 420, **extra) -> go.Figure:
    fig.update_layout(template="plotly_white", height=height, xaxis_title=x_title,
                      yaxis_title=y_title, margin=dict(l=10, r=10, t=30, b=10), **extra)
    return fig


def _period_end(start: pd.Timestamp, precision) -> pd.Timestamp:
    """Last day of the period a partial date names (the day itself at day precision)."""
    return start + _PERIOD_END[precision] if precision in _PERIOD_END else start


def _precision_text(date_text, precision) -> str:
    return f"{date_text} ({precision} only)" if precision in COARSE else str(date_text)


def _scatter(**spec) -> go.Scatter:
    """A scatter trace without plotly's value-by-value validation, which was half the cost of a
    timeline of thousands of marks; a test checks that validating each figure changes nothing."""
    return go.Scatter(**spec, _validate=False)


def _legend_entry(name: str, symbol: str, colour: str, mode: str = "markers") -> go.Scatter:
    """A legend-only item (no data): one entry per kind however many traces draw it."""
    return _scatter(x=[None], y=[None], mode=mode, name=name, legendgroup=name,
                      marker=dict(symbol=symbol, color=colour, size=10, line=dict(color=colour, width=2)),
                      line=dict(color=colour, width=6))


def _mark_traces(marks: pd.DataFrame, name: str, symbol: str, colour: str,
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
    ends = [_period_end(s, p) for s, p in zip(marks["start"], marks["precision"])]
    spans = [(s, e, y) for s, e, y, c in zip(marks["start"], ends, marks["y"], coarse) if c]
    traces = [_legend_entry(name, f"{symbol}-open" if hollow else symbol, colour)]
    if spans:
        traces.append(_scatter(x=[v for s, e, _ in spans for v in (s, e, None)],
                                 y=[v for *_, y in spans for v in (y, y, None)], mode="lines",
                                 name=f"{name} · span", legendgroup=name, showlegend=False,
                                 hoverinfo="skip", opacity=0.35, line=dict(color=colour, width=8, dash=dash)))
    symbols = [f"{symbol}-open" if c or hollow else symbol for c in coarse]
    return traces + [_scatter(
        x=[s + (e - s) / 2 for s, e in zip(marks["start"], ends)], y=list(marks["y"]), mode="markers",
        name=name, legendgroup=name, showlegend=False, hoverinfo="text", hovertext=list(marks["hover"]),
        marker=dict(symbol=symbols, color=colour, size=size, line=dict(color=colour, width=2)))]


def _lanes(deals: pd.DataFrame, deliveries: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """Buyer ISO3 -> (lane index, buyer name); lanes in order of each buyer's first dated record."""
    parts = [f.assign(when=f[col])[["buyer_iso3", "buyer", "when"]]
             for f, col in ((deals, "signed_start"), (deliveries, "date_start")) if not _empty(f)]
    if not parts:
        return {}
    rows = pd.concat(parts).dropna(subset=["buyer_iso3"])
    first = rows.groupby("buyer_iso3").agg(buyer=("buyer", "first"), when=("when", "min"))
    first = first.reset_index().sort_values(["when", "buyer"], na_position="last")
    return {iso: (i, name) for i, (iso, name) in enumerate(zip(first["buyer_iso3"], first["buyer"]))}


def _deal_marks(deals: pd.DataFrame, lanes: dict) -> pd.DataFrame:
    signed = deals[deals["signed_start"].notna() & deals["buyer_iso3"].isin(list(lanes))]
    hover = [_hover(r.title, f"Contract signed: {_precision_text(r.signed_date, r.date_precision)}",
                    f"Status: {r.status}", f"Value: {format_money(r.value_amount, r.value_currency)}",
                    _quantity(r), f"Confidence: {r.confidence}") for r in signed.itertuples()]
    return pd.DataFrame({"start": signed["signed_start"], "precision": signed["date_precision"],
                         "y": [lanes[i][0] for i in signed["buyer_iso3"]], "hover": hover})


def _delivery_marks(rows: pd.DataFrame, lanes: dict, offset: float = 0.0) -> pd.DataFrame:
    rows = rows[rows["buyer_iso3"].isin(list(lanes))]
    hover = [_hover(f"{r.buyer}: {'total delivered as of' if r.basis == 'cumulative' else 'delivery'} "
                    f"{_precision_text(r.date, r.date_precision)}" + (" (planned)" if r.planned else ""),
                    _quantity(r), r.quantity_note, r.description, f"Confidence: {r.confidence}")
             for r in rows.itertuples()]
    return pd.DataFrame({"start": rows["date_start"], "precision": rows["date_precision"],
                         "y": [lanes[i][0] + offset for i in rows["buyer_iso3"]], "hover": hover})


def _quantity(row) -> str | None:
    if not _present(row.quantity):
        return None
    unit = row.unit if _present(row.unit) else "(unit not stated)"
    return f"Quantity: {row.quantity:g} {unit}"


def _event_lanes(event, lanes: dict) -> list[str]:
    """The lanes an event belongs on: its deal's buyer, else every involved country with a lane."""
    if _present(event.buyer_iso3) and event.buyer_iso3 in lanes:
        return [event.buyer_iso3]
    codes = str(event.countries).split(";") if _present(event.countries) else []
    return [code.strip() for code in codes if code.strip() in lanes]


def _event_marks(events: pd.DataFrame, lanes: dict) -> pd.DataFrame:
    rows = []
    for e in events.itertuples(index=False):
        group = e.type if e.type in EVENT_GROUPS else "other"
        hover = _hover(e.title, f"{e.type.replace('_', ' ').capitalize()}: "
                       f"{_precision_text(e.date, e.date_precision)}",
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
    return _scatter(x=xs, y=ys, mode="lines", name=f"{name} · rule", legendgroup=name,
                      showlegend=False, hoverinfo="skip", line=dict(color=colour, width=1.5, dash="dot"))


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
    # Legend-only entries carry no dates, so the axis type must be stated, not inferred.
    fig = _layout(go.Figure(), "Date", "Buyer", height=max(320, 140 + 60 * len(lanes)), xaxis_type="date")
    if not lanes:
        return fig
    if not _empty(deals):
        fig.add_traces(_mark_traces(_deal_marks(deals, lanes), "Contract signed", "diamond", PALETTE["signed"]))
    if not _empty(deliveries):
        deliveries = deliveries.assign(planned=deliveries["planned"].fillna(False).astype(bool))
        planned = deliveries["planned"]
        totals = deliveries["basis"] == "cumulative"
        fig.add_traces(_mark_traces(_delivery_marks(deliveries[~planned & ~totals], lanes),
                             "Delivery (actual)", "circle", PALETTE["delivery"]))
        fig.add_traces(_mark_traces(_delivery_marks(deliveries[planned & ~totals], lanes), "Delivery planned",
                             "circle", PALETTE["planned"], hollow=True, dash="dot"))
        fig.add_traces(_mark_traces(_delivery_marks(deliveries[totals], lanes, 0.25),
                             "Reported total to date", "line-ns", PALETTE["reported_total"]))
    if not _empty(events):
        marks = _event_marks(events, lanes)
        for group, (name, symbol) in EVENT_GROUPS.items():
            colour = PALETTE.get(group, PALETTE["event"])
            fig.add_traces(_mark_traces(marks[marks["group"] == group], name, symbol, colour,
                                        size=7 if group == "other" else 11))
            if group in ("sanctions", "programme_suspension") and (marks["group"] == group).any():
                fig.add_trace(_rule_trace(marks[marks["group"] == group], name, colour))
    fig.add_trace(_legend_entry("day known", "circle", PALETTE["key"]))
    fig.add_trace(_legend_entry("month/year only: span", "circle-open", PALETTE["key"], "lines+markers"))
    order = sorted(lanes.values())
    fig.update_yaxes(tickvals=[i for i, _ in order], ticktext=[_esc(n) for _, n in order],
                     autorange="reversed", showgrid=True, zeroline=False)
    return fig.update_layout(hovermode="closest")


CUMULATIVE_COLUMNS = ["series", "buyer_iso3", "buyer", "unit", "kind", "date_start", "date",
                      "date_precision", "quantity", "cumulative", "quantity_note", "confidence"]


def cumulative_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    """Cumulative delivered quantity per (buyer, unit): units are never added together.

    kind 'actual': running total of actual batches (basis 'batch', planned false), by date;
    kind 'planned': planned batches continuing from the actual total; kind 'reported total':
    a source's stated total (basis 'cumulative', not planned), kept as stated, never summed.
    Rows without a quantity, unit or date are skipped: they cannot be placed on the chart.
    """
    if _empty(deliveries):
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


def _colour_map(keys) -> dict:
    return {key: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, key in enumerate(keys)}


def _cumulative_hover(rows: pd.DataFrame) -> list[str]:
    return [_hover(r.series, f"{r.kind.capitalize()}: {_precision_text(r.date, r.date_precision)}",
                   f"Quantity: {r.quantity:g}; cumulative {r.cumulative:g}", r.quantity_note,
                   f"Confidence: {r.confidence}") for r in rows.itertuples()]


def _step_trace(rows: pd.DataFrame, name: str, colour: str, dash: str) -> go.Scatter:
    symbols = ["circle-open" if p in COARSE or dash != "solid" else "circle" for p in rows["date_precision"]]
    return _scatter(x=list(rows["date_start"]), y=list(rows["cumulative"]), mode="lines+markers",
                      line_shape="hv", name=_esc(name), legendgroup=_esc(name),
                      line=dict(color=colour, dash=dash, width=2.5), hoverinfo="text",
                      hovertext=_cumulative_hover(rows),
                      marker=dict(symbol=symbols, size=9, color=colour, line=dict(color=colour, width=2)))


def cumulative_figure(frame: pd.DataFrame) -> go.Figure:
    """Step lines (one per buyer · unit) of the frame from cumulative_deliveries.

    Batches sit at their period's first day; a month/year-dated point is a hollow marker.
    Planned batches continue the line dashed; reported totals are separate diamond markers
    ("<series> · reported total"), a month/year total with a span over its period.
    """
    fig = _layout(go.Figure(), "Date", "Units delivered (cumulative, per unit type)", height=440,
                  xaxis_type="date")
    if _empty(frame):
        return fig
    colours = _colour_map(sorted(frame["series"].unique()))
    for series, rows in frame.groupby("series", sort=True):
        colour, actual = colours[series], rows[rows["kind"] == "actual"]
        if not actual.empty:
            fig.add_trace(_step_trace(actual, series, colour, "solid"))
        planned = rows[rows["kind"] == "planned"]
        if not planned.empty:
            fig.add_trace(_step_trace(pd.concat([actual.tail(1), planned]), f"{series} · planned",
                                      colour, "dash"))
        totals = rows[rows["kind"] == "reported total"]
        if not totals.empty:
            marks = pd.DataFrame({"start": totals["date_start"], "precision": totals["date_precision"],
                                  "y": totals["cumulative"], "hover": _cumulative_hover(totals)})
            fig.add_traces(_mark_traces(marks, _esc(f"{series} · reported total"), "diamond", colour))
    return fig


def _usd_columns(basis: str) -> tuple[str, str]:
    """(deal column, payment column) for a basis; 'original' cannot be summed, so nominal."""
    if basis not in ("nominal", "constant", "original"):
        raise ValueError(f"basis must be nominal, constant or original, not {basis!r}")
    return _USD_COLUMNS["constant" if basis == "constant" else "nominal"]


def _shares(eligible: pd.DataFrame, payments: pd.DataFrame, pay_col: str) -> pd.DataFrame:
    """Each deal's value split into its known payments (in date order, capped at what the value
    leaves) and the balance: columns position (the deal's row), kind, amount. Vectorised: a
    Python loop per deal cost seconds at 100,000 deals."""
    keyed = eligible.loc[eligible["deal_id"].notna(), ["deal_id", "position", "value"]]
    pays = payments[payments[pay_col].fillna(0) > 0].sort_values("date_start", kind="stable")
    pays = pays[["deal_id", "kind", pay_col]].astype({pay_col: float}).merge(keyed, on="deal_id", how="inner",
                                                                             sort=False)
    paid_before = pays.groupby("deal_id", sort=False)[pay_col].cumsum() - pays[pay_col]
    taken = pays[pay_col].where(pays[pay_col] < pays["value"] - paid_before, pays["value"] - paid_before)
    paid = pays.assign(amount=taken.clip(lower=0), step=range(len(pays)))[["position", "kind", "amount", "step"]]
    total_paid = eligible["deal_id"].map(pays.groupby("deal_id")[pay_col].sum()).fillna(0)
    balance = eligible["value"] - total_paid.where(total_paid < eligible["value"], eligible["value"])
    rest = pd.DataFrame({"position": eligible["position"], "kind": "balance", "amount": balance,
                         "step": len(pays)})
    shares = pd.concat([paid, rest], ignore_index=True)
    # Per deal: its payments in date order, then its balance; deals in their given order.
    return shares[shares["amount"] > 0].sort_values(["position", "step"], kind="stable")


def money_flows(deals: pd.DataFrame, payments: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Sankey links buyer -> financing -> exporter -> manufacturer, in US dollars.

    Only signed, delivering or delivered deals with a USD value on the basis count. Known
    payments (by kind, in date order) come first, capped at the deal value; the rest is
    "Balance (terms not public)". basis 'original' is not summable across currencies and
    uses nominal USD: the caller must say so. kind is the payment kind (or 'balance').
    A row with no deal_id stands for deals without payments, summed (queries.money_deals).
    Beyond MAX_BUYER_SERIES buyers, the smaller ones are one node, "Other buyers (N)".
    """
    deal_col, pay_col = _usd_columns(basis)
    columns = ["source", "target", "value", "kind"]
    if _empty(deals):
        return pd.DataFrame(columns=columns)
    eligible = deals[deals["status"].isin(CONTRACTED) & (deals[deal_col].fillna(0) > 0)]
    if eligible.empty:
        return pd.DataFrame(columns=columns)
    eligible = eligible.assign(position=range(len(eligible)), value=eligible[deal_col].astype(float))
    pays = payments if not _empty(payments) else pd.DataFrame(columns=["deal_id", "kind", "date_start", pay_col])
    shares = _shares(eligible, pays, pay_col).merge(
        eligible[["position", "buyer", "seller", "manufacturer"]], on="position", how="left", sort=False)
    shares = shares.assign(buyer=_largest_buyers(shares.assign(currency="USD", value=shares["amount"])))
    exporter = shares["seller"].where(shares["seller"].notna(), "Exporter not stated")
    maker = shares["manufacturer"].where(shares["manufacturer"].notna(), "Manufacturer not stated")
    label = shares["kind"].map(PAYMENT_LABELS).fillna(PAYMENT_LABELS["other"])
    links = [pd.DataFrame({"source": shares["buyer"], "target": label}),
             pd.DataFrame({"source": label, "target": exporter}),
             # A seller that is also the maker (Russia's own orders) would be a loop: stop there.
             pd.DataFrame({"source": exporter, "target": maker})[exporter != maker]]
    flows = pd.concat([link.assign(value=shares["amount"], kind=shares["kind"], order=i)
                       for i, link in enumerate(links)])
    flows = flows.reset_index(names="share").sort_values(["share", "order"], kind="stable")
    return flows.groupby(["source", "target", "kind"], as_index=False, sort=False)["value"].sum()[columns]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sankey_figure(flows: pd.DataFrame, value_label: str) -> go.Figure:
    """A Sankey of money_flows; links coloured by payment kind, hover like "US$ 2.50 bn".

    value_label names the basis in hover and title, e.g. "nominal US$".
    """
    fig = _layout(go.Figure(), "", "", height=460)
    if _empty(flows):
        return fig
    labels = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    index = {label: i for i, label in enumerate(labels)}
    inflow = flows.groupby("target")["value"].sum()
    outflow = flows.groupby("source")["value"].sum()
    totals = [max(inflow.get(label, 0), outflow.get(label, 0)) for label in labels]
    kinds = _colour_map(sorted(set(flows["kind"]) - {"balance"})) | {"balance": PALETTE["balance"]}
    suffix = f" ({_esc(value_label)})" if value_label else ""
    fig.add_trace(go.Sankey(
        textfont=dict(color="#1f2328", size=12),
        node=dict(label=[_esc(label) for label in labels], pad=18, thickness=16, color="#56677a",
                  customdata=[format_money(t, "USD") + suffix for t in totals],
                  hovertemplate="%{label}<br>%{customdata}<extra></extra>"),
        link=dict(source=[index[s] for s in flows["source"]], target=[index[t] for t in flows["target"]],
                  value=list(flows["value"]), color=[_rgba(kinds[k], 0.45) for k in flows["kind"]],
                  customdata=[format_money(v, "USD") + suffix for v in flows["value"]],
                  hovertemplate="%{source.label} → %{target.label}<br>%{customdata}<extra></extra>")))
    return fig.update_layout(title=dict(text=f"Contract value by financing, exporter, manufacturer{suffix}",
                                        font=dict(size=14)), margin=dict(l=10, r=10, t=40, b=10))


VALUE_COLUMNS = ["year", "buyer", "currency", "value_bn", "series"]


MAX_BUYER_SERIES = 12  # colours a reader can tell apart; the rest are summed as one


def _largest_buyers(valued: pd.DataFrame) -> pd.Series:
    """Each row's buyer, or "Other buyers (N)" beyond the MAX_BUYER_SERIES - 1 largest by value
    in each currency: hundreds of stacked colours tell nobody anything."""
    totals = valued.groupby(["currency", "buyer"])["value"].sum()
    ranks = totals.groupby(level="currency").rank(method="first", ascending=False)
    counts = totals.groupby(level="currency").size()
    many = counts[counts > MAX_BUYER_SERIES].index
    other = ranks[(ranks >= MAX_BUYER_SERIES) & ranks.index.get_level_values("currency").isin(many)]
    if other.empty:
        return valued["buyer"]
    folded = other.groupby(level="currency").size()
    label = {key: f"Other buyers ({folded[key[0]]})" for key in other.index}
    keys = list(zip(valued["currency"], valued["buyer"]))
    return pd.Series([label.get(key, key[1]) for key in keys], index=valued.index)


def value_by_year(deals: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Contract value (bn) by deal year, buyer and currency, for signed/delivering/delivered deals.

    Cancelled and merely prospective deals are excluded (nothing is owed); so are deals with
    no year or no value on the basis. 'original' keeps each currency apart (series
    "Turkey · USD"); nominal and constant are USD and the series is the buyer. Beyond
    MAX_BUYER_SERIES buyers in a currency, the smaller ones are summed as "Other buyers (N)".
    """
    if basis == "original":
        value_col, currency = "value_amount", None
    else:
        value_col, currency = _usd_columns(basis)[0], "USD"
    if _empty(deals):
        return pd.DataFrame(columns=VALUE_COLUMNS)
    d = deals[deals["status"].isin(CONTRACTED) & deals[value_col].notna() & deals["year"].notna()]
    d = d.assign(value=d[value_col], currency=currency or d["value_currency"], year=d["year"].astype(int))
    d = d.assign(buyer=_largest_buyers(d))
    g = d.groupby(["year", "buyer", "currency"], as_index=False)["value"].sum()
    g["value_bn"] = g["value"] / 1e9
    g["series"] = g["buyer"] + " · " + g["currency"] if basis == "original" else g["buyer"]
    return g.reindex(columns=VALUE_COLUMNS)


def value_by_year_figure(frame: pd.DataFrame, basis: str, base_year: int | None = None) -> go.Figure:
    """Stacked bars of value_by_year, one colour per buyer.

    basis 'original': one row of bars per currency, each with its own y axis ("USD bn"),
    because amounts in different currencies share no scale; the y title of the first row
    is the overall "Contract value (original currency, bn)" and legends read "Turkey · USD".
    """
    titles = {"nominal": "Contract value (US$ bn, nominal)", "original": "Contract value (original currency, bn)",
              "constant": f"Contract value (US$ bn, constant {base_year})"}
    currencies = sorted(frame["currency"].unique()) if basis == "original" and not _empty(frame) else ["USD"]
    fig = make_subplots(rows=len(currencies), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[f"{c} bn" for c in currencies] if basis == "original" else None)
    _layout(fig, "", titles[basis], height=max(360, 90 + 230 * len(currencies)), barmode="relative")
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_xaxes(title_text="Year (signed, else announced)", row=len(currencies), col=1)
    if _empty(frame):
        return fig
    colours = _colour_map(sorted(frame["buyer"].unique()))
    for series, rows in frame.groupby("series", sort=True):
        currency, buyer = rows["currency"].iloc[0], rows["buyer"].iloc[0]
        fig.add_trace(go.Bar(x=list(rows["year"]), y=list(rows["value_bn"]), name=_esc(series),
                             marker_color=colours[buyer], hoverinfo="text", width=0.7,
                             hovertext=[_hover(f"{series}, {y}", format_money(v * 1e9, currency))
                                        for y, v in zip(rows["year"], rows["value_bn"])]),
                      row=currencies.index(currency) + 1 if basis == "original" else 1, col=1)
    return fig


TIMELINE_MAX_MARKS = 3000   # above this the timeline is aggregated: more marks than the eye can see
AGGREGATED = "mixed (aggregated)"


def _year_start(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype(int).astype(str) + "-01-01")


def timeline_from_years(years: pd.DataFrame, counts: dict[str, int]):
    """(deals, deliveries, events, note) for timeline_figure from ``queries.timeline_years``: each
    buyer lane's signatures, deliveries and events of a year as one year span, with a note saying
    so. ``counts`` are the records in view ({'deliveries': n, 'events': n, ...}). Pure."""
    years = years.assign(year=years["year"].astype(int), date_precision="year", confidence=AGGREGATED)
    signed = years[years["kind"] == "signed"]
    signed = signed.assign(signed_start=_year_start(signed["year"]), signed_date=signed["year"].astype(str),
                           title=[f"{n} contract(s) signed in {y}" for n, y in zip(signed["n"], signed["year"])],
                           status="various", value_amount=float("nan"), value_currency=None,
                           quantity=float("nan"), unit=None)
    batches = years[years["kind"] == "delivery"]
    # Units are never added together, so the lanes show counts of deliveries, not quantities.
    batches = batches.assign(date_start=_year_start(batches["year"]), date=batches["year"].astype(str),
                             planned=batches["planned"].astype(bool), quantity=float("nan"),
                             quantity_qualifier=None, unit=None, quantity_note=None,
                             description=[f"{n} deliveries in the year" for n in batches["n"]])
    events = years[years["kind"] == "event"]
    events = events.assign(type=events["type"].where(events["type"].isin(list(EVENT_GROUPS)), "other"))
    events = events.groupby(["buyer_iso3", "buyer", "type", "year"], as_index=False)["n"].sum()
    events = events.assign(date_start=_year_start(events["year"]), date=events["year"].astype(str),
                           date_precision="year", confidence=AGGREGATED, countries=events["buyer_iso3"],
                           title=[f"{n} {t.replace('_', ' ')} event(s)" for n, t in zip(events["n"], events["type"])])
    lanes = years["buyer_iso3"].nunique()
    buyers = int(years["buyers_in_view"].max()) if len(years) else 0
    note = (f"{buyers} buyers, {counts['deliveries']:,} deliveries and {counts['events']:,} events are too many "
            f"to draw one by one: showing the {lanes} buyers with the most records, each year's "
            "signatures, deliveries and events summed into one span. Narrow the filters to see single records.")
    return signed, batches, events, note


def cumulative_from_years(years: pd.DataFrame):
    """(cumulative frame, note) from ``queries.cumulative_years``: each (buyer, unit) series summed
    per year, with a note saying how many series there are and how many are drawn. Pure."""
    frame = years.assign(date_start=_year_start(years["year"]), date=years["year"].astype(int).astype(str),
                         date_precision="year", confidence=AGGREGATED, planned=years["planned"].astype(bool),
                         quantity_note=[f"{n} deliveries in the year" for n in years["n"]])
    drawn = frame.groupby(["buyer_iso3", "unit"]).ngroups
    in_view = int(years["series_in_view"].max()) if len(years) else 0
    note = (f"{in_view} buyer and unit series: showing the {drawn} largest, summed per year. "
            "Narrow the filters to see every delivery.") if in_view > drawn else "Summed per year."
    return cumulative_deliveries(frame), note
