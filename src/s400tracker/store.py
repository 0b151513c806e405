"""What the database holds, read back as table rows, so a build or an import can merge into it.

Imports live in the database itself (rows tagged origin='imported' with their import_id, and
the ``imports`` log). A rebuild from data/ carries them over; an import merges into everything
stored. Both then validate the whole and write a new file renamed into place.
"""

import json
import math
from pathlib import Path

from . import db
from .dates import format_partial_date
from .progress import STORED, Progress, counted, no_progress
from .schema import ORIGIN_TABLES, TABLES, Column, Table
from .validate import Loc, RawTable


def _number_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e17 else repr(value)


def _cell_text(kind: str, value, precision=None) -> str:
    """A stored value written back as the CSV text it was validated from."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "date":
        return format_partial_date(value.date() if hasattr(value, "date") else value, precision)
    if kind == "number":
        return _number_text(value)
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def _event_codes(conn) -> dict[str, str]:
    frame = db.query(conn, "SELECT event_id, string_agg(iso3, ';' ORDER BY iso3) AS codes "
                           "FROM event_countries GROUP BY event_id")
    return dict(zip(frame["event_id"], frame["codes"]))


def _rows_of(conn, table: Table, only_imported: bool, labels: dict[int, str]) -> RawTable:
    frame = db.stored_rows(conn, table.name, db.table_columns(table), only_imported)
    codes = _event_codes(conn) if table.name == "events" else {}
    # Column by column, then zipped into rows: a whole register is 250,000 rows, and pandas'
    # to_dict('records') alone took half of the time of reading them back.
    keys = frame[table.key].tolist() if isinstance(table.key, str) else []
    texts = [_column_texts(frame, column, codes, keys) for column in table.columns]
    stored_ids = frame["import_id"].tolist() if "import_id" in frame else [None] * len(frame)
    import_ids = [_import_id(value) for value in stored_ids]
    names, rows = [c.name for c in table.columns], []
    for cells, import_id in zip(zip(*texts), import_ids):
        text = dict(zip(names, cells))
        if table.name == "deals":
            _party_codes_as_given(text)
        rows.append((Loc(labels.get(import_id, f"{table.name} (stored)"), None, import_id), text))
    return RawTable(names, rows)


def _column_texts(frame, column: Column, codes: dict[str, str], keys: list) -> list[str]:
    """One column's stored values as the CSV texts they were validated from."""
    if column.kind == "codes":
        return [codes.get(key, "") for key in keys]
    values = frame[column.name].tolist()
    precisions = frame[column.name + "_precision"].tolist() if column.kind == "date" else [None] * len(values)
    return [_cell_text(column.kind, _clean(value), precision) for value, precision in zip(values, precisions)]


def _party_codes_as_given(deal: dict[str, str]) -> None:
    """Undo what the build fills in (derive.with_party_codes): a state party is given by its ISO3
    alone, so a stored deal compares equal to the same deal read from a file."""
    for role in ("buyer", "supplier"):
        if deal[f"{role}_code"] == deal[f"{role}_iso3"]:
            deal[f"{role}_code"] = ""


def _clean(value):
    """pandas' missing values (NaT, NaN, NA) as None."""
    try:
        return None if value is None or value != value else value
    except (TypeError, ValueError):
        return None if str(value) in ("NaT", "<NA>") else value


def _import_id(value) -> int | None:
    value = _clean(value)
    return int(value) if value is not None else None


def import_log(conn) -> list[dict]:
    """The imports committed to this database, oldest first ([] for a database without any)."""
    if "imports" not in db.table_names(conn):
        return []
    return db.query(conn, "SELECT * FROM imports ORDER BY import_id").to_dict("records")


def stored_tables(path: Path, only_imported: bool = False,
                  progress: Progress = no_progress) -> tuple[dict[str, RawTable], list[dict], str | None]:
    """Every table's rows as stored (or only the imported ones), the import log, and the
    curated data's hash. A missing database, or one built before imports existed, holds none."""
    if not Path(path).exists():
        return {}, [], None
    with db.connect(path) as conn:
        if "imports" not in db.table_names(conn):
            return {}, [], None
        log = import_log(conn)
        labels = {entry["import_id"]: f"import {entry['import_id']} ({entry['file_name']})" for entry in log}
        wanted = [t for t in TABLES if not only_imported or t.name in ORIGIN_TABLES]
        tables = {t.name: _rows_of(conn, t, only_imported, labels) for t in counted(progress, STORED, wanted)}
        curated_hash = db.query(conn, "SELECT curated_hash FROM data_version")["curated_hash"].iloc[0]
    return tables, log, curated_hash


def merge(base: dict[str, RawTable], extra: dict[str, RawTable]) -> dict[str, RawTable]:
    """Tables with ``extra``'s rows appended to ``base``'s (same columns)."""
    merged = {name: RawTable(raw.header, list(raw.rows)) for name, raw in base.items()}
    for name, raw in extra.items():
        if name in merged:
            merged[name].rows.extend(raw.rows)
        else:
            merged[name] = RawTable(raw.header, list(raw.rows))
    return merged


def log_rows(log: list[dict]) -> list[dict]:
    """The import log as database rows (counts kept as JSON text)."""
    return [entry | {"counts": entry["counts"] if isinstance(entry["counts"], str) else json.dumps(entry["counts"])}
            for entry in log]
