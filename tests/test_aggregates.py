"""The SQL aggregates and pages of rows the pages draw from equal what the full rows give.

At scale the pages never load every record: tables read their first rows and a count, charts
read sums from DuckDB. Each is checked here against the full per-record query, on the curated
data and on synthetic data large enough to take the aggregated paths.
"""


import pandas as pd
import pytest

from s400tracker import aggregates, charts, db, queries
from s400tracker.filters import Filters
from s400tracker.kinds import KINDS
from tests.helpers import plain

VIEWS = [Filters(), Filters(years=(2010, 2020), statuses=("delivering", "delivered")),
         Filters(buyers=("TUR", "IND", "CHN")), Filters(confidences=("confirmed",), basis="constant"),
         # every system (the default is the S-400's alone), and every system's from two suppliers
         Filters(systems=()), Filters(systems=(), suppliers=("RUS", "USA"), years=(2012, 2024))]


@pytest.fixture
def conn(curated_or_synthetic):
    return curated_or_synthetic


@pytest.mark.parametrize("view", VIEWS)
def test_counts_and_first_rows_match_the_full_tables(conn, view):
    counts = queries.record_counts(conn, view).iloc[0]
    for table in ("deals", "deliveries", "payments", "events", "conversions", "sources"):
        full = getattr(queries, table)(conn, view).drop(columns="total", errors="ignore")
        first = getattr(queries, table)(conn, view, limit=7).drop(columns="total", errors="ignore")
        if table in counts:
            assert counts[table] == len(full), table
        if table != "sources":  # sources are checked with their shortened lists below
            assert plain(first) == plain(full.head(7)), table


@pytest.mark.parametrize("view", VIEWS)
def test_sources_shown_name_their_first_records_and_count_the_rest(conn, view):
    full = queries.sources(conn, view)
    shown = queries.sources(conn, view, limit=50, supports_shown=3)
    assert (full["total"] == len(full)).all() and (shown["total"] == len(full)).all()
    assert list(shown["source_id"]) == list(full["source_id"].head(50))
    for short, every, records in zip(shown["supports"], full["supports"], full["records"]):
        names = every.split("; ")
        assert len(names) == records
        expected = "; ".join(names[:3]) + (f" … and {records - 3} more" if records > 3 else "")
        assert short == expected


def test_record_sources_are_the_sources_naming_those_records(conn):
    full = queries.sources(conn, Filters())
    deal_ids = queries.deals(conn, Filters(), limit=3)["deal_id"].tolist()
    chosen = queries.record_sources(conn, "deal", deal_ids)
    expected = {s for s, names in zip(full["source_id"], full["supports"])
                if set(names.split("; ")) & {f"deal {i}" for i in deal_ids}}
    assert set(chosen["source_id"]) == expected and len(expected) > 0


@pytest.mark.parametrize("view", VIEWS)
def test_deal_pairs_sum_the_deals(conn, view):
    deals = queries.deals(conn, view)
    counted = deals.assign(counted_value=deals["value_usd_nominal"].where(deals["counted_in_totals"].astype(bool)))
    expected = counted.groupby(["supplier_code", "buyer_code", "status"]).agg(
        deal_count=("deal_id", "size"), counted_deals=("counted_in_totals", "sum"),
        valued_deals=("counted_value", "count"), value_usd_nominal=("counted_value", lambda v: v.sum(min_count=1)))
    got = aggregates.deal_pairs(conn, view).set_index(["supplier_code", "buyer_code", "status"])
    got = got.loc[expected.index, expected.columns]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def counted(deals: pd.DataFrame) -> pd.DataFrame:
    """The deals whose values totals add: each purchase once (a framework carried out by a contract is not)."""
    return deals[deals["counted_in_totals"].astype(bool)]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("basis", ["nominal", "constant", "original"])
def test_value_by_year_from_sums_equals_it_from_every_deal(conn, view, basis):
    expected = charts.value_by_year(counted(queries.deals(conn, view)), basis)
    got = charts.value_by_year(aggregates.deal_years(conn, view), basis)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("basis", ["nominal", "constant"])
def test_money_flows_from_summed_deals_equal_them_from_every_deal(conn, view, basis):
    key = ["source", "target", "kind"]
    expected = charts.money_flows(counted(queries.deals(conn, view)), queries.payments(conn, view), basis)
    got = charts.money_flows(aggregates.money_deals(conn, view), aggregates.money_payments(conn, view), basis)
    expected, got = (f.sort_values(key).reset_index(drop=True) for f in (expected, got))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-9)


def _year(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].dt.year


