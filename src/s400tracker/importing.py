"""Import a file into the database: detect, parse, plan (preview), and commit whole or not at all.

A plan says what would be added, changed (records an earlier import brought), left as
conflicting (curated records the file disagrees with: never overwritten), or is already there.
A commit re-plans under a lock against the database as it is, validates everything, and writes a
new file renamed into place, so a failed or killed import leaves the database as it was.
"""

import datetime as dt
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import build, claims, store
from .importers import claims_form, native
from .progress import MATCHING, Progress, counted, no_progress
from .schema import TABLES_BY_NAME
from .validate import DataError, Loc, Notice, Problem, RawTable, parse_cell, validate

DEFAULT_MAX_MB = 50
FORMATS = ("sipri", "native")  # what --format accepts; the claim form is a third origin of imports


def max_bytes() -> int:
    """The largest file accepted: ``$S400_IMPORT_MAX_MB`` megabytes (default 50)."""
    try:
        return int(float(os.environ.get("S400_IMPORT_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


@dataclass
class ImportPlan:
    """What importing a file would do; ``problems`` non-empty means it would be refused whole."""

    file_name: str
    file_hash: str
    format: str
    added: dict[str, list] = field(default_factory=dict)
    changed: dict[str, list] = field(default_factory=dict)
    conflicting: list[dict] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    already_imported: dict | None = None
    notices: list[Notice] = field(default_factory=list)  # what reading the file repaired, e.g. rejoined lines
    # A register's records matched against the stored deals (importers.sipri.reconcile): records
    # per outcome, the curated deals it merged into (id -> its record), and the deals of earlier
    # exports it no longer lists (kept, never deleted).
    outcomes: dict[str, int] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: 'adds 12 deals, 30 deliveries; changes 1 deal; 2 conflicting; 3 unchanged'."""
        def listed(groups: dict) -> str:
            return ", ".join(f"{len(rows)} {table}" for table, rows in groups.items() if rows)
        parts = [f"adds {listed(self.added)}" if any(self.added.values()) else "adds nothing"]
        if any(self.changed.values()):
            parts.append(f"changes {listed(self.changed)}")
        if self.conflicting:
            parts.append(f"{len(self.conflicting)} conflicting with curated records (left as they are)")
        parts.append(f"{sum(self.unchanged.values())} already present")
        return "; ".join(parts + self.reconciled())

    def reconciled(self) -> list[str]:
        """What a register's records were matched to, in words ([] for other files)."""
        words = {"merge": "merged into curated deals", "revise": "revise deals of an older export",
                 "older": "are older than the export their deal came from (claims only)"}
        parts = [f"{self.outcomes[kind]} records {text}" for kind, text in words.items() if self.outcomes.get(kind)]
        if self.merged:
            parts.append("merged: " + ", ".join(f"{deal} <- {record}" for deal, record in sorted(self.merged.items())))
        if self.dropped:
            shown = ", ".join(self.dropped[:5]) + (" ..." if len(self.dropped) > 5 else "")
            parts.append(f"{len(self.dropped)} deals of earlier exports are not in this one (kept): {shown}")
        return parts

    def counts(self) -> dict:
        """Rows per table added and changed, conflicts and unchanged rows: what the log records."""
        return {"added": {t: len(r) for t, r in self.added.items() if r},
                "changed": {t: len(r) for t, r in self.changed.items() if r},
                "conflicting": len(self.conflicting), "unchanged": sum(self.unchanged.values())} | (
            {"outcomes": self.outcomes, "merged": sorted(self.merged), "dropped": len(self.dropped)}
            if self.outcomes else {})

    @property
    def writes_anything(self) -> bool:
        """True when committing would change the database."""
        return not self.problems and (any(self.added.values()) or any(self.changed.values()))


def detect_format(data: bytes) -> str | None:
    """'sipri' or 'native' from the file's content, or None if neither fits."""
    from .importers.sipri import looks_like_sipri
    if looks_like_sipri(data):
        return "sipri"
    return "native" if native.looks_like_native(data) else None


def _country_codes(stored: dict[str, RawTable]) -> dict[str, str]:
    return {row["name"].lower(): row["iso3"] for _, row in stored["countries"].rows}


def _party_names(stored: dict[str, RawTable]) -> dict[str, str]:
    """Each party's name and aliases (';'-separated) to its code."""
    return {name.strip(): row["party_code"] for _, row in stored["parties"].rows
            for name in [row["name"], *row["aliases"].split(";")] if name.strip()}


@dataclass
class ParsedFile:
    """A file read into the curated format: its rows per table, every problem found reading it,
    every notice (what was repaired to read it), and for a register what it was matched to."""

    format: str
    tables: dict[str, RawTable]
    problems: list[Problem]
    notices: list[Notice] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def _system_categories(stored: dict[str, RawTable]) -> dict[str, str]:
    """Each stored system's armament category, where it has one."""
    return {row["system_id"]: row["armament_category"] for _, row in stored["systems"].rows
            if row.get("armament_category")}


def _known_deals(stored: dict[str, RawTable]):
    from .importers.sipri import known_deals
    return known_deals([(loc.import_id is not None, row) for loc, row in stored["deals"].rows],
                       [row for _, row in stored["deliveries"].rows], [row for _, row in stored["citations"].rows],
                       [row for _, row in stored["sources"].rows])


def parse_file(data: bytes, file_name: str, fmt: str | None, stored: dict[str, RawTable],
               today: dt.date, progress: Progress = no_progress) -> ParsedFile:
    """The file read into the curated format (ParsedFile); a register reports its records read."""
    if len(data) > max_bytes():
        limit = f"the limit is {max_bytes() / 1048576:.0f} MB"
        return ParsedFile(fmt or "native", {}, [Problem(file_name, None, None, "too large",
                                                        f"{len(data) / 1e6:.1f} MB; {limit}")])
    if b"\x00" in data and fmt != "claim" and not data.startswith(b"PK\x03\x04"):  # a zip is binary
        return ParsedFile(fmt or "native", {}, [Problem(
            file_name, None, None, "encoding", "contains NUL bytes: not a text file (UTF-16 or binary?); "
                                               "save it as CSV in UTF-8 (tables) or as SIPRI exports it (Latin-1)")])
    fmt = fmt or detect_format(data)
    if fmt == "sipri":
        from .importers.sipri import parse_sipri
        parsed = parse_sipri(data, file_name, _country_codes(stored), today, _party_names(stored),
                             _known_deals(stored), _system_categories(stored), progress)
        tables = {name: RawTable([c.name for c in TABLES_BY_NAME[name].columns],
                                 [(Loc(file_name, line), row) for line, row in rows])
                  for name, rows in parsed.tables.items()}
        return ParsedFile(fmt, tables, parsed.problems, parsed.notices, dict(parsed.outcomes), parsed.merged,
                          parsed.dropped)
    if fmt == "native":
        tables, problems = native.parse_native(data, file_name)
        return ParsedFile(fmt, tables, problems)
    if fmt == "claim":
        known_urls = {row["url"]: row["source_id"] for _, row in stored["sources"].rows if row["url"]}
        tables, problems = claims_form.parse_document(data, today.isoformat(), known_urls)
        return ParsedFile(fmt, tables, problems)
    return ParsedFile("native", {}, [Problem(file_name, None, None, "unknown format",
                                  "neither a SIPRI Arms Transfers Database export (the trade register CSV, "
                                  "whose header starts 'Recipient,Supplier,Year of order', or the database CSV, "
                                  "whose header starts 'SIPRI AT Database ID,Supplier,Recipient') nor a table CSV "
                                  "of this project (give --format sipri or --format native)")])


def _typed(table: str, row: dict) -> dict:
    """A row's cells parsed by type, so '2' and '2.0' compare equal; unparseable cells stay text."""
    values = {}
    for column in TABLES_BY_NAME[table].columns:
        try:
            values[column.name] = parse_cell(column, row.get(column.name, "")) if row.get(column.name) else None
        except ValueError:
            values[column.name] = row.get(column.name)
    return values


def _key(table: str, row: dict) -> tuple:
    return tuple(row.get(c, "") for c in TABLES_BY_NAME[table].key_columns)


def _classify(plan: ImportPlan, incoming: dict[str, RawTable], stored: dict[str, RawTable],
              progress: Progress) -> None:
    """Sort every incoming row into added, changed, conflicting or unchanged."""
    for table, raw in counted(progress, MATCHING, list(incoming.items()), size=lambda item: len(item[1].rows)):
        existing = {_key(table, row): (loc, row) for loc, row in stored.get(table, RawTable([], [])).rows}
        plan.added[table], plan.changed[table], plan.unchanged[table] = [], [], 0
        for loc, row in raw.rows:
            match = existing.get(_key(table, row))
            if match is None:
                plan.added[table].append((loc, row))
            elif _typed(table, match[1]) == _typed(table, row):
                plan.unchanged[table] += 1
            elif match[0].import_id is not None:
                plan.changed[table].append((loc, row))
            else:
                plan.conflicting.append({"table": table, "key": "/".join(_key(table, row)), "line": loc.line,
                                         "differs_in": [c for c, v in _typed(table, row).items()
                                                        if v != _typed(table, match[1])[c]]})


def _current_value_claims(plan: ImportPlan, stored: dict[str, RawTable]) -> None:
    """A competing claim on a field nobody had claimed yet: record the held value as the
    preferred claim, cited to the record's own source, so the dispute has both sides. A file that
    brings its own preferred claim for a field (a newer SIPRI export) needs none."""
    incoming = plan.added.get("citations", []) + plan.changed.get("citations", [])
    claimed = {(r["record_type"], r["record_id"], r["field"]) for _, r in stored["citations"].rows if r["field"]}
    claimed |= {(r["record_type"], r["record_id"], r["field"]) for _, r in incoming
                if r["field"] and r["preferred"] == "true"}
    sources = {}
    for _, row in stored["citations"].rows:
        sources.setdefault((row["record_type"], row["record_id"]), row["source_id"])
    records: dict[str, dict] = {}
    extra = []
    for loc, row in plan.added.get("citations", []):
        group = (row["record_type"], row["record_id"], row["field"])
        table = claims.RECORD_TABLES.get(row["record_type"])
        if (not row["field"] or table is None or group in claimed or group[:2] not in sources
                or claims.is_source_field(table, row["field"])):  # no value of its own to hold
            continue
        if table not in records:  # indexed once: a register brings thousands of claims
            key = TABLES_BY_NAME[table].key
            records[table] = {r.get(key): r for _, r in stored[table].rows}
        record = records[table].get(row["record_id"])
        if record is None:
            continue
        claimed.add(group)
        extra.append((loc, {"citation_id": f"{row['citation_id']}-held", "record_type": row["record_type"],
                            "record_id": row["record_id"], "source_id": sources[group[:2]], "field": row["field"],
                            "claimed_value": _held_value(table, row["field"], record), "preferred": "true",
                            "preference_reason": "the value held before a competing claim was imported; "
                                                 "a curator decides which to prefer",
                            "fact_row": "", "note": ""}))
    plan.added.setdefault("citations", []).extend(extra)


def _held_value(table: str, field_name: str, record: dict) -> str:
    composite = claims.COMPOSITE_FIELDS.get(table, {}).get(field_name)
    if composite:
        return " ".join(record.get(c, "") for c in composite)
    return record.get(field_name, "")


def _merged(stored: dict[str, RawTable], plan: ImportPlan, import_id: int | None) -> dict[str, RawTable]:
    """Stored rows, with changed rows replaced and added rows appended (tagged with the import)."""
    merged = {}
    for table, raw in stored.items():
        replaced = {_key(table, row): (loc, row) for loc, row in plan.changed.get(table, [])}
        rows = [(Loc(loc.file, loc.line, import_id), replaced[_key(table, row)][1])
                if _key(table, row) in replaced else (loc, row) for loc, row in raw.rows]
        rows += [(Loc(loc.file, loc.line, import_id), row) for loc, row in plan.added.get(table, [])]
        merged[table] = RawTable(raw.header, rows)
    return merged


def _plan(data: bytes, file_name: str, fmt: str | None, stored, log, today: dt.date,
          progress: Progress, check_whole: bool = True) -> ImportPlan:
    file_hash = hashlib.sha256(data).hexdigest()
    parsed = parse_file(data, file_name, fmt, stored, today, progress)
    problems, incoming = parsed.problems, parsed.tables
    plan = ImportPlan(file_name, file_hash, parsed.format, problems=problems, notices=parsed.notices,
                      outcomes=parsed.outcomes, merged=parsed.merged, dropped=parsed.dropped)
    plan.already_imported = next((e for e in log if e["file_hash"] == file_hash), None)
    if problems:
        return plan
    _classify(plan, incoming, stored, progress)
    if plan.already_imported is not None:
        # The same bytes again, under any name: what they hold is stored; only the file's name
        # (in an export's source title) could differ, and that is no new information.
        plan.added, plan.changed = {}, {}
    _current_value_claims(plan, stored)
    if check_whole and plan.writes_anything:  # a commit skips this: build.write validates the same whole
        _, plan.problems = validate(_merged(stored, plan, import_id=-1), progress)
    return plan


def plan_import(db_path: Path, data: bytes, file_name: str, fmt: str | None = None,
                today: dt.date | None = None, progress: Progress = no_progress) -> ImportPlan:
    """Preview: what importing ``data`` into the database would add, change or leave; each step
    is reported to ``progress`` (progress.py)."""
    stored, log, _ = _stored(db_path, progress)
    return _plan(data, file_name, fmt, stored, log, today or dt.date.today(), progress)


def _stored(db_path: Path, progress: Progress):
    stored, log, curated_hash = store.stored_tables(db_path, progress=progress)
    if not stored:
        raise FileNotFoundError(f"no database at {db_path}: build it first (python -m s400tracker build)")
    return stored, log, curated_hash


@contextmanager
def _writer_lock(db_path: Path):
    """One writer at a time: two imports committed together would each miss the other's rows."""
    with open(f"{db_path}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def commit_import(db_path: Path, data: bytes, file_name: str, committed_by: str, fmt: str | None = None,
                  now: dt.datetime | None = None,
                  progress: Progress = no_progress) -> tuple[ImportPlan, build.BuildResult | None]:
    """Import ``data`` whole or not at all, reporting each step to ``progress``; returns the plan
    and the new build (None: nothing new).

    Raises DataError with every problem when the file cannot be imported; nothing is written then.
    """
    now = now or dt.datetime.now(dt.UTC)
    with _writer_lock(db_path):
        stored, log, curated_hash = _stored(db_path, progress)
        plan = _plan(data, file_name, fmt, stored, log, now.date(), progress, check_whole=False)
        if plan.problems:
            raise DataError(plan.problems)
        if not plan.writes_anything:
            return plan, None
        import_id = max((e["import_id"] for e in log), default=0) + 1
        entry = {"import_id": import_id, "committed_at": now.replace(tzinfo=None, microsecond=0),
                 "committed_by": committed_by, "file_name": file_name, "file_hash": plan.file_hash,
                 "format": plan.format, "counts": json.dumps(plan.counts())}
        return plan, build.write(_merged(stored, plan, import_id), curated_hash, log + [entry], db_path, progress)
