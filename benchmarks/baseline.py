"""The baseline the app is compared with: the way most Streamlit apps do it.

Every table is loaded into pandas once, at start (all rows, no filters), and every rerun
filters those frames in pandas. ``install()`` swaps ``s400tracker.ui.data.cached`` (the one
cached query every page goes through) for that,
so the pages do exactly the same drawing work and only the data access differs. (The
sources table keeps its all-records ``supports`` text: a naive app would not re-aggregate it.)
"""

import pandas as pd
import streamlit as st

from s400tracker import aggregates, db, queries
from s400tracker.filters import Filters
from s400tracker.ui import data

FULL = {"deals": queries.deals, "deliveries": queries.deliveries, "payments": queries.payments,
        "events": queries.events, "claims": queries.claims, "conversions": queries.conversions,
        "sources": queries.sources, "country_status": aggregates.country_status}


@st.cache_resource(show_spinner=False)
def _everything(key: str) -> dict[str, pd.DataFrame]:
    conn = data._connection_for(key)
    everything = Filters(systems=())  # every system: the default view is the S-400's
    frames = {name: query(conn, everything) for name, query in FULL.items()}
    frames["deals"] = frames["deals"].merge(db.query(conn, "SELECT deal_id, system_id FROM deals"), on="deal_id")
    frames["disputed_claims"] = frames["claims"][frames["claims"]["disputed"].astype(bool)]
    frames["citations"] = db.query(conn, "SELECT record_type, record_id, source_id FROM citations")
    return frames


def _in(values: pd.Series, chosen: tuple) -> pd.Series:
    return values.isin(chosen) if chosen else pd.Series(True, index=values.index)


def _years(years: pd.Series, view: Filters) -> pd.Series:
    if not view.years:
        return pd.Series(True, index=years.index)
    return years.between(*view.years)


def _own(frame: pd.DataFrame, view: Filters) -> pd.Series:
    return _in(frame["confidence"], view.confidences) & _in(frame["origin"], view.origins)


def _records(all_: dict[str, pd.DataFrame], view: Filters, query: str) -> pd.DataFrame:
    deals = all_["deals"]
    ok = deals[_in(deals["buyer_code"], view.buyers) & _in(deals["supplier_code"], view.suppliers)
               & _in(deals["system_id"], view.systems) & _in(deals["status"], view.statuses)]
    if query == "deals":
        return ok[_own(ok, view) & _years(ok["year"], view)]
    ok_ids = set(ok["deal_id"])
    if query in ("deliveries", "payments"):
        f = all_[query]
        return f[f["deal_id"].isin(ok_ids) & _own(f, view) & _years(f["date_start"].dt.year, view)]
    events = all_["events"]
    codes = events["countries"].fillna("").str.split("; ")
    free = events["deal_id"].isna() & (not view.statuses) & (not view.systems)  # no system without a deal
    if view.buyers:
        free &= codes.map(lambda c: bool(set(c) & set(view.buyers)))
    if view.suppliers:
        free &= codes.map(lambda c: bool(set(c) & set(view.suppliers)))
    return events[(events["deal_id"].isin(ok_ids) | free) & _own(events, view)
                  & _years(events["date_start"].dt.year, view)]


def _filtered(all_: dict[str, pd.DataFrame], view: Filters, query: str) -> pd.DataFrame:
    if query in ("deals", "deliveries", "payments", "events"):
        return _records(all_, view, query)
    if query == "country_status":
        counts = _records(all_, view, "deals").groupby("buyer_code").size()
        status = all_["country_status"].assign(deal_count=lambda f: f["iso3"].map(counts).fillna(0).astype(int))
        return status[status["deal_count"] > 0].reset_index(drop=True)
    visible = set()
    for kind, name, key in (("deal", "deals", "deal_id"), ("delivery", "deliveries", "delivery_id"),
                            ("payment", "payments", "payment_id"), ("event", "events", "event_id")):
        rows = _records(all_, view, name)
        visible |= set(zip([kind] * len(rows), rows[key]))
    if query in ("claims", "disputed_claims", "conversions"):
        f = all_[query]
        return f[[k in visible for k in zip(f["record_type"], f["record_id"])]]
    cites = all_["citations"]
    used = set(cites["source_id"][[k in visible for k in zip(cites["record_type"], cites["record_id"])]])
    return all_["sources"][all_["sources"]["source_id"].isin(used)]


def _counts(all_: dict[str, pd.DataFrame], view: Filters) -> pd.DataFrame:
    return pd.DataFrame([{name: len(_records(all_, view, name))
                          for name in ("deals", "deliveries", "payments", "events")}])


def _counted(deals: pd.DataFrame) -> pd.DataFrame:
    """The deals whose values totals add (each purchase once), as the app counts them."""
    return deals[deals["counted_in_totals"].astype(bool)]


