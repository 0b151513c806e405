"""Parse a SIPRI Arms Transfers Database trade-register CSV export into curated-table rows.

Pure: bytes in, rows and problems out. Nothing is written and no cell is ever evaluated;
the caller decides what to do with the rows (it refuses a file with any problem).

SIPRI writes Latin-1 text: some lines of notes, then the header row

    Recipient, Supplier, Year of order, <?>, Number ordered, <?>, Weapon designation,
    Weapon description, Number delivered, <?>, Year(s) of delivery, status, Comments,
    SIPRI TIV per unit, SIPRI TIV for total order, SIPRI TIV of delivered weapons

where each unnamed ``<?>`` column holds "?" when the value before it is uncertain. Numbers
in brackets are SIPRI estimates. TIV (trend-indicator value) is a volume index, not money:
it goes to its own ``tiv`` rows and never into a value column.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

from ..schema import TABLES_BY_NAME
from ..validate import Problem

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

MAX_FIELD = 2000
DETECT_LINES = 40
FIRST_YEAR = 1950
NOTE_LIMIT = 1000
PUBLISHER = "SIPRI Arms Transfers Database"
TIV_COLUMNS = ("deal_id", "tiv_per_unit", "tiv_total_order", "tiv_delivered", "source_id")
TABLE_NAMES = ("sources", "systems", "deals", "deliveries", "citations", "tiv")

S400_SYSTEM_ID = "s400"
# S-400 designations, compared without case, spaces or hyphens; SIPRI writes "S-400/SA-21".
_S400_NAMES = frozenset({"s400", "s400triumf", "triumf", "sa21", "sa21growler"})

# SIPRI spellings (folded: lower case, accents removed) -> ISO3. The caller's country_codes
# (names from the countries table) are tried first; these cover SIPRI's own and older names.
COUNTRY_ALIASES = {
    "turkiye": "TUR", "turkey": "TUR",
    "russia": "RUS", "russian federation": "RUS",
    "united states": "USA", "united states of america": "USA", "usa": "USA",
    "united kingdom": "GBR", "uk": "GBR",
    "viet nam": "VNM", "vietnam": "VNM",
    "uae": "ARE", "united arab emirates": "ARE",
    "korea south": "KOR", "korea, south": "KOR", "south korea": "KOR", "republic of korea": "KOR",
    "korea north": "PRK", "korea, north": "PRK", "north korea": "PRK",
    "iran": "IRN", "syria": "SYR", "laos": "LAO", "brunei": "BRN", "bolivia": "BOL",
    "venezuela": "VEN", "tanzania": "TZA", "moldova": "MDA", "taiwan": "TWN",
    "congo dr": "COD", "dr congo": "COD", "congo, dr": "COD", "drc": "COD",
    "democratic republic of the congo": "COD", "congo": "COG", "republic of the congo": "COG",
    "cote d'ivoire": "CIV", "ivory coast": "CIV",
    "czechia": "CZE", "czech republic": "CZE",
    "bosnia-herzegovina": "BIH", "bosnia and herzegovina": "BIH",
    "north macedonia": "MKD", "macedonia": "MKD",
    "eswatini": "SWZ", "swaziland": "SWZ", "myanmar": "MMR", "burma": "MMR",
    "cabo verde": "CPV", "cape verde": "CPV", "timor-leste": "TLS", "east timor": "TLS",
    "gambia": "GMB", "the gambia": "GMB", "bahamas": "BHS",
    "china": "CHN", "india": "IND", "poland": "POL",
}


@dataclass
class ParsedImport:
    """What one export parsed into: rows per table (with their line), problems, the source id."""

    tables: dict[str, list[tuple[int, dict[str, str]]]]
    problems: list[Problem]
    source_id: str


@dataclass(frozen=True)
class _Count:
    """A SIPRI number split from its marks: ``text`` is the bare number ('' when none)."""

    raw: str
    text: str
    estimate: bool
    uncertain: bool


@dataclass
class _Register:
    """One register row, parsed; fields that failed to parse are empty."""

    line: int
    recipient: str
    buyer: str
    seller: str
    supplier: str
    order_year: str
    order_year_key: str  # the cell without SIPRI's marks, even when not a valid year
    ordered: _Count
    designation: str
    description: str
    delivered: _Count
    delivery_years: list[str]
    status: str
    comments: str
    tiv: dict[str, str]
    uncertain: bool


@dataclass
class _Context:
    """What every row needs: file name, country lookup and the last plausible year."""

    file_name: str
    codes: dict[str, str]
    known: set[str]
    last_year: int
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line, column, rule, message) -> None:
        """Record one problem in the import file."""
        self.problems.append(Problem(self.file_name, line, column, rule, message))


# --- decoding and the header -------------------------------------------------------------

def _decode(data: bytes, file_name: str) -> tuple[str | None, list[Problem]]:
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


def _lines(text: str) -> list[str]:
    """Physical lines with their endings; only CR/LF end a line (not U+0085 and friends)."""
    return io.StringIO(text, newline="").readlines()


def _cells(line: str, delimiter: str = ",") -> list[str]:
    """One line split as CSV; a line with broken quoting is one cell (it is only a note)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def _norm(cell: str) -> str:
    """A header cell compared loosely: no BOM, single spaces, any case."""
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class _Header:
    """The header row: its 1-based line, normalised cells, delimiter, and whether complete."""

    line: int
    cells: list[str]
    delimiter: str
    complete: bool


