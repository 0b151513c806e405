"""Derived figures: currency conversion and operator status, on hand-computed examples."""

import datetime as dt

import pandas as pd
import pytest

from s400tracker.derive import Rates, convert, country_status, event_countries

RATES = Rates(fx={("INR", 2018): (68.3895, "fx"), ("EUR", 2019): (0.8934, "fx")},
              cpi={2018: (251.107, "cpi"), 2019: (255.657, "cpi"), 2025: (321.943, "cpi")},
              base_year=2025)


def test_usd_needs_no_rate_but_is_deflated_to_the_base_year():
    result = convert(5_430_000_000, "USD", 2018, RATES)
    assert result["usd_nominal"] == 5_430_000_000
    assert result["usd_constant"] == pytest.approx(5_430_000_000 * 321.943 / 251.107)


def test_rupees_convert_at_the_years_rate_then_deflate():
    result = convert(390_000_000_000, "INR", 2018, RATES)
    assert result["usd_nominal"] == pytest.approx(390_000_000_000 / 68.3895)
    assert result["fx_rate"] == 68.3895 and result["fx_source_id"] == "fx"
    assert result["usd_constant"] == pytest.approx(390_000_000_000 / 68.3895 * 321.943 / 251.107)


def test_a_missing_rate_gives_no_usd_and_says_why():
    result = convert(100, "RUB", 2024, RATES)
    assert result["usd_nominal"] is None and result["usd_constant"] is None
    assert result["note"] == "no RUB rate for 2024 in fx_rates"


def test_no_year_means_no_conversion():
    assert convert(100, "USD", None, RATES)["note"] == "no date, so no year to convert at"


def deal(deal_id, buyer, status):
    return {"deal_id": deal_id, "buyer_iso3": buyer, "system_id": "s400", "status": status}


def delivery(deal_id, planned=False, confidence="confirmed"):
    return {"delivery_id": f"dl-{deal_id}", "deal_id": deal_id, "planned": planned,
            "confidence": confidence, "date": dt.date(2020, 1, 1), "date_precision": "year"}


DELIVERY_COLUMNS = ["delivery_id", "deal_id", "planned", "confidence", "date", "date_precision"]


@pytest.mark.parametrize("deals, deliveries, expected", [
    # an actual, reported delivery makes an operator whatever the deal's status
    ([deal("A", "TUR", "signed")], [delivery("A")], "operator"),
    # a planned delivery is not a delivery yet
    ([deal("A", "IND", "signed")], [delivery("A", planned=True)], "on order"),
    # an unconfirmed delivery claim is not enough evidence
    ([deal("A", "DZA", "interest")], [delivery("A", confidence="unconfirmed")], "interest"),
    ([deal("A", "QAT", "negotiating")], [], "negotiating"),
    # the strongest of a country's deals wins: a cancelled deal does not hide a live one
    ([deal("A", "SAU", "cancelled"), deal("B", "SAU", "interest")], [], "interest"),
    ([deal("A", "SRB", "cancelled")], [], "declined"),
])
def test_operator_status_is_the_strongest_status_among_a_countrys_deals(deals, deliveries, expected):
    [row] = country_status(pd.DataFrame(deals), pd.DataFrame(deliveries, columns=DELIVERY_COLUMNS)).to_dict("records")
    assert row["operator_status"] == expected


def test_the_basis_of_an_operator_names_its_first_delivery_at_its_precision():
    deals = pd.DataFrame([deal("A", "IND", "delivering")])
    deliveries = pd.DataFrame([delivery("A") | {"date": dt.date(2021, 12, 1), "date_precision": "month"},
                               delivery("A") | {"delivery_id": "later", "date": dt.date(2022, 4, 1)}])
    [row] = country_status(deals, deliveries).to_dict("records")
    assert row == {"iso3": "IND", "system_id": "s400", "operator_status": "operator",
                   "basis": "actual delivery dl-A (2021-12) on A", "deal_ids": "A"}


def test_each_country_an_event_names_is_one_row():
    events = pd.DataFrame({"event_id": ["e1", "e2", "e3"], "countries": [["TUR", "USA", "TUR"], [], ["IND"]]})
    assert event_countries(events).values.tolist() == [["e1", "TUR"], ["e1", "USA"], ["e3", "IND"]]
