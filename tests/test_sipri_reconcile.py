"""SIPRI's deals reconciled with what the database holds: merged into the curated S-400 deals as
claims, revised by a newer export of the same register, never duplicated.

Uses the excerpts of three exports of the same register at three dates (2024, 2025, 2026; see
tests/fixtures/sipri/real/README.md), imported into a copy of the curated database.
"""

import shutil
from collections import Counter
from pathlib import Path

import pytest

from s400tracker import db, importing, queries
from s400tracker.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "sipri" / "real"
OLDER = REAL / "MJHofmann__SIPRI_BRICS__trade-register.excerpt.csv"  # data generated 13 Oct 2024
NEWER = REAL / "alexarui__network-analysis__trade-register.excerpt.csv"  # data generated 18 May 2026
S400_DEALS = ["BLR-2021", "CHN-2014", "IND-2018", "TUR-2017"]


@pytest.fixture
def writable(real_db, tmp_path) -> Path:
    path = tmp_path / "s400.duckdb"
    shutil.copy(real_db, path)
    return path


def commit(path: Path, export: Path):
    plan, result = importing.commit_import(path, export.read_bytes(), export.name, "tester")
    assert plan.problems == []
    return plan, result


def claims_of(path: Path, deal_id: str) -> list[dict]:
    with db.connect(path) as conn:
        return db.query(conn, "SELECT c.*, s.published_date FROM citations c JOIN sources s USING (source_id) "
                              "WHERE record_type = 'deal' AND record_id = $id AND field IS NOT NULL "
                              "ORDER BY field, citation_id", {"id": deal_id}).to_dict("records")


def s400_deals(path: Path) -> list[str]:
    with db.connect(path) as conn:
        return sorted(queries.deals(conn, Filters())["deal_id"])


def test_sipris_s400_rows_merge_into_the_curated_deals_as_claims(writable):
    before = s400_deals(writable)
    plan, _ = commit(writable, NEWER)
    assert sorted(plan.merged) == S400_DEALS and plan.outcomes["merge"] == 4
    assert s400_deals(writable) == before  # never a second S-400 deal
    india = {c["field"]: c for c in claims_of(writable, "IND-2018") if c["source_id"].startswith("sipri-")}
    assert india["ordered"]["claimed_value"] == "10 system" and india["delivered"]["claimed_value"] == "6 system"
    assert india["order_year"]["claimed_value"] == "2018" and india["tiv"]["claimed_value"] == "650"
    assert india["delivery_years"]["claimed_value"] == "2021; 2022; 2023"
    assert "INR390 b ($5.4 b) deal" in india["comment"]["claimed_value"]
    assert str(india["tiv"]["published_date"])[:10] == "2026-05-18"  # the export's "Data generated" date
    with db.connect(writable) as conn:
        deal = queries.deals(conn, Filters()).set_index("deal_id").loc["IND-2018"]
        source = db.query(conn, "SELECT publisher FROM sources WHERE source_id = $id",
                          {"id": india["tiv"]["source_id"]})["publisher"].iloc[0]
    assert (deal["quantity"], deal["unit"]) == (5, "regiment_set")  # the curated value stays
    assert source == "SIPRI Arms Transfers Database"


def test_importing_the_same_export_twice_changes_nothing(writable):
    commit(writable, NEWER)
    before = writable.read_bytes()
    plan, result = importing.commit_import(writable, NEWER.read_bytes(), "again.csv", "tester")
    assert result is None and not plan.writes_anything and writable.read_bytes() == before


def test_a_newer_export_revises_the_older_exports_deals_and_adds_none_for_a_revision(writable):
    commit(writable, OLDER)
    with db.connect(writable) as conn:
        older_deals = set(db.query(conn, "SELECT deal_id FROM deals WHERE origin = 'imported'")["deal_id"])
    plan, _ = commit(writable, NEWER)
    assert plan.outcomes["revise"] > 0 and sorted(plan.merged) == S400_DEALS
    with db.connect(writable) as conn:
        deals = db.query(conn, "SELECT deal_id, buyer_code, supplier_code, system_id, signed_date, origin "
                               "FROM deals WHERE origin = 'imported'")
    # A revision never adds a deal: each (buyer, supplier, system, year) has as many deals as the
    # larger of the two exports lists.
    assert older_deals <= set(deals["deal_id"])
    assert len(deals) == len(older_deals) + plan.counts()["added"].get("deals", 0)
    # India's comment: the newer export's claim is preferred, the older one's kept beside it.
    comments = {str(c["published_date"])[:4]: c for c in claims_of(writable, "IND-2018") if c["field"] == "comment"}
    assert comments["2026"]["preferred"] and not comments["2024"]["preferred"]
    assert "2021-2027" in comments["2026"]["claimed_value"] and "2021-2024" in comments["2024"]["claimed_value"]
    assert comments["2026"]["preference_reason"].startswith("the newest SIPRI export")


