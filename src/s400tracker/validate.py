"""Validate the curated CSVs: every problem found, with file, line, column and rule.

Reading and checking are pure: ``load_tables`` reads a data folder into raw rows and
``validate`` returns every problem at once, so a curator fixes a file in one pass.
"""

import csv
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from . import claims
from .dates import parse_partial_date
from .progress import VALIDATING, Progress, counted, no_progress
from .schema import SOURCED_RECORD_TYPES, TABLES, TABLES_BY_NAME, Column, Table

# Pairs of columns where a value needs its unit or currency beside it.
PAIRED_COLUMNS = (("quantity", "unit"), ("value_amount", "value_currency"), ("amount", "currency"))


@dataclass(frozen=True)
class _Located:
    """Something said about a file, at a line and column where it has them, under a rule."""

    file: str
    line: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        column = f" column '{self.column}':" if self.column else ""
        return f"{where}:{column} {self.message} [{self.rule}]"


@dataclass(frozen=True)
class Problem(_Located):
    """One thing wrong with the data, located precisely enough to fix."""


@dataclass(frozen=True)
class Notice(_Located):
    """Something done to read a file that its user should know, located like a Problem but
    not one: the file is still imported (e.g. a record broken across two lines, rejoined)."""


class Loc(NamedTuple):
    """Where a row came from: a file (a data CSV or an imported file), its line, and the
    import that brought it (None for curated data)."""

    file: str
    line: int | None
    import_id: int | None = None


def problem_at(loc: Loc, column: str | None, rule: str, message: str) -> Problem:
    """A problem located at a row."""
    return Problem(loc.file, loc.line, column, rule, message)


@dataclass
class RawTable:
    """A table as read: header and rows of text, each row with where it came from."""

    header: list[str]
    rows: list[tuple[Loc, dict[str, str]]]


class DataError(Exception):
    """The data folder has problems; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


def read_csv(path: Path) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV strictly (UTF-8, RFC 4180); a broken file is a problem, not a crash."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(path.name, None, None, "missing file", f"{path.name} is missing")]
    return parse_csv(data, path.name)


def parse_csv(data: bytes, name: str, import_id: int | None = None) -> tuple[RawTable | None, list[Problem]]:
    """Parse CSV bytes (UTF-8, RFC 4180) into a RawTable whose rows remember ``name`` and line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(name, None, None, "encoding", f"not UTF-8 text ({error.reason} at byte {error.start})")]
    if "\x00" in text:
        return None, [Problem(name, None, None, "encoding", "contains NUL bytes")]
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                return None, [Problem(name, reader.line_num, None, "malformed row",
                                      f"has {len(record)} cells, the header has {len(header)}")]
            rows.append((Loc(name, reader.line_num, import_id), dict(zip(header, (c.strip() for c in record)))))
    except csv.Error as error:
        return None, [Problem(name, reader.line_num, None, "malformed CSV", str(error))]
    return RawTable(header, rows), []


def check_header(table: Table, raw: RawTable, file: str) -> list[Problem]:
    """Missing, unknown or repeated columns of a table's CSV."""
    expected = [c.name for c in table.columns]
    missing = [c.name for c in table.columns if c.name not in raw.header and not c.may_be_absent]
    unknown = [c for c in raw.header if c not in expected]
    problems = [Problem(file, 1, c, "missing column", f"column '{c}' is missing") for c in missing]
    problems += [Problem(file, 1, c, "unknown column", f"column '{c}' is not part of {table.name}") for c in unknown]
    if len(set(raw.header)) != len(raw.header):
        problems.append(Problem(file, 1, None, "duplicate column", "a column name appears twice"))
    return problems