def _find_header(lines: list[str]) -> _Header | None:
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
            cells = [_norm(c) for c in _cells(line, delimiter)]
            score = len(markers & set(cells))
            if score == len(markers):
                return _Header(number, cells, delimiter, True)
            if delimiter == "," and score >= 2 and (partial is None or score > partial[0]):
                partial = (score, _Header(number, cells, delimiter, False))
    return partial[1] if partial else None


def _positions(header: _Header) -> tuple[dict[str, int], list[str]]:
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
    header = _find_header(_lines(text)[:DETECT_LINES])
    return header is not None and header.complete


# --- notes and the source row -------------------------------------------------------------

def _notes(lines: list[str]) -> list[str]:
    """The non-blank note lines above the header, as plain text."""
    notes = []
    for line in lines:
        text = ", ".join(c.strip() for c in _cells(line) if c.strip())
        if text:
            notes.append(text)
    return notes


_GENERATED = re.compile(r"information generated\s*:?\s*(.+)", re.IGNORECASE)
_DATE_FORMATS = (("%d %B %Y", "day"), ("%d %b %Y", "day"), ("%B %d, %Y", "day"),
                 ("%B %d %Y", "day"), ("%Y-%m-%d", "day"), ("%d/%m/%Y", "day"),
                 ("%B %Y", "month"), ("%b %Y", "month"), ("%Y-%m", "month"), ("%Y", "year"))


def _iso_date(text: str) -> str:
    """A written date as partial ISO at its precision ('' when it cannot be read)."""
    text = " ".join(text.strip().rstrip(".").split())
    for pattern, precision in _DATE_FORMATS:
        try:
            date = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return {"day": date.isoformat(), "month": date.strftime("%Y-%m"),
                "year": date.strftime("%Y")}[precision]
    return ""


def _published_date(notes: list[str]) -> str:
    """The 'Information generated' date of the notes, ISO at its precision, else ''."""
    for note in notes:
        match = _GENERATED.search(note)
        if match:
            return _iso_date(match.group(1))
    return ""


def source_id_for(data: bytes) -> str:
    """The source id of an export: its content hash, so the same bytes are the same source."""
    return "sipri-" + hashlib.sha256(data).hexdigest()[:12]


def _row(table: str, **values: str) -> dict[str, str]:
    """A row of a curated table: every column present, empty unless given."""
    columns = [c.name for c in TABLES_BY_NAME[table].columns]
    unknown = set(values) - set(columns)
    assert not unknown, f"{table} has no column {unknown}"
    return {c: values.get(c, "") for c in columns}


