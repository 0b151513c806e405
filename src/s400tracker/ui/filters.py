"""The shared filter sidebar, drawn from the filter records, kept in the session and mirrored into the URL.

The URL decides on a session's first run (a shared link), the widgets after that; the
filters live in a plain session key because Streamlit clears the query string on a page
change, and are written back to the URL on every run so a copied link reproduces the view.
Each widget is the record's (``filters.FILTERS``): codes and words are multiselects, the
year range a slider, a switch a toggle, a choice a radio on the pages that use it.
"""

from dataclasses import replace

import streamlit as st

from .. import filters as flt
from ..text import md_escape
from . import data

STATE = "s400_filters"
WARNINGS = "s400_link_warnings"


def widget_key(f: flt.Filter) -> str:
    """The session key of a filter's sidebar widget, e.g. 'f_buyers'."""
    return f"f_{f.attribute}"


def current() -> flt.Filters:
    """The view's filters (defaults before the sidebar has run)."""
    return st.session_state.get(STATE, flt.Filters())


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _seed_from_url(choices: flt.Choices) -> None:
    """First run of a session: take the filters from the link, remember what was ignored."""
    st.session_state[STATE], st.session_state[WARNINGS] = flt.from_query(_url_params(), choices)


def _widget_value(f: flt.Filter, value, choices: flt.Choices):
    if isinstance(f, flt.YearRange):
        return value or choices.years
    if isinstance(f, flt.Switch):
        return value == f.on
    return list(value) if isinstance(value, tuple) else value


def _filter_value(f: flt.Filter, widget, choices: flt.Choices):
    """The filter's value from its widget's; a slider over the whole span restricts nothing."""
    if isinstance(f, flt.YearRange):
        return None if tuple(widget) == tuple(choices.years) else tuple(widget)
    if isinstance(f, flt.Switch):
        return f.on if widget else f.default
    return tuple(widget) if isinstance(widget, list) else widget


def _on_change(choices: flt.Choices) -> None:
    """A widget changed: rebuild the filters from every widget; the link's warnings are done."""
    state, old = st.session_state, current()
    values = {f.attribute: _filter_value(f, state[widget_key(f)], choices) for f in flt.FILTERS
              if widget_key(f) in state}
    st.session_state[STATE] = replace(old, **values)
    st.session_state[WARNINGS] = []


def _reset() -> None:
    for f in flt.FILTERS:
        st.session_state.pop(widget_key(f), None)
    st.session_state[STATE] = flt.Filters()
    st.session_state[WARNINGS] = []


def _draw(f: flt.Filter, choices: flt.Choices) -> None:
    """The record's widget, seeded from the view and calling back on change."""
    common = {"key": widget_key(f), "on_change": _on_change, "args": (choices,), "help": f.help}
    if isinstance(f, flt.Codes):
        offered = choices.codes.get(f.key, {})
        st.multiselect(f.label, list(offered), format_func=offered.get, placeholder=f.placeholder, **common)
    elif isinstance(f, flt.Words):
        st.multiselect(f.label, list(f.vocabulary), placeholder=f.placeholder, **common)
    elif isinstance(f, flt.YearRange):
        st.slider(f.label, *choices.years, **common)
    elif isinstance(f, flt.Switch):
        st.toggle(f.label, **common)
    elif isinstance(f, flt.Choice):
        st.radio(f.label, list(f.options), format_func=f.label_of, **common)


def _shown_filters(page: str, choices: flt.Choices) -> list[flt.Filter]:
    """The records with a widget on ``page``: a choice only where it is used, years only when dated."""
    shown = [f for f in flt.FILTERS if not isinstance(f, flt.Choice) or not f.pages or page in f.pages]
    return [f for f in shown if not isinstance(f, flt.YearRange) or choices.years is not None]


def _draw_widgets(page: str, choices: flt.Choices) -> None:
    view = current()
    for f in _shown_filters(page, choices):
        if widget_key(f) not in st.session_state:  # seed a widget from the filters, never both value and key
            st.session_state[widget_key(f)] = _widget_value(f, getattr(view, f.attribute), choices)
        _draw(f, choices)


def share_link(filters: flt.Filters) -> str:
    """The full URL of the current page with the view's filters."""
    base = (st.context.url or "").split("?", 1)[0]
    query = filters.query_string()
    return f"{base}?{query}" if query else base


def sidebar(page: str) -> flt.Filters:
    """Draw the filter sidebar for ``page`` (its URL path), sync the URL, show the share link;
    return the filters."""
    choices = data.choices()
    if STATE not in st.session_state:
        _seed_from_url(choices)
    with st.sidebar:
        st.header("Filters")
        _draw_widgets(page, choices)
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
