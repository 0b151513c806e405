"""The import page's parts: the plan preview, the commit (admin only), the claim inputs."""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from .. import config, importing, progress, publish, queries
from ..importers import claims_form
from ..schema import CONFIDENCE, CURRENCY, DEAL_STATUS, EVENT_TYPE, PAYMENT_KIND, UNIT
from ..text import md_escape
from ..validate import DataError
from . import admin, data

STAGED = "staged_claims"
PREVIEWED = "import_previewed"  # (what was read, the plan, how long it took) of the last preview
T = TypeVar("T")


def _with_progress_bar(finished: str, run: Callable[[progress.Progress], T]) -> T:
    """Run ``run`` with a progress bar that shows each step's words and count. Done, the bar
    stays, full, saying how long it took (the outcome is shown below it); refused (an error), it
    stays where the run stopped, which says at which step."""
    bar = st.progress(0.0, text="Starting")
    started = time.perf_counter()

    def report(step: progress.Step, done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=progress.describe(step, done, total))
    result = run(report)
    bar.progress(1.0, text=f"{finished} in {time.perf_counter() - started:.1f} s")
    return result


def preview(db_path, payload: bytes, file_name: str, fmt: str | None) -> importing.ImportPlan:
    """What importing the file would do (importing.plan_import), under a progress bar.

    Planned once per file and database version: every widget on the page reruns it, and a whole
    register takes 15 s to plan. (A commit plans again under its lock, so a kept plan never
    decides what is written.)"""
    read = (hashlib.sha256(payload).hexdigest(), file_name, fmt, str(db_path), data.database_key())
    kept = st.session_state.get(PREVIEWED)
    if kept is not None and kept[0] == read:
        st.progress(1.0, text=f"Read and checked in {kept[2]:.1f} s")
        return kept[1]
    started = time.perf_counter()
    plan = _with_progress_bar("Read and checked", lambda report: importing.plan_import(
        db_path, payload, file_name, fmt, progress=report))
    st.session_state[PREVIEWED] = (read, plan, time.perf_counter() - started)
    return plan


def show_plan(plan: importing.ImportPlan) -> bool:
    """Show what the import would do, or every problem; True when it can be committed."""
    if plan.notices:
        with st.expander(f"{len(plan.notices)} note(s) on reading {md_escape(plan.file_name)}"):
            st.caption("What was repaired to read the file; none of these stops the import.")
            st.dataframe(pd.DataFrame([{"line": n.line, "column": n.column, "rule": n.rule, "note": n.message}
                                       for n in plan.notices]), hide_index=True, placeholder="—")
    if plan.problems:
        st.error(f"{md_escape(plan.file_name)} cannot be imported: {len(plan.problems)} problem(s). "
                 "Nothing was written.")
        st.dataframe(pd.DataFrame([{"file": p.file, "line": p.line, "column": p.column, "rule": p.rule,
                                    "problem": p.message} for p in plan.problems]), hide_index=True, placeholder="—")
        return False
    st.success(f"{md_escape(plan.file_name)} ({plan.format}): {plan.summary()}.")
    if plan.already_imported:
        st.caption(f"This exact file was imported before (import {plan.already_imported['import_id']}).")
    for table, rows in plan.added.items():
        if rows:
            with st.expander(f"{len(rows)} {table} to add"):
                st.dataframe(pd.DataFrame([row for _, row in rows]), hide_index=True)
    for table, rows in plan.changed.items():
        if rows:
            with st.expander(f"{len(rows)} {table} to change (brought by an earlier import)"):
                st.dataframe(pd.DataFrame([row for _, row in rows]), hide_index=True)
    if plan.conflicting:
        with st.expander(f"{len(plan.conflicting)} rows conflicting with curated records (left as they are)"):
            st.caption("To record a different value for a curated record, add it as a competing claim.")
            st.dataframe(pd.DataFrame(plan.conflicting), hide_index=True)
    return plan.writes_anything


def commit_section(db_path, payload: bytes, file_name: str, fmt: str, key: str) -> None:
    """The commit button, behind the admin password; reports the new data version."""
    if not admin.configured_password():
        return
    if publish.is_published_folder(config.configured_database()):
        st.info("This server serves a published database, which is never written in place. Commit the import "
                "on the writer's database, then publish it (`python -m s400tracker publish`): every replica "
                "serves it within seconds.", icon=":material/cloud_sync:")
        return
    allowed, who = admin.authorised(key)
    if st.button("Commit import", key=f"{key}_button", type="primary", disabled=not allowed):
        try:
            plan, result = _with_progress_bar("Import finished", lambda report: importing.commit_import(
                db_path, payload, file_name, who, fmt, progress=report))
        except DataError as error:
            st.error(f"Refused: {len(error.problems)} problem(s); nothing was written.")
            return
        if result is None:
            st.info("Nothing new: the database is unchanged.")
            return
        st.session_state.pop(STAGED, None)
        st.success(f"Committed by {md_escape(who)}: {plan.summary()}. Data version is now {result.version}.")


