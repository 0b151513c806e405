"""Competing claims: the text form of a claimed value, per field, and how to compare two.

A claim's text is what a curator types in citations.csv: a partial ISO date for date fields,
'<number> <unit>' for quantity, '<number> <CUR>' for money, the plain value otherwise.
"""

from .dates import parse_partial_date
from .schema import CURRENCY, TABLES_BY_NAME, UNIT

# Composite fields: the claim covers two columns of the record.
COMPOSITE_FIELDS = {
    "deals": {"quantity": ("quantity", "unit"), "value": ("value_amount", "value_currency")},
    "deliveries": {"quantity": ("quantity", "unit")},
    "payments": {"amount": ("amount", "currency")},
}
# Fields a source can claim that the record has no column for: what a register such as SIPRI's
# says of a deal beside the curated record (its TIV is a volume index, never money). The record
# holds no value to prefer, so the newest source's claim is the preferred one.
SOURCE_FIELDS = {
    "deals": {"ordered": "number ordered, in the source's unit", "order_year": "year of order",
              "delivered": "number delivered, in the source's unit", "delivery_years": "years of delivery",
              "tiv": "SIPRI TIV of the order (a volume index, not money)", "comment": "the source's comment"},
}
RECORD_TABLES = {"deal": "deals", "delivery": "deliveries", "payment": "payments",
                 "event": "events", "organization": "organizations", "system": "systems"}


def claimable_fields(table: str) -> set[str]:
    """Every field of ``table`` a source can claim a value for."""
    columns = {c.name for c in TABLES_BY_NAME[table].columns}
    return columns | set(COMPOSITE_FIELDS.get(table, {})) | set(SOURCE_FIELDS.get(table, {}))


def field_label(record_type: str, field: str) -> str:
    """A claimed field in words for a reader: a source field's description ('tiv' is SIPRI's
    volume index, never money), any other field its column name."""
    return SOURCE_FIELDS.get(RECORD_TABLES.get(record_type, ""), {}).get(field, field)


def is_source_field(table: str, field: str) -> bool:
    """Whether ``field`` is a claim with no column of its own (SOURCE_FIELDS)."""
    return field in SOURCE_FIELDS.get(table, {})


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None


def _pair(text: str, vocab: tuple[str, ...], what: str) -> tuple[float, str]:
    number, _, word = text.strip().partition(" ")
    if word not in vocab:
        raise ValueError(f"'{text}' is not '<number> <{what}>' with a {what} from {', '.join(vocab)}")
    return _number(number), word


def parse_claim(table: str, field: str, text: str):
    """Parse a claimed value into a comparable value; ValueError says what is wrong."""
    if is_source_field(table, field):
        return text.strip()
    composite = COMPOSITE_FIELDS.get(table, {}).get(field)
    if composite:
        vocab = UNIT if composite[1] == "unit" else CURRENCY
        return _pair(text, vocab, "unit" if vocab is UNIT else "currency")
    column = TABLES_BY_NAME[table].column(field)
    if column.kind == "date":
        return parse_partial_date(text)
    if column.kind in ("number", "integer"):
        return _number(text)
    if column.vocab and text not in column.vocab:
        raise ValueError(f"'{text}' is not one of {', '.join(column.vocab)}")
    return text


def record_value(table: str, field: str, raw_record: dict[str, str]):
    """The record's own value for ``field``, parsed like a claim (None when empty or when the
    record has no column for it)."""
    if is_source_field(table, field):
        return None
    composite = COMPOSITE_FIELDS.get(table, {}).get(field)
    if composite:
        first, second = (raw_record.get(name, "") for name in composite)
        return parse_claim(table, field, f"{first} {second}") if first and second else None
    raw = raw_record.get(field, "")
    return parse_claim(table, field, raw) if raw else None
