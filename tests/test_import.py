"""Imports: taken whole or not at all, idempotent, kill-safe, carried over by rebuilds."""

import csv
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import duckdb
import pytest

from s400tracker import export, importing, queries
from s400tracker.build import build
from s400tracker.db import connect
from s400tracker.filters import Filters
from s400tracker.importers import claims_form
from s400tracker.validate import DataError

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ["source_id,url,title,publisher,published_date,accessed_date,note",
          "news-1,https://example.org/s400-egypt,Egypt signs for S-400,Example News,2026-11-20,2026-11-25,"]
DEAL = ["deal_id,buyer_iso3,supplier_iso3,system_id,seller_org_id,buyer_org_id,status,announced_date,signed_date,"
        "quantity,unit,quantity_note,value_amount,value_currency,value_qualifier,financing,confidence,title,notes",
        "EGY-2026,EGY,RUS,s400,rosoboronexport,,signed,,2026-11,2,system,,1000000000,USD,about,,unconfirmed,"
        "\"=HYPERLINK(\"\"http://evil\"\")\",<script>alert(1)</script>"]
CITATION = ["citation_id,record_type,record_id,source_id,field,claimed_value,preferred,preference_reason,fact_row,note",
            "news-1-egy,deal,EGY-2026,news-1,,,,,,"]