def _pairs(deals: pd.DataFrame) -> pd.DataFrame:
    deals = deals.assign(counted_value=deals["value_usd_nominal"].where(deals["counted_in_totals"].astype(bool)))
    keys = ["supplier_code", "supplier", "supplier_kind", "buyer_code", "buyer", "buyer_kind", "status"]
    grouped = deals.groupby(keys, as_index=False)
    return grouped.agg(deal_count=("deal_id", "size"), counted_deals=("counted_in_totals", "sum"),
                       valued_deals=("counted_value", "count"),
                       value_usd_nominal=("counted_value", "sum"), buyer_lat=("buyer_lat", "first"),
                       buyer_lon=("buyer_lon", "first"), supplier_lat=("supplier_lat", "first"),
                       supplier_lon=("supplier_lon", "first"))


def _timeline_years(all_: dict[str, pd.DataFrame], view: Filters) -> pd.DataFrame:
    deals, deliveries = _records(all_, view, "deals"), _records(all_, view, "deliveries")
    events = _records(all_, view, "events")
    busiest = pd.concat([deals["buyer_code"], deliveries["buyer_code"]]).value_counts()
    lanes = set(busiest.index[:25])
    names = dict(zip(deals["buyer_code"], deals["buyer"]))
    parts = [deals[deals["signed_start"].notna()].assign(kind="signed", year=lambda f: f["signed_start"].dt.year),
             deliveries[deliveries["date_start"].notna()].assign(
                 kind="delivery", year=lambda f: f["date_start"].dt.year),
             events[events["date_start"].notna() & events["deal_id"].notna()].assign(
                 kind="event", year=lambda f: f["date_start"].dt.year)]
    rows = pd.concat([p.reindex(columns=["kind", "buyer_code", "planned", "basis", "type", "year"]) for p in parts])
    rows = rows[rows["buyer_code"].isin(lanes)]
    counted = rows.groupby(["kind", "buyer_code", "planned", "basis", "type", "year"], dropna=False).size()
    counted = counted.rename("n").reset_index()
    return counted.assign(buyer=counted["buyer_code"].map(names), buyers_in_view=len(busiest))


def _cumulative_years(deliveries: pd.DataFrame) -> pd.DataFrame:
    usable = deliveries.dropna(subset=["quantity", "unit", "date_start"])
    usable = usable.assign(year=usable["date_start"].dt.year, planned=usable["planned"].fillna(False))
    totals = usable[usable["basis"] == "batch"].groupby(["buyer_code", "unit"])["quantity"].sum().nlargest(12)
    chosen = usable[usable.set_index(["buyer_code", "unit"]).index.isin(totals.index)]
    summed = chosen.groupby(["buyer_code", "buyer", "unit", "planned", "basis", "year"], as_index=False).agg(
        n=("quantity", "size"), quantity=("quantity", "sum"))
    return summed.assign(series_in_view=usable.groupby(["buyer_code", "unit"]).ngroups)


def _aggregate(all_: dict[str, pd.DataFrame], view: Filters, query: str) -> pd.DataFrame:
    """The pages' aggregates, computed the naive way: from every filtered row, in pandas."""
    if query == "record_counts":
        return _counts(all_, view)
    if query == "deal_pairs":
        return _pairs(_records(all_, view, "deals"))
    if query in ("deal_years", "money_deals"):  # every counted deal row: what a naive app hands the charts
        return _counted(_records(all_, view, "deals"))
    if query == "money_payments":
        return _records(all_, view, "payments")
    if query == "timeline_years":
        return _timeline_years(all_, view)
    if query == "cumulative_years":
        return _cumulative_years(_records(all_, view, "deliveries"))
    raise KeyError(query)


AGGREGATES = ("record_counts", "deal_pairs", "deal_years", "money_deals", "money_payments", "timeline_years",
              "cumulative_years")


APP_CACHED = data.cached


def cached(_query, name: str, filters: Filters, key: str, **options) -> pd.DataFrame:
    """The baseline's ``data.cached``: filter the frames loaded at start, in pandas, every time."""
    query, all_ = _query.__name__, _everything(key)
    if query == "delivered_units":  # the baseline sums the filtered deliveries in pandas
        return _filtered(all_, filters, "deliveries")
    if query in AGGREGATES:
        return _aggregate(all_, filters, query)
    if query not in (*FULL, "disputed_claims"):
        return APP_CACHED(_query, name, filters, key, **options)
    rows = _filtered(all_, filters, query)
    if query in ("sources", "conversions", "deals", "deliveries", "payments", "events"):
        rows = rows.assign(total=len(rows))
    if query in ("claims", "disputed_claims") and options.get("record_type"):
        rows = rows[rows["record_type"] == options["record_type"]]
    return rows if options.get("limit") is None else rows.head(options["limit"])


def prefetch(filters: Filters, *loads: data.Load) -> list[pd.DataFrame]:
    """The baseline's ``data.prefetch``: each load in turn, in the page's thread, as a naive app reads."""
    key = data.database_key()
    return [cached(load.query, load.query.__name__, filters, key, **load.options) for load in loads]


def install() -> None:
    """Make the app's pages read their data the baseline way (in this process)."""
    data.cached = cached
    data.prefetch = prefetch
