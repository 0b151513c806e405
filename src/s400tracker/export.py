"""CSV and zip downloads: the bytes a page offers are the bytes the CLI writes.

CSV is UTF-8 (no BOM), RFC 4180 (CRLF, minimal quoting), one header row, stable column
names. Text cells that a spreadsheet would run as a formula are neutralised; numbers stay
numbers.
"""

import datetime as dt
import io
import json
import math
import zipfile

import pandas as pd

from .columns import EXPORTED, csv_columns

# Stable, documented columns per table (columns.py is their one home; extras only at the end).
EXPORT_COLUMNS = {table: csv_columns(table) for table in EXPORTED}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a text cell that a spreadsheet would evaluate (=, +, -, @, tab, CR) with a quote."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(value) -> str:
    """One cell as text: numbers plainly (no exponent, no '.0'), booleans true/false, text neutralised."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e17 else repr(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return neutralise(str(value))


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def frame_csv(frame: pd.DataFrame, columns: list[str] | None = None) -> bytes:
    """A DataFrame as RFC 4180 CSV bytes (only ``columns``, in that order, when given)."""
    frame = frame[columns] if columns else frame
    lines = [",".join(_quote(str(c)) for c in frame.columns)]
    for row in frame.astype(object).itertuples(index=False, name=None):
        lines.append(",".join(_quote(_cell(_plain(v))) for v in row))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _plain(value):
    """numpy scalars -> Python scalars, so types decide formatting the same way everywhere."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def table_csv(table: str, frame: pd.DataFrame) -> bytes:
    """The documented CSV of one table (deals, deliveries, payments, events, sources, conversions)."""
    return frame_csv(frame, csv_columns(table))


def citation_text(version: str, as_of: str, link: str, accessed: dt.date) -> str:
    """How to cite the dashboard: name, data version, the date its sources were checked to, the
    view's link, access date."""
    return (f"S-400 Deal Tracker (data version {version}, sources checked to {as_of}). "
            f"View: {link}. Accessed {accessed.isoformat()}.")


def bundle_zip(tables: dict[str, pd.DataFrame], manifest: dict) -> bytes:
    """A zip of every table's CSV for the current filters plus manifest.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, frame in tables.items():
            archive.writestr(f"{table}.csv", table_csv(table, frame))
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    return buffer.getvalue()
