"""Formula injection: every download, read back cell by cell, runs nothing in a spreadsheet.

The hostile database (tests/hostile.py) carries =, +, -, @, tab and CR-LF formulas in titles,
notes, descriptions, publishers and claims. Each table's CSV (the bytes a page's "Download CSV",
"Download selected" and the CLI give), the Money page's conversions, the Sources page's
conflicts and the sidebar's zip are parsed with the csv module and every cell checked: a cell
starting with a formula trigger is a plain number of a numeric column, or it starts with "'".
"""

import csv
import datetime as dt
import io
import json
import math
import zipfile

import pandas as pd
import pytest

from s400tracker import export, queries, summaries
from s400tracker.db import connect
from s400tracker.filters import Filters

from . import hostile

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
VIEWS = [Filters(), Filters(buyers=(hostile.BUYER,))]


@pytest.fixture(scope="module")
def hostile_db(real_db, tmp_path_factory):
    return hostile.build_hostile_db(real_db, tmp_path_factory.mktemp("hostile") / "s400.duckdb")


@pytest.fixture(scope="module")
def frames(hostile_db) -> dict[Filters, dict[str, pd.DataFrame]]:
    """Every downloadable frame, for all records and for the hostile buyer alone."""
    with connect(hostile_db) as conn:
        return {view: {**{table: getattr(queries, table)(conn, view) for table in export.EXPORT_COLUMNS},
                       "conversions": queries.conversions(conn, view),
                       "conflicts": summaries.disputes(queries.claims(conn, view))}
                for view in VIEWS}


def read(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def check_every_cell(payload: bytes, frame: pd.DataFrame, columns: list[str]) -> int:
    """Each cell read back is its value: numbers as numbers, text as itself or neutralised. Returns cells checked."""
    header, *body = read(payload)
    assert header == columns and not any(h.startswith(TRIGGERS) for h in header)
    assert len(body) == len(frame)
    numeric = {c for c in columns
               if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    for row, record in zip(body, frame[columns].astype(object).itertuples(index=False, name=None)):
        assert len(row) == len(columns)
        for column, cell, value in zip(columns, row, record):
            where = f"{column}={cell!r}"
            if cell.startswith(TRIGGERS):  # only a number may start so, and only in a numeric column
                assert column in numeric and not math.isnan(float(cell)), f"formula not neutralised: {where}"
            if _missing(value):
                assert cell == "", where
            elif isinstance(value, bool):
                assert cell == ("true" if value else "false"), where
            elif column in numeric:
                assert float(cell) == pytest.approx(float(value)), where
            elif isinstance(value, (dt.date, pd.Timestamp)):
                assert cell == value.isoformat(), where
            else:
                text = str(value)
                assert cell == ("'" + text if text.startswith(TRIGGERS) else text), where
    return len(body) * len(columns)


@pytest.mark.parametrize("view", VIEWS, ids=["all", "hostile buyer"])
@pytest.mark.parametrize("table", sorted(export.EXPORT_COLUMNS))
def test_every_cell_of_every_table_download_is_safe(frames, view, table):
    frame = frames[view][table]
    assert len(frame), "the hostile records must be in view"
    columns = export.EXPORT_COLUMNS[table]
    assert check_every_cell(export.table_csv(table, frame), frame, columns) > 0
    selected = frame.tail(1)  # "Download selected": the same bytes for the chosen rows
    check_every_cell(export.table_csv(table, selected), selected, columns)


@pytest.mark.parametrize("view", VIEWS, ids=["all", "hostile buyer"])
@pytest.mark.parametrize("name", ["conversions", "conflicts"])
def test_every_cell_of_the_money_and_conflict_downloads_is_safe(frames, view, name):
    frame = frames[view][name]
    assert len(frame)
    check_every_cell(export.frame_csv(frame), frame, list(frame.columns))


def test_the_zip_bundle_holds_only_safe_cells(frames, hostile_db):
    from s400tracker import bundle
    from s400tracker.db import connect
    view = VIEWS[1]
    tables = {table: frames[view][table] for table in export.EXPORT_COLUMNS}
    link = "http://localhost:8501/?buyer=KAZ"
    with connect(hostile_db) as conn:
        payload = bundle.bundle_bytes(conn, view, link, dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert sorted(archive.namelist()) == sorted([f"{t}.csv" for t in tables] + ["manifest.json"])
        for table, frame in tables.items():
            check_every_cell(archive.read(f"{table}.csv"), frame, export.EXPORT_COLUMNS[table])
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["share_link"] == link and "headline" in manifest


def test_each_formula_in_the_data_comes_back_quoted_and_a_negative_amount_as_a_number(frames):
    view = VIEWS[1]
    cells = {cell for table in export.EXPORT_COLUMNS
             for row in read(export.table_csv(table, frames[view][table])) for cell in row}
    cells |= {cell for name in ("conversions", "conflicts")
              for row in read(export.frame_csv(frames[view][name])) for cell in row}
    stored = {str(v) for name in ("conversions", "conflicts", *export.EXPORT_COLUMNS)
              for v in frames[view][name].astype(object).to_numpy().ravel()}
    in_data = [f for f in hostile.FORMULAS if any(s.startswith(f) for s in stored)]
    assert len(in_data) >= 5, in_data  # the importer trims the tab of '\t=1+1', leaving '=1+1'
    for formula in in_data:
        assert "'" + formula in cells or any(c.startswith("'" + formula) for c in cells), formula
        assert formula not in cells
    header, *rows = read(export.table_csv("payments", frames[view]["payments"]))
    payment = dict(zip(header, next(r for r in rows if r[0] == hostile.PAYMENT)))
    assert payment["amount"] == str(hostile.NEGATIVE_AMOUNT) and float(payment["amount"]) == hostile.NEGATIVE_AMOUNT
    assert float(payment["usd_nominal"]) == hostile.NEGATIVE_AMOUNT
    assert payment["description"].startswith("'@SUM")