@pytest.mark.parametrize("view", VIEWS)
def test_timeline_years_count_the_busiest_lanes_records(conn, view):
    deals, deliveries = queries.deals(conn, view), queries.deliveries(conn, view)
    events = queries.events(conn, view)
    got = aggregates.timeline_years(conn, view, lanes=4)
    busiest = pd.concat([deals["buyer_code"], deliveries["buyer_code"]]).value_counts()
    fourth = busiest.iloc[min(3, len(busiest) - 1)]
    assert got["buyer_code"].nunique() == min(4, len(busiest))
    assert set(got["buyer_code"]) <= set(busiest[busiest >= fourth].index)  # ties at the edge either way
    assert (got["buyers_in_view"] == len(busiest)).all()
    lanes = set(got["buyer_code"])
    signed = deals[deals["buyer_code"].isin(lanes) & deals["signed_start"].notna()]
    assert got.loc[got["kind"] == "signed", "n"].sum() == len(signed)
    batches = deliveries[deliveries["buyer_code"].isin(lanes) & deliveries["date_start"].notna()]
    expected = batches.groupby(["buyer_code", _year(batches, "date_start")]).size()
    delivered = got[got["kind"] == "delivery"].groupby(["buyer_code", "year"])["n"].sum()
    assert delivered.to_dict() == dict(expected.items())
    on_lanes = events[events["buyer_code"].isin(lanes) & events["date_start"].notna() & events["deal_id"].notna()]
    assert got.loc[got["kind"] == "event", "n"].sum() == len(on_lanes)


@pytest.mark.parametrize("view", VIEWS)
def test_cumulative_years_sum_the_largest_series(conn, view):
    deliveries = queries.deliveries(conn, view)
    usable = deliveries.dropna(subset=["quantity", "unit", "date_start"])
    got = aggregates.cumulative_years(conn, view, series=3)
    assert (got["series_in_view"] == usable.groupby(["buyer_code", "unit"]).ngroups).all()
    batches = usable[usable["basis"] == "batch"].groupby(["buyer_code", "unit"])["quantity"].sum()
    chosen = set(got.groupby(["buyer_code", "unit"]).groups)
    assert len(chosen) == min(3, len(batches))
    others = batches.drop(list(chosen))
    assert others.empty or batches[list(chosen)].min() >= others.max()
    rows = usable[usable.set_index(["buyer_code", "unit"]).index.isin(chosen)]
    expected = rows.groupby(["buyer_code", "unit", "basis", _year(rows, "date_start")])["quantity"].sum()
    summed = got.groupby(["buyer_code", "unit", "basis", "year"])["quantity"].sum()
    assert summed.to_dict() == pytest.approx(expected.to_dict())


@pytest.mark.parametrize("view", VIEWS)
def test_both_paths_of_the_cumulative_chart_draw_the_same_largest_series(conn, view):
    """The rows path (few deliveries) keeps the series the SQL path (many) would choose."""
    frame = charts.cumulative_deliveries(queries.deliveries(conn, view))
    kept, note = charts.largest_series(frame, most=3)
    in_view = frame.groupby(["buyer_code", "unit"]).ngroups if len(frame) else 0
    chosen = set(aggregates.cumulative_years(conn, view, series=3).groupby(["buyer_code", "unit"]).groups)
    if in_view <= 3:
        assert note is None and len(kept) == len(frame)
    else:
        assert set(kept.groupby(["buyer_code", "unit"]).groups) == chosen
        assert note.startswith(f"{in_view} buyer and unit series: showing the {len(chosen)} largest.")


def test_aggregated_timeline_frames_draw(conn):
    view = Filters()
    counts = {name: int(n) for name, n in queries.record_counts(conn, view).iloc[0].items()}
    deals, deliveries, events, note = charts.timeline_from_years(aggregates.timeline_years(conn, view), counts)
    figure = charts.timeline_figure(deals, deliveries, events)
    assert len(figure.data) > 3 and "too many to draw one by one" in note
    cumulative, cumulative_note = charts.cumulative_from_years(aggregates.cumulative_years(conn, view))
    assert len(charts.cumulative_figure(cumulative).data) > 0 and cumulative_note


def test_figures_built_without_validation_are_what_validation_would_make(conn):
    """charts builds every figure unvalidated for speed: rebuilding each through plotly's validation
    must change nothing (no misspelt or wrongly shaped property slips through)."""
    import plotly.graph_objects as go
    view = Filters()
    counts = {name: int(n) for name, n in queries.record_counts(conn, view).iloc[0].items()}
    deliveries = queries.deliveries(conn, view)
    figures = [charts.timeline_figure(*charts.timeline_from_years(aggregates.timeline_years(conn, view), counts)[:3]),
               charts.timeline_figure(queries.deals(conn, view), deliveries, queries.events(conn, view)),
               charts.cumulative_figure(charts.cumulative_deliveries(deliveries)),
               charts.cumulative_figure(charts.cumulative_from_years(aggregates.cumulative_years(conn, view))[0]),
               charts.sankey_figure(charts.money_flows(aggregates.money_deals(conn, view),
                                                       aggregates.money_payments(conn, view), "nominal"), "US$")]
    figures += [charts.value_by_year_figure(charts.value_by_year(aggregates.deal_years(conn, view), basis), basis, 2024)
                for basis in ("nominal", "original")]
    for figure in figures:
        built = figure.to_dict()
        assert go.Figure(built).to_dict() == built


