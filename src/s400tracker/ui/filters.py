"""The shared filter sidebar, kept in the session and mirrored into the URL.

The URL decides on a session's first run (a shared link), the widgets after that; the
filters live in a plain session key because Streamlit clears the query string on a page
change, and are written back to the URL on every run so a copied link reproduces the view.
"""

import streamlit as st

from .. import filters as flt
from ..text import md_escape
from ..schema import CONFIDENCE, DEAL_STATUS, ORIGIN
from . import data

STATE = "s400_filters"
WARNINGS = "s400_link_warnings"
BASIS_LABELS = {"nominal": "Nominal USD", "constant": "Constant USD", "original": "Original currency"}
WIDGETS = {"buyers": "f_buyers", "suppliers": "f_suppliers", "years": "f_years",
           "statuses": "f_statuses", "confidences": "f_confidences", "origins": "f_origins",
           "basis": "f_basis"}


def current() -> flt.Filters:
    """The view's filters (defaults before the sidebar has run)."""
    return st.session_state.get(STATE, flt.Filters())


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _seed_from_url(options: dict) -> None:
    """First run of a session: take the filters from the link, remember what was ignored."""
    filters, warnings = flt.from_query(_url_params(), frozenset(options["buyers"]),
                                       frozenset(options["suppliers"]))
    filters, narrowed = flt.within_span(filters, options["years"])
    st.session_state[STATE] = filters
    st.session_state[WARNINGS] = warnings + narrowed


def _widget_values(filters: flt.Filters, span: tuple[int, int]) -> dict:
    return {"buyers": list(filters.buyers), "suppliers": list(filters.suppliers),
            "years": filters.years or span, "statuses": list(filters.statuses),
            "confidences": list(filters.confidences), "origins": list(filters.origins), "basis": filters.basis}


def _on_change(span: tuple[int, int]) -> None:
    """A widget changed: rebuild the filters from every widget; the link's warnings are done."""
    state, old = st.session_state, current()
    years = tuple(state.get(WIDGETS["years"], span))
    st.session_state[STATE] = flt.Filters(
        buyers=tuple(state.get(WIDGETS["buyers"], old.buyers)),
        suppliers=tuple(state.get(WIDGETS["suppliers"], old.suppliers)),
        years=None if years == tuple(span) else years,
        statuses=tuple(state.get(WIDGETS["statuses"], old.statuses)),
        confidences=tuple(state.get(WIDGETS["confidences"], old.confidences)),
        basis=state.get(WIDGETS["basis"], old.basis),
        origins=tuple(state.get(WIDGETS["origins"], old.origins)))
    st.session_state[WARNINGS] = []


def _reset() -> None:
    for key in WIDGETS.values():
        st.session_state.pop(key, None)
    st.session_state[STATE] = flt.Filters()
    st.session_state[WARNINGS] = []


def _draw_widgets(options: dict, show_basis: bool) -> None:
    span = options["years"]
    values = _widget_values(current(), span)
    for name, key in WIDGETS.items():
        if key not in st.session_state:  # seed a widget from the filters, never both value and key
            st.session_state[key] = values[name]
    names = {**options["buyers"], **options["suppliers"]}
    common = {"on_change": _on_change, "args": (span,)}
    st.multiselect("Buyer", list(options["buyers"]), format_func=names.get, key=WIDGETS["buyers"],
                   placeholder="All buyers", **common)
    st.multiselect("Supplier", list(options["suppliers"]), format_func=names.get,
                   key=WIDGETS["suppliers"], placeholder="All suppliers", **common)
    st.slider("Years", span[0], span[1], key=WIDGETS["years"], **common)
    st.multiselect("Deal status", list(DEAL_STATUS), key=WIDGETS["statuses"], placeholder="Any status", **common)
    st.multiselect("Confidence", list(CONFIDENCE), key=WIDGETS["confidences"], placeholder="Any confidence", **common)
    st.multiselect("Origin", list(ORIGIN), key=WIDGETS["origins"], placeholder="Curated and imported",
                   help="Curated: the project's sourced data. Imported: records added from files or the claim form.",
                   **common)
    if show_basis:
        st.radio("Money basis", list(flt.BASES), format_func=BASIS_LABELS.get, key=WIDGETS["basis"], **common)


def share_link(filters: flt.Filters) -> str:
    """The full URL of the current page with the view's filters."""
    base = (st.context.url or "").split("?", 1)[0]
    query = filters.query_string()
    return f"{base}?{query}" if query else base


def sidebar(show_basis: bool = False) -> flt.Filters:
    """Draw the filter sidebar, sync the URL, show the share link; return the filters."""
    options = data.options()
    if STATE not in st.session_state:
        _seed_from_url(options)
    with st.sidebar:
        st.header("Filters")
        _draw_widgets(options, show_basis)
        st.button("Reset filters", on_click=_reset, width="stretch")
    filters = current()
    st.query_params.from_dict(filters.to_query())
    with st.sidebar:
        st.caption("Copy link to this view")
        st.code(share_link(filters), language=None, wrap_lines=True)
    return filters


def link_warnings() -> None:
    """Tell the user which parts of the link they opened were ignored."""
    warnings = st.session_state.get(WARNINGS) or []
    if warnings:
        st.warning("Parts of this link were ignored; the rest is applied.\n\n"
                   + "\n".join(f"- {md_escape(w)}" for w in warnings), icon=":material/link_off:")
