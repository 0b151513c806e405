"""Each Record checked and interpreted into a Register; each problem is recorded at its cell."""

import re
from dataclasses import dataclass, field

from .names import Names, resolve_party
from .records import Cell, Log, Record
from .values import FIRST_ORDER_YEAR, MARKS, Count, parse_flag, parse_number, parse_year, total

MAX_FIELD = 2000


@dataclass
class Register:
    """One deal, parsed; fields that failed to parse are empty. ``deliveries`` holds each group
    of delivery years with the number delivered over them (one group in the trade register,
    one per year in the database layout); ``delivered`` is their total."""

    line: int
    recipient: str
    buyer: str
    seller: str
    supplier: str
    order_year: str
    order_year_key: str  # the cell without SIPRI's marks, even when not a valid year
    ordered: Count
    designation: str
    description: str
    delivered: Count
    deliveries: list[tuple[list[str], Count]]
    status: str
    comments: str
    tiv: dict[str, str]
    uncertain: bool
    deal_key: str = ""  # SIPRI AT Database ID (database layout only)
    local_production: bool | None = None  # (database layout only)
    category: str = ""  # SIPRI's armament category, e.g. 'Air defence systems' (database layout only)


@dataclass
class Context:
    """What every record needs: the file's log, the names it may use, the last plausible year, and
    the armament category an earlier import stored per system id."""

    log: Log
    names: Names
    last_year: int
    categories: dict[str, str] = field(default_factory=dict)


def _flag(ctx: Context, record: Record, cell: Cell) -> bool | None:
    """A mark cell read as uncertain (True), not (False) or unknown (None)."""
    try:
        return parse_flag(cell.text, record.layout)
    except ValueError as error:
        ctx.log.at(cell, "not yes or no", str(error))
        return None


def _count(ctx: Context, cell: Cell, uncertain: bool | None, integer=True) -> Count:
    """A number cell (with its mark's reading), or an empty count after a problem."""
    try:
        count = parse_number(cell.text, integer)
    except ValueError as error:
        ctx.log.at(cell, "not a number", str(error))
        return Count(cell.text, "", False, False)
    return Count(count.raw, count.text, count.estimate, count.uncertain or bool(uncertain))


def _years(ctx: Context, cell: Cell, uncertain: bool | None, seen: list[str]) -> tuple[list[str], bool]:
    """The delivery years of one cell ('2021; 2022' or '2021;2022'), each checked and not in
    ``seen`` (which they join); and whether any is uncertain."""
    years, doubt = [], bool(uncertain)
    for part in (p for p in re.split(r"[;,]", cell.text) if p.strip()):
        try:
            year, marked = parse_year(part, ctx.last_year)
        except ValueError as error:
            rule, message = error.args
            ctx.log.at(cell, rule, f"delivery year {message}")
            continue
        doubt |= marked
        if year not in seen:
            seen.append(year)
            years.append(year)
    return years, doubt


def _deliveries(ctx: Context, record: Record) -> tuple[list[tuple[list[str], Count]], Count, bool]:
    """Each group of delivery years with its count, the total delivered, and whether any is uncertain."""
    groups, seen, doubt = [], [], False
    for delivery in record.deliveries:
        years, years_doubt = _years(ctx, delivery.years, _flag(ctx, record, delivery.years_mark), seen)
        count = _count(ctx, delivery.number, _flag(ctx, record, delivery.number_mark))
        groups.append((years, count))
        doubt |= years_doubt or count.uncertain
    if len(groups) == 1:
        return groups, groups[0][1], doubt
    counts = [count for _, count in groups]
    number = total([c.text for c in counts if c.text])
    delivered = Count(number, number, any(c.estimate for c in counts), any(c.uncertain for c in counts))
    return groups, delivered, doubt


def _check_lengths(ctx: Context, record: Record) -> None:
    """Record each cell longer than MAX_FIELD."""
    cells = [value for value in vars(record).values() if isinstance(value, Cell)]
    for cell in cells + [cell for delivery in record.deliveries for cell in delivery]:
        if len(cell.text) > MAX_FIELD:
            ctx.log.at(cell, "too long", f"is {len(cell.text)} characters, the limit is {MAX_FIELD}")


def _order_year(ctx: Context, cell: Cell, uncertain: bool | None) -> tuple[str, bool]:
    """The year of order ('' after a problem), and whether SIPRI marks it uncertain."""
    if not cell.text:
        ctx.log.at(cell, "required", f"{cell.column} is empty")
        return "", bool(uncertain)
    try:
        year, doubt = parse_year(cell.text, ctx.last_year, FIRST_ORDER_YEAR)
    except ValueError as error:
        ctx.log.at(cell, *error.args)
        return "", bool(uncertain)
    return year, doubt or bool(uncertain)


def _tiv(ctx: Context, record: Record) -> dict[str, str]:
    """The TIVs per unit, of the order and delivered (summed over a deal's delivery rows)."""
    delivered = [_count(ctx, d.tiv, None, integer=False).text for d in record.deliveries]
    return {"tiv_per_unit": _count(ctx, record.tiv_unit, None, integer=False).text,
            "tiv_total_order": _count(ctx, record.tiv_order, None, integer=False).text,
            "tiv_delivered": total([t for t in delivered if t])}


def _database_fields(ctx: Context, record: Record) -> dict:
    """What only the database layout gives and the deal uses: its deal id, local production and
    the weapon's armament category.

    (The Record also keeps SIPRI's estimate of a new unit's TIV.)
    """
    if record.deal_key is None:
        return {}
    if not record.deal_key.text.isdigit():
        ctx.log.at(record.deal_key, "not a number", f"'{record.deal_key.text}' is not a SIPRI deal id")
    return {"deal_key": record.deal_key.text if record.deal_key.text.isdigit() else "",
            "local_production": _flag(ctx, record, record.local_production),
            "category": record.category.text}


def parse_register(ctx: Context, record: Record) -> Register:
    """Check and interpret one Record; problems go to the context's log."""
    _check_lengths(ctx, record)
    if not record.designation.text:
        ctx.log.at(record.designation, "required", f"{record.designation.column} is empty")
    order_year, year_doubt = _order_year(ctx, record.order_year, _flag(ctx, record, record.order_year_mark))
    ordered = _count(ctx, record.ordered, _flag(ctx, record, record.ordered_mark))
    groups, delivered, delivery_doubt = _deliveries(ctx, record)
    return Register(
        line=record.line, recipient=record.recipient.text, supplier=record.supplier.text,
        buyer=resolve_party(ctx.log, ctx.names, record.recipient),
        seller=resolve_party(ctx.log, ctx.names, record.supplier),
        order_year=order_year, order_year_key=MARKS.sub("", record.order_year.text).strip(),
        ordered=ordered, designation=record.designation.text, description=record.description.text,
        delivered=delivered, deliveries=groups, status=record.status.text, comments=record.comments.text,
        tiv=_tiv(ctx, record), uncertain=year_doubt or ordered.uncertain or delivery_doubt,
        **_database_fields(ctx, record))

