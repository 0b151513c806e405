"""Import: a SIPRI trade register, table CSVs, or claims read in an article; preview, then commit."""

import streamlit as st

from s400tracker import config, importing, queries
from s400tracker.importers import claims_form
from s400tracker.ui import admin, layout
from s400tracker.ui.data import static
from s400tracker.ui.importing import claim_inputs, commit_section, preview, show_plan, staged_claims

layout.page_header("Import", "Add your own records beside the curated data: a SIPRI trade-register export, "
                   "table CSVs in this project's format, or the claims of an article you have just read. "
                   "Nothing is written until you commit, and a file is taken whole or not at all.")
if not admin.configured_password():
    admin.how_to_enable()
db_path = config.database_path()
file_tab, claim_tab, history_tab = st.tabs(["File", "Claim from an article", "History"])

with file_tab:
    # RTF is accepted only to be refused with advice: SIPRI's older print-style register.
    uploaded = st.file_uploader("SIPRI export (CSV) or table CSVs (CSV or zip)", type=["csv", "zip", "rtf"],
                                key="import_file")
    chosen = st.radio("Format", ["detect", *importing.FORMATS], horizontal=True, key="import_format")
    if uploaded is not None:
        data, fmt = uploaded.getvalue(), None if chosen == "detect" else chosen
        plan = preview(db_path, data, uploaded.name, fmt)
        if show_plan(plan):
            commit_section(db_path, data, uploaded.name, plan.format, key="file_commit")

with claim_tab:
    st.caption("Record what an article says, attributed to it. Add one or more claims, preview, then commit.")
    source = {"url": st.text_input("Article URL", key="claim_url", max_chars=2000),
              "title": st.text_input("Title", key="claim_title", max_chars=500),
              "publisher": st.text_input("Publisher", key="claim_publisher", max_chars=200),
              "published_date": st.text_input("Published (YYYY, YYYY-MM or YYYY-MM-DD)", key="claim_date",
                                               max_chars=10)}
    claim_inputs()
    claims = staged_claims()
    if claims:
        data = claims_form.document(source, claims)
        plan = preview(db_path, data, claims_form.FILE_NAME, "claim")
        if show_plan(plan):
            commit_section(db_path, data, claims_form.FILE_NAME, "claim", key="claim_commit")

with history_tab:
    history = static(queries.imports)
    if history.empty:
        st.caption("Nothing has been imported into this database yet.")
    else:
        st.dataframe(history, hide_index=True, placeholder="—")
