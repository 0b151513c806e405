"""Chart builders over small hand-made frames shaped like the queries' output."""

import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s400tracker import charts
from s400tracker.charts import base

T = pd.Timestamp
XSS = "<script>alert(1)</script>"


def deal(deal_id, buyer_code, buyer, **fields):
    row = dict(deal_id=deal_id, title=f"{buyer} contract", buyer_code=buyer_code, buyer=buyer,
               supplier_code="RUS", supplier="Russia", system="S-400", seller="Rosoboronexport",
               manufacturer="Almaz-Antey", status="delivered", signed_date="2017-12-29",
               date_precision="day", signed_start=T("2017-12-29"), year=2017, quantity=2.0,
               unit="battery", value_amount=2.5e9, value_currency="USD", value_usd_nominal=2.5e9,
               value_usd_constant=3.2e9, usd_base_year=2024, financing=None,
               confidence="confirmed", sources="s1")
    return row | fields


def deals_frame(*rows):
    return pd.DataFrame(list(rows)).astype({"year": "Int64"})


def delivery(delivery_id, date, precision, quantity, unit, buyer_code="TUR", buyer="Turkey",
             basis="batch", planned=False, **fields):
    start = {"day": T(date), "month": T(f"{date}-01"), "year": T(f"{date}-01-01")}[precision]
    row = dict(delivery_id=delivery_id, deal_id=f"{buyer_code}-1", buyer_code=buyer_code, buyer=buyer,
               date=date, date_precision=precision, date_start=start, quantity=quantity, unit=unit,
               quantity_qualifier="exact", quantity_note=None, basis=basis, planned=planned,
               confidence="reported", description="handed over", sources="s2")
    return row | fields


def event(event_id, date, type_, countries, title="An event", buyer_code=None):
    return dict(event_id=event_id, date=date, date_precision="day", date_start=T(date), type=type_,
                countries=countries, title=title, description="d", confidence="confirmed",
                deal_id=None, buyer_code=buyer_code, sources="s3")


def payment(deal_id, kind, usd, date="2019-09-01"):
    return dict(payment_id=f"pay-{kind}", deal_id=deal_id, buyer_code="IND", buyer="India",
                payer="MoD", payee="Rosoboronexport", date=date, date_precision="day",
                date_start=T(date), amount=usd, currency="USD", usd_nominal=usd,
                usd_constant=usd * 1.25, kind=kind, confidence="reported", description="d", sources="s")


def trace(fig, name):
    """The one trace called ``name`` that carries data (legend-only entries have x=[None])."""
    found = [t for t in fig.data if t.name == name and list(t.x) != [None]]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


# --- timeline ------------------------------------------------------------------------

def test_timeline_has_a_lane_per_buyer_and_axis_titles():
    deals = deals_frame(deal("TUR-2017", "TUR", "Turkey"),
                        deal("CHN-2014", "CHN", "China", signed_start=T("2014-09-01"),
                             signed_date="2014-09", date_precision="month"))
    fig = charts.timeline_figure(deals, pd.DataFrame(), pd.DataFrame())
    # Lanes in order of each buyer's first dated record: China signed first.
    assert list(fig.layout.yaxis.ticktext) == ["China", "Turkey"]
    assert fig.layout.xaxis.title.text == "Date" and fig.layout.yaxis.title.text == "Buyer"
    assert fig.layout.template.layout.paper_bgcolor is not None  # plotly_white applied


def test_day_precision_is_a_filled_marker_and_month_a_span_with_hollow_marker():
    deliveries = pd.DataFrame([delivery("a", "2019-07-12", "day", 1.0, "battery"),
                               delivery("b", "2019-09", "month", 1.0, "battery")])
    fig = charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame())
    markers = trace(fig, "Delivery (actual)")
    assert list(markers.marker.symbol) == ["circle", "circle-open"]
    assert markers.x[0] == T("2019-07-12")
    span = trace(fig, "Delivery (actual) · span")
    assert list(span.x) == [T("2019-09-01"), T("2019-09-30"), None]  # the whole month
    assert T("2019-09-01") < markers.x[1] < T("2019-09-30")         # marker inside, not on a day edge


