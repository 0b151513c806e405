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
    cited = {r[0] for r in conn.execute(
        "SELECT DISTINCT fact_row FROM citations WHERE fact_row IS NOT NULL").fetchall()}
    uncited = sorted(set(range(2, rows + 2)) - cited)
    assert uncited == [], f"lines of {FACTS.name} no citation has as its fact_row: {uncited}"


def sheet_rows() -> list[dict]:
    with FACTS.open(encoding="utf-8") as sheet:
        return list(csv.DictReader(sheet))


def test_the_sheet_has_177_rows_and_each_names_a_sourced_record(conn):
    rows = sheet_rows()
    assert len(rows) == 177  # file lines 2..178
    # Each line is cited by a record of the data (an entity line by an organization or a system);
    # the lines added on 2026-12-01 only through sources the line itself names.
    records = dict(conn.execute("SELECT fact_row, list(DISTINCT record_type) FROM citations "
                                "WHERE fact_row IS NOT NULL GROUP BY ALL").fetchall())
    for line, row in enumerate(rows, start=2):
        wanted = {"organization", "system"} if row["kind"] == "entity" else {"deal", "delivery", "payment", "event"}
        assert wanted & set(records[line]), f"sheet line {line} ({row['kind']}) names no {'/'.join(sorted(wanted))}"
    cited_urls = conn.execute(
        "SELECT c.fact_row, s.url FROM citations c JOIN sources s USING (source_id) WHERE c.fact_row >= 152").fetchall()
    for line, url in cited_urls:
        assert url and url in rows[line - 2]["source"], f"line {line} cites {url}, which the sheet line does not name"


# The data's research date: the last pass over the sources (research_passes.csv).
AS_OF = "2026-12-01"


def test_the_data_is_as_of_the_last_research_pass(conn):
    assert one(conn, "SELECT as_of::VARCHAR, as_of_precision FROM data_version") == (AS_OF, "day")
    assert one(conn, "SELECT max(checked_to)::VARCHAR FROM research_passes")[0] == AS_OF


def test_india_2026_approvals_are_approved_deals_that_add_no_money(conn):
    approved = conn.execute(
        "SELECT d.deal_id, k.contracted, k.counted FROM deals d JOIN deal_counting k USING (deal_id) "
        "WHERE d.buyer_iso3 = 'IND' AND d.status = 'approved' ORDER BY 1").fetchall()
    # IND-2025 is the five more systems (DPB 2 Mar, DAC 27 Mar 2026); the 288 missiles' AoN is its own deal.
    assert approved == [("IND-2025", False, False), ("IND-2026-MISSILES", False, False)]
    # No Indian deal announced or signed since 2025 is contracted: the sources report no new contract.
    assert one(conn, "SELECT count(*) FROM deals WHERE buyer_iso3 = 'IND' AND status IN ('signed', 'delivering', "
                     "'delivered') AND coalesce(signed_date, announced_date) >= DATE '2025-01-01'")[0] == 0
    # India's counted money is the 2018 contract alone, USD 5.43bn once (IND-2016 is its framework).
    counted = conn.execute("SELECT deal_id, value_amount, value_currency FROM deals JOIN deal_counting USING (deal_id) "
                           "WHERE buyer_iso3 = 'IND' AND counted").fetchall()
    assert counted == [("IND-2018", 5_430_000_000, "USD")]
    assert one(conn, "SELECT relation, parent_deal_id FROM deals WHERE deal_id = 'IND-2018'") == (
        "contract", "IND-2016")
    assert one(conn, "SELECT relation FROM deals WHERE deal_id = 'IND-2016'") == ("framework",)


