"""Systems: every SIPRI designation a system with its description and armament category, the
S-400's own missiles and radars linked to it, and the system filter's ``parts`` switch that
brings them into the S-400 view (page, CLI, API and bundle read the same record).

Uses the real excerpts in tests/fixtures/sipri/real/ (see the README there).
"""

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from s400tracker import bundle, columns, db, importing, queries
from s400tracker import filters as flt
from s400tracker.filters import Choices, Filters, parse_query_string
from s400tracker.importers.sipri import parse_sipri
from s400tracker.importers.sipri.values import system_served
from tests.helpers import cli

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "sipri" / "real"
NEWEST = "alexarui__network-analysis__trade-register"  # classic layout; keeps the S-400's parts
DATABASE = "lucacasu__Global-Arms-Trade__trade_2023"   # the 17-column database layout
SENAPOL = "senapol__ADS__trade-register"               # the database layout, no S-400 rows
TODAY = dt.date(2026, 12, 1)
# The S-400's own missiles and radars in the newest register, by buyer and designation.
PARTS = sorted([("BLR", "48N6"), ("CHN", "48N6"), ("CHN", "9M96M"), ("IND", "40N6"), ("IND", "48N6"),
                ("IND", "9M96"), ("IND", "9M96M"), ("TUR", "48N6"), ("TUR", "64N6")])


def excerpt(name: str) -> Path:
    return REAL / f"{name}.excerpt.csv"


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    with open(ROOT / "data" / "countries.csv", encoding="utf-8") as handle:
        return {row["name"].lower(): row["iso3"] for row in csv.DictReader(handle)}


def parsed(name: str, codes, **given):
    return parse_sipri(excerpt(name).read_bytes(), name, codes, TODAY, **given)


def systems_of(result) -> dict[str, dict]:
    return {row["system_id"]: row for _, row in result.tables["systems"]}


# --- every designation a system, with SIPRI's description and armament category --------------

def test_the_database_layout_gives_each_system_its_armament_category(codes):
    systems = systems_of(parsed(DATABASE, codes))
    assert systems["sipri-fcs-4008"]["armament_category"] == "Ships"  # the patrol boats, not the S-400
    assert systems["sipri-fcs-4008"]["description"] == "patrol craft"
    assert all(row["armament_category"] for row in systems.values())
    assert "s400" not in systems  # the curated S-400 keeps its own row ("Air defence systems")
    senapol = {row["armament_category"] for row in systems_of(parsed(SENAPOL, codes)).values()}
    assert "Air defence systems" in senapol and "" not in senapol


def test_the_classic_register_has_no_category_and_none_is_invented(codes):
    systems = systems_of(parsed(NEWEST, codes))
    assert systems["sipri-fcs-4008"]["description"] == "patrol boat"
    assert {row["armament_category"] for row in systems.values()} == {""}


def test_the_classic_register_keeps_a_category_an_earlier_import_stored(codes):
    systems = systems_of(parsed(NEWEST, codes, categories={"sipri-fcs-4008": "Ships"}))
    assert systems["sipri-fcs-4008"]["armament_category"] == "Ships"
    assert systems["sipri-48n6"]["armament_category"] == ""


def test_the_database_layouts_own_category_wins_over_a_stored_one(codes):
    systems = systems_of(parsed(DATABASE, codes, categories={"sipri-fcs-4008": "Other"}))
    assert systems["sipri-fcs-4008"]["armament_category"] == "Ships"


# --- the S-400's own missiles and radars ------------------------------------------------------

@pytest.mark.parametrize("comment, served", [
    # the wordings of the real registers
    ("For S-400 SAM systems", "s400"),
    ("For S-400 air-defence systems", "s400"),
    ("For S-400 surface-to-air missile systems", "s400"),
    ("Probably second-hand; for S-400 SAM systems", "s400"),
    ("Part of INR390 b ($5 b) for S-400 SAM systems", "s400"),
    ("91N6E version for use with S-400 SAM systems", "s400"),
    ("For S-400 air-defence systems; probably incl 48N6E2 and 48N6E3 versions", "s400"),
    # any of the S-400's names
    ("For S-400/SA-21 SAM systems", "s400"),
    ("for SA-21 Growler systems", "s400"),
    # the MiG-21 trap: 'Series-400' is not the S-400, and is not what the deal is for
    ("MiG-21U trainer version; designated Type-66 Series-400/600 in India", ""),
    ("MiG-21U trainer version; Indian designation Type-66 Series-400/600", ""),
    ("For Type-66 Series-400/600", ""),
    # the FCS-4008 trap: a designation that contains 'S-400' is not the S-400
    ("For FCS-4008 patrol boats", ""),
    # another system, or the S-400 named but not as what the deal is for
    ("For S-300PMU-2 (SA-20B) SAM systems", ""),
    ("S-400 ordered; delivery planned 2021-2025", ""),
    ("", ""),
])
def test_a_comment_says_which_system_a_deal_is_for(comment, served):
    assert system_served(comment) == served


def test_the_s400s_missiles_and_radars_are_linked_to_it_and_nothing_else_is(codes):
    deals = [row for _, row in parsed(NEWEST, codes).tables["deals"]]
    linked = sorted((d["buyer_iso3"], d["title"].split(" (")[0]) for d in deals if d["for_system_id"])
    assert linked == PARTS
    assert {d["for_system_id"] for d in deals if d["for_system_id"]} == {"s400"}
    by_title = {d["title"]: d for d in deals}
    assert by_title["MiG-21F-13 (fighter aircraft) for India"]["for_system_id"] == ""
    assert {d["for_system_id"] for d in deals if d["title"].startswith("FCS-4008")} == {""}
    # A deal of the S-400 itself is never "for" the S-400 (reconcile merges those; none is a deal row here).
    assert all(d["for_system_id"] != d["system_id"] for d in deals)


