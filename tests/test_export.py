"""CSV downloads: RFC 4180, stable columns, formula neutralisation, numbers kept as numbers."""

import csv
import io
import json
import zipfile

import pandas as pd
import pytest

from s400tracker import export


def read(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_are_neutralised(text):
    assert export.neutralise(text) == "'" + text


def test_numbers_stay_numbers_and_text_is_quoted_per_rfc_4180():
    frame = pd.DataFrame({"title": ['Say "hi", then\nleave', "=cmd|' /C calc'!A0"],
                          "amount": [-5.0, 2500000000.0], "share": [0.15, float("nan")],
                          "planned": [True, False]})
    payload = export.frame_csv(frame)
    assert payload.endswith(b"\r\n") and b"\r\n" in payload and not payload.startswith(b"\xef\xbb\xbf")
    rows = read(payload)
    assert rows[0] == ["title", "amount", "share", "planned"]
    assert rows[1] == ['Say "hi", then\nleave', "-5", "0.15", "true"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "2500000000", "", "false"]


def test_table_csv_has_the_documented_columns_first():
    frame = pd.DataFrame([dict.fromkeys(export.EXPORT_COLUMNS["deals"])])
    header = read(export.table_csv("deals", frame))[0]
    assert header[:17] == ["deal_id", "buyer_iso3", "buyer", "supplier_iso3", "supplier", "system", "status",
                           "signed_date", "date_precision", "quantity", "unit", "value_amount", "value_currency",
                           "value_usd_nominal", "value_usd_constant", "confidence", "sources"]


def test_bundle_holds_every_table_and_a_manifest():
    tables = {t: pd.DataFrame([dict.fromkeys(cols, "=1")]) for t, cols in export.EXPORT_COLUMNS.items()}
    manifest = {"filters": "all records", "link": "http://localhost:8501/", "data_version": "abc"}
    with zipfile.ZipFile(io.BytesIO(export.bundle_zip(tables, manifest))) as archive:
        assert sorted(archive.namelist()) == sorted([f"{t}.csv" for t in tables] + ["manifest.json"])
        assert json.loads(archive.read("manifest.json"))["data_version"] == "abc"
        for table in tables:
            cells = read(archive.read(f"{table}.csv"))[1]
            assert all(cell == "'=1" for cell in cells)


def test_the_cli_export_writes_the_bytes_the_page_offers_for_that_link(real_db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from s400tracker import queries
    from s400tracker.db import connect
    from s400tracker.filters import Filters

    out = tmp_path / "deals.csv"
    run = subprocess.run([sys.executable, "-m", "s400tracker", "export", "--table", "deals", "--query",
                          "buyer=TUR&years=2017&years=2020&colour=red", "--out", str(out), "--db", str(real_db)],
                         cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Ignored unknown parameter 'colour'" in run.stderr
    with connect(real_db) as conn:
        page_bytes = export.table_csv("deals", queries.deals(conn, Filters(buyers=("TUR",), years=(2017, 2020))))
    assert out.read_bytes() == page_bytes
    assert [row[0] for row in read(page_bytes)[1:]] == ["TUR-2017"]
