"""The only module that talks to DuckDB: schema DDL, the atomic build write, and queries.

Values always travel as bound parameters; identifiers come from the schema spec only.
"""

import os
import re
import threading
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import pyarrow as pa

from .progress import WRITING, Progress, counted, no_progress
from .schema import IMPORT_FORMAT, OPERATOR_STATUS, ORIGIN, PARTY_KIND, ORIGIN_TABLES, PRECISION, TABLES, Column, Table

SQL_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "integer": "INTEGER", "bool": "BOOLEAN", "date": "DATE"}

# Keys and references are not in the DDL: write_database adds the keys after the load and checks
# the references (its docstring says why).
IMPORTS_DDL = """
CREATE TABLE imports (
    import_id INTEGER NOT NULL, committed_at TIMESTAMP NOT NULL, committed_by VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL, file_hash VARCHAR NOT NULL,
    format VARCHAR NOT NULL CHECK (format IN ({formats})), counts VARCHAR NOT NULL);
"""
DERIVED_DDL = """
CREATE TABLE event_countries (event_id VARCHAR NOT NULL, iso3 VARCHAR NOT NULL);
CREATE TABLE conversions (
    figure VARCHAR NOT NULL CHECK (figure IN ('deal value', 'payment', 'value claim')),
    record_type VARCHAR NOT NULL, record_id VARCHAR NOT NULL, citation_id VARCHAR,
    amount DOUBLE NOT NULL, currency VARCHAR NOT NULL, qualifier VARCHAR, year INTEGER,
    fx_year INTEGER, fx_rate DOUBLE, fx_source_id VARCHAR,
    usd_nominal DOUBLE, cpi_year_value DOUBLE, cpi_base_value DOUBLE,
    cpi_source_id VARCHAR, usd_constant DOUBLE,
    base_year INTEGER NOT NULL, note VARCHAR);
CREATE TABLE all_parties (
    code VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL CHECK (kind IN ({party_kinds})),
    iso3 VARCHAR, place_iso3 VARCHAR, label_lat DOUBLE, label_lon DOUBLE, note VARCHAR);
CREATE TABLE country_status (
    iso3 VARCHAR NOT NULL, system_id VARCHAR NOT NULL,
    operator_status VARCHAR NOT NULL CHECK (operator_status IN ({operator_status})),
    basis VARCHAR NOT NULL, deal_ids VARCHAR NOT NULL);
CREATE TABLE deal_counting (
    deal_id VARCHAR NOT NULL, contracted BOOLEAN NOT NULL, counted BOOLEAN NOT NULL, reason VARCHAR NOT NULL);
CREATE TABLE delivery_schedule (
    delivery_id VARCHAR NOT NULL, schedule VARCHAR NOT NULL CHECK (schedule IN ('actual', 'planned', 'overdue')));
CREATE TABLE data_version (
    version VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, curated_hash VARCHAR NOT NULL,
    imports INTEGER NOT NULL, built_at TIMESTAMP NOT NULL,
    as_of DATE, as_of_precision VARCHAR CHECK (as_of_precision IN ({precisions})), usd_base_year INTEGER NOT NULL,
    description VARCHAR NOT NULL);
"""
IMPORT_COLUMNS = ["import_id", "committed_at", "committed_by", "file_name", "file_hash", "format", "counts"]
DERIVED_TABLES = ("all_parties", "event_countries", "conversions", "country_status", "deal_counting",
                  "delivery_schedule", "data_version")
ORIGIN_DDL = [f"origin VARCHAR NOT NULL CHECK (origin IN ({', '.join(repr(o) for o in ORIGIN)}))",
              "import_id INTEGER"]
DERIVED_KEYS = {"event_countries": ("event_id", "iso3"), "country_status": ("iso3", "system_id"),
                "all_parties": ("code",), "deal_counting": ("deal_id",), "delivery_schedule": ("delivery_id",)}


class Reference(NamedTuple):
    """A foreign key: every non-null ``table.column`` is a ``parent.key``."""

    table: str
    column: str
    parent: str
    key: str


