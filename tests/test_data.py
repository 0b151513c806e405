"""The curated data: the seed article's facts, provenance for every record, and derived money."""

import csv
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "data" / "research" / "s400_facts.csv"  # citations.fact_row is a line of it
SEED = "seed_article"


@pytest.fixture(scope="module")
def conn(real_db):
    with duckdb.connect(str(real_db), read_only=True) as connection:
        yield connection


def one(conn, sql, **params):
    return conn.execute(sql, params).fetchone()


def cites(conn, record_type, record_id, source_id=SEED) -> bool:
    return one(conn, "SELECT count(*) FROM citations WHERE record_type = $t AND record_id = $r "
                     "AND source_id = $s", t=record_type, r=record_id, s=source_id)[0] > 0


def test_turkey_agreement_is_2_5_billion_usd_late_2017_attributed_to_the_seed(conn):
    amount, currency, year = one(conn, "SELECT value_amount, value_currency, year(signed_date) "
                                       "FROM deals WHERE deal_id = 'TUR-2017'")
    assert (amount, currency, year) == (2_500_000_000, "USD", 2017)
    assert one(conn, "SELECT count(*) FROM citations WHERE record_id = 'TUR-2017' AND source_id = $s "
                     "AND field = 'signed_date' AND claimed_value = '2017'", s=SEED)[0] == 1
    assert cites(conn, "deal", "TUR-2017")


def test_first_turkish_delivery_on_12_july_2019_from_the_seed(conn):
    row = one(conn, "SELECT delivery_id FROM deliveries d JOIN deals USING (deal_id) "
                    "WHERE buyer_iso3 = 'TUR' AND NOT planned ORDER BY date LIMIT 1")
    date, precision = one(conn, "SELECT date::VARCHAR, date_precision FROM deliveries WHERE delivery_id = $d", d=row[0])
    assert (date, precision) == ("2019-07-12", "day")
    assert cites(conn, "delivery", row[0])


@pytest.mark.parametrize("quantity, unit, qualifier", [
    (4, "battery", None), (36, "fire_unit", None), (192, "missile", "more_than")])
def test_seed_totals_delivered_to_turkey_by_2020_are_kept_as_reported(conn, quantity, unit, qualifier):
    rows = conn.execute(
        "SELECT d.delivery_id, d.confidence, d.quantity_qualifier FROM deliveries d JOIN deals USING (deal_id) "
        "WHERE buyer_iso3 = 'TUR' AND basis = 'cumulative' AND year(d.date) = 2020 "
        "AND d.quantity = $q AND d.unit = $u", {"q": quantity, "u": unit}).fetchall()
    assert len(rows) == 1
    delivery_id, confidence, found_qualifier = rows[0]
    assert confidence == "reported" and cites(conn, "delivery", delivery_id)
    if qualifier:
        assert found_qualifier == qualifier


@pytest.mark.parametrize("date, event_type, needs_seed", [
    ("2019-07-17", "programme_suspension", True),   # F-35 suspension
    ("2020-12-14", "sanctions", False),              # CAATSA sanctions on SSB
])
def test_turkey_events_from_the_seed_story(conn, date, event_type, needs_seed):
    rows = conn.execute("SELECT e.event_id FROM events e JOIN event_countries c USING (event_id) "
                        "WHERE c.iso3 = 'TUR' AND e.date = $d::DATE AND e.date_precision = 'day' "
                        "AND e.type = $t", {"d": date, "t": event_type}).fetchall()
    assert rows
    assert not needs_seed or any(cites(conn, "event", r[0]) for r in rows)


def test_second_turkish_contract_expected_is_recorded_from_the_seed(conn):
    rows = conn.execute("SELECT event_id FROM events WHERE deal_id = 'TUR-2020'").fetchall()
    assert any(cites(conn, "event", r[0]) for r in rows)


def test_india_contract_5_october_2018_for_5_43_billion_usd_with_deliveries(conn):
    row = one(conn, "SELECT signed_date::VARCHAR, signed_date_precision, value_amount, value_currency "
                    "FROM deals WHERE deal_id = 'IND-2018'")
    assert row == ("2018-10-05", "day", 5_430_000_000, "USD")
    actual = one(conn, "SELECT count(*) FROM deliveries WHERE deal_id = 'IND-2018' AND NOT planned")[0]
    assert actual >= 3
    rupee_claims = one(conn, "SELECT count(DISTINCT claimed_value) FROM citations WHERE record_id = 'IND-2018' "
                             "AND field = 'value' AND claimed_value LIKE '% INR'")[0]
    assert rupee_claims == 4


def test_china_is_an_operator_and_turkey_india_too(conn):
    statuses = dict(conn.execute("SELECT iso3, operator_status FROM country_status").fetchall())
    assert {statuses[c] for c in ("CHN", "TUR", "IND", "RUS", "BLR")} == {"operator"}
    assert statuses["SRB"] == "declined"


@pytest.mark.parametrize("table, key, record_type", [
    ("deals", "deal_id", "deal"), ("deliveries", "delivery_id", "delivery"),
    ("payments", "payment_id", "payment"), ("events", "event_id", "event")])
def test_every_record_has_at_least_one_source(conn, table, key, record_type):
    unsourced = conn.execute(
        f"SELECT {key} FROM {table} WHERE {key} NOT IN "
        "(SELECT record_id FROM citations WHERE record_type = $t)", {"t": record_type}).fetchall()
    assert unsourced == []
    assert one(conn, f"SELECT count(*) FROM {table}")[0] > 0


def test_every_row_of_the_research_sheet_is_represented(conn):
    with FACTS.open(encoding="utf-8") as sheet:
        rows = sum(1 for _ in csv.DictReader(sheet))
    cited = {r[0] for r in conn.execute("SELECT DISTINCT fact_row FROM citations WHERE fact_row IS NOT NULL").fetchall()}
    assert set(range(2, rows + 2)) <= cited


def test_every_disputed_field_keeps_all_claims_and_one_preferred_value(conn):
    disputed = conn.execute(
        "SELECT record_id, field, count(DISTINCT claimed_value) AS claims, "
        "count(DISTINCT CASE WHEN preferred THEN claimed_value END) AS preferred "
        "FROM citations WHERE field IS NOT NULL GROUP BY ALL HAVING claims > 1").fetchall()
    assert len(disputed) >= 10
    assert all(preferred == 1 for *_, preferred in disputed)


# Hand-computed: amount / (units per USD in that year) * CPI(2025) / CPI(year).
@pytest.mark.parametrize("record_id, currency, nominal, constant", [
    ("TUR-2017", "USD", 2_500_000_000, 2_500_000_000 * 321.943 / 245.120),
    ("SRB-2019", "EUR", 500_000_000 / 0.8934, 500_000_000 / 0.8934 * 321.943 / 255.657),
    ("IND-2016", "CHF", 5_900_000_000 / 0.9853, 5_900_000_000 / 0.9853 * 321.943 / 240.007),
    ("IND-2018", "INR", 390_000_000_000 / 68.4484, 390_000_000_000 / 68.4484 * 321.943 / 251.107),
])
def test_derived_usd_values_equal_hand_computed_ones(conn, record_id, currency, nominal, constant):
    rows = conn.execute("SELECT usd_nominal, usd_constant FROM conversions WHERE record_id = $r "
                        "AND currency = $c AND abs(usd_nominal - $n) < 1", {"r": record_id, "c": currency, "n": nominal}).fetchall()
    assert rows, f"no {currency} conversion of {record_id} near {nominal}"
    assert rows[0][0] == pytest.approx(nominal) and rows[0][1] == pytest.approx(constant)
