"""Pure pydeck builders for the operators map: country fills by S-400 status, supplier -> buyer arcs.

No streamlit, no duckdb: frames in, GeoJSON / DataFrame / ``pdk.Deck`` out, so every builder is
unit-testable and the page only wires them together.

The map must never touch the network. Streamlit fills in Carto's basemap whenever ``mapStyle`` is
empty, so the deck points ``map_style`` at a local MapLibre style (``static/map_style.json``, a
background layer only) served by Streamlit's static serving.

Tooltips are PLAIN TEXT (``{"text": ...}``): the template is the fixed string ``{tooltip}`` and
each object carries its own ready-made ``tooltip`` string, so data is never interpolated into
HTML. Streamlit 1.67 resolves a placeholder ``{key}`` against ``object[key]`` and then
``object.properties[key]`` (GeoJSON features); ``{properties.key}`` is NOT resolved.
"""

import json
import math
from pathlib import Path

import pandas as pd
import pydeck as pdk

from .formats import format_money

NO_RECORD = "no record"

# Okabe-Ito palette (distinguishable with the common colour-vision deficiencies), plus light grey.
STATUS_COLOURS: dict[str, list[int]] = {
    "operator": [213, 94, 0, 230],       # vermillion  #D55E00
    "on order": [230, 159, 0, 230],      # orange      #E69F00
    "negotiating": [204, 121, 167, 230],  # reddish purple #CC79A7
    "interest": [86, 180, 233, 230],     # sky blue    #56B4E9
    "declined": [0, 114, 178, 230],      # blue        #0072B2
    NO_RECORD: [221, 221, 221, 255],     # light grey  #DDDDDD
}

STATUS_LABELS: dict[str, str] = {
    "operator": "Operator",
    "on order": "On order",
    "negotiating": "Negotiating",
    "interest": "Interest",
    "declined": "Declined",
    NO_RECORD: "No record in view",
}

OUTLINE_COLOUR = [255, 255, 255, 255]
SELECTED_OUTLINE_COLOUR = [31, 35, 40, 255]
ARC_SOURCE_COLOUR = [60, 60, 60, 200]
ARC_TARGET_COLOUR = [20, 20, 20, 230]

# Arc width in pixels: linear in the pair's total known contract value, from MIN to MAX.
# A pair with no reported value (or a zero one) gets MIN_ARC_WIDTH: drawn, but thin.
MIN_ARC_WIDTH = 1.5
MAX_ARC_WIDTH = 8.0

# Centred between Serbia and China, Saudi Arabia and Belarus: where the operators are.
INITIAL_VIEW = {"latitude": 37.0, "longitude": 62.0, "zoom": 1.7, "pitch": 0, "bearing": 0}

TOOLTIP = {"text": "{tooltip}"}

# pydeck turns every string argument into a JavaScript accessor ("pixels" -> "@@=pixels", which
# deck.gl then reads as a per-row field); a quoted string stays a literal.
PIXELS = "'pixels'"

ARC_COLUMNS = ["supplier_code", "supplier", "buyer_code", "buyer", "deal_count", "statuses",
               "value_usd_nominal", "valued_deals", "from_lon", "from_lat", "to_lon", "to_lat",
               "width", "tooltip"]


