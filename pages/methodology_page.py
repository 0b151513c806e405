"""Methodology: what the words mean, how money is converted, the limits, and how to cite."""

import datetime as dt

import streamlit as st

from s400tracker import export, queries
from s400tracker.schema import CONFIDENCE, DEAL_STATUS, OPERATOR_STATUS
from s400tracker.ui import filters, layout
from s400tracker.ui.data import static, version

layout.page_header("Methodology", "How the data is built and what its words mean.")
info = version()

st.header("Sources and claims")
st.markdown("""
Every deal, delivery, payment and event cites at least one public source. Where sources disagree
on a field (a date, a quantity, a value, a status), **every claim is kept** with its source, and
one is marked **preferred** with the reason: an official statement by a party to the deal is
preferred over media reports, several independent reports over one. The Explorer shows the
competing claims beside the preferred value; *Sources and conflicts* lists them side by side.
The research behind the data is a sheet of 177 sourced rows, built in passes over the sources; each
record cites the row it came from. The data is as current as its last pass: every page says
"sources checked to" that date, and so does every download.
""")

st.header("Status and confidence")
st.markdown("""
**Deal status**: `interest` (a buyer said it wants the system), `negotiating` (talks reported),
`approved` (the buyer's government approved the purchase, no contract yet: nothing is owed),
`signed` (a contract or intergovernmental agreement), `delivering` (first deliveries made),
`delivered` (complete), `cancelled` (abandoned or refused).

**Operator status** of a country is derived from its deals and deliveries, never typed:
`operator` (an actual delivery, confirmed or reported), `on order` (a deal signed or delivering
but nothing delivered yet), `negotiating`, `interest`, `declined` (every deal cancelled). A
country's status is the strongest among its deals.

**Confidence**: `confirmed` (an official statement of a party, or several independent reports),
`reported` (one credible report, or one side's statements), `unconfirmed` (a single weak or
contested report). Unconfirmed deliveries do not make a country an operator.
""")
st.caption(f"Vocabularies: deal status {', '.join(DEAL_STATUS)}; operator status {', '.join(OPERATOR_STATUS)}; "
           f"confidence {', '.join(CONFIDENCE)}.")

st.header("Each purchase counted once")
st.markdown("""
A deal's **relation** says how it stands to another: a `contract` is a purchase; a `framework` (an
intergovernmental agreement) is carried out by the contracts under it; an `option` or an `amendment`
changes a contract. Totals add each purchase once: never a framework whose contract is on record
(India's 2016 agreement and its 2018 contract are one purchase), nor an option or amendment of a deal
on record, and only contracted deals (signed, delivering, delivered). The overview's total names the
deals it sums and lists them; the deals CSV says it per deal (`counted_in_totals`, `counting_reason`).

A **planned** delivery whose date has passed with no report of its arrival is shown as *overdue*
(date passed, unconfirmed), never left looking merely planned.
""")

st.header("Dates and their precision")
st.markdown("""
Each date carries its precision: **day**, **month** or **year**. A date known only to the month is
written `2017-12` and drawn as a span over that month, never as a single day; a year-only date is
`2017`, drawn across the year. Where a source is undated, the coarsest honest year is used and
the record's note says so.
""")

st.header("Money")
st.markdown(f"""
Values are kept **as reported**, in their currency (USD, EUR, RUB, INR, CHF, CNY), with hedges such
as "more than" or "about". The build converts each figure:

- **Nominal USD**: at the annual average exchange rate of the deal's signing year (announcement
  year when no signing date is known), from ECB reference rates (Federal Reserve and Bank of Russia
  averages where the ECB has no full year).
- **Constant USD**: nominal USD scaled by the US CPI-U annual average, to **{info['usd_base_year']}** dollars:
  constant = nominal x CPI({info['usd_base_year']}) / CPI(year).
- An annual rate can mislead for a volatile year (the rouble moved from 74 to 105 per dollar in two
  months of 2022). No rouble rate is published for 2024 here, so a 2024 RUB figure has no USD value.
- SIPRI's trend-indicator values (TIV) measure volume, not money, and are never added to contract values.
""")
stored = static(queries.table_row_counts).set_index("table")["rows"]
st.caption(f"{stored['conversions']:,} money figures in the data are converted this way; the Money page "
           "shows each conversion under the current filters.")

st.header("Limits")
st.markdown("""
Arms deals are often secret. Quantities are given in the units each source uses (regiment, battalion,
battery, squadron, fire unit, launcher, missile) and **are not interchangeable**, so they are never
added across units. Contract values are often single reports; prices may include missiles,
training and support. Absence from the data is not evidence that no deal exists.
""")

st.header("How to cite")
link = filters.share_link(filters.current())
citation = export.citation_text(info["version"], info["sources_checked_to"], link, dt.date.today())
st.code(citation, language=None, wrap_lines=True)
st.caption("The link reproduces the current view, filters included. The data version identifies the exact "
           "dataset: the same version always means the same data.")
