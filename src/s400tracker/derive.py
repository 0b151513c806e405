"""Figures the build derives, never typed by hand: USD conversions, operator status, event countries.

The one home of these rules, vectorised over database-column frames (dates as dates or
datetimes, a ``*_precision`` column beside each), so the curated build and a million synthetic
deliveries (``synth``) are derived by the same code: ``derived_tables`` gives every derived table.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import claims
from .dates import deal_years, format_partial_dates, period_ends
from .schema import CONTRACTED, OPERATOR_STATUS

# A delivery counts as evidence of an operator only when it is at least reported.
EVIDENT_CONFIDENCE = ("confirmed", "reported")
STATUS_FROM_DEAL = {"signed": "on order", "delivering": "on order", "delivered": "operator",
                    "approved": "negotiating", "negotiating": "negotiating", "interest": "interest",
                    "cancelled": "declined"}
CONVERSION_COLUMNS = ["figure", "record_type", "record_id", "citation_id", "amount", "currency", "qualifier",
                      "year", "fx_year", "fx_rate", "fx_source_id", "usd_nominal", "cpi_year_value",
                      "cpi_base_value", "cpi_source_id", "usd_constant", "base_year", "note"]
STATUS_COLUMNS = ["iso3", "system_id", "operator_status", "basis", "deal_ids"]
PARTY_COLUMNS = ["code", "name", "kind", "iso3", "place_iso3", "label_lat", "label_lon", "note"]


@dataclass(frozen=True)
class Rates:
    """Annual FX rates (units per USD) and CPI values, each with its source, and the base year."""

    fx: dict[tuple[str, int], tuple[float, str]]
    cpi: dict[int, tuple[float, str]]
    base_year: int

    @classmethod
    def from_tables(cls, tables: dict[str, list[dict]]) -> "Rates":
        """Rates from the fx_rates and price_index tables; the base year is the latest CPI year."""
        fx = {(r["currency"], r["year"]): (r["units_per_usd"], r["source_id"]) for r in tables["fx_rates"]}
        cpi = {r["year"]: (r["value"], r["source_id"]) for r in tables["price_index"]}
        return cls(fx, cpi, max(cpi))


def convert(amount: float, currency: str, year: int | None, rates: Rates) -> dict:
    """Convert an amount to nominal USD at ``year``'s annual rate and to constant base-year USD."""
    result = {"fx_year": year, "fx_rate": None, "fx_source_id": None, "usd_nominal": None,
              "cpi_year_value": None, "cpi_base_value": rates.cpi[rates.base_year][0],
              "cpi_source_id": rates.cpi[rates.base_year][1], "usd_constant": None,
              "base_year": rates.base_year, "note": None}
    if year is None:
        return result | {"note": "no date, so no year to convert at"}
    if currency == "USD":
        result |= {"fx_rate": 1.0, "usd_nominal": amount}
    elif (currency, year) in rates.fx:
        rate, source_id = rates.fx[(currency, year)]
        result |= {"fx_rate": rate, "fx_source_id": source_id, "usd_nominal": amount / rate}
    else:
        return result | {"note": f"no {currency} rate for {year} in fx_rates"}
    if year not in rates.cpi:
        return result | {"note": f"no CPI for {year}, so no constant-dollar value"}
    result["cpi_year_value"] = rates.cpi[year][0]
    result["usd_constant"] = result["usd_nominal"] * result["cpi_base_value"] / result["cpi_year_value"]
    return result


# The field holding each money figure, by the kind of record it is of: deals' values and payments'
# amounts are the only money there is, so every conversion is of a deal or a payment.
MONEY_FIELDS = {"deal": "value", "payment": "amount"}
MONEY_RECORD_TYPES = tuple(MONEY_FIELDS)