def test_year_precision_spans_the_whole_year():
    deliveries = pd.DataFrame([delivery("a", "2022", "year", 1.0, "squadron", "IND", "India")])
    span = trace(charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame()),
                 "Delivery (actual) · span")
    assert list(span.x[:2]) == [T("2022-01-01"), T("2022-12-31")]


def test_planned_deliveries_are_hollow_with_their_own_legend_entry():
    deliveries = pd.DataFrame([delivery("p", "2026-03-01", "day", 1.0, "squadron", planned=True)])
    fig = charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame())
    assert list(trace(fig, "Delivery planned").marker.symbol) == ["circle-open"]
    assert any(t.name == "Delivery planned" and t.showlegend is not False for t in fig.data)
    assert not [t for t in fig.data if t.name == "Delivery (actual)"]


def test_a_plan_whose_date_has_passed_is_never_drawn_as_merely_planned():
    deliveries = pd.DataFrame([delivery("late", "2026-11", "month", 1.0, "squadron", planned=True, schedule="overdue"),
                               delivery("due", "2027", "year", 1.0, "squadron", planned=True, schedule="planned")])
    fig = charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame())
    overdue = trace(fig, "Planned, date passed (unconfirmed)")
    assert list(overdue.marker.symbol) == ["circle-x-open"] and "no report of arrival" in overdue.hovertext[0]
    assert len(trace(fig, "Delivery planned").hovertext) == 1


def test_cumulative_totals_are_not_drawn_as_batches():
    deliveries = pd.DataFrame([delivery("t", "2020", "year", 4.0, "battery", basis="cumulative")])
    fig = charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame())
    assert not [t for t in fig.data if t.name == "Delivery (actual)"]
    assert "total delivered as of 2020" in trace(fig, "Reported total to date").hovertext[0]


def test_events_go_on_the_lanes_of_involved_countries_and_groups_differ():
    deliveries = pd.DataFrame([delivery("a", "2019-07-12", "day", 1.0, "battery")])
    events = pd.DataFrame([
        event("e1", "2019-07-17", "programme_suspension", "TUR; USA", "F-35 suspension"),
        event("e2", "2020-12-14", "sanctions", "TUR; USA", "CAATSA", buyer_code="TUR"),
        event("e3", "2020-10-16", "test", "TUR"),
        event("e4", "2021-01-01", "statement", "USA"),  # no lane: dropped
    ])
    fig = charts.timeline_figure(pd.DataFrame(), deliveries, events)
    suspension = trace(fig, "Programme suspension (e.g. F-35)")
    sanctions = trace(fig, "Sanctions")
    assert suspension.marker.symbol[0] != sanctions.marker.symbol[0]
    assert suspension.marker.color != sanctions.marker.color
    assert list(trace(fig, "Test firing").marker.symbol) == ["star"]
    assert not [t for t in fig.data if t.name == "Other event"]
    assert trace(fig, "Sanctions · rule").line.dash == "dot"


def test_legend_explains_the_precision_encoding():
    deliveries = pd.DataFrame([delivery("a", "2019-07-12", "day", 1.0, "battery")])
    names = {t.name for t in charts.timeline_figure(pd.DataFrame(), deliveries, pd.DataFrame()).data}
    assert {"day known", "month/year only: span"} <= names


def test_hover_text_and_labels_are_escaped():
    deals = deals_frame(deal("X", "TUR", f"Turkey{XSS}", title=XSS))
    events = pd.DataFrame([event("e", "2019-07-17", "test", "TUR", title=XSS)])
    fig = charts.timeline_figure(deals, pd.DataFrame(), events)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trace(fig, "Contract signed").hovertext[0]
    assert "&lt;script&gt;" in trace(fig, "Test firing").hovertext[0]
    assert "<script>" not in fig.to_json()