def _deal_choices() -> list[str]:
    return sorted(data.static(queries.deal_ids))


def claim_inputs() -> None:
    """Inputs for one claim of the chosen kind and an 'Add claim' button that stages it."""
    kind = st.selectbox("Claim", claims_form.CLAIM_KINDS, key="claim_kind")
    with st.form("claim_form", clear_on_submit=True):
        values = _FIELDS[kind]()
        if st.form_submit_button("Add claim"):
            st.session_state.setdefault(STAGED, []).append({"kind": kind, "values": values})


def staged_claims() -> list[dict]:
    """The claims added so far, listed with a way to clear them."""
    claims = st.session_state.get(STAGED, [])
    if claims:
        st.dataframe(pd.DataFrame([{"claim": c["kind"], **c["values"]} for c in claims]), hide_index=True,
                     placeholder="—")
        if st.button("Clear claims", key="clear_claims"):
            st.session_state[STAGED] = []
            st.rerun()
    return claims


def _text(label: str, key: str, limit: int = 500) -> str:
    return st.text_input(label, key=f"claim_{key}", max_chars=limit)


def _competing_value() -> dict:
    record_type = st.selectbox("Record type", ["deal", "delivery", "payment", "event"], key="claim_rt")
    return {"record_type": record_type, "record_id": _text("Record id (e.g. TUR-2017)", "rid", 80),
            "field": _text("Field (e.g. signed_date, value, quantity)", "field", 80),
            "claimed_value": _text("Value as the article states it (e.g. 2017-12, 2500000000 USD, 4 battery)", "value"),
            "note": _text("Note", "note")}


def _deal() -> dict:
    states = data.country_names()  # a claim's deal names its buyer by ISO3: states only
    countries = {code: name for code, name in data.choices().codes["buyer"].items() if code in states} | states
    return {"buyer_iso3": st.selectbox("Buyer", sorted(countries), format_func=countries.get, key="claim_buyer"),
            "supplier_iso3": "RUS", "system_id": "s400", "seller_org_id": "rosoboronexport",
            "status": st.selectbox("Status", DEAL_STATUS, key="claim_status"),
            "signed_date": _text("Signed (YYYY, YYYY-MM or YYYY-MM-DD)", "signed", 10),
            "quantity": _text("Quantity", "qty", 20), "unit": st.selectbox("Unit", ["", *UNIT], key="claim_unit"),
            "value_amount": _text("Value (full number)", "amount", 30),
            "value_currency": st.selectbox("Currency", ["", *CURRENCY], key="claim_currency"),
            "confidence": st.selectbox("Confidence", CONFIDENCE, index=1, key="claim_conf"),
            "title": _text("Title", "title")}


def _delivery() -> dict:
    return {"deal_id": st.selectbox("Deal", _deal_choices(), key="claim_deal"),
            "date": _text("Date (YYYY, YYYY-MM or YYYY-MM-DD)", "ddate", 10),
            "quantity": _text("Quantity", "dqty", 20), "unit": st.selectbox("Unit", ["", *UNIT], key="claim_dunit"),
            "basis": "batch",
            "planned": "true" if st.checkbox("Planned, not yet delivered", key="claim_planned") else "false",
            "confidence": st.selectbox("Confidence", CONFIDENCE, index=1, key="claim_dconf"),
            "description": _text("Description", "ddesc")}


def _payment() -> dict:
    return {"deal_id": st.selectbox("Deal", _deal_choices(), key="claim_pdeal"),
            "date": _text("Date (YYYY, YYYY-MM or YYYY-MM-DD)", "pdate", 10),
            "amount": _text("Amount (full number)", "pamount", 30),
            "currency": st.selectbox("Currency", CURRENCY, key="claim_pcur"),
            "kind": st.selectbox("Kind", PAYMENT_KIND, key="claim_pkind"),
            "confidence": st.selectbox("Confidence", CONFIDENCE, index=1, key="claim_pconf"),
            "description": _text("Description", "pdesc")}


def _event() -> dict:
    return {"date": _text("Date (YYYY, YYYY-MM or YYYY-MM-DD)", "edate", 10),
            "countries": _text("Countries (ISO3, separated by ;)", "ecountries", 200),
            "type": st.selectbox("Type", EVENT_TYPE, key="claim_etype"), "title": _text("Title", "etitle"),
            "description": _text("Description", "edesc", 2000),
            "confidence": st.selectbox("Confidence", CONFIDENCE, index=1, key="claim_econf"),
            "deal_id": st.selectbox("Deal (optional)", ["", *_deal_choices()], key="claim_edeal")}


_FIELDS = {"competing value": _competing_value, "deal": _deal, "delivery": _delivery, "payment": _payment,
           "event": _event}
