"""Build the database from the curated CSVs: validate, derive, write atomically."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import db, derive
from .schema import TABLES
from .validate import DataError, load_tables, validate


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: where, which data version, and how many rows per table."""

    db_path: Path
    version: str
    row_counts: dict[str, int]


def content_hash(data_dir: Path) -> str:
    """SHA-256 over every table CSV's name and bytes: the data's identity, whatever the build time."""
    digest = hashlib.sha256()
    for table in TABLES:
        path = data_dir / f"{table.name}.csv"
        digest.update(table.name.encode() + b"\0" + path.read_bytes() + b"\0")
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


def _version_row(data_dir: Path, typed: dict[str, list[dict]], base_year: int) -> dict:
    digest = content_hash(data_dir)
    accessed = [s["accessed_date"][0] for s in typed["sources"] if s["accessed_date"]]
    counts = ", ".join(f"{len(typed[t.name])} {t.name}" for t in TABLES if t.sourced_as)
    return {"version": digest[:12], "content_hash": digest,
            "built_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
            "as_of": max(accessed, default=None), "usd_base_year": base_year,
            "description": f"curated data: {counts}"}


def derived_tables(data_dir: Path, typed: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The tables the build computes: event countries, conversions, operator status, version."""
    conversions = derive.conversions(typed)
    base_year = derive.Rates.from_tables(typed).base_year
    return {"event_countries": derive.event_countries(typed), "conversions": conversions,
            "country_status": derive.country_status(typed),
            "data_version": [_version_row(data_dir, typed, base_year)]}


def build(data_dir: Path, db_path: Path) -> BuildResult:
    """Validate ``data_dir`` and write the database to ``db_path``.

    Raises DataError listing every problem; the existing database is then left untouched.
    """
    raw, problems = load_tables(data_dir)
    typed, found = validate(raw)
    problems += found
    if problems:
        raise DataError(problems)
    tables = {name: [_database_row(row) for row in rows] for name, rows in typed.items()}
    tables |= derived_tables(data_dir, typed)
    db.write_database(db_path, tables)
    return BuildResult(db_path, tables["data_version"][0]["version"],
                       {name: len(rows) for name, rows in tables.items()})