def test_timeline_height_grows_with_lanes():
    one = deals_frame(deal("A", "TUR", "Turkey"))
    many = deals_frame(*(deal(f"D{i}", f"C{i:02d}", f"Country {i}") for i in range(8)))
    empty = (pd.DataFrame(), pd.DataFrame())
    assert charts.timeline_figure(many, *empty).layout.height > charts.timeline_figure(one, *empty).layout.height


# --- cumulative deliveries -------------------------------------------------------------

def cumulative_input():
    return pd.DataFrame([
        delivery("a", "2019-07-25", "day", 1.0, "battery"),
        delivery("b", "2019-09-15", "day", 1.0, "battery"),
        delivery("c", "2019-07-12", "day", np.nan, None),                       # no quantity: skipped
        delivery("d", "2019-08", "month", 36.0, "fire_unit"),
        delivery("t", "2020", "year", 4.0, "battery", basis="cumulative"),       # stated total
        delivery("i", "2021-12", "month", 1.0, "squadron", "IND", "India"),
        delivery("j", "2022", "year", 1.0, "squadron", "IND", "India"),
        delivery("p", "2026", "year", 1.0, "squadron", "IND", "India", planned=True),
    ])


def test_cumulative_sums_per_buyer_and_unit_and_keeps_totals_apart():
    frame = charts.cumulative_deliveries(cumulative_input())
    actual = frame[frame["kind"] == "actual"]
    by_series = actual.groupby("series")["cumulative"].apply(list).to_dict()
    assert by_series == {"Turkey · battery": [1.0, 2.0], "Turkey · fire_unit": [36.0],
                         "India · squadron": [1.0, 2.0]}
    totals = frame[frame["kind"] == "reported total"]
    assert list(zip(totals["series"], totals["cumulative"])) == [("Turkey · battery", 4.0)]
    planned = frame[frame["kind"] == "planned"]
    assert list(planned["cumulative"]) == [3.0]  # continues from the two actual squadrons
    assert "c" not in set(frame.get("delivery_id", []))
    assert len(frame) == 7


def test_cumulative_figure_steps_dashes_and_reported_markers():
    fig = charts.cumulative_figure(charts.cumulative_deliveries(cumulative_input()))
    line = trace(fig, "Turkey · battery")
    assert line.line.shape == "hv" and list(line.y) == [1.0, 2.0]
    assert trace(fig, "India · squadron · planned").line.dash == "dash"
    reported = trace(fig, "Turkey · battery · reported total")
    assert list(reported.y) == [4.0] and reported.mode == "markers"
    assert trace(fig, "Turkey · battery · reported total · span").x[1] == T("2020-12-31")
    assert fig.layout.yaxis.title.text == "Units delivered (cumulative, per unit type)"
    assert fig.layout.xaxis.title.text == "Date"


# --- money flows ------------------------------------------------------------------------

def money_deals():
    return deals_frame(
        deal("IND-2018", "IND", "India", value_usd_nominal=5.43e9, value_usd_constant=6.8e9),
        deal("TUR-2017", "TUR", "Turkey", seller=None, status="delivering"),
        deal("SRB-2019", "SRB", "Serbia", status="cancelled"),            # not owed
        deal("EGY-2018", "EGY", "Egypt", status="negotiating"),           # not owed
        deal("BLR-2021", "BLR", "Belarus", value_usd_nominal=np.nan, value_usd_constant=np.nan),
    )


def test_money_flows_conserve_each_deal_value():
    flows = charts.money_flows(money_deals(), pd.DataFrame([payment("IND-2018", "advance", 8.5e8)]),
                               "nominal")
    from_buyer = flows[flows["source"].isin(["India", "Turkey", "Serbia", "Egypt", "Belarus"])]
    assert from_buyer.groupby("source")["value"].sum().to_dict() == pytest.approx(
        {"India": 5.43e9, "Turkey": 2.5e9})
    india = from_buyer[from_buyer["source"] == "India"].set_index("target")["value"]
    assert india["Advance payment"] == pytest.approx(8.5e8)
    assert india["Balance (terms not public)"] == pytest.approx(5.43e9 - 8.5e8)
    assert ("Advance payment", "Rosoboronexport") in set(zip(flows["source"], flows["target"]))
    assert "Exporter not stated" in set(flows["target"])              # Turkey's seller is None
    # Conserved end to end: everything owed reaches the manufacturer.
    assert flows[flows["target"] == "Almaz-Antey"]["value"].sum() == pytest.approx(5.43e9 + 2.5e9)


