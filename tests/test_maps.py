"""The pure map builders: status fills, arcs, and a deck that never leaves localhost."""

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from s400tracker import maps
from s400tracker.formats import format_money

ROOT = Path(__file__).resolve().parents[1]
OUTLINES_PATH = ROOT / "data" / "geo" / "countries_110m.geojson"
STYLE_PATH = ROOT / "static" / "map_style.json"
HOSTILE = "<img src=x onerror=alert(1)>"

# label points (lat, lon) as data/countries.csv gives them
POINTS = {"RUS": (58.2494, 44.6865), "TUR": (39.3454, 34.5083), "IND": (22.6869, 79.3581),
          "CHN": (32.9214, 105.3024), "BLR": (53.8218, 28.4172)}
NAMES = {"RUS": "Russian Federation", "TUR": "Turkey", "IND": "India", "CHN": "China", "BLR": "Belarus"}


@pytest.fixture(scope="module")
def outlines() -> dict:
    return maps.load_outlines(OUTLINES_PATH)


def status_frame(rows) -> pd.DataFrame:
    """rows: (iso3, name, operator_status, basis, deal_count)."""
    return pd.DataFrame(rows, columns=["iso3", "name", "operator_status", "basis", "deal_count"])


def deals_frame(rows) -> pd.DataFrame:
    """rows: (deal_id, buyer_code, supplier_code, status, value_usd_nominal), each a deal_pairs row of
    one deal; names and points filled in."""
    frame = pd.DataFrame(rows, columns=["deal_id", "buyer_code", "supplier_code", "status", "value_usd_nominal"])
    frame = frame.assign(deal_count=1, valued_deals=frame["value_usd_nominal"].notna().astype(int))
    for side in ("buyer", "supplier"):
        frame[side] = frame[f"{side}_code"].map(NAMES)
        frame[f"{side}_kind"] = "state"
        frame[f"{side}_lat"] = frame[f"{side}_code"].map(lambda c: POINTS[c][0])
        frame[f"{side}_lon"] = frame[f"{side}_code"].map(lambda c: POINTS[c][1])
    return frame


DEALS = deals_frame([
    ("D1", "TUR", "RUS", "delivered", 2.5e9),
    ("D2", "IND", "RUS", "delivering", 5.43e9),
    ("D3", "IND", "RUS", "signed", math.nan),  # same pair: one arc, value summed over known deals
    ("D4", "CHN", "RUS", "delivered", 3.0e9),
    ("D5", "BLR", "RUS", "delivered", math.nan),  # no value anywhere: minimum width
    ("D6", "RUS", "RUS", "delivered", 1.0e9),  # domestic delivery: no arc
])


def props_by_iso3(features: dict) -> dict:
    return {f["properties"]["iso3"]: f["properties"] for f in features["features"]}


def test_outlines_load_as_a_feature_collection(outlines):
    assert outlines["type"] == "FeatureCollection"
    assert len(outlines["features"]) == 175


def test_features_carry_status_label_colour_and_tooltip(outlines):
    status = status_frame([("TUR", "Turkey", "operator", "delivered 2019", 1),
                           ("SAU", "Saudi Arabia", "declined", None, 1),
                           ("IND", "India", "on order", "signed 2018", 2)])
    props = props_by_iso3(maps.status_features(outlines, status))
    assert props["TUR"]["status"] == "Operator"
    assert props["TUR"]["fill_colour"] == maps.STATUS_COLOURS["operator"]
    assert props["TUR"]["tooltip"] == "Turkey: Operator (1 deal). delivered 2019"
    assert props["SAU"]["status"] == "Declined"
    assert props["SAU"]["tooltip"] == "Saudi Arabia: Declined (1 deal)"  # no basis: no trailing text
    assert props["IND"]["tooltip"] == "India: On order (2 deals). signed 2018"


def test_country_absent_from_status_gets_no_record_grey(outlines):
    props = props_by_iso3(maps.status_features(outlines, status_frame([("TUR", "Turkey", "operator", None, 1)])))
    assert props["FRA"]["status"] == "No record in view"
    assert props["FRA"]["fill_colour"] == maps.STATUS_COLOURS[maps.NO_RECORD]
    assert props["FRA"]["name"] == "France"  # name from the outline when the status frame has none
    assert props["FRA"]["tooltip"] == "France: No record in view"
    assert len(props) == 175


def test_status_features_do_not_mutate_inputs(outlines):
    status = status_frame([("TUR", "Turkey", "operator", "delivered 2019", 1)])
    before_outlines, before_status = copy.deepcopy(outlines), status.copy()
    features = maps.status_features(outlines, status)
    assert outlines == before_outlines
    pd.testing.assert_frame_equal(status, before_status)
    assert features is not outlines
    assert features["features"][0]["properties"] is not outlines["features"][0]["properties"]


