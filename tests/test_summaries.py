"""Headline figures and dispute summaries over small hand-made frames."""

import pandas as pd

from s400tracker import summaries
from s400tracker.text import md_escape, safe_url


def test_units_delivered_sums_actual_batches_per_unit_only():
    deliveries = pd.DataFrame([
        {"planned": False, "basis": "batch", "quantity": 1.0, "unit": "battery"},
        {"planned": False, "basis": "batch", "quantity": 1.0, "unit": "battery"},
        {"planned": True, "basis": "batch", "quantity": 1.0, "unit": "squadron"},       # not yet
        {"planned": False, "basis": "cumulative", "quantity": 4.0, "unit": "battery"},  # a stated total
        {"planned": False, "basis": "batch", "quantity": None, "unit": "missile"},      # no number
    ])
    assert summaries.units_delivered(deliveries).to_dict() == {"battery": 2.0}
    assert summaries.describe_units(summaries.units_delivered(deliveries)) == "2 battery"


def test_headline_counts_operators_orders_and_contract_value():
    pairs = pd.DataFrame([  # deals summed per (supplier, buyer, status), as aggregates.deal_pairs gives them
        {"buyer_code": "TUR", "status": "delivered", "deal_count": 1, "counted_deals": 1, "valued_deals": 1,
         "value_usd_nominal": 2.5e9},
        # a framework and the contract that carried it out: the value is the contract's, counted once
        {"buyer_code": "IND", "status": "delivering", "deal_count": 2, "counted_deals": 1, "valued_deals": 1,
         "value_usd_nominal": 5.43e9},
        {"buyer_code": "IND", "status": "signed", "deal_count": 1, "counted_deals": 1, "valued_deals": 0,
         "value_usd_nominal": None},
        {"buyer_code": "QAT", "status": "interest", "deal_count": 1, "counted_deals": 0, "valued_deals": 0,
         "value_usd_nominal": None},  # not an order
    ])
    status = pd.DataFrame({"operator_status": ["operator", "operator", "interest"]})
    deliveries = pd.DataFrame(columns=["planned", "basis", "quantity", "unit"])
    figures = summaries.headline(pairs, deliveries, status)
    assert figures["operators"] == 2 and figures["countries_with_orders"] == 2
    assert figures["contract_value_usd"] == 2.5e9 + 5.43e9 and figures["deals_without_value"] == 1


def test_the_total_names_the_deals_it_sums_and_those_it_leaves_out():
    counted = pd.DataFrame([
        {"deal_id": "IND-2018", "counted_in_totals": True, "value_usd_nominal": 5.43e9, "counting_reason": "x"},
        {"deal_id": "BLR-2021", "counted_in_totals": True, "value_usd_nominal": None, "counting_reason": "x"},
        {"deal_id": "IND-2016", "counted_in_totals": False, "value_usd_nominal": 5.9e9,
         "counting_reason": "a framework carried out by IND-2018"}])
    note = summaries.total_note(counted, 3)
    assert "Sums IND-2018." in note and "No public value: BLR-2021." in note
    assert "Not added: IND-2016 (a framework carried out by IND-2018)." in note


def test_disputes_put_the_preferred_value_beside_the_competing_ones():
    claims = pd.DataFrame([
        {"record_type": "deal", "record_id": "TUR-2017", "field": "signed_date", "claimed_value": "2017-12-29",
         "preferred": True, "preference_reason": "official", "disputed": True, "source": "a"},
        {"record_type": "deal", "record_id": "TUR-2017", "field": "signed_date", "claimed_value": "2017",
         "preferred": False, "preference_reason": None, "disputed": True, "source": "seed"},
        {"record_type": "deal", "record_id": "TUR-2017", "field": "value", "claimed_value": "2500000000 USD",
         "preferred": True, "preference_reason": None, "disputed": False, "source": "b"},
    ])
    [row] = summaries.disputes(claims).to_dict("records")
    assert (row["field"], row["preferred_value"], row["competing_values"], row["sources"]) == \
        ("signed_date", "2017-12-29", "2017", 2)
    assert summaries.dispute_notes(claims, "deal") == {"TUR-2017": "signed_date: 2017-12-29 (vs 2017)"}


def test_a_bare_address_in_data_is_not_turned_into_a_link():
    shown = md_escape("see https://evil.example/x or www.evil.example")
    assert "://" not in shown and "www." not in shown.replace("\\", "")
    assert shown.replace("\u2060", "").replace("\\", "") == "see https://evil.example/x or www.evil.example"


def test_text_from_data_stays_text():
    assert md_escape("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert safe_url(" https://tass.com/defense/1192793 ") == "https://tass.com/defense/1192793"
