"""``derive.conversions`` and ``derive.country_status`` over DataFrames, for bulk data.

``derive`` works on typed rows and compares every deal with every delivery, which is fine for
the curated data and hopeless for a million deliveries. These are the same rules, vectorised
with pandas over database-column frames (dates as datetimes, a ``*_precision`` column beside
each); tests/test_synth.py checks they give exactly what ``derive`` gives on the curated data.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import claims, derive
from .schema import OPERATOR_STATUS

CONVERSION_COLUMNS = ["figure", "record_type", "record_id", "citation_id", "amount", "currency", "qualifier",
                      "year", "fx_year", "fx_rate", "fx_source_id", "usd_nominal", "cpi_year_value",
                      "cpi_base_value", "cpi_source_id", "usd_constant", "base_year", "note"]
STATUS_COLUMNS = ["iso3", "operator_status", "basis", "deal_ids"]


def _year(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.year.astype("Int64")


def money_figures(deals: pd.DataFrame, payments: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Every money figure: deal values, payments, and each competing value claim (as derive)."""
    deal_year = _year(deals["signed_date"]).fillna(_year(deals["announced_date"]))
    deal_year.index = deals["deal_id"]
    payment_year = _year(payments["date"])
    payment_year.index = payments["payment_id"]
    valued = deals[deals["value_amount"].notna()]
    paid = payments[payments["amount"].notna()]
    frames = [pd.DataFrame({"figure": "deal value", "record_type": "deal", "record_id": valued["deal_id"],
                            "citation_id": None, "amount": valued["value_amount"],
                            "currency": valued["value_currency"], "qualifier": valued["value_qualifier"],
                            "year": deal_year.loc[valued["deal_id"]].to_numpy()}),
              pd.DataFrame({"figure": "payment", "record_type": "payment", "record_id": paid["payment_id"],
                            "citation_id": None, "amount": paid["amount"], "currency": paid["currency"],
                            "qualifier": paid["amount_qualifier"],
                            "year": payment_year.loc[paid["payment_id"]].to_numpy()})]
    years = {"deal": deal_year, "payment": payment_year}
    claimed = citations[((citations["record_type"] == "deal") & (citations["field"] == "value"))
                        | ((citations["record_type"] == "payment") & (citations["field"] == "amount"))]
    rows = []
    for c in claimed.itertuples(index=False):
        amount, currency = claims.parse_claim(claims.RECORD_TABLES[c.record_type], c.field, c.claimed_value)
        year = years[c.record_type].get(c.record_id)
        rows.append({"figure": "value claim", "record_type": c.record_type, "record_id": c.record_id,
                     "citation_id": c.citation_id, "amount": amount, "currency": currency, "qualifier": None,
                     "year": None if pd.isna(year) else year})
    frames.append(pd.DataFrame(rows, columns=frames[0].columns))
    figures = pd.concat([f for f in frames if len(f)], ignore_index=True)
    figures["year"] = figures["year"].astype("Int64")
    return figures


def conversions(deals: pd.DataFrame, payments: pd.DataFrame, citations: pd.DataFrame,
                rates: derive.Rates) -> pd.DataFrame:
    """The conversions table: each figure with its rate, CPI and USD values, as derive.conversions."""
    figures = money_figures(deals, payments, citations)
    keys = figures[["currency", "year"]].drop_duplicates()
    # One derive.convert per (currency, year): the rate, CPI and note do not depend on the amount.
    unit = pd.DataFrame([{"currency": cur, "year": year} | derive.convert(1.0, cur, None if pd.isna(year) else int(year), rates)
                         for cur, year in keys.itertuples(index=False)])
    unit["year"] = unit["year"].astype("Int64")
    unit = unit.drop(columns="usd_constant").rename(columns={"usd_nominal": "unit_nominal"})
    out = figures.merge(unit, on=["currency", "year"], how="left")
    has_nominal = out["unit_nominal"].notna()  # the (currency, year) converts at all
    out["usd_nominal"] = (out["amount"] / out["fx_rate"]).where(has_nominal)
    out["usd_constant"] = (out["usd_nominal"] * out["cpi_base_value"] / out["cpi_year_value"]).where(
        out["cpi_year_value"].notna() & has_nominal)
    return out[CONVERSION_COLUMNS]


def _is_in(values: pd.Series, allowed: tuple[str, ...]) -> np.ndarray:
    """``values.isin(allowed)`` in Arrow: pandas' isin on Arrow strings goes row by row in Python."""
    return pc.is_in(pa.array(values), value_set=pa.array(allowed)).to_numpy(zero_copy_only=False)


def _first_actual_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    """deal_id -> delivery_id, date and date_precision of its earliest actual delivery of evident
    confidence (the first listed among the same date, as derive does)."""
    evident = np.flatnonzero(~deliveries["planned"].astype(bool).to_numpy()
                             & _is_in(deliveries["confidence"], derive.EVIDENT_CONFIDENCE))
    # Positions and two columns go through the grouping; the other columns are taken only for the
    # winners (taking every column of a million deliveries cost more than the rule itself).
    dated = pd.DataFrame({"deal_id": deliveries["deal_id"].array.take(evident),
                          "date": deliveries["date"].to_numpy()[evident]}, index=evident)
    first = dated.groupby("deal_id", sort=False)["date"].idxmin().to_numpy()
    return deliveries.iloc[first][["deal_id", "delivery_id", "date", "date_precision"]].set_index("deal_id")


def _deal_statuses(deals: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    first = _first_actual_deliveries(deliveries)
    statuses = deals[["deal_id", "buyer_iso3", "status"]].copy()
    joined = statuses[["deal_id"]].join(first, on="deal_id")
    operator = joined["delivery_id"].notna()
    statuses["operator_status"] = statuses["status"].map(derive.STATUS_FROM_DEAL).where(~operator, "operator")
    dates = pd.to_datetime(joined["date"])
    when = dates.dt.strftime("%Y").where(joined["date_precision"] == "year", dates.dt.strftime("%Y-%m"))
    when = dates.dt.strftime("%Y-%m-%d").where(joined["date_precision"] == "day", when)
    # format_partial_date's text, built for every deal at once
    actual = "actual delivery " + joined["delivery_id"] + " (" + when + ") on " + statuses["deal_id"]
    declared = "deal " + statuses["deal_id"] + " is " + statuses["status"]
    return statuses.assign(basis=actual.where(operator, declared))


def country_status(deals: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    """Each buyer country's strongest status among its deals, as derive.country_status."""
    statuses = _deal_statuses(deals, deliveries).sort_values("deal_id", kind="stable")
    statuses["rank"] = statuses["operator_status"].map(OPERATOR_STATUS.index)
    best = statuses.sort_values(["buyer_iso3", "rank"], kind="stable").drop_duplicates("buyer_iso3")
    ids = statuses.groupby("buyer_iso3", sort=True)["deal_id"].agg("; ".join)
    out = best.set_index("buyer_iso3")[["operator_status", "basis"]].join(ids.rename("deal_ids"))
    out = out.sort_index().reset_index().rename(columns={"buyer_iso3": "iso3"})
    return out[STATUS_COLUMNS]