DERIVED_REFERENCES = (
    Reference("event_countries", "event_id", "events", "event_id"),
    Reference("event_countries", "iso3", "countries", "iso3"),
    Reference("conversions", "citation_id", "citations", "citation_id"),
    Reference("conversions", "fx_source_id", "sources", "source_id"),
    Reference("conversions", "cpi_source_id", "sources", "source_id"),
    Reference("country_status", "iso3", "countries", "iso3"),
    Reference("country_status", "system_id", "systems", "system_id"),
    Reference("deals", "buyer_code", "all_parties", "code"),
    Reference("deals", "supplier_code", "all_parties", "code"),
    Reference("deal_counting", "deal_id", "deals", "deal_id"),
    Reference("delivery_schedule", "delivery_id", "deliveries", "delivery_id"),
)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literals(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _column_ddl(column: Column) -> list[str]:
    name = _quote(column.name)
    ddl = f"{name} {SQL_TYPES[column.kind]}" + (" NOT NULL" if column.required else "")
    if column.vocab:
        ddl += f" CHECK ({name} IN ({_literals(column.vocab)}))"
    if column.kind != "date":
        return [ddl]
    precision = _quote(column.name + "_precision")
    nullness = " NOT NULL" if column.required else ""
    return [ddl, f"{precision} VARCHAR{nullness} CHECK ({precision} IN ({_literals(PRECISION)}))"]


def table_columns(table: Table) -> list[str]:
    """The database columns of a curated table (a date column adds ``<name>_precision``;
    tables that imports can feed add ``origin`` and ``import_id``)."""
    names = []
    for column in table.columns:
        if column.kind == "codes":
            continue
        names += [column.name] + ([column.name + "_precision"] if column.kind == "date" else [])
    return names + (["origin", "import_id"] if table.name in ORIGIN_TABLES else [])


def schema_ddl() -> str:
    """CREATE TABLE statements for every table, curated then derived: types, NOT NULL and CHECK
    constraints (the keys are ``primary_keys``, the foreign keys ``references``)."""
    statements = [IMPORTS_DDL.format(formats=_literals(IMPORT_FORMAT))]
    for table in TABLES:
        columns = [part for c in table.columns if c.kind != "codes" for part in _column_ddl(c)]
        columns += ORIGIN_DDL if table.name in ORIGIN_TABLES else []
        statements.append(f"CREATE TABLE {_quote(table.name)} (\n    " + ",\n    ".join(columns) + ");")
    return "\n".join(statements) + DERIVED_DDL.format(operator_status=_literals(OPERATOR_STATUS),
                                                      party_kinds=_literals(PARTY_KIND),
                                                      precisions=_literals(PRECISION))


def primary_keys() -> dict[str, tuple[str, ...]]:
    """Each table's primary key columns (tables without a key are left out)."""
    return {"imports": ("import_id",)} | {t.name: t.key_columns for t in TABLES} | DERIVED_KEYS


def references() -> list[Reference]:
    """Every foreign key: the spec's references, each row's import, and the derived tables'."""
    spec = [Reference(t.name, c.name, *c.ref) for t in TABLES for c in t.columns if c.ref and c.kind != "codes"]
    imported = [Reference(name, "import_id", "imports", "import_id") for name in ORIGIN_TABLES]
    return spec + imported + list(DERIVED_REFERENCES)


def _insert(conn: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: "list[dict] | pd.DataFrame") -> None:
    if len(rows) == 0:
        return
    if isinstance(rows, pd.DataFrame):  # bulk data (synth): already columnar, never a million dicts
        # handed over as Arrow, which DuckDB reads directly, not through pandas' Python objects
        incoming = pa.Table.from_pandas(rows.reindex(columns=columns), preserve_index=False)
    else:
        incoming = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    conn.register("incoming", incoming)
    column_list = ", ".join(_quote(c) for c in columns)
    conn.execute(f"INSERT INTO {_quote(table)} ({column_list}) SELECT {column_list} FROM incoming")
    conn.unregister("incoming")


def _add_keys(conn: duckdb.DuckDBPyConnection) -> None:
    """Declare every primary key (and the unique import file hash) on the loaded tables, in one
    transaction: a commit per table cost a fifth of the time."""
    conn.begin()
    for table, key in primary_keys().items():
        conn.execute(f"ALTER TABLE {_quote(table)} ADD PRIMARY KEY ({', '.join(_quote(k) for k in key)})")
    conn.execute("ALTER TABLE imports ADD UNIQUE (file_hash)")
    conn.commit()


def _check_references(conn: duckdb.DuckDBPyConnection) -> None:
    """Raise ConstraintException naming each foreign key that some row breaks."""
    checks = []
    for r in references():
        column = f"child.{_quote(r.column)}"
        checks.append(f"SELECT '{r.table}.{r.column}' AS reference, count(*) AS rows, min({column}) AS example "
                      f"FROM {_quote(r.table)} child ANTI JOIN {_quote(r.parent)} parent "
                      f"ON {column} = parent.{_quote(r.key)} WHERE {column} IS NOT NULL")
    broken = conn.execute(f"SELECT * FROM ({' UNION ALL '.join(checks)}) WHERE rows > 0 ORDER BY reference").fetchall()
    if broken:
        raise duckdb.ConstraintException("foreign keys violated: " + "; ".join(
            f"{reference} has {rows} value(s) with no parent row, e.g. {example!r}"
            for reference, rows, example in broken))


def _loads(tables: dict[str, list[dict]]) -> list[tuple[str, list[str], "list[dict] | pd.DataFrame"]]:
    """Each table to load, in order (the log, the curated tables, the derived ones), with its columns."""
    def columns(rows) -> list[str]:
        return list(rows.columns) if isinstance(rows, pd.DataFrame) else list(rows[0]) if rows else []
    return ([("imports", IMPORT_COLUMNS, tables.get("imports", []))]
            + [(table.name, table_columns(table), tables[table.name]) for table in TABLES]
            + [(name, columns(tables[name]), tables[name]) for name in DERIVED_TABLES])


def write_database(path: Path, tables: dict[str, list[dict]], derived_sql: tuple[str, ...] = (),
                   progress: Progress = no_progress) -> None:
    """Write every table to a new file beside ``path``, then rename it into place.

    ``tables`` maps table names (curated and derived) to rows of database columns (a list of
    dicts, or a DataFrame of those columns for bulk data); ``derived_sql`` then creates the tables
    derived in SQL from the loaded ones (``rollups.statements()``). A failure (a constraint broken
    included) or a kill at any point leaves the previous database untouched.

    The tables are created with their CHECK and NOT NULL constraints and loaded; then the primary
    keys are added, which builds each index in one pass, and every foreign key is checked with one
    anti-join per reference. Declared up front, keys and references were maintained and checked row
    by row: 70% of the write at a million rows, too slow for 500,000 rows/s. DuckDB can add a
    primary key after loading but not a foreign key, so the file declares no references: the app
    only ever opens it read-only, and every write goes through here and is checked.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(temporary)) as conn:
            conn.execute(schema_ddl())
            for name, columns, rows in counted(progress, WRITING, _loads(tables)):
                _insert(conn, name, columns, rows)
            _add_keys(conn)
            _check_references(conn)
            for statement in derived_sql:
                conn.execute(statement)
            conn.execute("CHECKPOINT")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
        Path(str(temporary) + ".wal").unlink(missing_ok=True)


CATALOG = "s400"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the built database; FileNotFoundError if it is missing.

    The file is attached to a private in-memory instance rather than opened with
    ``duckdb.connect(path)``: DuckDB caches instances by path, so after an import renames a new
    file into place a plain connect could hand back the old file's instance. Attached, each
    connection sees the file as it was when opened, and a new one sees the new file. Once
    attached, the connection can reach no other file or URL and its settings are locked.
    """
    if not Path(path).exists():
        raise FileNotFoundError(f"no database at {path}: run `python -m s400tracker build`")
    conn = duckdb.connect(":memory:")
    # Without a limit DuckDB may take 80% of the machine's memory for one query's hash tables;
    # a server with many sessions must stay within its own share.
    conn.execute("SET memory_limit = $limit", {"limit": memory_limit()})
    # ATTACH takes no bound parameters; the path is the operator's configuration, quoted as a literal.
    literal = "'" + str(Path(path).resolve()).replace("'", "''") + "'"
    conn.execute(f"ATTACH {literal} AS {CATALOG} (READ_ONLY)")
    conn.execute(f"USE {CATALOG}")
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
    return conn


class QueryRefused(Exception):
    """A query went past one of the limits the app sets (time or memory) and was stopped."""


class QueryTimeout(QueryRefused):
    """A query ran longer than its time limit and was interrupted."""


class QueryTooLarge(QueryRefused):
    """A query needed more memory than the app's limit allows."""


MEMORY_LIMIT = re.compile(r"\d{1,6}(\.\d{1,3})?\s?(KB|MB|GB|KiB|MiB|GiB)")


def memory_limit() -> str:
    """DuckDB's memory limit for the app's connections: ``$S400_DUCKDB_MEMORY`` (e.g. '512MB');
    256MB when unset or not a size (a typo must not stop the app from opening its database)."""
    value = os.environ.get("S400_DUCKDB_MEMORY", "").strip()
    return value if MEMORY_LIMIT.fullmatch(value) else "256MB"


def query_timeout() -> float:
    """Seconds a query may run: ``$S400_QUERY_TIMEOUT`` (default 20)."""
    try:
        return float(os.environ.get("S400_QUERY_TIMEOUT", "20"))
    except ValueError:
        return 20.0


def query(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None,
          timeout: float | None = None) -> pd.DataFrame:
    """Run one query on its own cursor with bound parameters and return a DataFrame.

    A query still running after ``timeout`` seconds (default ``query_timeout()``) is interrupted
    and QueryTimeout raised, so a page never hangs on one; one that needs more memory than
    ``memory_limit()`` raises QueryTooLarge.
    """
    limit = query_timeout() if timeout is None else timeout
    with conn.cursor() as cursor:
        cursor.execute(f"USE {CATALOG}")  # a cursor starts in the in-memory catalog
        timer = threading.Timer(limit, cursor.interrupt)
        timer.start()
        try:
            return cursor.execute(sql, params or {}).df()
        except duckdb.InterruptException:
            raise QueryTimeout(f"the query took longer than {limit:g} s and was stopped") from None
        except duckdb.OutOfMemoryException:
            raise QueryTooLarge(f"the query needed more than the {memory_limit()} of memory allowed") from None
        finally:
            timer.cancel()


def stored_rows(conn: duckdb.DuckDBPyConnection, table: str, columns: list[str], only_imported: bool) -> pd.DataFrame:
    """A table's rows (only imported ones if asked), for merging into a new build or import.

    A database built before a column or table was added still reads: what it lacks is empty
    (NULL), so a rebuild carries its imports over to the new schema."""
    if table not in {t.name for t in TABLES}:
        raise ValueError(f"no table {table!r}")
    stored = set(query(conn, "SELECT column_name FROM information_schema.columns WHERE table_catalog = $catalog "
                             "AND table_name = $table", {"catalog": CATALOG, "table": table})["column_name"])
    if not stored:
        return pd.DataFrame(columns=columns)
    where = " WHERE origin = 'imported'" if only_imported else ""
    select = ", ".join(_quote(c) if c in stored else f"NULL AS {_quote(c)}" for c in columns)
    return query(conn, f"SELECT {select} FROM {_quote(table)}{where}")


def table_names(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables in the database, in name order."""
    frame = query(conn, "SELECT table_name FROM information_schema.tables WHERE table_catalog = $catalog "
                        "ORDER BY table_name", {"catalog": CATALOG})
    return frame["table_name"].tolist()


def row_count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    """Number of rows in ``table``, which must be one of the database's tables."""
    if table not in table_names(conn):
        raise ValueError(f"no table {table!r}")
    return int(query(conn, f"SELECT count(*) AS n FROM {_quote(table)}")["n"].iloc[0])