def money_figures(deals: pd.DataFrame, payments: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    """Every money figure: deal values, payments, and each competing value claim."""
    deal_year = deal_years(deals)
    deal_year.index = deals["deal_id"]
    payment_year = pd.to_datetime(payments["date"]).dt.year.astype("Int64")
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
    claimed = citations[citations["field"].eq(citations["record_type"].map(MONEY_FIELDS)).fillna(False)]
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
                rates: Rates) -> pd.DataFrame:
    """The conversions table: each money figure with its rate, CPI and USD values."""
    figures = money_figures(deals, payments, citations)
    keys = figures[["currency", "year"]].drop_duplicates()
    # One derive.convert per (currency, year): the rate, CPI and note do not depend on the amount.
    unit = pd.DataFrame([{"currency": cur, "year": year}
                         | convert(1.0, cur, None if pd.isna(year) else int(year), rates)
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
    return pc.is_in(pa.array(values, type=pa.string()), value_set=pa.array(allowed)).to_numpy(zero_copy_only=False)


def _first_actual_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    """deal_id -> delivery_id, date and date_precision of its earliest actual delivery of evident
    confidence (the first listed among the same date)."""
    evident = np.flatnonzero(~deliveries["planned"].astype(bool).to_numpy()
                             & _is_in(deliveries["confidence"], EVIDENT_CONFIDENCE))
    # Positions and two columns go through the grouping; the other columns are taken only for the
    # winners (taking every column of a million deliveries cost more than the rule itself).
    dated = pd.DataFrame({"deal_id": deliveries["deal_id"].array.take(evident),
                          "date": deliveries["date"].to_numpy()[evident]}, index=evident)
    first = dated.groupby("deal_id", sort=False)["date"].idxmin().to_numpy()
    return deliveries.iloc[first][["deal_id", "delivery_id", "date", "date_precision"]].set_index("deal_id")


def _deal_statuses(deals: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    first = _first_actual_deliveries(deliveries)
    statuses = deals[["deal_id", "buyer_iso3", "system_id", "status"]].copy()
    joined = statuses[["deal_id"]].join(first, on="deal_id")
    operator = joined["delivery_id"].notna()
    statuses["operator_status"] = statuses["status"].map(STATUS_FROM_DEAL).where(~operator, "operator")
    when = format_partial_dates(joined["date"], joined["date_precision"])
    ids, first_ids = statuses["deal_id"].astype("str"), joined["delivery_id"].astype("str")
    actual = "actual delivery " + first_ids + " (" + when + ") on " + ids
    declared = "deal " + ids + " is " + statuses["status"].astype("str")
    return statuses.assign(basis=actual.where(operator, declared))


def country_status(deals: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    """Each buyer state's operator status per system: the strongest status among its deals for
    that system (the map combines the systems in view). Parties that are not states have none."""
    statuses = _deal_statuses(deals, deliveries).sort_values("deal_id", kind="stable")
    statuses = statuses[statuses["buyer_iso3"].notna()]
    statuses["rank"] = statuses["operator_status"].map(OPERATOR_STATUS.index)
    keys = ["buyer_iso3", "system_id"]
    best = statuses.sort_values([*keys, "rank"], kind="stable").drop_duplicates(keys)
    ids = statuses.groupby(keys, sort=True)["deal_id"].agg("; ".join)
    out = best.set_index(keys)[["operator_status", "basis"]].join(ids.rename("deal_ids"))
    out = out.sort_index().reset_index().rename(columns={"buyer_iso3": "iso3"})
    return out[STATUS_COLUMNS]


def with_party_codes(deals: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """The deals with ``buyer_code``/``supplier_code`` always the party's code (a state's ISO3)
    and ``buyer_iso3``/``supplier_iso3`` the ISO3 of a state party, empty for any other."""
    states = countries["iso3"]
    out = deals.copy()
    for role in ("buyer", "supplier"):
        given = out[f"{role}_code"] if f"{role}_code" in out else pd.Series(None, index=out.index, dtype=object)
        code = given.where(given.notna(), out[f"{role}_iso3"])
        out[f"{role}_code"] = code
        out[f"{role}_iso3"] = code.where(code.isin(states))
    return out


def all_parties(countries: pd.DataFrame, parties: pd.DataFrame) -> pd.DataFrame:
    """Every party a deal may name: each state (its ISO3, drawn at its label point) and each party
    of the parties table (drawn at its place's point, or not at all)."""
    points = countries.set_index("iso3")[["label_lat", "label_lon"]]
    states = countries.assign(code=countries["iso3"], kind="state", place_iso3=countries["iso3"], note=None)
    others = parties.rename(columns={"party_code": "code"}).assign(iso3=None)
    others = others.join(points, on="place_iso3")
    frame = pd.concat([states[PARTY_COLUMNS], others[PARTY_COLUMNS]], ignore_index=True)
    return frame.astype({"iso3": "object", "note": "object"})


def event_countries(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, country involved), from the events' ``countries`` lists."""
    pairs = events[["event_id", "countries"]].explode("countries").dropna()
    return pairs.rename(columns={"countries": "iso3"}).drop_duplicates()[["event_id", "iso3"]]


COUNTING_COLUMNS = ["deal_id", "contracted", "counted", "reason"]


def deal_counting(deals: pd.DataFrame) -> pd.DataFrame:
    """Whether each deal's value is added to totals, and why: the one rule every total reads.

    A purchase is counted once. Only a contracted deal (signed, delivering, delivered) owes
    money. A framework carried out by a contract on record is that contract's purchase, never
    added again; an option or an amendment of a contract on record is part of that contract.
    An empty relation is a contract.
    """
    relation = deals["relation"].fillna("contract").astype("str")
    ids = deals["deal_id"].astype("str")
    parents = deals["parent_deal_id"].astype("str")
    on_record = parents.where(deals["parent_deal_id"].notna()).isin(set(ids))
    is_contract_under = (relation == "contract") & deals["parent_deal_id"].notna()
    contracts_under = ids[is_contract_under].groupby(parents[is_contract_under]).agg(", ".join)
    carried_out = ids.isin(set(contracts_under.index))
    contracted = deals["status"].isin(CONTRACTED)
    reason = pd.Series("a contracted purchase", index=deals.index, dtype="str")
    reason = reason.where(contracted, "not contracted: " + deals["status"].astype("str"))
    framework = contracted & (relation == "framework") & carried_out
    carrier = ids.map(lambda deal_id: contracts_under.get(deal_id, "")).astype("str")
    reason = reason.where(~framework, "a framework carried out by " + carrier)
    part = contracted & relation.isin(["option", "amendment"]) & on_record
    reason = reason.where(~part, "part of " + parents + " (" + relation + ")")
    counted = contracted & ~framework & ~part
    return pd.DataFrame({"deal_id": ids, "contracted": contracted.astype(bool), "counted": counted.astype(bool),
                         "reason": reason})[COUNTING_COLUMNS]


SCHEDULE_COLUMNS = ["delivery_id", "schedule"]


def delivery_schedule(deliveries: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each delivery's schedule: 'actual', 'planned', or 'overdue' (planned for a period that ended
    before ``as_of``, the date the sources were checked to, with no report of its arrival): a
    plan whose date has passed is never left silently 'planned'."""
    planned = deliveries["planned"].astype(bool).to_numpy()
    ended = (period_ends(deliveries["date"], deliveries["date_precision"]) < pd.Timestamp(as_of)).to_numpy() \
        if as_of is not None else np.zeros(len(deliveries), dtype=bool)
    schedule = np.where(~planned, "actual", np.where(ended, "overdue", "planned"))
    return pd.DataFrame({"delivery_id": deliveries["delivery_id"].astype("str"), "schedule": schedule})


def derived_tables(frames: dict[str, pd.DataFrame], rates: Rates, as_of) -> dict[str, pd.DataFrame]:
    """The deals with their party codes, and the all_parties, conversions, country_status,
    deal_counting and delivery_schedule tables of the curated (or synthetic) frames; ``as_of`` is
    the date the sources were checked to."""
    deals = with_party_codes(frames["deals"], frames["countries"])
    return {"deals": deals, "all_parties": all_parties(frames["countries"], frames["parties"]),
            "conversions": conversions(deals, frames["payments"], frames["citations"], rates),
            "country_status": country_status(deals, frames["deliveries"]),
            "deal_counting": deal_counting(deals),
            "delivery_schedule": delivery_schedule(frames["deliveries"], as_of)}