def test_payments_beyond_the_deal_value_are_capped():
    pays = pd.DataFrame([payment("TUR-2017", "advance", 2e9, "2018-01-01"),
                         payment("TUR-2017", "state_loan", 1e9, "2019-01-01")])
    flows = charts.money_flows(deals_frame(deal("TUR-2017", "TUR", "Turkey")), pays, "nominal")
    turkey = flows[flows["source"] == "Turkey"].set_index("target")["value"]
    assert turkey.to_dict() == pytest.approx({"Advance payment": 2e9, "State loan": 0.5e9})
    assert "Balance (terms not public)" not in turkey


def test_constant_basis_uses_constant_columns_and_original_falls_back_to_nominal():
    pays = pd.DataFrame([payment("IND-2018", "advance", 8.5e8)])
    deals = money_deals()
    constant = charts.money_flows(deals, pays, "constant")
    assert constant[constant["source"] == "India"]["value"].sum() == pytest.approx(6.8e9)
    assert constant[constant["target"] == "Advance payment"]["value"].sum() == pytest.approx(8.5e8 * 1.25)
    pd.testing.assert_frame_equal(charts.money_flows(deals, pays, "original"),
                                  charts.money_flows(deals, pays, "nominal"))
    with pytest.raises(ValueError, match="basis"):
        charts.money_flows(deals, pays, "real")


def test_own_manufacturer_as_seller_makes_no_loop():
    flows = charts.money_flows(deals_frame(deal("R", "RUS", "Russia", seller="Almaz-Antey")),
                               pd.DataFrame(), "nominal")
    assert not ((flows["source"] == "Almaz-Antey") & (flows["target"] == "Almaz-Antey")).any()


