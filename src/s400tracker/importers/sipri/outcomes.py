"""The rows each decision of ``reconcile`` gives a register row: a new deal, claims on a curated
deal, a revision of an earlier export's deal, or the claims of an export older than the deal's.

Claims on a field the record has a column for prefer the record's value (the curated one, or the
newest export's); claims on a field it has none for (``claims.SOURCE_FIELDS``) prefer the newest
export's. A claim is one per export, deal and field, so importing an export again changes nothing.
"""

from dataclasses import dataclass

from ...claims import SOURCE_FIELDS
from .reconcile import UNLISTED, Decision, ImportedDeal, KnownDeals, newer
from .register import Register
from .rows import add_rows, claim_row, deal_row, record_citation, register_claims, tiv_row

# The record's columns a revision compares; quantity is '<number> <unit>'.
REVISED_COLUMNS = ("quantity", "signed_date", "status", "notes")
SIPRI_FIELDS = tuple(SOURCE_FIELDS["deals"])


@dataclass(frozen=True)
class Export:
    """The export being imported: its source id and its 'Data generated' date."""

    source_id: str
    date: str

    def reason(self) -> str:
        """Why this export's value is preferred over an earlier export's."""
        return f"the newest SIPRI export (data generated {self.date or 'on an unknown date'})"


def add_outcome(tables: dict[str, list], known: KnownDeals, export: Export, reg: Register, decision: Decision,
                system_id: str) -> None:
    """Append the rows of one register row, as its decision says."""
    if decision.kind == "merge":
        _merge(tables, known, export, reg, decision.deal_id)
        return
    if decision.kind == "older":
        _older(tables, known, export, reg, decision.earlier, system_id)
        return
    add_rows(tables, reg, decision.deal_id, export.source_id, system_id)
    again = decision.earlier is not None and decision.earlier.source_id == export.source_id
    if again:
        return  # the same export once more: its claims are stored as they were first made
    if decision.kind == "revise":
        _keep_what_the_newer_export_omits(tables["deals"][-1][1], decision.earlier)
        _revision_claims(tables, known, export, reg, decision.earlier, tables["deals"][-1][1])
    delivered = register_claims(reg)["delivered"]
    if delivered:
        _claim_newest(tables, known, export, reg.line, decision.deal_id, "delivered", delivered)


def _column_value(row: dict[str, str], name: str) -> str:
    if name == "quantity":
        return f"{row['quantity']} {row['unit']}" if row["quantity"] and row["unit"] else ""
    return row.get(name, "")


def _keep_what_the_newer_export_omits(row: dict[str, str], earlier: ImportedDeal) -> None:
    """A value the older export gave and the newer leaves empty stays: silence is no revision."""
    for name in REVISED_COLUMNS:
        if not _column_value(row, name) and _column_value(earlier.row, name):
            for column in ("quantity", "unit") if name == "quantity" else (name,):
                row[column] = earlier.row[column]


def _claim_newest(tables: dict[str, list], known: KnownDeals, export: Export, line: int, deal_id: str,
                  name: str, value: str, earlier: ImportedDeal | None = None, old: str = "") -> None:
    """This export's claim on a field, preferred as the newest: every earlier export's preferred
    claim of another value is no longer preferred, and the new one says why it is. ``earlier``
    and ``old``: the export the deal came from and its value, claimed too if no claim holds it."""
    stored = [c for c in known.claims.get((deal_id, name), []) if c["source_id"] != export.source_id]
    if earlier is not None and old and old != value and not any(c["source_id"] == earlier.source_id for c in stored):
        tables["citations"].append((line, claim_row(earlier.source_id, deal_id, name, old, False)))
    tables["citations"] += [(line, c | {"preferred": "false", "preference_reason": ""}) for c in stored
                            if c["preferred"] == "true" and c["claimed_value"] != value]
    disputed = (earlier is not None and old and old != value) or any(c["claimed_value"] != value for c in stored)
    tables["citations"].append((line, claim_row(export.source_id, deal_id, name, value, True,
                                                export.reason() if disputed else "")))


def _revision_claims(tables: dict[str, list], known: KnownDeals, export: Export, reg: Register,
                     earlier: ImportedDeal, row: dict[str, str]) -> None:
    """Where a newer export changes a deal, both values as claims: the newer one preferred."""
    deal_id, line = row["deal_id"], reg.line
    for name in REVISED_COLUMNS:
        old, new = _column_value(earlier.row, name), _column_value(row, name)
        if old != new and new:
            _claim_newest(tables, known, export, line, deal_id, name, new, earlier, old)
    new_years = register_claims(reg)["delivery_years"]
    old_years = "; ".join(earlier.years)
    if old_years and new_years and old_years != new_years:
        _claim_newest(tables, known, export, line, deal_id, "delivery_years", new_years, earlier, old_years)
    listed = set(new_years.split("; "))
    tables["deliveries"] += [(line, _unlisted(delivery, earlier, export)) for delivery in earlier.deliveries
                             if delivery["date"][:4] not in listed]