def load_outlines(path: str | Path) -> dict:
    """Read the country outlines GeoJSON (a FeatureCollection with ``iso3``/``name`` properties)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def legend_items() -> list[tuple[str, str]]:
    """(label, hex colour) pairs in legend order, for the page to draw (pydeck has no legend)."""
    return [(STATUS_LABELS[status], _hex(rgba)) for status, rgba in STATUS_COLOURS.items()]


def _hex(rgba: list[int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgba[:3])


def _deal_phrase(count) -> str:
    if count is None or pd.isna(count):
        return ""
    count = int(count)
    return f" ({count} deal{'s' if count != 1 else ''})"


def status_tooltip(name: str, status: str, basis, deal_count) -> str:
    """One plain-text line: 'India: Operator (2 deals). delivered 2021'."""
    line = f"{name}: {STATUS_LABELS[status]}{_deal_phrase(deal_count)}"
    if basis is not None and not pd.isna(basis) and str(basis).strip():
        line += f". {basis}"
    return line


def status_features(outlines: dict, status: pd.DataFrame) -> dict:
    """A new FeatureCollection: each outline with iso3, name, status, fill colour and tooltip.

    ``status`` has columns iso3, name, operator_status, basis, deal_count (one row per country).
    Countries absent from it get the 'No record in view' grey. Neither input is mutated: geometry
    objects are shared with ``outlines`` (read-only), properties dicts are new.
    """
    by_iso3 = status.set_index("iso3").to_dict(orient="index")
    unknown = set(status["operator_status"]) - set(STATUS_COLOURS)
    if unknown:
        raise ValueError(f"unknown operator_status value(s): {sorted(unknown)}")
    features = [_status_feature(feature, by_iso3) for feature in outlines["features"]]
    return {"type": "FeatureCollection", "features": features}


def _status_feature(feature: dict, by_iso3: dict) -> dict:
    iso3 = feature["properties"]["iso3"]
    row = by_iso3.get(iso3, {})
    code = row.get("operator_status", NO_RECORD)
    name = row.get("name") or feature["properties"]["name"]
    properties = {
        "iso3": iso3, "name": name, "status": STATUS_LABELS[code], "fill_colour": STATUS_COLOURS[code],
        "tooltip": status_tooltip(name, code, row.get("basis"), row.get("deal_count")),
    }
    return {"type": "Feature", "properties": properties, "geometry": feature["geometry"]}


def arcs_frame(pairs: pd.DataFrame) -> pd.DataFrame:
    """One arc per (supplier, buyer) pair, for an ArcLayer; domestic deliveries are skipped.

    ``pairs`` are deals summed per (supplier, buyer, status) as ``queries.deal_pairs`` gives them:
    ``deal_count`` deals, ``valued_deals`` of them with a value, ``value_usd_nominal`` its sum.

    Coordinates are the countries' label points (``*_lat``/``*_lon``). ``value_usd_nominal`` is the
    sum of the pair's reported values in nominal USD (NaN when none is reported); ``width`` grows
    linearly with it from MIN_ARC_WIDTH (no value reported) to MAX_ARC_WIDTH (the largest pair).
    A pair whose country has no map point (a small state missing from the 110m outlines) is
    left out; ``undrawn_parties`` names them so the page can say so.
    """
    foreign = pairs[pairs["buyer_code"] != pairs["supplier_code"]]
    if foreign.empty:
        return pd.DataFrame(columns=ARC_COLUMNS)
    keys = ["supplier_code", "buyer_code"]
    grouped = foreign.groupby(keys, sort=True)
    arcs = grouped.agg(
        supplier=("supplier", "first"), buyer=("buyer", "first"),
        deal_count=("deal_count", "sum"), valued_deals=("valued_deals", "sum"),
        from_lon=("supplier_lon", "first"), from_lat=("supplier_lat", "first"),
        to_lon=("buyer_lon", "first"), to_lat=("buyer_lat", "first"),
    )
    arcs["value_usd_nominal"] = grouped["value_usd_nominal"].sum(min_count=1)
    arcs["statuses"] = _status_lists(foreign, keys)
    arcs = arcs.reset_index()
    arcs = arcs[~_lacks_point(arcs)].reset_index(drop=True)
    if arcs.empty:
        return pd.DataFrame(columns=ARC_COLUMNS)
    arcs["width"] = arc_widths(arcs["value_usd_nominal"])
    arcs["tooltip"] = [_arc_tooltip(row) for row in arcs.itertuples(index=False)]
    return arcs[ARC_COLUMNS]


def _status_lists(pairs: pd.DataFrame, keys: list[str]) -> pd.Series:
    """'delivered, signed' per pair: each status present, in alphabetical order. Built a column per
    status rather than a Python join per pair (20,000 pairs cost half a second that way)."""
    present = pd.crosstab([pairs[key] for key in keys], pairs["status"].astype(str)) > 0
    text = pd.Series("", index=present.index)
    for status in sorted(present.columns):
        text = text + present[status].map({True: status + ", ", False: ""})
    return text.str.removesuffix(", ")


MAX_ARCS = 150  # the largest pairs drawn: a whole register has 2,600; past 150 they tangle


def largest_arcs(arcs: pd.DataFrame, limit: int = MAX_ARCS) -> tuple[pd.DataFrame, str | None]:
    """(arcs, note): at most ``limit`` arcs, the largest by value then by deals, and a note saying
    how many were left out (None when all are drawn)."""
    if len(arcs) <= limit:
        return arcs, None
    ranked = arcs.sort_values(["value_usd_nominal", "deal_count"], ascending=False, na_position="last")
    note = (f"Showing the {limit} largest of {len(arcs):,} supplier-to-buyer arcs by contract value "
            "(then number of deals); narrow the filters to see the others.")
    return ranked.head(limit).sort_index(), note


def _lacks_point(frame: pd.DataFrame) -> pd.Series:
    return frame[["from_lon", "from_lat", "to_lon", "to_lat"]].isna().any(axis=1)


# What each kind of party the map cannot place is, in the words beside the map.
UNDRAWN_KINDS = {
    "historical state": "States that no longer exist (their deals stay their own, not a successor's)",
    "organisation": "Organisations", "unknown": "Unknown to SIPRI",
    "non-state actor": "Non-state actors with no country in their name",
    "state": "States without a map point at this scale",
}


def undrawn_parties(pairs: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """What the arcs cannot show, for want of a place: per kind of party (UNDRAWN_KINDS order),
    'name (N deals)' of each supplier or buyer in view with no map point, most deals first."""
    foreign = pairs[pairs["buyer_code"] != pairs["supplier_code"]]
    sides = [foreign[[f"{side}", f"{side}_kind", "deal_count"]].set_axis(["name", "kind", "deals"], axis=1)
             [foreign[[f"{side}_lon", f"{side}_lat"]].isna().any(axis=1)] for side in ("supplier", "buyer")]
    lacking = pd.concat(sides).groupby(["kind", "name"], as_index=False)["deals"].sum()
    groups = []
    for kind in UNDRAWN_KINDS:
        of_kind = lacking[lacking["kind"] == kind].sort_values(["deals", "name"], ascending=[False, True])
        if not of_kind.empty:
            groups.append((UNDRAWN_KINDS[kind], [f"{name}{_deal_phrase(n)}"
                                                 for name, n in zip(of_kind["name"], of_kind["deals"])]))
    return groups


def arc_widths(values: pd.Series) -> pd.Series:
    """Pixel widths: MIN + (MAX - MIN) * value / largest value; NaN, zero or negative -> MIN."""
    known = values.where(values > 0)
    largest = known.max()
    if pd.isna(largest):
        return pd.Series(MIN_ARC_WIDTH, index=values.index, dtype=float)
    scaled = MIN_ARC_WIDTH + (MAX_ARC_WIDTH - MIN_ARC_WIDTH) * known / largest
    return scaled.fillna(MIN_ARC_WIDTH).astype(float)


def _arc_tooltip(row) -> str:
    count = int(row.deal_count)
    head = f"{row.supplier} → {row.buyer}: {count} deal{'s' if count != 1 else ''} ({row.statuses})"
    if pd.isna(row.value_usd_nominal):
        return f"{head}; value not reported"
    partial = "" if row.valued_deals == count else f", {row.valued_deals} of {count} deals valued"
    return f"{head}; {format_money(row.value_usd_nominal, 'USD')} nominal{partial}"


def _arc_records(arcs: pd.DataFrame) -> list[dict]:
    """Plain records with NaN -> None: valid JSON, and no DataFrame for pydeck to serialise."""
    records = arcs.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in records]


def _selected_features(features: dict, selected_iso3: str | None) -> dict:
    chosen = [f for f in features["features"] if selected_iso3 and f["properties"]["iso3"] == selected_iso3]
    return {"type": "FeatureCollection", "features": chosen}


def operators_deck(features: dict, arcs: pd.DataFrame, selected_iso3: str | None = None,
                   map_style: str = "app/static/map_style.json") -> pdk.Deck:
    """The operators map: status-filled countries, supplier -> buyer arcs, a plain-text tooltip.

    Layer ids ("countries", "arcs") are the keys of Streamlit's selection state, e.g.
    ``event.selection["objects"]["countries"][0]["properties"]["iso3"]``. The selected country
    is outlined by a separate, non-pickable "selected" layer drawn above the fills.
    ``map_style`` must be a relative URL to a local style: an empty one makes Streamlit fetch Carto.
    """
    countries = pdk.Layer(
        "GeoJsonLayer", data=features, id="countries", pickable=True, stroked=True, filled=True,
        get_fill_color="properties.fill_colour", get_line_color=OUTLINE_COLOUR,
        line_width_units=PIXELS, get_line_width=0.5, line_width_min_pixels=0.5,
        # Picking the stroke sub-layer costs ~300 ms per click under software WebGL; a press
        # over 250 ms is not a click to deck.gl, so clicks were lost. The fill is enough to pick.
        _sub_layer_props={"polygons-stroke": {"pickable": False}})
    selected = pdk.Layer(
        "GeoJsonLayer", data=_selected_features(features, selected_iso3), id="selected",
        pickable=False, stroked=True, filled=False, get_line_color=SELECTED_OUTLINE_COLOUR,
        line_width_units=PIXELS, get_line_width=2.5, line_width_min_pixels=2.5)
    arc_layer = pdk.Layer(
        "ArcLayer", data=_arc_records(arcs), id="arcs", pickable=True,
        get_source_position=["from_lon", "from_lat"], get_target_position=["to_lon", "to_lat"],
        get_source_color=ARC_SOURCE_COLOUR, get_target_color=ARC_TARGET_COLOUR,
        get_width="width", width_units=PIXELS, get_height=0.4)
    return pdk.Deck(layers=[countries, selected, arc_layer], initial_view_state=pdk.ViewState(**INITIAL_VIEW),
                    map_provider=None, map_style=map_style, tooltip=dict(TOOLTIP))