# --- the parts filter: parsing, the URL, the words, the SQL -----------------------------------

CHOICES = Choices({"system": {"s400": "S-400 Triumf", "sipri-48n6": "48N6"}}, (1950, 2027))


@pytest.mark.parametrize("query, parts, warning", [
    ("", "exclude", None),                                  # the default: the systems only
    ("system=s400&parts=include", "include", None),         # the S-400 with its missiles and radars
    ("parts=INCLUDE", "include", None),                     # any case
    ("parts=exclude", "exclude", None),                     # the default, spelled out
    ("parts=yes", "exclude", "Ignored parts 'yes': use one of exclude, include."),
    ("parts=include&parts=exclude", "include", "Used the first parts of 2 given (include)."),
])
def test_the_parts_parameter_is_parsed_like_every_choice(query, parts, warning):
    view, warnings = parse_query_string(query, CHOICES)
    assert view.parts == parts
    assert warnings == ([warning] if warning else [])


def test_parts_is_in_the_url_only_when_included_and_round_trips():
    assert "parts" not in Filters().to_query()
    view = Filters(parts="include")
    assert view.query_string() == "parts=include"
    assert parse_query_string(view.query_string(), CHOICES)[0] == view
    assert Filters(systems=(), parts="include").query_string() == "system=all&parts=include"


def test_parts_is_one_record_bound_as_a_boolean_and_described_in_words():
    assert flt.PARTS in flt.FILTERS and "parts" in flt.PARAMETERS
    assert Filters().sql_params()["parts"] is False and Filters(parts="include").sql_params()["parts"] is True
    assert "$parts" in flt.where("d", "year(d.signed_date)") and "d.for_system_id" in flt.SYSTEM.sql
    assert Filters(parts="include").describe() == "with the systems' own missiles and radars"
    assert Filters().describe() == "all records"


@pytest.fixture(scope="module")
def imported_db(real_db, tmp_path_factory) -> Path:
    """The curated database with the newest register's excerpt imported."""
    path = tmp_path_factory.mktemp("systems") / "s400.duckdb"
    shutil.copy(real_db, path)
    plan, _ = importing.commit_import(path, excerpt(NEWEST).read_bytes(), excerpt(NEWEST).name, "tester")
    assert plan.problems == []
    return path


def deal_ids(path: Path, view: Filters) -> list[str]:
    with db.connect(path) as conn:
        return sorted(queries.deals(conn, view)["deal_id"])


def test_the_s400_view_shows_its_parts_only_when_asked(real_db, imported_db):
    curated = deal_ids(real_db, Filters())
    assert deal_ids(imported_db, Filters()) == curated  # as before any import
    with db.connect(imported_db) as conn:
        included = queries.deals(conn, Filters(parts="include"))
        deliveries = queries.deliveries(conn, Filters(parts="include"))
    parts = included[included["for_system_id"] == "s400"]
    assert sorted(zip(parts["buyer_iso3"], parts["system"])) == PARTS
    assert sorted(set(included["deal_id"]) - set(parts["deal_id"])) == curated
    assert set(parts["deal_id"]) <= set(deliveries["deal_id"])  # a part's deliveries follow its deal
    # Another system's view: the S-400's parts are not its parts.
    fcs = Filters(systems=("sipri-fcs-4008",), parts="include")
    assert len(deal_ids(imported_db, fcs)) == 2
    # Every system: the parts are deals like any other, whatever the switch.
    assert deal_ids(imported_db, Filters(systems=())) == deal_ids(imported_db, Filters(systems=(), parts="include"))


def test_the_cli_and_the_bundle_read_the_parts_record(imported_db):
    text = cli("export", "--table", "deals", "--query", "system=s400&parts=include", "--out", "-",
               "--db", str(imported_db))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert sorted(r["deal_id"] for r in rows) == deal_ids(imported_db, Filters(parts="include"))
    summary = json.loads(cli("summary", "--query", "parts=include", "--db", str(imported_db)))
    assert summary["filters"] == {"parts": ["include"]}
    with db.connect(imported_db) as conn:
        about = bundle.manifest(Filters(parts="include"), "http://x/?parts=include", dt.datetime(2026, 12, 1),
                                queries.country_names(conn), queries.data_version(conn), {})
    assert about["filters"] == {"parts": ["include"]}
    assert about["filters_described"] == "with the systems' own missiles and radars"


def test_the_system_filter_names_each_system_with_its_category(imported_db):
    with db.connect(imported_db) as conn:
        offered = queries.filter_choices(conn).codes["system"]
    assert offered["s400"] == "S-400 Triumf (Air defence systems)"
    assert offered["sipri-48n6"] == "48N6"  # the classic register gives no category


# --- the deals CSV ----------------------------------------------------------------------------

def test_the_deals_csv_appends_the_system_category_and_the_system_a_deal_is_for(imported_db):
    names = columns.csv_columns("deals")
    assert names[-2:] == ["system_category", "for_system_id"]
    assert names.index("supplier_kind") == len(names) - 3  # earlier columns keep their places
    text = cli("export", "--table", "deals", "--query", "parts=include&buyer=TUR", "--out", "-",
               "--db", str(imported_db))
    rows = {r["system"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert (rows["S-400 Triumf"]["system_category"], rows["S-400 Triumf"]["for_system_id"]) == (
        "Air defence systems", "")
    assert (rows["64N6"]["system_category"], rows["64N6"]["for_system_id"]) == ("", "s400")