def test_unknown_status_is_refused(outlines):
    with pytest.raises(ValueError, match="unknown operator_status"):
        maps.status_features(outlines, status_frame([("TUR", "Turkey", "operational", None, 1)]))


def test_every_status_has_a_distinct_colour_and_a_legend_entry():
    items = maps.legend_items()
    assert [label for label, _ in items] == ["Operator", "On order", "Negotiating", "Interest", "Declined",
                                             "No record in view"]
    assert len({colour for _, colour in items}) == len(items)
    assert all(colour.startswith("#") and len(colour) == 7 for _, colour in items)


def test_arcs_one_per_pair_and_skip_domestic():
    arcs = maps.arcs_frame(DEALS)
    assert list(zip(arcs["supplier_code"], arcs["buyer_code"])) == [
        ("RUS", "BLR"), ("RUS", "CHN"), ("RUS", "IND"), ("RUS", "TUR")]
    india = arcs.set_index("buyer_code").loc["IND"]
    assert india["deal_count"] == 2 and india["valued_deals"] == 1
    assert india["value_usd_nominal"] == pytest.approx(5.43e9)
    assert (india["from_lat"], india["from_lon"]) == POINTS["RUS"]
    assert (india["to_lat"], india["to_lon"]) == POINTS["IND"]


def test_only_domestic_deals_give_an_empty_frame():
    arcs = maps.arcs_frame(DEALS[DEALS["buyer_code"] == "RUS"])
    assert arcs.empty and list(arcs.columns) == maps.ARC_COLUMNS


def test_arc_width_grows_with_value_and_has_a_minimum():
    widths = maps.arcs_frame(DEALS).set_index("buyer_code")["width"]
    assert widths["BLR"] == maps.MIN_ARC_WIDTH  # no value reported
    assert widths["TUR"] < widths["CHN"] < widths["IND"] == maps.MAX_ARC_WIDTH
    assert (widths >= maps.MIN_ARC_WIDTH).all()


def test_arc_widths_when_no_value_is_known():
    widths = maps.arc_widths(pd.Series([math.nan, 0.0, math.nan]))
    assert list(widths) == [maps.MIN_ARC_WIDTH] * 3


def test_arc_tooltips_say_what_is_known():
    tips = maps.arcs_frame(DEALS).set_index("buyer_code")["tooltip"]
    assert tips["TUR"] == "Russian Federation → Turkey: 1 deal (delivered); US$ 2.50 bn nominal"
    assert tips["IND"] == ("Russian Federation → India: 2 deals (delivering, signed); "
                           "US$ 5.43 bn nominal, 1 of 2 deals valued")
    assert tips["BLR"] == "Russian Federation → Belarus: 1 deal (delivered); value not reported"


@pytest.mark.parametrize("value, shown", [
    (300_000, "US$ 300,000"),        # below a million: the full number, as on the overview (not "0 m")
    (1_234_500_000, "US$ 1.23 bn"),  # billions to two decimals
])
def test_an_arc_tooltip_says_its_value_as_the_overview_does(value, shown):
    tips = maps.arcs_frame(deals_frame([("D1", "TUR", "RUS", "signed", value)]))["tooltip"]
    assert list(tips) == [f"Russian Federation → Turkey: 1 deal (signed); {shown} nominal"]
    assert shown == format_money(value, "USD")


def test_an_arc_to_a_country_without_a_map_point_is_left_out_and_named():
    deals = DEALS.copy()
    deals.loc[deals["buyer_code"] == "TUR", "buyer_lat"] = math.nan
    assert "TUR" not in set(maps.arcs_frame(deals)["buyer_code"])
    assert maps.undrawn_parties(deals) == [("States without a map point at this scale", ["Turkey (1 deal)"])]


def test_parties_without_a_place_are_listed_by_kind_most_deals_first():
    deals = pd.concat([DEALS, deals_frame([("D8", "TUR", "RUS", "delivered", math.nan)] * 3)])
    deals.iloc[-3:, deals.columns.get_loc("supplier")] = ["Soviet Union", "Soviet Union", "NATO**"]
    deals.iloc[-3:, deals.columns.get_loc("supplier_kind")] = ["historical state", "historical state", "organisation"]
    deals.iloc[-3:, deals.columns.get_loc("supplier_code")] = ["soviet-union", "soviet-union", "nato"]
    deals.iloc[-3:, deals.columns.get_loc("supplier_lat")] = math.nan
    groups = maps.undrawn_parties(deals)
    assert [kind for kind, _ in groups] == [maps.UNDRAWN_KINDS["historical state"], maps.UNDRAWN_KINDS["organisation"]]
    assert groups[0][1] == ["Soviet Union (2 deals)"] and groups[1][1] == ["NATO** (1 deal)"]
    assert "TUR" in set(maps.arcs_frame(deals)["buyer_code"])  # the drawable pairs still are