def _source_row(source_id: str, file_name: str, notes: list[str], imported_on: dt.date) -> dict:
    """The sources row for the export itself."""
    note = "; ".join(notes)
    if len(note) > NOTE_LIMIT:
        note = note[:NOTE_LIMIT - 3] + "..."
    return _row("sources", source_id=source_id, url="",
                title=f"SIPRI trade register export {file_name}", publisher=PUBLISHER,
                published_date=_published_date(notes), accessed_date=imported_on.isoformat(),
                note=note)


# --- cells --------------------------------------------------------------------------------

_MARKS = re.compile(r"[()?]")
_INTEGER = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_DECIMAL = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|\.\d+")


def _number(raw: str, integer: bool) -> _Count:
    """Split SIPRI's marks off a number: brackets = estimate, '?' = uncertain.

    Raises ValueError when what remains is not a (non-negative) number.
    """
    raw = raw.strip()
    core = _MARKS.sub("", raw).strip()
    if core and not (_INTEGER if integer else _DECIMAL).fullmatch(core):
        raise ValueError(f"'{raw}' is not a number")
    core = core.replace(",", "")  # thousands separators only: the patterns allow no other comma
    if integer and core:
        core = str(int(core))
    return _Count(raw, core, "(" in raw or ")" in raw, "?" in raw)


def _year(raw: str, last_year: int) -> tuple[str, bool]:
    """A year with SIPRI's marks removed, and whether it was marked uncertain.

    Raises ValueError(rule, message) when it is not a year from 1950 to ``last_year``.
    """
    core = _MARKS.sub("", raw).strip()
    if not core.isdigit():
        raise ValueError("not a number", f"'{raw.strip()}' is not a year")
    if not FIRST_YEAR <= int(core) <= last_year:
        raise ValueError("year out of range", f"{core} is outside {FIRST_YEAR}..{last_year}")
    return core, "?" in raw or "(" in raw


def _fold(name: str) -> str:
    """A country name for lookup: no accents, lower case, single spaces, plain apostrophes."""
    name = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.split()).casefold()


def resolve_country(name: str, codes: dict[str, str]) -> str | None:
    """ISO3 for a SIPRI country name: the caller's names (the countries table), then aliases."""
    folded = _fold(name)
    return codes.get(folded) or COUNTRY_ALIASES.get(folded)


def system_id_for(designation: str) -> str:
    """The system id of a weapon designation: 's400' for the S-400, else 'sipri-<slug>'."""
    parts = designation.split("/")
    if any(re.sub(r"[\s\-]", "", p.casefold()) in _S400_NAMES for p in parts):
        return S400_SYSTEM_ID
    slug = re.sub(r"[^a-z0-9]+", "-", _fold(designation)).strip("-")[:74].rstrip("-")
    # A designation in another script has no slug: its hash still keeps it apart.
    return "sipri-" + (slug or hashlib.sha1(designation.encode()).hexdigest()[:10])


def _designation_key(designation: str) -> str:
    """The designation as it enters the natural key: the S-400 under any name is one."""
    system_id = system_id_for(designation)
    return system_id if system_id == S400_SYSTEM_ID else " ".join(designation.split()).casefold()


# --- one register row ---------------------------------------------------------------------

def _country(ctx: _Context, line: int, column: str, name: str) -> str:
    """ISO3 of a country cell, or '' after recording why it cannot be used."""
    if not name:
        ctx.problem(line, column, "required", f"{column} is empty")
        return ""
    code = resolve_country(name, ctx.codes)
    if code is None:
        ctx.problem(line, column, "unknown country", f"'{name}' is not a known country name")
        return ""
    if ctx.known and code not in ctx.known:
        ctx.problem(line, column, "unknown country",
                    f"'{name}' is {code}, which is not in the countries table")
        return ""
    return code


def _count(ctx: _Context, line: int, column: str, raw: str, mark: str, integer=True) -> _Count:
    """A number cell (with its uncertainty column's mark), or an empty count after a problem."""
    try:
        count = _number(raw, integer)
    except ValueError as error:
        ctx.problem(line, column, "not a number", str(error))
        return _Count(raw.strip(), "", False, False)
    return _Count(count.raw, count.text, count.estimate, count.uncertain or "?" in mark)