def test_sankey_labels_escaped_and_hover_in_money():
    flows = charts.money_flows(deals_frame(deal("X", "TUR", XSS)), pd.DataFrame(), "nominal")
    fig = charts.sankey_figure(flows, "nominal US$")
    sankey = fig.data[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sankey.node.label
    assert sankey.link.customdata[0] == "US$ 2.50 bn (nominal US$)"
    assert "<script>" not in fig.to_json()


# --- value by year ----------------------------------------------------------------------

def value_deals():
    return deals_frame(
        deal("A", "TUR", "Turkey"),
        deal("B", "TUR", "Turkey", value_amount=1e9, value_usd_nominal=1e9, value_usd_constant=1.5e9),
        deal("C", "IND", "India", year=2018, value_amount=390e9, value_currency="INR",
             value_usd_nominal=5.43e9, value_usd_constant=6.8e9),
        deal("D", "SRB", "Serbia", status="cancelled", value_currency="EUR"),
        deal("E", "QAT", "Qatar", status="interest"),
    )


def test_value_by_year_nominal_and_constant_select_their_column():
    nominal = charts.value_by_year(value_deals(), "nominal").set_index(["year", "buyer"])["value_bn"]
    assert nominal.to_dict() == pytest.approx({(2017, "Turkey"): 3.5, (2018, "India"): 5.43})
    constant = charts.value_by_year(value_deals(), "constant").set_index(["year", "buyer"])["value_bn"]
    assert constant.to_dict() == pytest.approx({(2017, "Turkey"): 4.7, (2018, "India"): 6.8})


def test_value_by_year_original_groups_by_currency():
    frame = charts.value_by_year(value_deals(), "original")
    assert set(frame["series"]) == {"Turkey · USD", "India · INR"}
    fig = charts.value_by_year_figure(frame, "original")
    assert {t.name for t in fig.data} == {"Turkey · USD", "India · INR"}
    assert trace(fig, "India · INR").yaxis != trace(fig, "Turkey · USD").yaxis  # no shared scale
    assert fig.layout.yaxis.title.text == "Contract value (original currency, bn)"


def test_value_by_year_figure_titles_and_stacking():
    frame = charts.value_by_year(value_deals(), "constant")
    fig = charts.value_by_year_figure(frame, "constant", 2024)
    assert fig.layout.yaxis.title.text == "Contract value (US$ bn, constant 2024)"
    assert fig.layout.barmode == "relative"
    nominal = charts.value_by_year_figure(charts.value_by_year(value_deals(), "nominal"), "nominal")
    assert nominal.layout.yaxis.title.text == "Contract value (US$ bn, nominal)"
    assert "US$ 3.50 bn" in trace(nominal, "Turkey").hovertext[0]


# --- empty input --------------------------------------------------------------------------

@pytest.mark.parametrize("empty", [pd.DataFrame(), None])
def test_empty_frames_do_not_crash(empty):
    assert len(charts.timeline_figure(empty, empty, empty).data) == 0
    assert charts.cumulative_deliveries(empty).empty
    assert len(charts.cumulative_figure(empty).data) == 0
    assert charts.money_flows(empty, empty, "nominal").empty
    assert len(charts.sankey_figure(empty, "nominal US$").data) == 0
    for basis in ("nominal", "constant", "original"):
        assert charts.value_by_year(empty, basis).empty
        assert len(charts.value_by_year_figure(empty, basis, 2024).data) == 0


def test_frames_with_columns_but_no_usable_rows_give_empty_results():
    deliveries = pd.DataFrame([delivery("c", "2019-07-12", "day", np.nan, None)])
    assert charts.cumulative_deliveries(deliveries).empty
    assert len(charts.cumulative_figure(charts.cumulative_deliveries(deliveries)).data) == 0
    cancelled = deals_frame(deal("S", "SRB", "Serbia", status="cancelled"))
    assert len(charts.sankey_figure(charts.money_flows(cancelled, pd.DataFrame(), "nominal"), "x").data) == 0
    assert charts.value_by_year(cancelled, "original").empty


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120) | st.sampled_from(["Contract signed: 2017 (year only)", " padded ", "a\tb",
                                                     "x" * 70, "y" * 71, "two  spaces", ""]))
def test_hover_lines_wrap_exactly_as_textwrap_would(text):
    assert base.wrapped_lines(text) == (textwrap.wrap(text, base.HOVER_WIDTH) or [""])


def test_value_by_year_sums_buyers_beyond_the_largest_as_others():
    many = deals_frame(*[deal(f"D{i}", f"B{i:02d}", f"Buyer {i:02d}", value_usd_nominal=float(i + 1) * 1e9,
                              value_amount=float(i + 1) * 1e9) for i in range(20)])
    frame = charts.value_by_year(many, "nominal")
    assert frame["series"].nunique() == charts.MAX_BUYER_SERIES
    others = frame[frame["buyer"].str.startswith("Other buyers")]
    assert set(others["buyer"]) == {"Other buyers (9)"}
    assert others["value_bn"].sum() == pytest.approx(sum(range(1, 10)))  # the nine smallest
    assert frame["value_bn"].sum() == pytest.approx(sum(range(1, 21)))  # nothing lost


def test_money_flows_fold_buyers_beyond_the_largest_into_one_node():
    many = deals_frame(*[deal(f"D{i}", f"B{i:02d}", f"Buyer {i:02d}", value_usd_nominal=float(i + 1) * 1e9)
                         for i in range(20)])
    flows = charts.money_flows(many, pd.DataFrame(), "nominal")
    buyers = set(flows.loc[flows["target"] == charts.PAYMENT_LABELS["balance"], "source"])
    assert len(buyers) == charts.MAX_BUYER_SERIES and "Other buyers (9)" in buyers
    assert flows.loc[flows["source"] == "Other buyers (9)", "value"].sum() == pytest.approx(sum(range(1, 10)) * 1e9)
