"""Figures the build derives, never typed by hand: USD conversions and operator status.

Pure functions over typed rows (dicts as produced by ``validate.validate``).
"""

from dataclasses import dataclass

from . import claims
from .dates import format_partial_date
from .schema import OPERATOR_STATUS

# A delivery counts as evidence of an operator only when it is at least reported.
EVIDENT_CONFIDENCE = ("confirmed", "reported")
STATUS_FROM_DEAL = {"signed": "on order", "delivering": "on order", "delivered": "operator",
                    "negotiating": "negotiating", "interest": "interest", "cancelled": "declined"}


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


def _year(date_value) -> int | None:
    return date_value[0].year if date_value else None


def money_figures(tables: dict[str, list[dict]]) -> list[dict]:
    """Every money figure in the data: deal values, payments, and each competing value claim."""
    deal_year = {d["deal_id"]: _year(d["signed_date"]) or _year(d["announced_date"]) for d in tables["deals"]}
    payment_year = {p["payment_id"]: _year(p["date"]) for p in tables["payments"]}
    figures = [{"figure": "deal value", "record_type": "deal", "record_id": d["deal_id"],
                "citation_id": None, "amount": d["value_amount"], "currency": d["value_currency"],
                "qualifier": d["value_qualifier"], "year": deal_year[d["deal_id"]]}
               for d in tables["deals"] if d["value_amount"] is not None]
    figures += [{"figure": "payment", "record_type": "payment", "record_id": p["payment_id"],
                 "citation_id": None, "amount": p["amount"], "currency": p["currency"],
                 "qualifier": p["amount_qualifier"], "year": payment_year[p["payment_id"]]}
                for p in tables["payments"] if p["amount"] is not None]
    years = {"deal": deal_year, "payment": payment_year}
    for c in tables["citations"]:
        if (c["record_type"], c["field"]) in (("deal", "value"), ("payment", "amount")):
            table = claims.RECORD_TABLES[c["record_type"]]
            amount, currency = claims.parse_claim(table, c["field"], c["claimed_value"])
            figures.append({"figure": "value claim", "record_type": c["record_type"],
                            "record_id": c["record_id"], "citation_id": c["citation_id"],
                            "amount": amount, "currency": currency, "qualifier": None,
                            "year": years[c["record_type"]].get(c["record_id"])})
    return figures


def conversions(tables: dict[str, list[dict]]) -> list[dict]:
    """The conversions table: each money figure with its rate, CPI and USD values."""
    rates = Rates.from_tables(tables)
    return [figure | convert(figure["amount"], figure["currency"], figure["year"], rates)
            for figure in money_figures(tables)]


def _first_actual_deliveries(deliveries: list[dict]) -> dict[str, dict]:
    """deal_id -> its earliest actual delivery of evident confidence, in one pass over deliveries
    (comparing every deal with every delivery was quadratic: a large import made it minutes)."""
    first: dict[str, dict] = {}
    for delivery in deliveries:
        if delivery["planned"] or delivery["confidence"] not in EVIDENT_CONFIDENCE:
            continue
        held = first.get(delivery["deal_id"])
        if held is None or delivery["date"][0] < held["date"][0]:
            first[delivery["deal_id"]] = delivery
    return first


def _deal_status(deal: dict, first: dict | None) -> tuple[str, str]:
    if first is not None:
        when = format_partial_date(*first["date"])  # at its precision: a month stays a month
        return "operator", f"actual delivery {first['delivery_id']} ({when}) on {deal['deal_id']}"
    return STATUS_FROM_DEAL[deal["status"]], f"deal {deal['deal_id']} is {deal['status']}"


def country_status(tables: dict[str, list[dict]]) -> list[dict]:
    """Each buyer country's operator status: the strongest status among its deals."""
    best: dict[str, tuple[str, str, list[str]]] = {}
    first_actual = _first_actual_deliveries(tables["deliveries"])
    for deal in sorted(tables["deals"], key=lambda d: d["deal_id"]):
        status, basis = _deal_status(deal, first_actual.get(deal["deal_id"]))
        iso3 = deal["buyer_iso3"]
        current = best.get(iso3)
        deal_ids = (current[2] if current else []) + [deal["deal_id"]]
        if current is None or OPERATOR_STATUS.index(status) < OPERATOR_STATUS.index(current[0]):
            best[iso3] = (status, basis, deal_ids)
        else:
            best[iso3] = (current[0], current[1], deal_ids)
    return [{"iso3": iso3, "operator_status": status, "basis": basis, "deal_ids": "; ".join(ids)}
            for iso3, (status, basis, ids) in sorted(best.items())]


def event_countries(tables: dict[str, list[dict]]) -> list[dict]:
    """One row per (event, country involved), from the events' ``countries`` lists."""
    return [{"event_id": e["event_id"], "iso3": iso3}
            for e in tables["events"] for iso3 in dict.fromkeys(e["countries"] or [])]
