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
    (``counted_deals`` of them counted in totals, ``valued_deals`` of those with a nominal USD value
    summed in ``value_usd_nominal``): each purchase is counted once.
    """
    contracted = pairs[pairs["status"].isin(CONTRACTED)]
    return {
        "operators": int((status["operator_status"] == "operator").sum()),
        "countries_with_orders": int(contracted["buyer_code"].nunique()),
        "contract_value_usd": float(pairs["value_usd_nominal"].sum(min_count=1) or 0.0),
        "deals_without_value": int((pairs["counted_deals"] - pairs["valued_deals"]).sum()),
        "units_delivered": units_delivered(deliveries),
    }


NAMED_IN_HELP = 12  # deal ids a metric's help names; the page's list has every one


def _named(ids: list[str], total: int) -> str:
    shown = ", ".join(ids[:NAMED_IN_HELP])
    return shown + (f" and {total - len(ids[:NAMED_IN_HELP])} more" if total > len(ids[:NAMED_IN_HELP]) else "")


def total_note(counted: pd.DataFrame, total: int) -> str:
    """The headline total's help: which deals it sums and which contracted deals it leaves out, and
    why (``counted`` as ``aggregates.counted_deals`` gives its first rows, ``total`` of them in all)."""
    if counted.empty:
        return "No contracted deal is in view."
    added = counted[counted["counted_in_totals"].astype(bool)]
    valued, unvalued = added[added["value_usd_nominal"].notna()], added[added["value_usd_nominal"].isna()]
    left_out = counted[~counted["counted_in_totals"].astype(bool)]
    summed = _named(list(valued["deal_id"]), len(valued))
    parts = [f"Nominal USD of each contracted purchase, counted once. Sums {summed}."]
    if len(unvalued):
        parts.append(f"No public value: {_named(list(unvalued['deal_id']), len(unvalued))}.")
    if len(left_out):
        reasons = [f"{row.deal_id} ({row.counting_reason})" for row in left_out.itertuples()]
        parts.append(f"Not added: {_named(reasons, len(left_out))}.")
    if total > len(counted):
        parts.append(f"Listed below in full ({total:,} deals).")
    return " ".join(parts)


def headline_record(figures: dict, counted: pd.DataFrame) -> dict:
    """The headline as plain values: the figures, the deals the total sums (with and without a
    public value) and those it leaves out with the reason; ``counted`` lists every contracted deal."""
    added = counted[counted["counted_in_totals"].astype(bool)]
    left_out = counted[~counted["counted_in_totals"].astype(bool)]
    return {"operators": figures["operators"], "countries_with_orders": figures["countries_with_orders"],
            "contract_value_usd_nominal": figures["contract_value_usd"],
            "deals_summed": sorted(added.loc[added["value_usd_nominal"].notna(), "deal_id"]),
            "deals_without_value": sorted(added.loc[added["value_usd_nominal"].isna(), "deal_id"]),
            "deals_not_added": dict(sorted(zip(left_out["deal_id"], left_out["counting_reason"]))),
            "units_delivered": {unit: float(quantity) for unit, quantity in figures["units_delivered"].items()}}


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
