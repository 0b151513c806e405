"""The build's record tables and disputed claims hold what the full joins give, for every view.

The pages read each kind of record from one table the build joined (``record_tables``) and the
conflicts from the build's disputed claims (``rollups``); each is checked here against the
records read the full way: the curated and derived tables joined, the record put in view through
its deal (``kinds.Kind.where``), on the curated data and on synthetic data.
"""


import pandas as pd
import pytest

from s400tracker import queries, record_tables
from s400tracker.columns import CONVERSIONS, select_list
from s400tracker.derive import MONEY_RECORD_TYPES
from s400tracker.filters import Filters
from s400tracker.kinds import KINDS
from tests.helpers import plain

VIEWS = [Filters(), Filters(systems=()), Filters(years=(2010, 2020), statuses=("delivering", "delivered")),
         Filters(systems=(), buyers=("TUR", "IND", "CHN")), Filters(confidences=("confirmed",)),
         Filters(systems=(), suppliers=("RUS", "USA"), years=(2012, 2024)), Filters(origins=("imported",)),
         Filters(parts=True), Filters(buyers=("IND",), years=(2018, 2019))]
TABLE_OF = {"deal": queries.deals, "delivery": queries.deliveries, "payment": queries.payments,
            "event": queries.events}


@pytest.fixture
def conn(curated_or_synthetic):
    return curated_or_synthetic


def _in_view_the_full_way(conn, kind: str, view: Filters) -> pd.DataFrame:
    """The rows of ``kind`` in view, joined now from the curated and derived tables and put in view
    through the record's deal as every query did before the build kept them."""
    k, table = KINDS[kind], record_tables.TABLES[kind]
    ids = f"SELECT {k.alias}.{k.id} FROM {k.source} WHERE {k.where}"
    shown = ", ".join(c.name for c in table.columns if c.sql)
    sql = f"SELECT {shown} FROM ({record_tables.joined_sql(table)}) WHERE {k.id} IN ({ids}) ORDER BY {k.id}"
    return queries.run(conn, sql, view)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_record_table_holds_the_joined_rows_of_the_records_in_view(conn, kind, view):
    got = TABLE_OF[kind](conn, view).drop(columns="total")
    expected = _in_view_the_full_way(conn, kind, view)
    key = KINDS[kind].id
    assert plain(got.sort_values(key).reset_index(drop=True)) == plain(expected)
    assert list(got.columns) == list(expected.columns)


def test_the_record_tables_are_in_their_tables_order(conn):
    deals = queries.deals(conn, Filters(systems=()))
    order = list(zip(deals["buyer"], deals["signed_date"].isna(), deals["deal_id"]))
    assert [b for b, *_ in order] == sorted(b for b, *_ in order)
    events = queries.events(conn, Filters(systems=()))
    dated = events["date_start"].dropna()
    assert list(dated) == sorted(dated, reverse=True)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("record_type", [None, *KINDS])
def test_disputed_claims_are_the_disputed_claims_in_view(conn, view, record_type):
    every = queries.claims(conn, view, record_type=record_type)
    expected = every[every["disputed"].astype(bool)].reset_index(drop=True)
    assert plain(queries.disputed_claims(conn, view, record_type=record_type)) == plain(expected)


def test_a_selections_claims_are_those_records_claims(conn):
    every = queries.claims(conn, Filters(systems=()), record_type="deal")
    chosen = sorted(set(every["record_id"]))[:3]
    expected = every[every["record_id"].isin(chosen)].reset_index(drop=True)
    assert len(expected) > 0
    assert plain(queries.record_claims(conn, "deal", chosen)) == plain(expected)
    assert queries.record_claims(conn, "deal", ["no-such-deal"]).empty


@pytest.mark.parametrize("view", VIEWS)
def test_the_conversions_rows_are_the_conversions_of_the_money_records_in_view(conn, view):
    """Every money figure of a deal or payment in view, as the full join gives it."""
    in_view = " UNION ALL ".join(f"SELECT '{k.name}' AS record_type, {k.alias}.{k.id} AS record_id "
                                 f"FROM {k.source} WHERE {k.where}"
                                 for k in (KINDS[name] for name in MONEY_RECORD_TYPES))
    full = f"""SELECT {select_list(CONVERSIONS)} FROM conversions x JOIN ({in_view}) r USING (record_type, record_id)
               LEFT JOIN sources fx ON fx.source_id = x.fx_source_id
               LEFT JOIN sources cpi ON cpi.source_id = x.cpi_source_id
               ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST"""
    got = queries.conversions(conn, view)
    assert (got["total"] == len(got)).all()
    assert plain(got.drop(columns="total")) == plain(queries.run(conn, full, view))


@pytest.mark.parametrize("view", VIEWS)
def test_the_timeline_drawn_from_the_columns_its_marks_read_is_the_timeline_of_every_column(conn, view):
    from s400tracker import charts
    deliveries = queries.deliveries(conn, view)
    every = charts.timeline_figure(queries.deals(conn, view), deliveries, queries.events(conn, view))
    marks = charts.timeline_figure(queries.deals(conn, view, columns=charts.DEAL_MARK_COLUMNS), deliveries,
                                   queries.events(conn, view, columns=charts.EVENT_MARK_COLUMNS))
    assert marks.to_dict() == every.to_dict()


def test_a_column_a_table_has_not_is_refused_by_name(conn):
    with pytest.raises(ValueError, match="deal_rows has no column nonsense"):
        queries.deals(conn, Filters(), columns=("deal_id", "nonsense"))
    assert list(queries.deals(conn, Filters(), columns=("title", "deal_id")).columns) == ["deal_id", "title", "total"]
