"""The export's layout: its text, its lines and cells, the header row and the columns it names.

SIPRI writes Latin-1 text: some lines of notes, then the header row (see the package's
docstring). Re-saved exports may be UTF-8 or use another delimiter; both are recognised here.
"""

import csv
import io
import re
from dataclasses import dataclass

from ...validate import Problem

RECIPIENT, SUPPLIER, ORDER_YEAR = "Recipient", "Supplier", "Year of order"
ORDERED, DESIGNATION, DESCRIPTION = "Number ordered", "Weapon designation", "Weapon description"
DELIVERED, DELIVERY_YEARS, STATUS = "Number delivered", "Year(s) of delivery", "status"
COMMENTS = "Comments"
TIV_UNIT, TIV_ORDER = "SIPRI TIV per unit", "SIPRI TIV for total order"
TIV_DELIVERED = "SIPRI TIV of delivered weapons"
NAMED_COLUMNS = (RECIPIENT, SUPPLIER, ORDER_YEAR, ORDERED, DESIGNATION, DESCRIPTION,
                 DELIVERED, DELIVERY_YEARS, STATUS, COMMENTS, TIV_UNIT, TIV_ORDER, TIV_DELIVERED)
# The columns that identify the header row, whatever the notes above it say.
HEADER_MARKERS = (RECIPIENT, SUPPLIER, ORDER_YEAR, DESIGNATION)
# Columns followed by an unnamed column holding "?" when the value is uncertain.
UNCERTAIN_AFTER = (ORDER_YEAR, ORDERED, DELIVERED)
# Delimiters a re-saved export may have; named for the message.
OTHER_DELIMITERS = {";": "';'", "\t": "tabs", "|": "'|'"}
DETECT_LINES = 40


def decode(data: bytes, file_name: str) -> tuple[str | None, list[Problem]]:
    """Decode the export: Latin-1 as SIPRI writes it; NUL bytes or UTF-16 are problems.

    Windows-1252 punctuation (bytes 0x80-0x9F, control codes in Latin-1) and a UTF-8
    re-save are accepted, since neither can be mistaken for the other in real text.
    """
    def problem(line, message):
        return None, [Problem(file_name, line, None, "encoding", message)]

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problem(1, "the file is UTF-16 text; SIPRI exports are Latin-1")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return problem(line, "contains NUL bytes (UTF-16 or binary?); "
                             "SIPRI exports are Latin-1 text")
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            return problem(line, f"byte 0x{data[error.start]:02X} is not Latin-1 text")
    control = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        return problem(line, f"contains the control character U+{ord(control.group()):04X}")
    return text, []


def physical_lines(text: str) -> list[str]:
    """Physical lines with their endings; only CR/LF end a line (not U+0085 and friends)."""
    return io.StringIO(text, newline="").readlines()


def split_cells(line: str, delimiter: str = ",") -> list[str]:
    """One line split as CSV; a line with broken quoting is one cell (it is only a note)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def _norm(cell: str) -> str:
    """A header cell compared loosely: no BOM, single spaces, any case."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Header:
    """The header row: its 1-based line, normalised cells, delimiter, and whether complete."""

    line: int
    cells: list[str]
    delimiter: str
    complete: bool


def find_header(lines: list[str]) -> Header | None:
    """The first line naming all marker columns (commas first, then other delimiters).

    Failing that, the comma line naming the most markers (at least two), so the problem can
    say which columns are missing.
    """
    markers = {m.casefold() for m in HEADER_MARKERS}
    partial = None
    for delimiter in (",", *OTHER_DELIMITERS):
        for number, line in enumerate(lines, start=1):
            if delimiter not in line:
                continue
            cells = [_norm(c) for c in split_cells(line, delimiter)]
            score = len(markers & set(cells))
            if score == len(markers):
                return Header(number, cells, delimiter, True)
            if delimiter == "," and score >= 2 and (partial is None or score > partial[0]):
                partial = (score, Header(number, cells, delimiter, False))
    return partial[1] if partial else None


def column_positions(header: Header) -> tuple[dict[str, int], list[str]]:
    """Where each named column is (plus 'X ?' for each uncertainty column), and those missing."""
    positions = {name: header.cells.index(name.casefold())
                 for name in NAMED_COLUMNS if name.casefold() in header.cells}
    for name in UNCERTAIN_AFTER:
        after = positions.get(name, -2) + 1
        # Only an unnamed column right after is SIPRI's uncertainty mark.
        if 0 < after < len(header.cells) and header.cells[after] == "":
            positions[name + " ?"] = after
    return positions, [n for n in NAMED_COLUMNS if n not in positions]


def looks_like_sipri(data: bytes) -> bool:
    """True when a SIPRI trade-register header row is within the first lines.

    Any delimiter counts, so a re-saved export still reaches parse_sipri and gets the
    precise 'wrong delimiter' problem instead of being taken for some other format.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("latin-1").replace("\x00", "")
    header = find_header(physical_lines(text)[:DETECT_LINES])
    return header is not None and header.complete


def note_lines(lines: list[str]) -> list[str]:
    """The non-blank note lines above the header, as plain text."""
    notes = []
    for line in lines:
        text = ", ".join(c.strip() for c in split_cells(line) if c.strip())
        if text:
            notes.append(text)
    return notes
