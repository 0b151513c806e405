"""Every headline figure recomputed independently, from the exported CSVs alone.

The rule the recomputation follows is written here apart from the code: a purchase is counted
once. Only a contracted deal (signed, delivering, delivered) owes money; a framework carried out
by a contract on record, and an option or an amendment of a deal on record, are never added.
The page's metrics and the CLI's summary (the same figures as the bundle's manifest) must agree.
"""

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from s400tracker.formats import format_money
from tests.helpers import cli, fresh_app

ROOT = Path(__file__).resolve().parents[1]
CONTRACTED = {"signed", "delivering", "delivered"}
EVIDENT = {"confirmed", "reported"}
LINKS = ["", "buyer=IND", "buyer=TUR&buyer=CHN", "years=2016&years=2017", "years=2018&years=2027",
         "status=signed&status=delivering", "confidence=confirmed"]


def exported(db: Path, table: str, query: str) -> list[dict]:
    text = cli("export", "--table", table, "--query", query, "--out", "-", "--db", str(db))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def recompute(db: Path, query: str) -> dict:
    """The headline from the deals and deliveries CSVs of the view and of the whole record."""
    every_deal, deals = exported(db, "deals", ""), exported(db, "deals", query)
    every_delivery, deliveries = exported(db, "deliveries", ""), exported(db, "deliveries", query)
    ids = {d["deal_id"] for d in every_deal}
    contracts_under = {d["parent_deal_id"] for d in every_deal if d["relation"] == "contract" and d["parent_deal_id"]}

    def counted(deal: dict) -> bool:
        if deal["status"] not in CONTRACTED:
            return False
        if deal["relation"] == "framework" and deal["deal_id"] in contracts_under:
            return False
        return not (deal["relation"] in ("option", "amendment") and deal["parent_deal_id"] in ids)

    summed = [d for d in deals if counted(d)]
    value = sum(float(d["value_usd_nominal"]) for d in summed if d["value_usd_nominal"])
    # An operator: a buyer with an actual delivery of evident confidence, or a delivered deal,
    # anywhere in the record; counted among the buyers with a deal in view.
    buyer_of = {d["deal_id"]: d["buyer_iso3"] for d in every_deal}
    operators = {buyer_of[v["deal_id"]] for v in every_delivery
                 if v["planned"] == "false" and v["confidence"] in EVIDENT}
    operators |= {d["buyer_iso3"] for d in every_deal if d["status"] == "delivered"}
    units = defaultdict(float)
    for v in deliveries:
        if v["planned"] == "false" and v["basis"] == "batch" and v["quantity"] and v["unit"]:
            units[v["unit"]] += float(v["quantity"])
    return {"operators": len(operators & {d["buyer_iso3"] for d in deals}),
            "countries_with_orders": len({d["buyer_iso3"] for d in deals if d["status"] in CONTRACTED}),
            "contract_value_usd_nominal": value,
            "deals_summed": sorted(d["deal_id"] for d in summed if d["value_usd_nominal"]),
            "units_delivered": dict(units)}


def page_metrics(query: str) -> dict[str, str]:
    return {metric.label: metric.value for metric in fresh_app(query).metric}


@pytest.mark.parametrize("query", LINKS)
def test_the_headline_equals_its_recomputation_from_the_csvs(real_db, monkeypatch, query):
    expected = recompute(real_db, query)
    summary = json.loads(cli("summary", "--query", query, "--db", str(real_db)))
    assert summary["operators"] == expected["operators"]
    assert summary["countries_with_orders"] == expected["countries_with_orders"]
    assert summary["contract_value_usd_nominal"] == pytest.approx(expected["contract_value_usd_nominal"])
    assert summary["deals_summed"] == expected["deals_summed"]
    assert summary["units_delivered"] == pytest.approx(expected["units_delivered"])
    monkeypatch.setenv("S400_DB", str(real_db))
    shown = page_metrics(query)
    assert shown["Operators"] == str(expected["operators"])
    assert shown["Countries with orders"] == str(expected["countries_with_orders"])
    assert shown["Total contract value"] == format_money(expected["contract_value_usd_nominal"], "USD")


def test_india_is_counted_once(real_db):
    summary = json.loads(cli("summary", "--query", "buyer=IND", "--db", str(real_db)))
    assert summary["deals_summed"] == ["IND-2018"] and "IND-2016" in summary["deals_not_added"]
    assert summary["contract_value_usd_nominal"] == pytest.approx(5.43e9)
