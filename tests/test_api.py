"""The data API on the real server: the CLI's bytes for a link, the bundle, 400s and 404s in words."""

import io
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.helpers import cli_bytes
from tests.live_server import running_server

ROOT = Path(__file__).resolve().parents[1]
TABLES = ["deals", "deliveries", "payments", "events", "sources"]
# Links the API must answer exactly as the CLI exports them: adjusted parts are applied, as on the page.
QUERIES = ["", "buyer=TUR&years=2017&years=2020", "years=2006&years=2027", "years=2021&years=2017",
           "buyer=IND&buyer=IND&status=delivering", "years=1990&years=2100&basis=constant",
           "system=s400&parts=include"]


@pytest.fixture(scope="module")
def server(real_db):
    with running_server(real_db) as url:
        yield url


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, _headers(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error.headers), error.read()


def _headers(message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def cli_export(db: Path, table: str, query: str) -> bytes:
    return cli_bytes("export", "--table", table, "--query", query, "--out", "-", "--db", str(db))


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("table", TABLES)
def test_a_table_csv_is_the_bytes_the_cli_exports(server, real_db, table, query):
    status, headers, body = get(f"{server}/api/v1/{table}.csv?{query}")
    assert status == 200, body
    assert headers["content-type"].startswith("text/csv")
    assert body == cli_export(real_db, table, query)


def test_the_bundle_holds_every_table_and_a_manifest_with_the_headline(server, real_db):
    status, headers, body = get(f"{server}/api/v1/bundle.zip?buyer=IND")
    assert status == 200 and headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert sorted(archive.namelist()) == sorted([f"{t}.csv" for t in TABLES] + ["manifest.json"])
        assert archive.read("deals.csv") == cli_export(real_db, "deals", "buyer=IND")
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["filters"] == {"buyer": ["IND"]} and manifest["share_link"].endswith("/?buyer=IND")
    assert manifest["headline"]["deals_summed"] == ["IND-2018"]
    assert manifest["systems"] == ["s400"]  # the default, said although the link leaves it out
    assert manifest["sources_checked_to"]


@pytest.mark.parametrize("query, parts", [
    ("buyer=XXX&colour=red", ["buyer 'XXX'", "unknown parameter 'colour'"]),
    ("years=2017&status=shipped", ["give two years", "status 'shipped'"]),
    ("buyer=TUR%27)%3BDROP+TABLE+deals%3B--", ["no deal has that buyer"]),
    ("system=s400&parts=yes", ["parts 'yes'"]),
])
def test_a_query_with_invalid_parts_is_a_400_naming_each(server, query, parts):
    status, headers, body = get(f"{server}/api/v1/deals.csv?{query}")
    text = body.decode("utf-8")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert all(part in text for part in parts), text
    assert "Traceback" not in text
    assert get(f"{server}/api/v1/bundle.zip?{query}")[0] == 400


@pytest.mark.parametrize("path", ["/api/v1/tiv.csv", "/api/v1/imports.csv", "/api/v1/nothing",
                                  "/api/v1/" + urllib.parse.quote("<script>") + ".csv"])
def test_an_unknown_table_or_route_is_a_404_in_words(server, path):
    status, _, body = get(server + path)
    assert status == 404 and b"Traceback" not in body
    assert b"deals" in body  # says what there is


def test_the_api_needs_no_session(server):
    """Each request stands alone: no cookie is set and none is needed."""
    status, headers, _ = get(f"{server}/api/v1/events.csv")
    assert status == 200 and "set-cookie" not in headers
