"""Curated rows from the parsed register: deals, deliveries, citations, TIV, new systems, and the
sources row for the export itself.
"""

import datetime as dt
import hashlib
import re

from ...schema import TABLES_BY_NAME
from .names import NewParty, is_state_code
from .register import Register
from .values import S400_SYSTEM_ID, Count, designation_key, fold, system_id_for, system_served

NOTE_LIMIT = 1000
PUBLISHER = "SIPRI Arms Transfers Database"
TIV_COLUMNS = ("deal_id", "tiv_per_unit", "tiv_total_order", "tiv_delivered", "source_id")
TABLE_NAMES = ("sources", "parties", "systems", "deals", "deliveries", "citations", "tiv")
# "Information generated: 25 November 2026" in older exports, "Data generated: 18 May 2026 2:29:20 PM" now.
_GENERATED = re.compile(r"(?:information|data) generated\s*:?\s*(.+)", re.IGNORECASE)
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?$", re.IGNORECASE)
_DATE_FORMATS = (("%d %B %Y", "day"), ("%d %b %Y", "day"), ("%B %d, %Y", "day"),
                 ("%B %d %Y", "day"), ("%Y-%m-%d", "day"), ("%d/%m/%Y", "day"),
                 ("%B %Y", "month"), ("%b %Y", "month"), ("%Y-%m", "month"), ("%Y", "year"))


def _iso_date(text: str) -> str:
    """A written date as partial ISO at its precision ('' when it cannot be read)."""
    text = _TIME.sub("", " ".join(text.strip().rstrip(".").split()))
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


def source_row(source_id: str, file_name: str, notes: list[str], imported_on: dt.date, layout: str) -> dict:
    """The sources row for the export itself, titled by its layout ('trade register' or 'database')."""
    note = "; ".join(notes)
    if len(note) > NOTE_LIMIT:
        note = note[:NOTE_LIMIT - 3] + "..."
    return _row("sources", source_id=source_id, url="",
                title=f"SIPRI {layout} export {file_name}", publisher=PUBLISHER,
                published_date=_published_date(notes), accessed_date=imported_on.isoformat(),
                note=note)


def deal_id_for(reg: Register) -> str:
    """A stable deal id: SIPRI's own deal id where the export has one (the database layout),
    else one from the natural key, so re-importing the same row gives the same id.

    Parties enter as their codes (so 'Turkey' and 'Turkiye', or 'Libya HoR*' and its new name,
    agree across releases) and the S-400 under any of its designations as 's400'. The numbers
    are left out, so a newer export that revises them revises the same deal.
    """
    if reg.deal_key:
        return f"sipri-at-{reg.deal_key}"
    key = "\x1f".join((reg.buyer or fold(reg.recipient), reg.seller or fold(reg.supplier),
                       reg.order_year_key, designation_key(reg.designation)))
    return "sipri-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _hedge_words(count: Count) -> str:
    """'estimate', 'uncertain', both or '' for a SIPRI number."""
    return ", ".join(w for w, on in (("estimate", count.estimate),
                                     ("uncertain", count.uncertain)) if on)


def _hedge(count: Count) -> str:
    """SIPRI's wording of a hedged number ('(4) estimate'), '' for a plain one."""
    words = _hedge_words(count)
    if not words:
        return ""
    # The '?' may sit in the uncertainty column rather than the cell: show it either way.
    mark = "" if "?" in count.raw or not count.uncertain else "?"
    return f"{count.raw}{mark} {words}"


def _deal_status(reg: Register) -> str:
    """signed / delivering / delivered from the numbers ordered and delivered."""
    ordered = int(reg.ordered.text) if reg.ordered.text else 0
    delivered = int(reg.delivered.text) if reg.delivered.text else 0
    if ordered > 0 and delivered >= ordered:
        return "delivered"
    return "delivering" if delivered > 0 else "signed"


def _confidence(reg: Register) -> str:
    """'unconfirmed' when SIPRI marks anything uncertain, else 'reported' (one source)."""
    return "unconfirmed" if reg.uncertain else "reported"


def _party_columns(role: str, code: str) -> dict[str, str]:
    """A deal's columns for one party: a state by its ISO3, any other party by its code."""
    return {f"{role}_iso3": code} if is_state_code(code) else {f"{role}_code": code}


def party_row(party: NewParty, source_id: str) -> dict[str, str]:
    """The parties row of a party this export names first, cited to the export."""
    return _row("parties", party_code=party.code, name=party.name, kind=party.kind, place_iso3=party.place_iso3,
                source_id=source_id, note="first named by this SIPRI export")


def _part_of(reg: Register, system_id: str) -> str:
    """The system a deal's weapons are part of, as its comment says ("For S-400 SAM systems"):
    '' when it names none, or names the deal's own system."""
    served = system_served(reg.comments)
    return served if served != system_id else ""


def deal_row(reg: Register, deal_id: str, system_id: str) -> dict[str, str]:
    """The deals row of a register row (SIPRI gives no money: value columns stay empty)."""
    what = f"{reg.designation} ({reg.description})" if reg.description else reg.designation
    # SIPRI's status column says new / second hand, not the deal's stage: keep it as a note.
    notes = "; ".join(p for p in (reg.comments, reg.status and f"SIPRI status: {reg.status}",
                                  reg.local_production and "SIPRI: local production") if p)
    return _row("deals", deal_id=deal_id,
                **_party_columns("buyer", reg.buyer), **_party_columns("supplier", reg.seller),
                system_id=system_id, status=_deal_status(reg), signed_date=reg.order_year,
                quantity=reg.ordered.text, unit=unit_of(reg) if reg.ordered.text else "",
                quantity_note=_hedge(reg.ordered), confidence=_confidence(reg),
                title=f"{what} for {reg.recipient}", notes=notes, for_system_id=_part_of(reg, system_id))