def _delivery_years(ctx: _Context, line: int, raw: str) -> tuple[list[str], bool]:
    """The delivery years ('2021; 2022'), each checked, without repeats; and any uncertain."""
    years, uncertain = [], False
    for part in (p for p in re.split(r"[;,]", raw) if p.strip()):
        try:
            year, doubt = _year(part, ctx.last_year)
        except ValueError as error:
            rule, message = error.args
            ctx.problem(line, DELIVERY_YEARS, rule, f"delivery year {message}")
            continue
        uncertain |= doubt
        if year not in years:
            years.append(year)
    return years, uncertain


def _parse_register(ctx: _Context, line: int, cells: list[str], at: dict[str, int]) -> _Register:
    """Check and parse one register row; problems go to the context."""
    def cell(name: str) -> str:
        return cells[at[name]].strip() if name in at and at[name] < len(cells) else ""

    for index, value in enumerate(cells):
        if len(value) > MAX_FIELD:
            name = next((n for n, i in at.items() if i == index and not n.endswith(" ?")),
                        f"column {index + 1}")
            ctx.problem(line, name, "too long",
                        f"is {len(value)} characters, the limit is {MAX_FIELD}")
    if not cell(DESIGNATION):
        ctx.problem(line, DESIGNATION, "required", f"{DESIGNATION} is empty")

    order_year, year_doubt = "", "?" in cell(ORDER_YEAR + " ?")
    if not cell(ORDER_YEAR):
        ctx.problem(line, ORDER_YEAR, "required", f"{ORDER_YEAR} is empty")
    else:
        try:
            order_year, doubt = _year(cell(ORDER_YEAR), ctx.last_year)
            year_doubt |= doubt
        except ValueError as error:
            ctx.problem(line, ORDER_YEAR, *error.args)
    ordered = _count(ctx, line, ORDERED, cell(ORDERED), cell(ORDERED + " ?"))
    delivered = _count(ctx, line, DELIVERED, cell(DELIVERED), cell(DELIVERED + " ?"))
    years, years_doubt = _delivery_years(ctx, line, cell(DELIVERY_YEARS))
    tiv = {}
    for name, key in ((TIV_UNIT, "tiv_per_unit"), (TIV_ORDER, "tiv_total_order"),
                      (TIV_DELIVERED, "tiv_delivered")):
        tiv[key] = _count(ctx, line, name, cell(name), "", integer=False).text

    return _Register(
        line=line, recipient=cell(RECIPIENT), supplier=cell(SUPPLIER),
        buyer=_country(ctx, line, RECIPIENT, cell(RECIPIENT)),
        seller=_country(ctx, line, SUPPLIER, cell(SUPPLIER)),
        order_year=order_year, order_year_key=_MARKS.sub("", cell(ORDER_YEAR)).strip(),
        ordered=ordered, designation=cell(DESIGNATION),
        description=cell(DESCRIPTION), delivered=delivered, delivery_years=years,
        status=cell(STATUS), comments=cell(COMMENTS), tiv=tiv,
        uncertain=year_doubt or years_doubt or ordered.uncertain or delivered.uncertain)


# --- curated rows from a register row -------------------------------------------------------

def deal_id_for(reg: _Register) -> str:
    """A stable deal id from the natural key, so re-importing the same row gives the same id.

    Countries enter as ISO3 (so 'Turkey' and 'Turkiye' agree across releases), the S-400
    under any of its designations as 's400', and the number ordered as SIPRI gives it.
    """
    key = "\x1f".join((reg.buyer or _fold(reg.recipient), reg.seller or _fold(reg.supplier),
                       reg.order_year_key, _designation_key(reg.designation), reg.ordered.raw))
    return "sipri-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _hedge_words(count: _Count) -> str:
    """'estimate', 'uncertain', both or '' for a SIPRI number."""
    return ", ".join(w for w, on in (("estimate", count.estimate),
                                     ("uncertain", count.uncertain)) if on)


