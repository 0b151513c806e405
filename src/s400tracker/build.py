"""Build the database: validate, derive, write atomically. Imports are carried over."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import db, derive, rollups, store
from .progress import Progress, no_progress
from .schema import TABLES
from .validate import DataError, RawTable, load_tables, validate


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: where, which data version, and how many rows per table."""

    db_path: Path
    version: str
    row_counts: dict[str, int]
    overdue: list[str]  # planned deliveries whose date passed before the sources' date: flagged


def content_hash(data_dir: Path) -> str:
    """SHA-256 over every table CSV's name and bytes: the curated data's identity."""
    digest = hashlib.sha256()
    for table in TABLES:
        path = data_dir / f"{table.name}.csv"
        digest.update(table.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def data_hash(curated_hash: str, log: list[dict]) -> str:
    """The data's identity: the curated data plus every committed import, in order."""
    if not log:
        return curated_hash
    digest = hashlib.sha256(curated_hash.encode())
    for entry in log:
        digest.update(b"\0" + entry["file_hash"].encode())
    return digest.hexdigest()


def _database_row(row: dict) -> dict:
    """Flatten (date, precision) pairs into ``name`` and ``name_precision`` columns."""
    flat = {}
    for name, value in row.items():
        if isinstance(value, tuple):
            flat[name], flat[name + "_precision"] = value
        else:
            flat[name] = value
    return flat


def frames(typed: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """Validated rows as frames of their database columns (each date beside its precision);
    the events keep their ``countries`` lists, from which ``event_countries`` is derived."""
    tables = {t.name: pd.DataFrame([_database_row(r) for r in typed[t.name]], columns=db.table_columns(t))
              for t in TABLES}
    tables["events"]["countries"] = [e["countries"] or [] for e in typed["events"]]
    return tables


def _version_row(curated_hash: str, log: list[dict], typed: dict[str, list[dict]], base_year: int) -> dict:
    digest = data_hash(curated_hash, log)
    # The data is as current as its last research pass over the sources, not its build.
    last_pass = max((p["checked_to"] for p in typed["research_passes"]), default=(None, None))
    counts = ", ".join(f"{len(typed[t.name])} {t.name}" for t in TABLES if t.sourced_as)
    imported = f"; {len(log)} import(s)" if log else ""
    return {"version": digest[:12], "content_hash": digest, "curated_hash": curated_hash, "imports": len(log),
            "built_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
            "as_of": last_pass[0], "as_of_precision": last_pass[1], "usd_base_year": base_year,
            "description": f"{counts}{imported}"}


def write(raw: dict[str, RawTable], curated_hash: str, log: list[dict], db_path: Path,
          progress: Progress = no_progress) -> BuildResult:
    """Validate ``raw`` as a whole, derive, and write it with the import log to ``db_path``,
    reporting both steps to ``progress``.

    Raises DataError listing every problem; the existing database is then left untouched.
    """
    typed, problems = validate(raw, progress)
    if problems:
        raise DataError(problems)
    tables: dict = frames(typed)
    rates = derive.Rates.from_tables(typed)
    version = _version_row(curated_hash, log, typed, rates.base_year)
    tables |= derive.derived_tables(tables, rates, version["as_of"]) | {
        "event_countries": derive.event_countries(tables["events"]), "data_version": [version],
        "imports": store.log_rows(log)}
    db.write_database(db_path, tables, rollups.statements(), progress)
    schedule = tables["delivery_schedule"]
    return BuildResult(db_path, version["version"],
                       {name: len(rows) for name, rows in tables.items() if name != "imports"},
                       sorted(schedule.loc[schedule["schedule"] == "overdue", "delivery_id"]))


def build(data_dir: Path, db_path: Path) -> BuildResult:
    """Build ``db_path`` from the CSVs in ``data_dir``, keeping every import already committed to it.

    Raises DataError listing every problem; the existing database is then left untouched.
    """
    raw, problems = load_tables(data_dir)
    if problems:
        _, more = validate(raw)
        raise DataError(problems + more)
    imported, log, _ = store.stored_tables(db_path, only_imported=True)
    return write(store.merge(raw, imported), content_hash(data_dir), log, db_path)