def load_tables(data_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every table's CSV from ``data_dir``."""
    tables, problems = {}, []
    for table in TABLES:
        raw, found = read_csv(data_dir / f"{table.name}.csv")
        problems += found
        header_problems = check_header(table, raw, f"{table.name}.csv") if raw is not None else []
        problems += header_problems
        if raw is not None and not header_problems:
            tables[table.name] = raw
    return tables, problems


def parse_cell(column: Column, raw: str):
    """Convert one cell to its typed value; raises ValueError(rule, message)."""
    if len(raw) > column.max_length:
        raise ValueError("too long", f"is {len(raw)} characters, the limit is {column.max_length}")
    if column.kind == "number":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValueError("not a number", f"'{raw}' is not a number")
        return number
    if column.kind == "integer":
        if not raw.lstrip("-").isdigit():
            raise ValueError("not an integer", f"'{raw}' is not a whole number")
        return int(raw)
    if column.kind == "bool":
        if raw not in ("true", "false"):
            raise ValueError("not a boolean", f"'{raw}' is not true or false")
        return raw == "true"
    if column.kind == "date":
        try:
            return parse_partial_date(raw)
        except ValueError as error:
            raise ValueError("date not ISO", str(error)) from None
    if column.kind == "codes":
        return [code.strip() for code in raw.split(";") if code.strip()]
    if column.vocab and raw not in column.vocab:
        raise ValueError("value outside vocabulary", f"'{raw}' is not one of: {', '.join(column.vocab)}")
    return raw


def _typed_rows(table: Table, raw: RawTable, problems: list[Problem]) -> list[tuple[Loc, dict]]:
    """Typed rows of one table; cell problems go to ``problems``."""
    typed = []
    for loc, row in raw.rows:
        values = {}
        for column in table.columns:
            cell = row.get(column.name, "")
            if not cell:
                if column.required:
                    problems.append(problem_at(loc, column.name, "required", "is empty but required"))
                values[column.name] = None
                continue
            try:
                values[column.name] = parse_cell(column, cell)
            except ValueError as error:
                rule, message = error.args
                problems.append(problem_at(loc, column.name, rule, message))
                values[column.name] = None
        problems += _check_pairs(loc, row)
        typed.append((loc, values))
    return typed


def _check_pairs(loc: Loc, row: dict[str, str]) -> list[Problem]:
    return [problem_at(loc, second, "incomplete", f"'{first}' is given without '{second}'")
            for first, second in PAIRED_COLUMNS
            if row.get(first) and second in row and not row.get(second)]


def _check_keys(table: Table, typed: list[tuple[Loc, dict]]) -> list[Problem]:
    seen, problems = {}, []
    for loc, row in typed:
        key = tuple(row[c] for c in table.key_columns)
        if None in key:
            continue
        if key in seen:
            first = seen[key]
            where = f"line {first.line}" + ("" if first.file == loc.file else f" of {first.file}")
            problems.append(problem_at(loc, "/".join(table.key_columns), "duplicate key",
                                       f"{'/'.join(map(str, key))} already defined on {where}"))
        else:
            seen[key] = loc
    return problems


def _check_references(table: Table, typed, keys: dict[str, set]) -> list[Problem]:
    problems = []
    for column in (c for c in table.columns if c.ref):
        target_table, _ = column.ref
        if target_table not in keys:
            continue  # the target file is missing or unreadable, reported already
        known = keys[target_table]
        rule = "unknown country code" if target_table == "countries" else "dangling reference"
        for loc, row in typed:
            value = row[column.name]
            for code in (value if isinstance(value, list) else [value] if value is not None else []):
                if (code,) not in known:
                    problems.append(problem_at(loc, column.name, rule, f"'{code}' is not in {target_table}.csv"))
    return problems


def _check_deal_parties(deals: list, keys: dict[str, set]) -> list[Problem]:
    """Each deal names its buyer and supplier: a state by ISO3 (``*_iso3``), any other party by its
    code (``*_code``); a code may also be a state's ISO3, and then the two must agree."""
    problems = []
    states, parties = keys.get("countries", set()), keys.get("parties", set())
    for loc, row in deals:
        for role in ("buyer", "supplier"):
            iso3, code = row[f"{role}_iso3"], row[f"{role}_code"]
            if iso3 is None and code is None:
                problems.append(problem_at(loc, f"{role}_iso3", "required",
                                           f"a deal needs {role}_iso3 (a state) or {role}_code (any other party)"))
            elif code is not None and (code,) not in parties and (code,) not in states:
                problems.append(problem_at(loc, f"{role}_code", "unknown party",
                                           f"'{code}' is neither in parties.csv nor in countries.csv"))
            elif iso3 is not None and code is not None and code != iso3:
                problems.append(problem_at(loc, f"{role}_code", "inconsistent party",
                                           f"'{code}' differs from {role}_iso3 '{iso3}'"))
    return problems


def _check_sources(typed: dict[str, list]) -> list[Problem]:
    """Every sourced record has a citation; every citation points at a real record."""
    cited = {(row["record_type"], row["record_id"]) for _, row in typed.get("citations", [])}
    problems = []
    for record_type, table_name in claims.RECORD_TABLES.items():
        table = TABLES_BY_NAME[table_name]
        ids = {row[table.key] for _, row in typed.get(table_name, [])}
        if record_type in SOURCED_RECORD_TYPES:
            problems += [problem_at(loc, table.key, "no source",
                                    f"record '{row[table.key]}' has no citation in citations.csv")
                         for loc, row in typed.get(table_name, [])
                         if row[table.key] is not None and (record_type, row[table.key]) not in cited]
        problems += [problem_at(loc, "record_id", "dangling reference",
                                f"no {record_type} '{row['record_id']}' in {table_name}.csv")
                     for loc, row in typed.get("citations", [])
                     if row["record_type"] == record_type and row["record_id"] not in ids]
    return problems


def _check_claims(typed: dict[str, list], raw_tables: dict[str, RawTable]) -> list[Problem]:
    """Field claims parse, and each disputed field has exactly one preferred value: the record's."""
    problems, groups = [], defaultdict(list)
    for loc, row in typed.get("citations", []):
        problems += _check_claim_row(loc, row)
        if row["field"] and row["record_type"] in claims.RECORD_TABLES:
            groups[(row["record_type"], row["record_id"], row["field"])].append((loc, row))
    records = {}
    for (record_type, record_id, field), rows in groups.items():
        table = claims.RECORD_TABLES[record_type]
        if table not in records:  # each table indexed once: a register brings thousands of claims
            records[table] = _records_by_key(raw_tables.get(table), TABLES_BY_NAME[table].key)
        record = records[table].get(record_id)
        if record is not None and field in claims.claimable_fields(table):
            problems += _check_claim_group(table, field, record, rows)
    return problems


def _check_claim_row(loc: Loc, row: dict) -> list[Problem]:
    def problem(column, rule, message):
        return [problem_at(loc, column, rule, message)]
    if not row["field"]:
        if row["claimed_value"] or row["preferred"] is not None:
            return problem("field", "claim without field", "claimed_value/preferred need a field")
        return []
    table = claims.RECORD_TABLES.get(row["record_type"])
    if table is None:
        return []
    if row["field"] not in claims.claimable_fields(table):
        return problem("field", "unknown field", f"'{row['field']}' is not a field of {table}")
    if not row["claimed_value"]:
        return problem("claimed_value", "required", "a field claim needs claimed_value")
    if row["preferred"] is None:
        return problem("preferred", "required", "a field claim needs preferred true or false")
    try:
        claims.parse_claim(table, row["field"], row["claimed_value"])
    except ValueError as error:
        return problem("claimed_value", "bad claim", str(error))
    return []


def _records_by_key(raw: RawTable | None, key: str) -> dict[str, dict]:
    return {} if raw is None else {row.get(key): row for _, row in raw.rows}


def _parsed_claim(table: str, field: str, text: str):
    try:
        return claims.parse_claim(table, field, text)
    except ValueError:
        return None


def _check_claim_group(table: str, field: str, record: dict, rows: list) -> list[Problem]:
    first = rows[0][0]
    preferred = {_parsed_claim(table, field, r["claimed_value"]) for _, r in rows if r["preferred"]}
    distinct = {_parsed_claim(table, field, r["claimed_value"]) for _, r in rows}
    label = f"{table} '{record.get(TABLES_BY_NAME[table].key)}' field '{field}'"
    if len(preferred) != 1:
        return [problem_at(first, "preferred", "preferred claim",
                        f"{label} has {len(preferred)} preferred values; exactly one is needed")]
    try:
        own = claims.record_value(table, field, record)
    except ValueError:
        own = None
    problems = []
    if preferred != {own} and not claims.is_source_field(table, field):
        problems.append(problem_at(first, "claimed_value", "preferred claim",
                                f"{label}: the preferred claim differs from the value in {table}.csv"))
    if len(distinct) > 1:
        problems += [problem_at(loc, "preference_reason", "preferred claim",
                                f"{label} is disputed: the preferred claim needs a preference_reason")
                     for loc, r in rows if r["preferred"] and not r["preference_reason"]]
    return problems


def validate(raw_tables: dict[str, RawTable],
             progress: Progress = no_progress) -> tuple[dict[str, list[dict]], list[Problem]]:
    """Type-check and cross-check every table; return typed rows and every problem found."""
    problems: list[Problem] = []
    present = [t for t in TABLES if t.name in raw_tables]
    typed = {t.name: _typed_rows(t, raw_tables[t.name], problems)
             for t in counted(progress, VALIDATING, present, size=lambda t: len(raw_tables[t.name].rows))}
    keys = {name: {tuple(row[c] for c in TABLES_BY_NAME[name].key_columns) for _, row in rows}
            for name, rows in typed.items()}
    for table in TABLES:
        if table.name in typed:
            problems += _check_keys(table, typed[table.name])
            problems += _check_references(table, typed[table.name], keys)
    problems += _check_sources(typed)
    problems += _check_deal_parties(typed.get("deals", []), keys)
    problems += _check_claims(typed, raw_tables)
    problems += _check_dates_not_future(typed)
    return {name: [_with_origin(loc, row) for loc, row in rows] for name, rows in typed.items()}, problems


def _with_origin(loc: Loc, row: dict) -> dict:
    """Tag a typed row with where it came from: curated data or an import."""
    return row | {"origin": "imported" if loc.import_id else "curated", "import_id": loc.import_id}


def _check_dates_not_future(typed: dict[str, list]) -> list[Problem]:
    """Accessed dates cannot lie in the future: a typo there would misdate the whole dataset."""
    today = dt.date.today()
    return [problem_at(loc, "accessed_date", "date in the future", f"{row['accessed_date'][0]} is after today")
            for loc, row in typed.get("sources", [])
            if row["accessed_date"] and row["accessed_date"][0] > today]
