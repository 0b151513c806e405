"""Headline figures and conflict summaries: pure functions over query frames."""

import pandas as pd

from .schema import CONTRACTED


def units_delivered(deliveries: pd.DataFrame) -> pd.Series:
    """Actual delivered quantity per unit (batches only; units are never added across types)."""
    actual = deliveries[~deliveries["planned"].astype(bool) & (deliveries["basis"] == "batch")]
    actual = actual.dropna(subset=["quantity", "unit"])
    return actual.groupby("unit")["quantity"].sum().sort_values(ascending=False)


def headline(pairs: pd.DataFrame, deliveries: pd.DataFrame, status: pd.DataFrame) -> dict:
    """The overview's figures: operators, countries with orders, contract value, units delivered.

    ``pairs`` are deals summed per (supplier, buyer, status) as ``aggregates.deal_pairs`` gives them
    (``deal_count`` deals, ``valued_deals`` with a nominal USD value summed in ``value_usd_nominal``).
    """
    contracted = pairs[pairs["status"].isin(CONTRACTED)]
    return {
        "operators": int((status["operator_status"] == "operator").sum()),
        "countries_with_orders": int(contracted["buyer_iso3"].nunique()),
        "contract_value_usd": float(contracted["value_usd_nominal"].sum(min_count=1) or 0.0),
        "deals_without_value": int((contracted["deal_count"] - contracted["valued_deals"]).sum()),
        "units_delivered": units_delivered(deliveries),
    }


def describe_units(units: pd.Series, limit: int | None = None) -> str:
    """'2 battery · 3 squadron' from a unit -> quantity series ('none recorded' when empty)."""
    items = [f"{quantity:g} {unit.replace('_', ' ')}" for unit, quantity in units.items()]
    if limit is not None and len(items) > limit:
        items = items[:limit] + [f"+{len(units) - limit} more"]
    return " · ".join(items) or "none recorded"


DISPUTE_COLUMNS = ["record_type", "record_id", "field", "preferred_value", "preference_reason",
                   "competing_values", "sources"]


def disputes(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per disputed (record, field): the preferred value beside every competing value.

    Vectorised (a loop per field cost seconds at a million records)."""
    disputed = claims[claims["disputed"].astype(bool)]
    if disputed.empty:
        return pd.DataFrame(columns=DISPUTE_COLUMNS)
    keys = ["record_type", "record_id", "field"]
    is_preferred = disputed["preferred"].astype(bool)
    preferred = disputed[is_preferred].drop_duplicates(keys).set_index(keys)["claimed_value"]
    reasons = disputed[is_preferred].dropna(subset=["preference_reason"]).drop_duplicates(keys)
    others = disputed[~is_preferred].drop_duplicates(keys + ["claimed_value"])
    table = disputed.groupby(keys, sort=True)["source"].nunique().rename("sources").to_frame()
    table = table.assign(preferred_value=preferred, preference_reason=reasons.set_index(keys)["preference_reason"],
                         competing_values=others.groupby(keys)["claimed_value"].agg("; ".join))
    table["competing_values"] = table["competing_values"].fillna("")
    table = table.astype({"preferred_value": object, "preference_reason": object})
    return table.reset_index()[DISPUTE_COLUMNS].where(lambda f: f.notna(), None)


def dispute_notes(claims: pd.DataFrame, record_type: str) -> dict[str, str]:
    """record_id -> 'field: preferred (vs other, other)' for the records of one type."""
    table = disputes(claims[claims["record_type"] == record_type])  # only that type's: a third of the work
    notes: dict[str, list[str]] = {}
    for row in table.itertuples():
        notes.setdefault(row.record_id, []).append(f"{row.field}: {row.preferred_value} (vs {row.competing_values})")
    return {record_id: "; ".join(parts) for record_id, parts in notes.items()}