def _unlisted(delivery: dict[str, str], earlier: ImportedDeal, export: Export) -> dict[str, str]:
    """A delivery year an older export gave and the newer one no longer does: kept, with what the
    older export said in its note, but no longer counted (its number is cleared)."""
    said = f"{delivery['quantity']} {delivery['unit']}".strip() if delivery["quantity"] else delivery["quantity_note"]
    return delivery | {"quantity": "", "unit": "", "quantity_qualifier": "", "confidence": "unconfirmed",
                       "quantity_note": f"{UNLISTED}the SIPRI export of {earlier.source_date or 'an earlier date'} "
                                        f"gave {said}; the newer one of {export.date or 'a later date'} lists no "
                                        "delivery this year"}


def _older(tables: dict[str, list], known: KnownDeals, export: Export, reg: Register, earlier: ImportedDeal,
           system_id: str) -> None:
    """An export older than the deal's: it cites the deal, and where it differs, its values are
    claims that are not preferred. The deal, its deliveries and its TIV stay as they are."""
    deal_id, line = earlier.row["deal_id"], reg.line
    tables["citations"].append((line, record_citation(export.source_id, deal_id)))
    row = deal_row(reg, deal_id, system_id)
    values = {name: (_column_value(row, name), _column_value(earlier.row, name)) for name in REVISED_COLUMNS}
    values["delivered"] = (register_claims(reg)["delivered"], earlier.delivered)
    for name, (old, held) in values.items():
        if old and held and old != held:
            tables["citations"].append((line, claim_row(export.source_id, deal_id, name, old, False)))
            _give_reasons(tables, known, line, deal_id, name, held, earlier)


def _give_reasons(tables: dict[str, list], known: KnownDeals, line: int, deal_id: str, name: str, held: str,
                  earlier: ImportedDeal) -> None:
    """The held value's preferred claims, now disputed by an older export, say why they are
    preferred (the newer export's own claim, if none holds the value yet)."""
    preferred = [c for c in known.claims.get((deal_id, name), []) if c["preferred"] == "true"]
    if not preferred:
        preferred = [claim_row(earlier.source_id, deal_id, name, held, True)]
    tables["citations"] += [(line, c | {"preference_reason": c["preference_reason"]
                                        or _newer_reason(known.source_dates.get(c["source_id"], ""))})
                            for c in preferred]


def _newer_reason(date: str) -> str:
    """Why an earlier-imported export's value stays preferred over an older export's."""
    return f"the newer SIPRI export (data generated {date or 'on an unknown date'})"


def _merge(tables: dict[str, list], known: KnownDeals, export: Export, reg: Register, deal_id: str) -> None:
    """SIPRI's figures as claims on the curated deal it records, in SIPRI's own fields (its count
    is of its own unit, its year of order a year): the curated values stay as they are, and of
    SIPRI's fields the newest export's claims are preferred."""
    line, note = reg.line, f"SIPRI: {reg.designation} for {reg.recipient}, ordered {reg.order_year}"
    values = register_claims(reg)
    newest = all(newer(export.date, known.source_dates.get(c["source_id"], ""))
                 for name in SIPRI_FIELDS for c in known.claims.get((deal_id, name), [])
                 if c["source_id"] != export.source_id)
    for name in SIPRI_FIELDS:
        if not values[name]:
            continue
        earlier = [c for c in known.claims.get((deal_id, name), []) if c["source_id"] != export.source_id]
        disputed = any(c["claimed_value"] != values[name] for c in earlier)
        tables["citations"].append((line, claim_row(export.source_id, deal_id, name, values[name], newest,
                                                    export.reason() if newest and disputed else "", note)))
        if newest:
            tables["citations"] += [(line, c | {"preferred": "false", "preference_reason": ""})
                                    for c in earlier if c["preferred"] == "true"]
        elif disputed:  # the newer exports' preferred claims now need their reason
            tables["citations"] += [(line, c | {"preference_reason": _newer_reason(known.source_dates[c["source_id"]])})
                                    for c in earlier if c["preferred"] == "true" and not c["preference_reason"]]
    if newest:
        tables["tiv"].append((line, tiv_row(reg, deal_id, export.source_id)))