def zipped(**tables: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, lines in tables.items():
            archive.writestr(f"{name}.csv", "\n".join(lines) + "\n")
    return buffer.getvalue()


@pytest.fixture
def db_path(real_db, tmp_path) -> Path:
    """A private copy of the built database, for tests that write to it."""
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    return path


def version(path: Path) -> str:
    with connect(path) as conn:
        return queries.data_version(conn)["version"]


def egypt_bundle() -> bytes:
    return zipped(sources=SOURCE, deals=DEAL, citations=CITATION)


def test_a_clean_import_adds_records_logs_the_commit_and_bumps_the_version(db_path):
    before = version(db_path)
    plan = importing.plan_import(db_path, egypt_bundle(), "egypt.zip")
    assert not plan.problems
    assert plan.counts()["added"] == {"sources": 1, "deals": 1, "citations": 1}
    plan, result = importing.commit_import(db_path, egypt_bundle(), "egypt.zip", "tester")
    assert result.version == version(db_path) != before
    with connect(db_path) as conn:
        [entry] = queries.imports(conn).to_dict("records")
        deal = queries.deals(conn, Filters(buyers=("EGY",), origins=("imported",)))
    assert (entry["file_name"], entry["committed_by"], entry["format"]) == ("egypt.zip", "tester", "native")
    assert list(deal["deal_id"]) == ["EGY-2026"] and deal["origin"].iloc[0] == "imported"


def test_importing_the_same_file_twice_changes_nothing(db_path):
    payload = egypt_bundle()
    importing.commit_import(db_path, payload, "egypt.zip", "tester")
    before = db_path.read_bytes()
    plan, result = importing.commit_import(db_path, payload, "egypt-again.zip", "tester")
    assert result is None and plan.counts()["unchanged"] == 3 and plan.already_imported
    assert db_path.read_bytes() == before


def test_crafted_text_is_stored_as_text_and_neutralised_in_downloads(db_path):
    importing.commit_import(db_path, egypt_bundle(), "egypt.zip", "tester")
    with connect(db_path) as conn:
        deals = queries.deals(conn, Filters(buyers=("EGY",)))
    assert deals.set_index("deal_id").loc["EGY-2026", "notes"] == "<script>alert(1)</script>"
    rows = csv.DictReader(io.StringIO(export.table_csv("deals", deals).decode(), newline=""))
    row = next(r for r in rows if r["deal_id"] == "EGY-2026")
    assert row["title"] == "'=HYPERLINK(\"http://evil\")"


@pytest.mark.parametrize("tables, rule, where", [
    # a buyer that is not a country
    ({"sources": SOURCE, "deals": [DEAL[0], DEAL[1].replace("EGY-2026,EGY,", "EGY-2026,XEG,")], "citations": CITATION},
     "unknown country code", ("egypt.zip/deals.csv", 2, "buyer_iso3")),
    # a deal no source supports
    ({"sources": SOURCE, "deals": DEAL}, "no source", ("egypt.zip/deals.csv", 2, "deal_id")),
    # a quantity that is not a number
    ({"sources": SOURCE, "deals": [DEAL[0], DEAL[1].replace(",2,system,", ",two,system,")], "citations": CITATION},
     "not a number", ("egypt.zip/deals.csv", 2, "quantity")),
    # a file named after a table, with that table's columns missing
    ({"deals": ["deal,buyer", "x,y"]}, "missing column", ("egypt.zip/deals.csv", 1, "signed_date")),
])
def test_a_bad_file_is_refused_whole_with_each_problem_located(db_path, tables, rule, where):
    before = db_path.read_bytes()
    with pytest.raises(DataError) as raised:
        importing.commit_import(db_path, zipped(**tables), "egypt.zip", "tester")
    found = [(p.file, p.line, p.column) for p in raised.value.problems if p.rule == rule]
    assert where in found, [str(p) for p in raised.value.problems]
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("data, rule", [
    (b"deal_id,buyer\x00\n", "encoding"),                 # NUL bytes
    ("source_id;url;title\n".encode("utf-16"), "encoding"),  # not UTF-8
    (b"just some words\n", "unknown format"),            # neither format
])
def test_unreadable_files_get_a_clear_message(db_path, data, rule):
    plan = importing.plan_import(db_path, data, "upload.csv")
    assert rule in {p.rule for p in plan.problems}


def test_files_over_the_size_limit_are_refused_before_parsing(db_path, monkeypatch):
    monkeypatch.setenv("S400_IMPORT_MAX_MB", "0.001")
    plan = importing.plan_import(db_path, b"x" * 5000, "big.csv")
    assert [p.rule for p in plan.problems] == ["too large"]


def test_a_rebuild_from_data_keeps_committed_imports(db_path):
    importing.commit_import(db_path, egypt_bundle(), "egypt.zip", "tester")
    imported_version = version(db_path)
    build(ROOT / "data", db_path)
    with connect(db_path) as conn:
        assert "EGY-2026" in set(queries.deals(conn, Filters())["deal_id"])
        assert len(queries.imports(conn)) == 1
    assert version(db_path) == imported_version


def test_a_competing_claim_from_an_article_keeps_both_values(db_path):
    document = claims_form.document(
        {"url": "https://example.org/india-value", "title": "India deal value", "publisher": "Example"},
        [{"kind": "competing value", "values": {"record_type": "deal", "record_id": "IND-2018",
                                                "field": "quantity", "claimed_value": "4 regiment_set"}}])
    def quantity_claims(path):
        with connect(path) as conn:
            claims = queries.claims(conn, Filters(buyers=("IND",)))
        return claims[(claims["record_id"] == "IND-2018") & (claims["field"] == "quantity")]
    before = quantity_claims(db_path)
    plan, result = importing.commit_import(db_path, document, claims_form.FILE_NAME, "analyst", "claim")
    assert result is not None
    mine = quantity_claims(db_path)
    assert set(mine["claimed_value"]) == set(before["claimed_value"]) | {"4 regiment_set"}
    assert len(mine) == len(before) + 1  # the article's claim beside every one already there
    preferred = set(mine.loc[mine["preferred"].astype(bool), "claimed_value"])
    assert preferred == set(before.loc[before["preferred"].astype(bool), "claimed_value"]) == {"5 regiment_set"}


def test_an_import_killed_before_it_lands_leaves_the_database_as_it_was(db_path):
    before = db_path.read_bytes()
    payload = Path(db_path.parent / "egypt.zip")
    payload.write_bytes(egypt_bundle())
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from s400tracker import db, importing
        db.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        importing.commit_import(Path({str(db_path)!r}), Path({str(payload)!r}).read_bytes(), "egypt.zip", "t")
    """)
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=120)
    assert child.returncode == -9
    assert db_path.read_bytes() == before
    with duckdb.connect(str(db_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM imports").fetchone() == (0,)


def test_cli_import_dry_run_writes_nothing_and_commit_reports_the_version(db_path, tmp_path):
    payload = tmp_path / "egypt.zip"
    payload.write_bytes(egypt_bundle())
    before = db_path.read_bytes()
    cli = [sys.executable, "-m", "s400tracker", "import", str(payload), "--db", str(db_path)]
    dry = subprocess.run(cli + ["--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0 and "dry run" in dry.stdout and db_path.read_bytes() == before
    done = subprocess.run(cli + ["--by", "ci"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "committed" in done.stdout and db_path.read_bytes() != before


def test_cli_import_of_a_bad_file_exits_non_zero_without_a_traceback(db_path, tmp_path):
    payload = tmp_path / "bad.csv"
    payload.write_bytes(b"\xff\xfe\x00garbage")
    out = subprocess.run([sys.executable, "-m", "s400tracker", "import", str(payload), "--db", str(db_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "nothing was written" in out.stderr and "Traceback" not in out.stderr


SIPRI = ROOT / "tests" / "fixtures" / "sipri" / "sipri_register.csv"


def test_a_sipri_register_imports_with_tiv_kept_apart_from_money(db_path):
    data = SIPRI.read_bytes()
    plan, result = importing.commit_import(db_path, data, SIPRI.name, "tester")
    assert plan.format == "sipri" and result is not None
    with connect(db_path) as conn:
        deals = queries.deals(conn, Filters(origins=("imported",), systems=()))
        conversions = queries.conversions(conn, Filters(origins=("imported",)))
        tiv = conn.execute("SELECT count(*), sum(tiv_total_order) FROM tiv").fetchone()
    # China's, Türkiye's and India's S-400 rows are the curated deals: merged, not added.
    assert sorted(plan.merged) == ["CHN-2014", "IND-2018", "TUR-2017"]
    assert len(deals) == 3 and deals["value_amount"].isna().all() and deals["value_usd_nominal"].isna().all()
    assert conversions.empty  # a volume index never becomes a money figure
    assert tiv[0] == 6 and tiv[1] > 0
    assert set(deals["date_precision"]) == {"year"}


def test_a_sipri_register_imported_twice_changes_nothing(db_path):
    importing.commit_import(db_path, SIPRI.read_bytes(), SIPRI.name, "tester")
    before = db_path.read_bytes()
    plan, result = importing.commit_import(db_path, SIPRI.read_bytes(), SIPRI.name, "tester")
    assert result is None and db_path.read_bytes() == before


def test_a_sipri_register_with_bad_rows_is_refused_with_lines_and_columns(db_path):
    bad = ROOT / "tests" / "fixtures" / "sipri" / "sipri_bad_rows.csv"
    plan = importing.plan_import(db_path, bad.read_bytes(), bad.name)
    located = {(p.line, p.column, p.rule) for p in plan.problems}
    assert (5, "Recipient", "unknown party") in located
    assert (7, "Year of order", "year out of range") in located
    assert (10, "Number ordered", "not a number") in located