@pytest.mark.parametrize("view", VIEWS)
def test_the_benchmarks_naive_baseline_adds_up_to_the_same_headline(conn, view):
    """benchmarks/baseline.py (every row in pandas) must show what the app shows, or the
    benchmark would compare a wrong page with a right one."""
    from benchmarks import baseline
    from s400tracker import summaries
    naive = baseline._pairs(queries.deals(conn, view))
    status, units = aggregates.country_status(conn, view), aggregates.delivered_units(conn, view)
    pairs = aggregates.deal_pairs(conn, view)
    assert set(pairs.columns) <= set(naive.columns), "the baseline's pairs lack columns the pages read"
    app = summaries.headline(pairs, units, status)
    assert summaries.headline(naive, units, status)["contract_value_usd"] == pytest.approx(app["contract_value_usd"])
    assert summaries.headline(naive, units, status)["deals_without_value"] == app["deals_without_value"]


@pytest.mark.parametrize("view", VIEWS)
def test_claims_of_one_kind_are_that_kinds_share_of_every_claim(conn, view):
    every = queries.claims(conn, view)
    for kind in ("deal", "delivery", "payment", "event"):
        expected = every[every["record_type"] == kind].reset_index(drop=True)
        assert plain(queries.claims(conn, view, record_type=kind)) == plain(expected), kind


def test_money_figures_are_only_of_the_kinds_the_conversions_query_reads(conn):
    """queries.conversions reads only deals and payments in view (derive.MONEY_RECORD_TYPES):
    a conversion of any other kind of record would silently drop out of the money page."""
    from s400tracker.derive import MONEY_RECORD_TYPES
    kinds = db.query(conn, "SELECT DISTINCT record_type FROM conversions")["record_type"]
    assert set(kinds) <= set(MONEY_RECORD_TYPES) and len(kinds) > 0


@pytest.mark.parametrize("view", VIEWS)
def test_every_table_counts_itself_with_its_first_rows(conn, view):
    """The tables' ``total`` (what the page says there is in all) is the record count."""
    counts = queries.record_counts(conn, view).iloc[0]
    for table in ("deals", "deliveries", "payments", "events"):
        first = getattr(queries, table)(conn, view, limit=3)
        assert first.empty or (first["total"] == counts[table]).all(), table


@pytest.mark.parametrize("view", [*VIEWS, Filters(suppliers=("RUS",)),
                                  Filters(origins=("imported",), years=(2015, 2022))])
def test_the_builds_cited_records_are_the_citations_of_the_records_in_view(conn, view):
    """rollups.cited_records, filtered as the sources page filters it, holds exactly the distinct
    (source, record) pairs of the citations of every record in view, read the full way."""
    in_view = " UNION ALL ".join(f"SELECT '{k.name}' AS record_type, {k.alias}.{k.id} AS record_id "
                                 f"FROM {k.source} WHERE {k.where}" for k in KINDS.values())
    full = f"""SELECT DISTINCT c.source_id, c.record_type, c.record_id FROM citations c
               JOIN ({in_view}) r USING (record_type, record_id)"""
    derived = f"SELECT d.source_id, d.record_type, d.record_id FROM cited_records d WHERE {queries.CITED_WHERE}"
    rows = [queries.run(conn, f"SELECT * FROM ({sql}) ORDER BY ALL", view) for sql in (full, derived)]
    assert plain(rows[0]) == plain(rows[1])
    assert len(rows[0]) > 0 or view != Filters()


@pytest.mark.parametrize("view", VIEWS)
def test_delivered_units_sum_the_actual_batches(conn, view):
    """The overview's units, from the build's counts, are the full rows' actual batches per unit."""
    deliveries = queries.deliveries(conn, view)
    batches = deliveries[~deliveries["planned"].astype(bool) & (deliveries["basis"] == "batch")
                         & deliveries["quantity"].notna() & deliveries["unit"].notna()]
    expected = batches.groupby("unit")["quantity"].sum().to_dict()
    got = aggregates.delivered_units(conn, view)
    assert dict(zip(got["unit"], got["quantity"])) == pytest.approx(expected)