def test_every_disputed_field_of_a_revised_deal_prefers_the_newest_export(writable):
    commit(writable, OLDER)
    commit(writable, NEWER)
    with db.connect(writable) as conn:
            claims = db.query(conn, "SELECT c.record_id, c.field, c.claimed_value, c.preferred, s.published_date "
                                "FROM citations c "
                                "JOIN sources s USING (source_id) WHERE c.field IS NOT NULL "
                                "AND c.source_id LIKE 'sipri-%' AND c.record_id LIKE 'sipri-%'")
    groups = claims.groupby(["record_id", "field"])
    disputed = [g for _, g in groups if len(g) > 1]
    assert disputed
    for group in disputed:
        newest = group[group["published_date"] == group["published_date"].max()]
        assert set(group.loc[group["preferred"], "claimed_value"]) == set(newest["claimed_value"])


def test_an_older_export_after_a_newer_one_only_adds_claims(writable):
    commit(writable, NEWER)
    with db.connect(writable) as conn:
        before = db.query(conn, "SELECT deal_id, notes FROM deals ORDER BY deal_id")
    plan, _ = commit(writable, OLDER)
    assert plan.outcomes["older"] > 0
    with db.connect(writable) as conn:
        after = db.query(conn, "SELECT deal_id, notes FROM deals ORDER BY deal_id")
    kept = after[after["deal_id"].isin(before["deal_id"])].reset_index(drop=True)
    assert kept.equals(before)  # the newer export's values stay the records'


def key_of(line: bytes) -> tuple:
    """Recipient, supplier, order year and designation of a register line (SIPRI writes no quotes)."""
    cells = line.split(b",")
    return (cells[0], cells[1], cells[2], cells[6]) if len(cells) > 6 else ()


def test_deals_an_export_no_longer_lists_are_reported_not_deleted(writable):
    commit(writable, OLDER)
    in_older = {key_of(line) for line in OLDER.read_bytes().split(b"\n")}
    lines = NEWER.read_bytes().split(b"\n")
    gone = next(i for i, line in enumerate(lines) if i > 12 and key_of(line) in in_older
                and not line.startswith(b"India,Russia,2018"))
    trimmed = b"\n".join(line for i, line in enumerate(lines) if i != gone)
    plan = importing.plan_import(writable, trimmed, "trimmed.csv")
    assert plan.problems == [] and plan.dropped
    assert any("not in this one (kept)" in part for part in plan.reconciled())
    importing.commit_import(writable, trimmed, "trimmed.csv", "tester")
    with db.connect(writable) as conn:
        kept = db.query(conn, "SELECT count(*) AS n FROM deals WHERE list_contains($ids, deal_id)",
                        {"ids": plan.dropped})["n"].iloc[0]
    assert kept == len(plan.dropped)


def test_separate_orders_stay_apart_across_a_reimport(writable):
    plan, _ = commit(writable, NEWER)
    with db.connect(writable) as conn:
        deals = db.query(conn, "SELECT buyer_code, supplier_code, system_id, signed_date FROM deals "
                               "WHERE origin = 'imported'")
    keys = Counter(map(tuple, deals.astype(str).to_numpy()))
    repeated = sum(n - 1 for n in keys.values() if n > 1)
    notices = [n for n in plan.notices if n.rule == "separate orders"]
    assert repeated == (int(notices[0].message.split()[0]) if notices else 0)


def test_sipris_own_fields_are_labelled_for_readers_and_tiv_as_a_volume_index():
    from s400tracker.claims import field_label
    assert field_label("deal", "tiv") == "SIPRI TIV of the order (a volume index, not money)"
    assert field_label("deal", "ordered") == "number ordered, in the source's unit"
    assert field_label("deal", "quantity") == "quantity" and field_label("event", "tiv") == "tiv"


def test_a_merged_deals_tiv_is_never_money(writable):
    commit(writable, NEWER)
    with db.connect(writable) as conn:
        figures = db.query(conn, "SELECT figure, record_id FROM conversions WHERE record_id = 'IND-2018'")
        tiv = db.query(conn, "SELECT tiv_total_order FROM tiv WHERE deal_id = 'IND-2018'")
        deal = queries.deals(conn, Filters()).set_index("deal_id").loc["IND-2018"]
    assert list(tiv["tiv_total_order"]) == [650] and 650 not in set(figures.get("amount", []))
    assert deal["value_usd_nominal"] == pytest.approx(5.43e9, rel=0.01)  # the curated value, unchanged


