"""Headline figures and conflict summaries: pure functions over query frames."""

import pandas as pd

CONTRACTED = ("signed", "delivering", "delivered")


def units_delivered(deliveries: pd.DataFrame) -> pd.Series:
    """Actual delivered quantity per unit (batches only; units are never added across types)."""
    actual = deliveries[~deliveries["planned"].astype(bool) & (deliveries["basis"] == "batch")]
    actual = actual.dropna(subset=["quantity", "unit"])
    return actual.groupby("unit")["quantity"].sum().sort_values(ascending=False)


def headline(deals: pd.DataFrame, deliveries: pd.DataFrame, status: pd.DataFrame) -> dict:
    """The overview's figures: operators, countries with orders, contract value, units delivered."""
    contracted = deals[deals["status"].isin(CONTRACTED)]
    return {
        "operators": int((status["operator_status"] == "operator").sum()),
        "countries_with_orders": int(contracted["buyer_iso3"].nunique()),
        "contract_value_usd": float(contracted["value_usd_nominal"].sum(min_count=1) or 0.0),
        "deals_without_value": int(contracted["value_usd_nominal"].isna().sum()),
        "units_delivered": units_delivered(deliveries),
    }


def describe_units(units: pd.Series, limit: int | None = None) -> str:
    """'2 battery · 3 squadron' from a unit -> quantity series ('none recorded' when empty)."""
    items = [f"{quantity:g} {unit.replace('_', ' ')}" for unit, quantity in units.items()]
    if limit is not None and len(items) > limit:
        items = items[:limit] + [f"+{len(units) - limit} more"]
    return " · ".join(items) or "none recorded"


def disputes(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per disputed (record, field): the preferred value beside every competing value."""
    disputed = claims[claims["disputed"].astype(bool)]
    columns = ["record_type", "record_id", "field", "preferred_value", "preference_reason",
               "competing_values", "sources"]
    if disputed.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (record_type, record_id, field), group in disputed.groupby(["record_type", "record_id", "field"], sort=True):
        preferred = group[group["preferred"].astype(bool)]
        others = group[~group["preferred"].astype(bool)]["claimed_value"].drop_duplicates()
        reasons = preferred["preference_reason"].dropna()
        rows.append({"record_type": record_type, "record_id": record_id, "field": field,
                     "preferred_value": preferred["claimed_value"].iloc[0] if len(preferred) else None,
                     "preference_reason": reasons.iloc[0] if len(reasons) else None,
                     "competing_values": "; ".join(others), "sources": int(group["source"].nunique())})
    return pd.DataFrame(rows, columns=columns)


def dispute_notes(claims: pd.DataFrame, record_type: str) -> dict[str, str]:
    """record_id -> 'field: preferred (vs other, other)' for the records of one type."""
    table = disputes(claims)
    table = table[table["record_type"] == record_type]
    notes: dict[str, list[str]] = {}
    for row in table.itertuples():
        notes.setdefault(row.record_id, []).append(f"{row.field}: {row.preferred_value} (vs {row.competing_values})")
    return {record_id: "; ".join(parts) for record_id, parts in notes.items()}