def _hedge(count: _Count) -> str:
    """SIPRI's wording of a hedged number ('(4) estimate'), '' for a plain one."""
    words = _hedge_words(count)
    if not words:
        return ""
    # The '?' may sit in the uncertainty column rather than the cell: show it either way.
    mark = "" if "?" in count.raw or not count.uncertain else "?"
    return f"{count.raw}{mark} {words}"


def _deal_status(reg: _Register) -> str:
    """signed / delivering / delivered from the numbers ordered and delivered."""
    ordered = int(reg.ordered.text) if reg.ordered.text else 0
    delivered = int(reg.delivered.text) if reg.delivered.text else 0
    if ordered > 0 and delivered >= ordered:
        return "delivered"
    return "delivering" if delivered > 0 else "signed"


def _confidence(reg: _Register) -> str:
    """'unconfirmed' when SIPRI marks anything uncertain, else 'reported' (one source)."""
    return "unconfirmed" if reg.uncertain else "reported"


def _deal_row(reg: _Register, deal_id: str, system_id: str) -> dict[str, str]:
    """The deals row of a register row (SIPRI gives no money: value columns stay empty)."""
    what = f"{reg.designation} ({reg.description})" if reg.description else reg.designation
    # SIPRI's status column says new / second hand, not the deal's stage: keep it as a note.
    notes = "; ".join(p for p in (reg.comments, reg.status and f"SIPRI status: {reg.status}") if p)
    return _row("deals", deal_id=deal_id, buyer_iso3=reg.buyer, supplier_iso3=reg.seller,
                system_id=system_id, status=_deal_status(reg), signed_date=reg.order_year,
                quantity=reg.ordered.text, unit="system" if reg.ordered.text else "",
                quantity_note=_hedge(reg.ordered), confidence=_confidence(reg),
                title=f"{what} for {reg.recipient}", notes=notes)


def _delivery_rows(reg: _Register, deal_id: str) -> list[dict[str, str]]:
    """One delivery per delivery year; a number spread over several years is never split."""
    count, years = reg.delivered, reg.delivery_years
    single = len(years) == 1 and count.text != ""
    if single:
        quantity_note = _hedge(count)
    elif count.text:
        hedges = _hedge_words(count)
        quantity_note = (f"{count.text} delivered over {'; '.join(years)}"
                         + (f" ({hedges})" if hedges else ""))
    else:
        quantity_note = ""
    rows = []
    for year in years:
        rows.append(_row(
            "deliveries", delivery_id=f"{deal_id}-{year}", deal_id=deal_id, date=year,
            date_note="year only (SIPRI)", quantity=count.text if single else "",
            unit="system" if single else "",
            quantity_qualifier="estimate" if single and count.estimate else "",
            quantity_note=quantity_note, basis="batch", planned="false",
            confidence=_confidence(reg), description=""))
    return rows


def _citation_row(source_id: str, record_type: str, record_id: str) -> dict[str, str]:
    """A record-level citation of the export (no field, no claim)."""
    return _row("citations", citation_id=f"{source_id}-{record_id}", record_type=record_type,
                record_id=record_id, source_id=source_id)


def _system_row(system_id: str, reg: _Register) -> dict[str, str]:
    """A systems row for a designation the project does not know yet."""
    return _row("systems", system_id=system_id, name=reg.designation, description=reg.description)


# --- the whole file -----------------------------------------------------------------------

def _empty_tables() -> dict[str, list]:
    """Every table the import produces, empty."""
    return {name: [] for name in TABLE_NAMES}


def _header_problem(ctx: _Context, header: _Header | None) -> bool:
    """Record why the header cannot be used (none, wrong delimiter, missing columns)."""
    if header is None:
        ctx.problem(None, None, "missing columns",
                    "no header row with " + ", ".join(HEADER_MARKERS) + " found")
        return True
    if header.delimiter != ",":
        ctx.problem(header.line, None, "wrong delimiter",
                    f"the file is separated by {OTHER_DELIMITERS[header.delimiter]}, "
                    "SIPRI exports use commas")
        return True
    missing = _positions(header)[1]
    if missing:
        ctx.problem(header.line, None, "missing columns",
                    "the header row lacks " + ", ".join(missing))
        return True
    return False