def test_a_link_selects_a_party_by_its_code_and_the_csv_names_its_kind(writable):
    import csv
    import io

    from s400tracker import export
    commit(writable, NEWER)
    with db.connect(writable) as conn:
        view, ignored = queries.view_of_link(conn, "supplier=soviet-union&system=all")
        deals = queries.deals(conn, view)
        by_iso3, _ = queries.view_of_link(conn, "buyer=ind&system=all")
        india = queries.deals(conn, by_iso3)
    assert ignored == [] and len(deals) > 0 and set(deals["supplier_code"]) == {"soviet-union"}
    rows = list(csv.DictReader(io.StringIO(export.table_csv("deals", deals).decode("utf-8"))))
    header = list(rows[0])
    parties = header.index("buyer_code")
    assert header[parties:parties + 4] == ["buyer_code", "buyer_kind", "supplier_code", "supplier_kind"]
    assert {r["supplier_kind"] for r in rows} == {"historical state"} and {r["supplier_iso3"] for r in rows} == {""}
    assert set(india["buyer_code"]) == {"IND"} and set(india["buyer_iso3"]) == {"IND"}  # ISO3 still selects


def test_a_party_renamed_between_exports_is_one_party(writable):
    older = (REAL / "ColasDroin__SIPRI_arms_transfers_analysis__trade-register.excerpt.csv").read_bytes()
    named = [line for line in older.split(b"\n") if b"Libya HoR*" in line]
    if not named:
        pytest.skip("the excerpt has no 'Libya HoR*' row")
    renamed = older.replace(b"Libya HoR*", b"House of Representatives (Libya)*")
    for data in (older, renamed):
        plan = importing.plan_import(writable, data, "x.csv")
        codes = {r[f"{role}_code"] for _, r in plan.added["deals"] for role in ("buyer", "supplier")}
        assert "house-of-representatives-libya" in codes and plan.added["parties"] == []


def test_events_without_a_deal_stay_in_the_default_s400_view_and_leave_other_systems(real_db):
    with db.connect(real_db) as conn:
        loose = db.query(conn, "SELECT count(*) AS n FROM events WHERE deal_id IS NULL")["n"].iloc[0]
        every = db.query(conn, "SELECT count(*) AS n FROM events")["n"].iloc[0]
        default = queries.record_counts(conn, Filters())["events"].iloc[0]
        other, _ = queries.view_of_link(conn, "system=all")
        everything = queries.record_counts(conn, other)["events"].iloc[0]
    assert loose > 0 and default == every == everything


def test_sipris_missiles_are_counted_as_missiles_and_its_systems_as_systems(writable):
    commit(writable, NEWER)
    with db.connect(writable) as conn:
        units = db.query(conn, "SELECT s.description, d.unit FROM deals d JOIN systems s USING (system_id) "
                               "WHERE d.origin = 'imported' AND d.unit IS NOT NULL")
    missiles = units[units["description"].str.contains("missile") & ~units["description"].str.contains("system")]
    assert len(missiles) and set(missiles["unit"]) == {"missile"}
    assert set(units.loc[~units.index.isin(missiles.index), "unit"]) == {"system"}


MIDDLE = REAL / "ColasDroin__SIPRI_arms_transfers_analysis__trade-register.excerpt.csv"  # 13 Mar 2025


@pytest.mark.parametrize("order", [(OLDER, MIDDLE, NEWER), (NEWER, OLDER, MIDDLE), (MIDDLE, NEWER, OLDER)],
                         ids=["oldest first", "newest first", "middle first"])
def test_three_exports_in_any_order_leave_the_newest_ones_values_preferred(writable, order):
    for export in order:
        commit(writable, export)
    with db.connect(writable) as conn:
        claims = db.query(conn, "SELECT c.record_id, c.field, c.claimed_value, c.preferred, s.published_date "
                                "FROM citations c JOIN sources s USING (source_id) WHERE c.field IS NOT NULL "
                                "AND c.source_id LIKE 'sipri-%' AND c.record_id LIKE 'sipri-%'")
    for _, group in claims.groupby(["record_id", "field"]):
        newest = group[group["published_date"] == group["published_date"].max()]
        assert set(group.loc[group["preferred"], "claimed_value"]) == set(newest["claimed_value"]), group
