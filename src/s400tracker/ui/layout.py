"""Page furniture shared by every page: header, empty states, the data version line."""

import streamlit as st

from ..dates import date_in_words
from . import data


def page_header(title: str, caption: str) -> None:
    """The page title and a one-line purpose."""
    st.title(title)
    st.caption(caption)


def empty_state(what: str) -> None:
    """Say plainly that nothing matches, instead of drawing an empty chart."""
    st.info(f"No {what} match these filters. Widen the filters in the sidebar, or reset them.",
            icon=":material/filter_alt_off:")


def version_line() -> str:
    """'Data version abc123 · sources checked to November 2025' for captions and footers."""
    version = data.version()
    checked = date_in_words(version["as_of"], version["as_of_precision"])
    return f"Data version {version['version']}" + (f" · sources checked to {checked}" if checked else "")


def footer() -> None:
    """The data version and build time under every page."""
    version = data.version()
    st.divider()
    st.caption(f"{version_line()} · built {version['built_at']:%Y-%m-%d %H:%M} UTC · "
               f"constant dollars in {version['usd_base_year']} USD · every figure links to its public source")


def legend(items: list[tuple[str, str]]) -> None:
    """A colour legend from fixed (label, hex colour) pairs of the code, never from data."""
    chips = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:1rem">'
        f'<span style="width:0.9rem;height:0.9rem;border-radius:2px;background:{colour};'
        f'border:1px solid #999;margin-right:0.35rem"></span>{label}</span>'
        for label, colour in items)
    st.html(f'<div style="font-size:0.85rem">{chips}</div>')