def test_no_planned_delivery_whose_date_has_passed_keeps_its_confidence(conn):
    """A planned delivery whose period ended before the research date is unconfirmed and says so,
    unless the sources report it (then it is recorded as delivered, no longer planned)."""
    passed = conn.execute(
        "SELECT delivery_id, confidence, date_note FROM deliveries WHERE planned AND date + CASE date_precision "
        "WHEN 'day' THEN INTERVAL 1 DAY WHEN 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 1 YEAR END "
        "<= (SELECT as_of FROM data_version)").fetchall()
    assert [d for d, *_ in passed] == ["dl-97-b"]  # the fifth Indian squadron, due November 2026
    for delivery_id, confidence, note in passed:
        assert confidence == "unconfirmed", delivery_id
        assert f"no report of its arrival in the sources checked to {AS_OF}" in note, delivery_id


def test_indias_fourth_squadron_is_delivered_with_both_dates_kept(conn):
    row = one(conn, "SELECT planned, confidence, date::VARCHAR, date_precision, unit FROM deliveries "
                    "WHERE delivery_id = 'dl-97'")
    assert row == (False, "reported", "2026-05-01", "month", "squadron")
    claims = dict(conn.execute("SELECT claimed_value, list(DISTINCT source_id) FROM citations WHERE record_id = "
                               "'dl-97' AND field = 'date' AND fact_row = 175 GROUP BY ALL").fetchall())
    assert set(claims) == {"2026-05", "2026-06"}  # DATE DIFFERS: May (TOI) or by June (MoD/ANI)
    assert not set(claims["2026-05"]) & set(claims["2026-06"])
    # India's deliveries are all in one unit, so they compare with the five ordered.
    assert one(conn, "SELECT list(DISTINCT unit) FROM deliveries WHERE deal_id = 'IND-2018'")[0] == ["squadron"]


def test_every_source_has_a_published_date_or_says_why_not(conn):
    undated = conn.execute("SELECT source_id, coalesce(note, '') FROM sources WHERE published_date IS NULL").fetchall()
    unexplained = [s for s, note in undated if "publication date" not in note]
    assert unexplained == []


def test_sources_were_read_by_the_research_date_and_after_they_were_published(conn):
    assert one(conn, f"SELECT count(*) FROM sources WHERE accessed_date > DATE '{AS_OF}'")[0] == 0
    assert one(conn, "SELECT count(*) FROM sources WHERE published_date > accessed_date")[0] == 0
    # Sources first cited by the 2026-12-01 pass were read that day.
    late = conn.execute(
        "SELECT DISTINCT s.source_id, s.accessed_date::VARCHAR FROM sources s JOIN citations c USING (source_id) "
        "WHERE s.source_id NOT IN (SELECT source_id FROM citations WHERE fact_row BETWEEN 2 AND 151) "
        "AND s.source_id LIKE 'src%'").fetchall()
    assert late and {accessed for _, accessed in late} == {AS_OF}


@pytest.mark.parametrize("report, denial", [
    ("ev-161", "ev-162"),  # Bloomberg: Erdogan asked Putin to take the S-400 back; Peskov: not on the agenda
    ("ev-154", "ev-155"),  # Nefes: Russia seeks to buy them back; Turkish ministry: no change in position
])
def test_contested_reports_and_their_denials_are_both_kept_with_their_own_sources(conn, report, denial):
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT event_id, confidence, description, deal_id FROM events WHERE event_id IN ($a, $b)",
        {"a": report, "b": denial}).fetchall()}
    assert rows[report][0] == "unconfirmed" and rows[report][1].startswith("CONTESTED")
    assert rows[denial][0] == "confirmed" and rows[denial][1].startswith("CONFLICTS WITH")
    assert report in rows[denial][1] and rows[report][2] == rows[denial][2] == "TUR-2017"
    sources = {e: {r[0] for r in conn.execute("SELECT source_id FROM citations WHERE record_type = 'event' "
                                               "AND record_id = $e", {"e": e}).fetchall()} for e in (report, denial)}
    assert sources[report] and sources[denial] and not sources[report] & sources[denial]


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
                        "AND currency = $c AND abs(usd_nominal - $n) < 1",
                        {"r": record_id, "c": currency, "n": nominal}).fetchall()
    assert rows, f"no {currency} conversion of {record_id} near {nominal}"
    assert rows[0][0] == pytest.approx(nominal) and rows[0][1] == pytest.approx(constant)
