"""The project's own table CSVs (the columns of data/*.csv), one file or a zip of several."""

import io
import zipfile

from ..schema import TABLES, TABLES_BY_NAME
from ..validate import Problem, RawTable, check_header, parse_csv

MAX_MEMBERS = 40


def table_for_header(header: list[str]) -> str | None:
    """The table whose columns are exactly ``header`` (in any order), if any."""
    wanted = set(header)
    return next((t.name for t in TABLES if {c.name for c in t.columns} == wanted), None)


def looks_like_native(data: bytes) -> bool:
    """A zip, or a CSV whose first line is one of the tables' headers."""
    if data[:4] == b"PK\x03\x04":
        return True
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip().split(",")
    return table_for_header([c.strip() for c in first]) is not None


def _one_csv(data: bytes, name: str, table_hint: str | None) -> tuple[dict[str, RawTable], list[Problem]]:
    raw, problems = parse_csv(data, name)
    if raw is None:
        return {}, problems
    table = table_hint if table_hint in TABLES_BY_NAME else table_for_header(raw.header)
    if table is None:
        return {}, [Problem(name, 1, None, "missing columns",
                            "the header matches no table; use the columns of one of data/*.csv "
                            f"({', '.join(t.name for t in TABLES)})")]
    header_problems = check_header(TABLES_BY_NAME[table], raw, name)
    return ({} if header_problems else {table: raw}), header_problems


def parse_native(data: bytes, file_name: str) -> tuple[dict[str, RawTable], list[Problem]]:
    """Rows of every table in a native CSV (table found by its header) or zip of ``<table>.csv``."""
    if data[:4] != b"PK\x03\x04":
        return _one_csv(data, file_name, None)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as error:
        return {}, [Problem(file_name, None, None, "malformed zip", str(error))]
    if len(members) > MAX_MEMBERS:
        return {}, [Problem(file_name, None, None, "too many files", f"{len(members)} files; at most {MAX_MEMBERS}")]
    tables, problems = {}, []
    for member in members:
        if not member.filename.endswith(".csv"):
            continue  # a manifest or readme travels with the bundle; only tables are imported
        stem = member.filename.rsplit("/", 1)[-1][:-4]
        found, more = _one_csv(archive.read(member), f"{file_name}/{member.filename}", stem)
        tables.update(found)
        problems += more
    if not tables and not problems:
        problems.append(Problem(file_name, None, None, "missing columns", "the zip holds no table CSV"))
    return tables, problems