@pytest.fixture(scope="module")
def deck_json(outlines) -> tuple:
    status = status_frame([("TUR", "Turkey", "operator", None, 1), ("QAT", HOSTILE, "interest", None, 1)])
    deck = maps.operators_deck(maps.status_features(outlines, status), maps.arcs_frame(DEALS), selected_iso3="TUR")
    return deck, deck.to_json()


def test_deck_requests_nothing_remote(deck_json):
    deck, text = deck_json
    assert "http" not in text  # no Carto/Mapbox style, no tile or CDN URL anywhere in the spec
    spec = json.loads(text)
    assert spec["mapStyle"] == "app/static/map_style.json"
    assert "mapProvider" not in spec or spec["mapProvider"] is None


def test_deck_layers_ids_and_literal_units(deck_json):
    _, text = deck_json
    layers = {layer["id"]: layer for layer in json.loads(text)["layers"]}
    assert list(layers) == ["countries", "selected", "arcs"]
    assert layers["countries"]["pickable"] and layers["arcs"]["pickable"] and not layers["selected"]["pickable"]
    # pydeck makes bare strings accessors ("@@=pixels"): units must arrive as literal strings
    assert layers["countries"]["lineWidthUnits"] == "pixels" and layers["arcs"]["widthUnits"] == "pixels"
    # picking the outline sub-layer made clicks too slow to count as clicks under software WebGL
    assert layers["countries"]["_subLayerProps"] == {"polygons-stroke": {"pickable": False}}
    assert [f["properties"]["iso3"] for f in layers["selected"]["data"]["features"]] == ["TUR"]


def test_no_selection_draws_no_highlight(outlines):
    features = maps.status_features(outlines, status_frame([]))
    spec = json.loads(maps.operators_deck(features, maps.arcs_frame(DEALS)).to_json())
    assert spec["layers"][1]["data"]["features"] == []


def test_tooltip_is_a_fixed_plain_text_template(deck_json):
    deck, _ = deck_json
    # Streamlit reads the tooltip from this attribute and sends it beside the spec
    assert deck._tooltip == {"text": "{tooltip}"}
    assert "html" not in deck._tooltip


def test_hostile_name_travels_as_data_only(deck_json):
    deck, text = deck_json
    layers = {layer["id"]: layer for layer in json.loads(text)["layers"]}
    qatar = [f["properties"] for f in layers["countries"]["data"]["features"] if f["properties"]["iso3"] == "QAT"]
    assert qatar[0]["name"] == HOSTILE  # kept verbatim as a value ...
    assert qatar[0]["tooltip"].startswith(HOSTILE)
    assert HOSTILE not in json.dumps(deck._tooltip)  # ... never part of the template


def test_arc_records_are_valid_json():
    spec = json.loads(maps.operators_deck({"type": "FeatureCollection", "features": []},
                                          maps.arcs_frame(DEALS)).to_json())
    arcs = {a["buyer_code"]: a for a in spec["layers"][2]["data"]}
    assert arcs["BLR"]["value_usd_nominal"] is None  # NaN would be invalid JSON


def test_map_style_is_offline():
    style = json.loads(STYLE_PATH.read_text(encoding="utf-8"))
    assert style["version"] == 8 and style["sources"] == {}
    assert [layer["type"] for layer in style["layers"]] == ["background"]
    assert "glyphs" not in style and "sprite" not in style
    assert "http" not in STYLE_PATH.read_text(encoding="utf-8")


def test_statuses_are_listed_per_pair_in_order():
    arcs = maps.arcs_frame(DEALS).set_index("buyer_code")["statuses"]
    assert arcs["IND"] == "delivering, signed" and arcs["TUR"] == "delivered"


def test_only_the_largest_arcs_are_drawn_with_a_note():
    arcs = maps.arcs_frame(DEALS)
    kept, note = maps.largest_arcs(arcs, limit=2)
    assert set(kept["buyer_code"]) == {"IND", "CHN"}  # 5.43 bn and 3.0 bn; Turkey 2.5 bn, Belarus none
    assert note.startswith("Showing the 2 largest of 4 supplier-to-buyer arcs")
    everything, no_note = maps.largest_arcs(arcs)
    assert everything is arcs and no_note is None
