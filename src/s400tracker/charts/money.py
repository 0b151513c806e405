"""Money: the Sankey of who paid whom and contract value by year, in US dollars or as signed."""

import copy
import functools

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..formats import format_money
from ..schema import CONTRACTED
from .base import MARGIN, PALETTE, TEMPLATE, colour_map, esc, figure, house_layout, hover_text, is_empty

PAYMENT_LABELS = {"advance": "Advance payment", "instalment": "Instalment",
                  "state_loan": "State loan", "final_payment": "Final payment",
                  "other": "Other payment", "balance": "Balance (terms not public)"}
_USD_COLUMNS = {"nominal": ("value_usd_nominal", "usd_nominal"),
                "constant": ("value_usd_constant", "usd_constant")}
VALUE_COLUMNS = ["year", "buyer", "currency", "value_bn", "series"]
MAX_BUYER_SERIES = 12  # colours a reader can tell apart; the rest are summed as one


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
    if is_empty(deals):
        return pd.DataFrame(columns=columns)
    eligible = deals[deals["status"].isin(CONTRACTED) & (deals[deal_col].fillna(0) > 0)]
    if eligible.empty:
        return pd.DataFrame(columns=columns)
    eligible = eligible.assign(position=range(len(eligible)), value=eligible[deal_col].astype(float))
    pays = payments if not is_empty(payments) else pd.DataFrame(columns=["deal_id", "kind", "date_start", pay_col])
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
    if is_empty(flows):
        return figure([], house_layout("", "", 460))
    labels = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    index = {label: i for i, label in enumerate(labels)}
    inflow = flows.groupby("target")["value"].sum()
    outflow = flows.groupby("source")["value"].sum()
    totals = [max(inflow.get(label, 0), outflow.get(label, 0)) for label in labels]
    kinds = colour_map(sorted(set(flows["kind"]) - {"balance"})) | {"balance": PALETTE["balance"]}
    suffix = f" ({esc(value_label)})" if value_label else ""
    sankey = go.Sankey(
        textfont=dict(color="#1f2328", size=12),
        node=dict(label=[esc(label) for label in labels], pad=18, thickness=16, color="#56677a",
                  customdata=[format_money(t, "USD") + suffix for t in totals],
                  hovertemplate="%{label}<br>%{customdata}<extra></extra>"),
        link=dict(source=[index[s] for s in flows["source"]], target=[index[t] for t in flows["target"]],
                  value=list(flows["value"]), color=[_rgba(kinds[k], 0.45) for k in flows["kind"]],
                  customdata=[format_money(v, "USD") + suffix for v in flows["value"]],
                  hovertemplate="%{source.label} → %{target.label}<br>%{customdata}<extra></extra>"),
        _validate=False)
    title = dict(text=f"Contract value by financing, exporter, manufacturer{suffix}", font=dict(size=14))
    return figure([sankey], house_layout("", "", 460, title=title, margin=dict(l=10, r=10, t=40, b=10)))


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
    if is_empty(deals):
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
    currencies = sorted(frame["currency"].unique()) if basis == "original" and not is_empty(frame) else ["USD"]
    layout = _bar_grid(tuple(currencies) if basis == "original" else None)
    layout.update(template=TEMPLATE, height=max(360, 90 + 230 * len(currencies)), margin=MARGIN, barmode="relative")
    for name in [name for name in layout if name.startswith("xaxis")]:
        layout[name].update(dtick=1, tickformat="d")
    layout["xaxis"]["title"], layout["yaxis"]["title"] = dict(text=""), dict(text=titles[basis])
    layout[_axis("xaxis", len(currencies))]["title"] = dict(text="Year (signed, else announced)")
    if is_empty(frame):
        return figure([], layout)
    colours, traces = colour_map(sorted(frame["buyer"].unique())), []
    for series, rows in frame.groupby("series", sort=True):
        currency, buyer = rows["currency"].iloc[0], rows["buyer"].iloc[0]
        row = currencies.index(currency) + 1 if basis == "original" else 1
        traces.append(go.Bar(x=list(rows["year"]), y=list(rows["value_bn"]), name=esc(series),
                             marker_color=colours[buyer], hoverinfo="text", width=0.7,
                             hovertext=[hover_text(f"{series}, {y}", format_money(v * 1e9, currency))
                                        for y, v in zip(rows["year"], rows["value_bn"])],
                             xaxis=_axis("x", row), yaxis=_axis("y", row), _validate=False))
    return figure(traces, layout)


def _axis(name: str, row: int) -> str:
    """Plotly's name of the axis of subplot ``row``: 'x', 'x2', ... (or 'xaxis', 'xaxis2', ...)."""
    return name if row == 1 else f"{name}{row}"


@functools.lru_cache(maxsize=32)
def _grid_layout(currencies: tuple[str, ...] | None) -> dict:
    rows = len(currencies) if currencies else 1
    grid = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                         subplot_titles=[f"{c} bn" for c in currencies] if currencies else None)
    return {name: value for name, value in grid.layout.to_plotly_json().items() if name != "template"}


def _bar_grid(currencies: tuple[str, ...] | None) -> dict:
    """The layout of the bars' subplot grid, a row per currency (``currencies``) or one row (None):
    plotly's make_subplots, run once per grid (it validates, ~5 ms) and copied for each figure."""
    return copy.deepcopy(_grid_layout(currencies))
