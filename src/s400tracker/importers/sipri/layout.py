"""The export's layout: its text, its lines and cells, the header row and the columns it names.

SIPRI writes Latin-1 text: some lines of notes, then the header row of one of two CSV layouts
(see ``columns``). Older exports are RTF, recognised here so that they can be refused with advice.
Re-saved exports may be UTF-8, use another delimiter or carry semicolons glued onto each line;
all are recognised here.
"""

import csv
import io
import re
from dataclasses import dataclass

from ...validate import Problem
from .columns import CLASSIC, MARKERS, REQUIRED, UNCERTAIN_AFTER

# Delimiters a re-saved export may have; named for the message.
OTHER_DELIMITERS = {";": "';'", "\t": "tabs", "|": "'|'"}
DETECT_LINES = 40


def decode(data: bytes, file_name: str) -> tuple[str | None, list[Problem]]:
    """Decode the export: UTF-8 when it is valid UTF-8, else Latin-1 as SIPRI writes it.

    Windows-1252 punctuation (bytes 0x80-0x9F, control codes in Latin-1) is accepted, since
    neither it nor a UTF-8 re-save can be mistaken for the other in real text. NUL bytes or
    UTF-16 are problems.
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


def is_rtf(data: bytes) -> bool:
    """True for an RTF document (SIPRI's older print-style trade register)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:5] == b"{\\rtf"


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
    """A header cell compared loosely: no BOM, no glued semicolons, single spaces, any case."""
    return " ".join(cell.replace("\ufeff", "").rstrip(";").split()).casefold()


@dataclass(frozen=True)
class Header:
    """The header row: its 1-based line, normalised cells, delimiter, whether it names every
    marker column of its layout, and that layout."""

    line: int
    cells: list[str]
    delimiter: str
    complete: bool
    layout: str


def _best_layout(cells: list[str]) -> tuple[int, str]:
    """How many marker columns of its best-matching layout a row names, and that layout."""
    names = set(cells)
    return max((len({m.casefold() for m in markers} & names), layout) for layout, markers in MARKERS.items())


def find_header(lines: list[str]) -> Header | None:
    """The first line naming all marker columns of a layout (commas first, then other delimiters).

    Failing that, the comma line naming the most markers (at least two), so the problem can
    say which columns are missing.
    """
    partial = None
    for delimiter in (",", *OTHER_DELIMITERS):
        for number, line in enumerate(lines, start=1):
            if delimiter not in line:
                continue
            cells = [_norm(c) for c in split_cells(line, delimiter)]
            score, layout = _best_layout(cells)
            if score == len(MARKERS[layout]):
                return Header(number, cells, delimiter, True, layout)
            if delimiter == "," and score >= 2 and (partial is None or score > partial[0]):
                partial = (score, Header(number, cells, delimiter, False, layout))
    return partial[1] if partial else None


def column_positions(header: Header) -> tuple[dict[str, int], list[str]]:
    """Where each named column of the layout is (plus 'X ?' for each classic uncertainty
    column, read by position as they all share the name ' '), and the columns missing."""
    wanted = REQUIRED[header.layout]
    positions = {name: header.cells.index(name.casefold()) for name in wanted if name.casefold() in header.cells}
    for name in UNCERTAIN_AFTER if header.layout == CLASSIC else ():
        after = positions.get(name, -2) + 1
        # Only an unnamed column right after is SIPRI's uncertainty mark.
        if 0 < after < len(header.cells) and header.cells[after] == "":
            positions[name + " ?"] = after
    return positions, [n for n in wanted if n not in positions]


def looks_like_sipri(data: bytes) -> bool:
    """True for an RTF document or when a SIPRI header row is within the first lines.

    Any delimiter counts, so a re-saved export still reaches parse_sipri and gets the
    precise 'wrong delimiter' problem instead of being taken for some other format; an RTF
    register reaches it to be refused with advice.
    """
    if is_rtf(data):
        return True
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
