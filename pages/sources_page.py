"""Sources and conflicts: every source with the records it supports; every disputed field."""

import streamlit as st

from s400tracker import export, queries
from s400tracker.claims import field_label
from s400tracker.text import md_escape, safe_url
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import Load, disputes, prefetch, table, table_page
from s400tracker.ui.tables import TableRows, data_table

layout.page_header("Sources and conflicts", "Where every figure comes from, and where sources disagree: "
                   "each claim is kept with its source, one is preferred, and the reason is given.")
view = filters.current()
claims, _ = prefetch(view, Load.of(queries.disputed_claims),
                     table_page(queries.sources, supports_shown=queries.SUPPORTS_SHOWN))

st.header("Conflicts")
conflicts = disputes(view)
if conflicts.empty:
    layout.empty_state("disputed fields")
else:
    st.caption(f"{len(conflicts)} fields where sources disagree. Select one to see each claim side by side.")
    chosen = data_table(TableRows.of(conflicts), "conflicts", export.frame_csv, "conflicts.csv",
                        column_config={"preference_reason": records.TEXT_WIDE, "competing_values": records.TEXT_WIDE})
    for row in chosen.itertuples():
        side = claims[(claims["record_id"] == row.record_id) & (claims["field"] == row.field)]
        # Claimed values, ids and source titles are data: shown as text, never as Markdown.
        st.subheader(md_escape(f"{row.record_type} {row.record_id} · {field_label(row.record_type, row.field)}"))
        columns = st.columns(max(1, side["claimed_value"].nunique()))
        for column, (value, group) in zip(columns, side.groupby("claimed_value", sort=False)):
            with column:
                marker = "preferred" if group["preferred"].any() else "competing"
                st.metric(marker, md_escape(value))
                for claim in group.itertuples():
                    link = safe_url(claim.source)
                    st.caption(md_escape(f"{claim.publisher or ''}: {claim.source_title}"))
                    if link:
                        st.link_button("open source", link)

st.header("All sources")
records.sources_table(table(queries.sources, view, supports_shown=queries.SUPPORTS_SHOWN), key="sources_all")