def _delivery_rows(reg: Register, deal_id: str) -> list[dict[str, str]]:
    """One delivery per delivery year; a number spread over several years is never split."""
    rows = []
    for years, count in reg.deliveries:
        single = len(years) == 1 and count.text != ""
        if single:
            quantity_note = _hedge(count)
        elif count.text:
            hedges = _hedge_words(count)
            quantity_note = (f"{count.text} delivered over {'; '.join(years)}"
                             + (f" ({hedges})" if hedges else ""))
        else:
            quantity_note = ""
        for year in years:
            rows.append(_row(
                "deliveries", delivery_id=f"{deal_id}-{year}", deal_id=deal_id, date=year,
                date_note="year only (SIPRI)", quantity=count.text if single else "",
                unit=unit_of(reg) if single else "",
                quantity_qualifier="estimate" if single and count.estimate else "",
                quantity_note=quantity_note, basis="batch", planned="false",
                confidence=_confidence(reg), description=""))
    return rows


def _citation_row(source_id: str, record_type: str, record_id: str) -> dict[str, str]:
    """A record-level citation of the export (no field, no claim)."""
    return _row("citations", citation_id=f"{source_id}-{record_id}", record_type=record_type,
                record_id=record_id, source_id=source_id)


def claim_row(source_id: str, deal_id: str, field: str, value: str, preferred: bool, reason: str = "",
              note: str = "") -> dict[str, str]:
    """A claim of an export on one field of a deal (one per export, deal and field)."""
    return _row("citations", citation_id=f"{source_id}-{deal_id}-{field}", record_type="deal", record_id=deal_id,
                source_id=source_id, field=field, claimed_value=value, preferred="true" if preferred else "false",
                preference_reason=reason, note=note)


def unit_of(reg: Register) -> str:
    """What SIPRI counts a deal in: missiles for a missile (not a missile system), else whole
    systems (an aircraft, a ship, a SAM system, a radar)."""
    description = reg.description.casefold()
    return "missile" if "missile" in description and "system" not in description else "system"


def register_claims(reg: Register) -> dict[str, str]:
    """What SIPRI says of a deal, as claim values per field ('' where it says nothing): the number
    ordered and delivered in its own unit, the order year, the delivery years, the TIV of the
    order (a volume index) and the comment."""
    years = [year for group, _ in reg.deliveries for year in group]
    return {"ordered": f"{reg.ordered.text} {unit_of(reg)}" if reg.ordered.text else "", "order_year": reg.order_year,
            "delivered": f"{reg.delivered.text} {unit_of(reg)}" if reg.delivered.text else "",
            "delivery_years": "; ".join(years), "tiv": reg.tiv["tiv_total_order"], "comment": reg.comments}


def record_citation(source_id: str, deal_id: str) -> dict[str, str]:
    """The export's citation of a whole deal."""
    return _citation_row(source_id, "deal", deal_id)


def tiv_row(reg: Register, deal_id: str, source_id: str) -> dict[str, str]:
    """The TIV row of a deal (SIPRI's volume index, never money)."""
    return dict(zip(TIV_COLUMNS, (deal_id, reg.tiv["tiv_per_unit"], reg.tiv["tiv_total_order"],
                                  reg.tiv["tiv_delivered"], source_id)))


def _system_row(system_id: str, reg: Register, category: str) -> dict[str, str]:
    """A systems row for a designation the project does not know yet."""
    return _row("systems", system_id=system_id, name=reg.designation, description=reg.description,
                armament_category=category)


def empty_tables() -> dict[str, list]:
    """Every table the import produces, empty."""
    return {name: [] for name in TABLE_NAMES}


def add_system(tables: dict[str, list], reg: Register, new_systems: set[str], categories: dict[str, str]) -> str:
    """The system id of a row's designation, adding its systems row if this export names it first.

    Its armament category is the row's (the database layout has one), else the one an earlier
    import stored (``categories``: system id -> category), else none: the classic trade register
    has no category, and none is guessed.
    """
    system_id = system_id_for(reg.designation) if reg.designation else ""
    if system_id and system_id != S400_SYSTEM_ID and system_id not in new_systems:
        new_systems.add(system_id)  # the first row naming a system describes it
        category = reg.category or categories.get(system_id, "")
        tables["systems"].append((reg.line, _system_row(system_id, reg, category)))
    return system_id


def add_rows(tables: dict[str, list], reg: Register, deal_id: str, source_id: str, system_id: str) -> None:
    """Append the deal, its deliveries, citations and TIV of one row."""
    tables["deals"].append((reg.line, deal_row(reg, deal_id, system_id)))
    tables["citations"].append((reg.line, _citation_row(source_id, "deal", deal_id)))
    for delivery in _delivery_rows(reg, deal_id):
        tables["deliveries"].append((reg.line, delivery))
        tables["citations"].append(
            (reg.line, _citation_row(source_id, "delivery", delivery["delivery_id"])))
    tables["tiv"].append((reg.line, tiv_row(reg, deal_id, source_id)))