def _records(ctx: _Context, lines: list[str], start: int):
    """Yield (first line, cells) of each non-blank record after line ``start``.

    Quoted cells may span lines; broken quoting is a problem and ends the reading.
    """
    reader = csv.reader(lines[start:], strict=True)
    consumed = 0
    try:
        for cells in reader:
            first, consumed = start + consumed + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield first, cells
    except csv.Error as error:
        ctx.problem(start + consumed + 1, None, "malformed CSV", str(error))


def _row_shape_ok(ctx: _Context, line: int, cells: list[str], width: int, needed: int) -> bool:
    """A row must reach every named column and put nothing beyond the header."""
    if len(cells) < needed or any(c.strip() for c in cells[width:]):
        ctx.problem(line, None, "malformed row",
                    f"has {len(cells)} cells, the header has {width} (an unquoted comma?)")
        return False
    return True


def parse_sipri(data: bytes, file_name: str, country_codes: dict[str, str],
                imported_on: dt.date) -> ParsedImport:
    """Parse a SIPRI trade-register CSV export into curated rows, with every problem found.

    ``country_codes`` maps lower-case country names to ISO3. Rows come back even when there
    are problems (fields that failed are empty); the caller refuses a file with problems.
    Rows repeating a natural key already seen in the file are dropped silently.
    """
    source_id = source_id_for(data)
    codes = {_fold(name): code for name, code in country_codes.items()}
    ctx = _Context(file_name, codes, set(country_codes.values()), imported_on.year + 1)
    tables = _empty_tables()
    text, problems = _decode(data, file_name)
    if text is None:
        return ParsedImport(tables, problems, source_id)
    lines = _lines(text)
    header = _find_header(lines)
    if _header_problem(ctx, header):
        return ParsedImport(tables, ctx.problems, source_id)

    at, _ = _positions(header)
    tables["sources"].append((1, _source_row(source_id, file_name, _notes(lines[:header.line - 1]),
                                             imported_on)))
    seen: set[str] = set()
    new_systems: set[str] = set()
    needed = max(i for n, i in at.items() if not n.endswith(" ?")) + 1
    for line, cells in _records(ctx, lines, header.line):
        if not _row_shape_ok(ctx, line, cells, len(header.cells), needed):
            continue
        reg = _parse_register(ctx, line, cells, at)
        deal_id = deal_id_for(reg)
        if deal_id in seen:
            continue
        seen.add(deal_id)
        _add_rows(tables, reg, deal_id, source_id, new_systems)
    return ParsedImport(tables, ctx.problems, source_id)


def _add_rows(tables: dict[str, list], reg: _Register, deal_id: str, source_id: str,
              new_systems: set[str]) -> None:
    """Append the deal, its deliveries, citations, TIV and any new system of one row."""
    system_id = system_id_for(reg.designation) if reg.designation else ""
    if system_id and system_id != S400_SYSTEM_ID and system_id not in new_systems:
        new_systems.add(system_id)  # the first row naming a system describes it
        tables["systems"].append((reg.line, _system_row(system_id, reg)))
    tables["deals"].append((reg.line, _deal_row(reg, deal_id, system_id)))
    tables["citations"].append((reg.line, _citation_row(source_id, "deal", deal_id)))
    for delivery in _delivery_rows(reg, deal_id):
        tables["deliveries"].append((reg.line, delivery))
        tables["citations"].append(
            (reg.line, _citation_row(source_id, "delivery", delivery["delivery_id"])))
    tables["tiv"].append((reg.line, dict(zip(TIV_COLUMNS, (
        deal_id, reg.tiv["tiv_per_unit"], reg.tiv["tiv_total_order"], reg.tiv["tiv_delivered"],
        source_id)))))
