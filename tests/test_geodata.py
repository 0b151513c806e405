"""The committed country data made by scripts/build_geodata.py: table, outlines, agreement."""

import csv
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CSV_PATH = ROOT / "data" / "countries.csv"
GEOJSON_PATH = ROOT / "data" / "geo" / "countries_110m.geojson"

# Buyers, suppliers and interested parties the dashboard must be able to place on the map.
REQUIRED = ("RUS", "CHN", "TUR", "IND", "BLR", "DZA", "SAU", "QAT", "EGY", "SYR", "IRQ",
            "SDN", "MAR", "VNM", "IRN", "SRB", "MYS", "IDN", "LBY", "PAK", "USA", "UKR",
            "FRA", "NOR")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    """The rows of data/countries.csv."""
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def geojson() -> dict:
    """The parsed outlines file."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


def polygons_of(geometry: dict) -> list:
    """The polygons (lists of rings) of a Polygon or MultiPolygon geometry."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def signed_area(ring: list) -> float:
    """Shoelace area of a closed lon/lat ring: positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def test_csv_header_and_size(rows):
    assert CSV_PATH.read_text(encoding="utf-8").splitlines()[0] == (
        "iso3,name,region,subregion,label_lat,label_lon")
    assert len(rows) > 150


def test_iso3_codes_are_unique_sorted_and_well_formed(rows):
    codes = [row["iso3"] for row in rows]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)


def test_required_countries_present(rows):
    missing = set(REQUIRED) - {row["iso3"] for row in rows}
    assert not missing


@pytest.fixture(scope="module")
def mapped(rows):
    """The countries with an outline and a label point (the 110m map's countries)."""
    return [row for row in rows if row["label_lat"]]


def test_every_iso_country_is_named_and_small_ones_have_no_point(rows, mapped):
    codes = {row["iso3"] for row in rows}
    assert {"BHR", "MLT", "SGP"} <= codes and len(rows) >= 249
    assert all(row["name"] for row in rows)
    assert all(not row["label_lon"] for row in rows if not row["label_lat"])


def test_every_mapped_row_has_a_region(mapped):
    assert all(row["region"] and row["subregion"] for row in mapped)


def test_label_points_are_valid_coordinates(mapped):
    for row in mapped:
        assert -90 <= float(row["label_lat"]) <= 90, row["iso3"]
        assert -180 <= float(row["label_lon"]) <= 180, row["iso3"]


def test_geojson_is_small(geojson):
    assert GEOJSON_PATH.stat().st_size < 1.5 * 1024 * 1024


def test_one_feature_per_mapped_country(rows, mapped, geojson):
    assert geojson["type"] == "FeatureCollection"
    feature_codes = [f["properties"]["iso3"] for f in geojson["features"]]
    assert feature_codes == [row["iso3"] for row in mapped]
    names = {row["iso3"]: row["name"] for row in rows}
    for feature in geojson["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"] == {"iso3": feature["properties"]["iso3"],
                                         "name": names[feature["properties"]["iso3"]]}


def test_geometries_are_closed_polygons_wound_for_d3(geojson):
    """Rings are closed with >= 4 positions; exteriors clockwise, holes counter-clockwise.

    plotly's go.Choropleth draws with d3-geo, which reads a counter-clockwise exterior
    (RFC 7946's right-hand rule) as "the whole globe except this country".
    """
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        assert geometry["type"] in ("Polygon", "MultiPolygon")
        for polygon in polygons_of(geometry):
            for index, ring in enumerate(polygon):
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
                assert (signed_area(ring) < 0) == (index == 0), feature["properties"]


def test_label_point_near_its_outline(mapped, geojson):
    """Each label point lies in (or within 1 degree of) its country's bounding box."""
    outlines = {f["properties"]["iso3"]: f["geometry"] for f in geojson["features"]}
    for row in mapped:
        positions = [p for polygon in polygons_of(outlines[row["iso3"]])
                     for p in polygon[0]]
        lons = [x for x, _ in positions]
        lats = [y for _, y in positions]
        lat, lon = float(row["label_lat"]), float(row["label_lon"])
        assert min(lats) - 1 <= lat <= max(lats) + 1, row["iso3"]
        assert min(lons) - 1 <= lon <= max(lons) + 1, row["iso3"]
