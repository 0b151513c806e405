"""The baseline the app is compared with: the way most Streamlit apps do it.

Every table is loaded into pandas once, at start (all rows, no filters), and every rerun
filters those frames in pandas. ``install()`` swaps ``s400tracker.ui.data.frame`` for that,
so the pages do exactly the same drawing work and only the data access differs. (The
sources table keeps its all-records ``supports`` text: a naive app would not re-aggregate it.)
"""

import pandas as pd
import streamlit as st

from s400tracker import db, queries
from s400tracker.filters import Filters
from s400tracker.ui import data

FULL = ("deals", "deliveries", "payments", "events", "claims", "conversions", "sources", "country_status")


@st.cache_resource(show_spinner=False)
def _everything(key: str) -> dict[str, pd.DataFrame]:
    conn = data._connection_for(key)
    frames = {name: getattr(queries, name)(conn, Filters()) for name in FULL}
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
    ok = deals[_in(deals["buyer_iso3"], view.buyers) & _in(deals["supplier_iso3"], view.suppliers)
               & _in(deals["status"], view.statuses)]
    if query == "deals":
        return ok[_own(ok, view) & _years(ok["year"], view)]
    ok_ids = set(ok["deal_id"])
    if query in ("deliveries", "payments"):
        f = all_[query]
        return f[f["deal_id"].isin(ok_ids) & _own(f, view) & _years(f["date_start"].dt.year, view)]
    events = all_["events"]
    codes = events["countries"].fillna("").str.split("; ")
    free = events["deal_id"].isna() & (not view.statuses)
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
        counts = _records(all_, view, "deals").groupby("buyer_iso3").size()
        status = all_["country_status"].assign(deal_count=lambda f: f["iso3"].map(counts).fillna(0).astype(int))
        return status[status["deal_count"] > 0].reset_index(drop=True)
    visible = set()
    for kind, name, key in (("deal", "deals", "deal_id"), ("delivery", "deliveries", "delivery_id"),
                            ("payment", "payments", "payment_id"), ("event", "events", "event_id")):
        rows = _records(all_, view, name)
        visible |= set(zip([kind] * len(rows), rows[key]))
    if query in ("claims", "conversions"):
        f = all_[query]
        return f[[k in visible for k in zip(f["record_type"], f["record_id"])]]
    cites = all_["citations"]
    used = set(cites["source_id"][[k in visible for k in zip(cites["record_type"], cites["record_id"])]])
    return all_["sources"][all_["sources"]["source_id"].isin(used)]


def frame(query: str, filters: Filters) -> pd.DataFrame:
    """The baseline's ``data.frame``: filter the frames loaded at start, in pandas, every time."""
    all_ = _everything(data.database_key())
    if query == "delivered_units":  # the baseline sums the filtered deliveries in pandas
        return _filtered(all_, filters, "deliveries")
    if query not in FULL:
        return data.load(query, filters, data.database_key())
    return _filtered(all_, filters, query)


def install() -> None:
    """Make the app's pages read their data the baseline way (in this process)."""
    data.frame = frame
