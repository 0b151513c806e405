"""The SIPRI trade-register parser: clean imports, determinism, and every kind of problem.

The fixtures in tests/fixtures/sipri/ are small synthetic files in SIPRI's layout (Latin-1),
not SIPRI data.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest

from s400tracker.importers.sipri import (
    TIV_COLUMNS, looks_like_sipri, parse_sipri, resolve_country, system_id_for)
from s400tracker.schema import TABLES_BY_NAME

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "sipri"
REGISTER = FIXTURES / "sipri_register.csv"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    """Lower-case country name -> ISO3, built from the countries table as the app does."""
    with open(ROOT / "data" / "countries.csv", encoding="utf-8") as handle:
        return {row["name"].lower(): row["iso3"] for row in csv.DictReader(handle)}


def parse(data: bytes, codes, name="export.csv"):
    return parse_sipri(data, name, codes, TODAY)


@pytest.fixture(scope="module")
def clean(codes):
    return parse_sipri(REGISTER.read_bytes(), REGISTER.name, codes, TODAY)


def rows(result, table):
    return [row for _, row in result.tables[table]]


def deal(result, buyer, system=None):
    """The one deal of a buyer (and system), so tests read by meaning, not by position."""
    found = [d for d in rows(result, "deals")
             if d["buyer_iso3"] == buyer and (system is None or d["system_id"] == system)]
    assert len(found) == 1, found
    return found[0]


def deliveries_of(result, deal_id):
    return [d for d in rows(result, "deliveries") if d["deal_id"] == deal_id]


def problems(result):
    return {(p.line, p.column, p.rule) for p in result.problems}


# --- a clean import ---------------------------------------------------------------------------

def test_clean_import_has_no_problems_and_expected_counts(clean):
    # 6 register rows: 6 deals; 2+1+3+1+0+1 delivery years; a citation of each deal and delivery,
    # and SIPRI's number delivered as a claim on the 5 deals that have one.
    assert clean.problems == []
    counts = {name: len(table) for name, table in clean.tables.items()}
    assert counts == {"sources": 1, "parties": 0, "systems": 3, "deals": 6, "deliveries": 8,
                      "citations": 14 + 5, "tiv": 6}


def test_rows_have_exactly_the_curated_columns(clean):
    # The lead writes these dicts as curated CSV rows: no column missing or extra, all text.
    for table, found in clean.tables.items():
        expected = TIV_COLUMNS if table == "tiv" else [c.name for c in TABLES_BY_NAME[table].columns]
        for _, row in found:
            assert list(row) == list(expected)
            assert all(isinstance(v, str) for v in row.values())


def test_tiv_columns_match_the_schema_when_it_has_a_tiv_table():
    # The lead's schema may declare the tiv table; the parser's columns must then be the same.
    if "tiv" in TABLES_BY_NAME:
        assert [c.name for c in TABLES_BY_NAME["tiv"].columns] == list(TIV_COLUMNS)


def test_rows_carry_their_line_in_the_import_file(clean):
    # The header is on line 12 after 11 note lines; the first register row is line 13.
    assert [line for line, _ in clean.tables["deals"]] == [13, 14, 15, 16, 17, 18]


def test_turkey_and_turkiye_are_the_same_buyer(clean):
    # "Turkey" (older releases) and "Türkiye" (Latin-1 byte 0xFC) both resolve to TUR.
    titles = {d["title"]: d["buyer_iso3"] for d in rows(clean, "deals")}
    assert titles["S-400 Triumf (SAM system) for Turkey"] == "TUR"
    assert titles["AW149 (helicopter) for Türkiye"] == "TUR"


def test_dates_are_years_at_year_precision(clean):
    # SIPRI gives years only: signed_date and delivery dates are 'YYYY', never a made-up day.
    assert {d["signed_date"] for d in rows(clean, "deals")} == {"2014", "2017", "2018", "2024", "2019"}
    for delivery in rows(clean, "deliveries"):
        assert len(delivery["date"]) == 4 and delivery["date"].isdigit()
        assert delivery["date_note"] == "year only (SIPRI)"
        assert delivery["basis"] == "batch" and delivery["planned"] == "false"


def test_s400_rows_map_to_the_existing_system(clean):
    # "S-400/SA-21", "S-400 Triumf" and "S-400" are all the project's s400; no new system for it.
    for buyer in ("CHN", "TUR", "IND"):
        assert deal(clean, buyer, "s400")
    assert all(s["system_id"] != "s400" for s in rows(clean, "systems"))


def test_other_systems_get_a_new_systems_row(clean):
    # A Patriot sale to Poland: new system named by SIPRI's designation, no manufacturer guessed.
    patriot = deal(clean, "POL")
    assert patriot["system_id"] == "sipri-mim-104f-patriot-pac-3"
    system = next(s for s in rows(clean, "systems") if s["system_id"] == patriot["system_id"])
    assert system["name"] == "MIM-104F Patriot PAC-3"
    assert system["description"] == "SAM system"
    assert system["manufacturer_org_id"] == ""


@pytest.mark.parametrize("designation, expected", [
    ("S-400", "s400"),
    ("S-400 Triumf", "s400"),
    ("SA-21", "s400"),
    ("s 400  triumf", "s400"),         # case and spaces do not matter
    ("S-400/SA-21", "s400"),            # SIPRI's "designation/NATO name" form
    ("S-300PMU-2/SA-20B", "sipri-s-300pmu-2-sa-20b"),  # a neighbour is not the S-400
    ("48N6", "sipri-48n6"),             # missiles for it are their own system
])
def test_system_ids(designation, expected):
    assert system_id_for(designation) == expected


def test_bracketed_number_is_quantity_note_and_estimate(clean):
    # "(6)" ordered -> quantity 6, the note keeps SIPRI's text; "(4)" delivered in one year -> estimate.
    china = deal(clean, "CHN")
    assert (china["quantity"], china["unit"], china["quantity_note"]) == ("6", "system", "(6) estimate")
    [turkey_delivery] = deliveries_of(clean, deal(clean, "TUR", "s400")["deal_id"])
    assert turkey_delivery["quantity"] == "4"
    assert turkey_delivery["quantity_qualifier"] == "estimate"
    assert turkey_delivery["quantity_note"] == "(4) estimate"


@pytest.mark.parametrize("buyer, system, confidence", [
    ("TUR", "s400", "unconfirmed"),         # '?' in the order-year uncertainty column
    ("TUR", "sipri-aw149", "unconfirmed"),  # '?' in the number-ordered uncertainty column
    ("IND", "s400", "reported"),            # no '?' anywhere
    ("CHN", "s400", "reported"),            # brackets are an estimate, not an uncertainty
])
def test_question_mark_makes_deal_and_deliveries_unconfirmed(clean, buyer, system, confidence):
    found = deal(clean, buyer, system)
    assert found["confidence"] == confidence
    assert {d["confidence"] for d in deliveries_of(clean, found["deal_id"])} <= {confidence}


def test_multi_year_deliveries_are_never_split(clean):
    # 3 delivered over 2021; 2022; 2023: one row per year, no invented quantity per year.
    india = deliveries_of(clean, deal(clean, "IND")["deal_id"])
    assert [d["date"] for d in india] == ["2021", "2022", "2023"]
    for delivery in india:
        assert delivery["quantity"] == "" and delivery["unit"] == ""
        assert delivery["quantity_note"] == "3 delivered over 2021; 2022; 2023"


def test_single_year_delivery_carries_the_number_delivered(clean):
    # Poland: 2 delivered, all in 2023.
    [poland] = deliveries_of(clean, deal(clean, "POL")["deal_id"])
    assert (poland["date"], poland["quantity"], poland["unit"]) == ("2023", "2", "system")
    assert poland["quantity_qualifier"] == ""


@pytest.mark.parametrize("buyer, system, status", [
    ("CHN", "s400", "delivered"),           # (6) of (6)
    ("IND", "s400", "delivering"),          # 3 of 5
    ("TUR", "sipri-aw149", "signed"),       # nothing delivered, no delivery years
])
def test_status_from_numbers(clean, buyer, system, status):
    assert deal(clean, buyer, system)["status"] == status


def test_sipri_status_column_is_kept_in_notes(clean):
    # SIPRI's status says "Second hand" etc., not the deal's stage: kept as text, never as status.
    assert deal(clean, "TUR", "sipri-aw149")["notes"] == "Synthetic row; SIPRI status: Second hand"


def test_tiv_kept_apart_and_never_money(clean):
    # TIV is a volume index: it is in tiv rows, and every value column of every deal is empty.
    tiv = {row["deal_id"]: row for row in rows(clean, "tiv")}
    india = deal(clean, "IND")["deal_id"]
    assert tiv[india] == {"deal_id": india, "tiv_per_unit": "100", "tiv_total_order": "500",
                          "tiv_delivered": "300", "source_id": clean.source_id}
    assert tiv[deal(clean, "TUR", "sipri-aw149")["deal_id"]]["tiv_per_unit"] == "5"  # "(5)"
    for row in rows(clean, "deals"):
        assert (row["value_amount"], row["value_currency"], row["value_qualifier"]) == ("", "", "")


def test_every_deal_and_delivery_is_cited_to_the_export(clean):
    # Record-level citations (no field, no claim) of the one source row; the claims are SIPRI's
    # number delivered, in its own unit.
    records = [c for c in rows(clean, "citations") if not c["field"]]
    cited = {(c["record_type"], c["record_id"]) for c in records}
    assert cited == ({("deal", d["deal_id"]) for d in rows(clean, "deals")}
                     | {("delivery", d["delivery_id"]) for d in rows(clean, "deliveries")})
    for citation in records:
        assert citation["source_id"] == clean.source_id
        assert citation["citation_id"] == f"{clean.source_id}-{citation['record_id']}"
        assert citation["claimed_value"] == citation["fact_row"] == ""
    claims = [c for c in rows(clean, "citations") if c["field"]]
    assert {c["field"] for c in claims} == {"delivered"} and all(c["preferred"] == "true" for c in claims)
    assert all(c["claimed_value"].endswith(" system") for c in claims)


def test_source_row_describes_the_export(clean):
    # Content-hash id, the "Information generated" date, today's access date, the notes (Latin-1 decoded).
    [source] = rows(clean, "sources")
    assert source["source_id"] == clean.source_id and clean.source_id.startswith("sipri-")
    assert len(clean.source_id) == len("sipri-") + 12
    assert source["title"] == "SIPRI trade register export sipri_register.csv"
    assert source["publisher"] == "SIPRI Arms Transfers Database"
    assert (source["url"], source["published_date"], source["accessed_date"]) == ("", "2026-11-25", "2026-11-25")
    assert "Côte d'Ivoire" in source["note"] and "Information generated" in source["note"]


def test_month_precision_generated_date_and_text_kept_verbatim(codes):
    # Formula-looking and HTML cells are imported as plain text, never evaluated or altered.
    result = parse((FIXTURES / "sipri_text.csv").read_bytes(), codes)
    assert result.problems == []
    assert rows(result, "sources")[0]["published_date"] == "2025-03"
    ivory = deal(result, "CIV")
    assert ivory["notes"] == '=HYPERLINK("http://example.invalid","click")'
    assert ivory["title"] == "+cmd (@SUM(A1:A2)) for Côte d'Ivoire"
    assert deal(result, "KOR")["notes"].startswith("<script>alert(1)</script>")
    # A comment spanning two lines (7-8) does not shift the next row's line number (9).
    assert [line for line, _ in result.tables["deals"]] == [6, 7, 9]


# --- determinism and layout tolerance ---------------------------------------------------------

def test_same_input_gives_identical_output(codes):
    data = REGISTER.read_bytes()
    assert parse(data, codes) == parse(data, codes)


def test_ids_do_not_depend_on_the_notes_above_the_header(codes, clean):
    # Two more note lines: same deal/delivery ids (natural key), lines shifted by two.
    data = b"Extra note\r\n\r\n" + REGISTER.read_bytes()
    moved = parse(data, codes)
    assert moved.problems == []
    assert [d["deal_id"] for d in rows(moved, "deals")] == [d["deal_id"] for d in rows(clean, "deals")]
    assert [d["delivery_id"] for d in rows(moved, "deliveries")] == \
        [d["delivery_id"] for d in rows(clean, "deliveries")]
    assert [line for line, _ in moved.tables["deals"]] == [15, 16, 17, 18, 19, 20]


def test_renamed_country_keeps_the_deal_id(codes, clean):
    # A later release spelling "Turkey" as "Turkiye" yields the same deal id.
    data = REGISTER.read_bytes().replace(b"\r\nTurkey,", b"\r\nTurkiye,")
    renamed = parse(data, codes)
    assert deal(renamed, "TUR", "s400")["deal_id"] == deal(clean, "TUR", "s400")["deal_id"]


def test_utf8_resave_decodes_the_same(codes, clean):
    # A spreadsheet re-save as UTF-8 (with BOM) gives the same rows; only the source id differs.
    data = b"\xef\xbb\xbf" + REGISTER.read_bytes().decode("latin-1").encode("utf-8")
    resaved = parse(data, codes)
    assert resaved.problems == []
    assert [d["title"] for d in rows(resaved, "deals")] == [d["title"] for d in rows(clean, "deals")]


def test_windows_1252_punctuation_is_accepted(codes):
    # Byte 0x92 is a right single quote in Windows-1252 (a control code in strict Latin-1).
    data = REGISTER.read_bytes().replace(b",Synthetic row,10,", b",Synthetic\x92s row,10,")
    result = parse(data, codes)
    assert result.problems == []
    assert deal(result, "VNM")["notes"] == "Synthetic\u2019s row"


@pytest.mark.parametrize("name, expected", [
    ("Turkiye", "TUR"), ("Türkiye", "TUR"), ("Turkey", "TUR"),   # renamed between releases
    ("Russia", "RUS"), ("United States", "USA"), ("Viet Nam", "VNM"), ("UAE", "ARE"),
    ("Korea South", "KOR"), ("Korea North", "PRK"), ("Iran", "IRN"), ("Syria", "SYR"),
    ("Congo DR", "COD"), ("Cote d\u2019Ivoire", "CIV"),         # curly apostrophe
    ("  poland ", "POL"),                                         # caller's names, any case/space
    ("Narnia", None),
])
def test_country_names(codes, name, expected):
    assert resolve_country(name, codes) == expected


# --- problems ---------------------------------------------------------------------------------

def test_each_bad_row_is_reported_with_line_and_column(codes):
    # One mistake per row of sipri_bad_rows.csv (header on line 4); all collected in one pass.
    result = parse((FIXTURES / "sipri_bad_rows.csv").read_bytes(), codes)
    assert problems(result) == {
        (5, "Recipient", "unknown party"),           # Narnia: no mark, so not a new party
        (6, "Supplier", "unknown party"),            # Atlantis
        (7, "Year of order", "year out of range"),   # 1899: orders from 1900 (SIPRI has 1940s orders)
        (8, "Year of order", "year out of range"),   # 2030 > import year + 1
        (9, "Year of order", "not a number"),        # "twenty"
        (10, "Number ordered", "not a number"),      # "four"
        (11, "Number delivered", "not a number"),    # "2x"
        (12, "Year(s) of delivery", "year out of range"),  # 2099 among the delivery years
        (13, "SIPRI TIV per unit", "not a number"),  # "abc"
    }
    # Whatever parsed is still returned (the caller refuses the file).
    assert len(rows(result, "deals")) == 9
    assert all(p.file == "export.csv" for p in result.problems)


def test_country_outside_the_countries_table_is_unknown(codes):
    # An alias resolving to a code the countries table lacks would dangle: reported, not kept.
    without_vietnam = {name: code for name, code in codes.items() if code != "VNM"}
    result = parse(REGISTER.read_bytes(), without_vietnam)
    assert problems(result) == {(18, "Recipient", "unknown country")}
    assert "VNM" in result.problems[0].message


@pytest.mark.parametrize("data, line", [
    (REGISTER.read_bytes().decode("latin-1").encode("utf-16"), 1),      # UTF-16 with BOM
    (REGISTER.read_bytes().decode("latin-1").encode("utf-16-le"), 1),   # UTF-16 without BOM: NULs
    (REGISTER.read_bytes().replace(b"Yak-130,", b"Yak\x00130,"), 18),   # a NUL byte in row 18
    (REGISTER.read_bytes().replace(b"Yak-130,", b"Yak\x81130,"), 18),   # undefined byte 0x81
    (REGISTER.read_bytes().replace(b"Yak-130,", b"Yak\x1b130,"), 18),   # an escape control code
])
def test_encoding_problems(codes, data, line):
    result = parse(data, codes)
    assert problems(result) == {(line, None, "encoding")}
    assert all(table == [] for table in result.tables.values())


def test_missing_columns_are_listed(codes):
    # The TIV and Comments columns are cut off: one problem on the header line naming them.
    result = parse((FIXTURES / "sipri_missing_columns.csv").read_bytes(), codes)
    assert problems(result) == {(4, None, "missing columns")}
    message = result.problems[0].message
    for column in ("Comments", "SIPRI TIV per unit", "SIPRI TIV for total order",
                   "SIPRI TIV of delivered weapons"):
        assert column in message


def test_no_header_row_at_all(codes):
    # A project CSV is not an export: no SIPRI header row found.
    result = parse((ROOT / "data" / "deals.csv").read_bytes(), codes)
    assert problems(result) == {(None, None, "missing columns")}
    assert "Weapon designation" in result.problems[0].message


@pytest.mark.parametrize("data, named", [
    ((FIXTURES / "sipri_semicolon.csv").read_bytes(), "';'"),           # re-saved with semicolons
    (REGISTER.read_bytes().replace(b",", b"\t"), "tabs"),              # re-saved as tab-separated
])
def test_wrong_delimiter(codes, data, named):
    result = parse(data, codes)
    assert len(result.problems) == 1 and result.problems[0].rule == "wrong delimiter"
    assert result.problems[0].message == f"the file is separated by {named}, SIPRI exports use commas"


def test_very_long_field(codes):
    # A 2001-character comment is reported on its own line and column.
    data = REGISTER.read_bytes().replace(b",Synthetic row,10,", b"," + b"x" * 2001 + b",10,")
    result = parse(data, codes)
    assert problems(result) == {(18, "Comments", "too long")}


def test_row_with_an_unquoted_comma_is_malformed(codes):
    # A comment with an unquoted comma pushes a value past the last column.
    data = REGISTER.read_bytes().replace(b",Synthetic row,10,", b",Synthetic, row,10,")
    assert problems(parse(data, codes)) == {(18, None, "malformed row")}


def test_records_sharing_a_natural_key_are_separate_orders_with_a_notice(codes):
    # SIPRI lists each order on its own line: the same buyer, supplier, year and weapon twice
    # (even with every cell equal) is two orders, as in about 625 records of a whole register.
    india = REGISTER.read_bytes().split(b"\r\n")[14]
    result = parse(REGISTER.read_bytes().rstrip(b"\r\n") + b"\r\n" + india, codes)
    ids = [d["deal_id"] for d in rows(result, "deals") if d["title"] == "S-400 (SAM system) for India"]
    assert len(ids) == 2 and ids[1] == ids[0] + "-2" and not result.problems
    [notice] = [n for n in result.notices if n.rule == "separate orders"]
    assert notice.line == 19 and "as line 15" in notice.message


# --- detection --------------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    (REGISTER, True),                               # the clean export
    (FIXTURES / "sipri_semicolon.csv", True),        # still SIPRI: parse_sipri explains the delimiter
    (ROOT / "data" / "deals.csv", False),            # a project CSV
    (ROOT / "data" / "sources.csv", False),
])
def test_looks_like_sipri(path, expected):
    assert looks_like_sipri(path.read_bytes()) is expected


def test_looks_like_sipri_only_reads_the_first_lines():
    # A header after 40 lines of notes is not detected; empty input is not SIPRI.
    assert looks_like_sipri(b"note\n" * 45 + REGISTER.read_bytes()) is False
    assert looks_like_sipri(b"") is False
