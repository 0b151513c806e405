"""Tables with row selection and CSV downloads of what they show, or of the selected rows."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

MAX_ROWS_SHOWN = 1000  # rows drawn on screen; the downloads always hold every row


@dataclass(frozen=True)
class TableRows:
    """What a table needs: the rows on screen, how many there are in all, and every row on demand."""

    shown: pd.DataFrame
    total: int
    everything: Callable[[], pd.DataFrame]
    view: object = None  # the Filters the rows are of, when a query gave them (for the table's API link)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "TableRows":
        """A table of a frame already in memory (first MAX_ROWS_SHOWN rows on screen)."""
        return cls(frame.head(MAX_ROWS_SHOWN), len(frame), lambda: frame)


def data_table(rows: TableRows, key: str, to_csv: Callable[[pd.DataFrame], bytes], file_name: str,
               columns: list[str] | None = None, column_config: dict | None = None) -> pd.DataFrame:
    """Show ``rows`` (only ``columns`` on screen) with multi-row selection and download buttons.

    At most MAX_ROWS_SHOWN rows are drawn, with a note saying so: a million rows sent to the
    browser is megabytes nobody reads. "Download CSV" gives every row (after filters), "Download
    selected" the chosen rows; both CSVs are made when clicked, not on every rerun.
    Returns the selected rows.
    """
    capped = rows.shown.head(MAX_ROWS_SHOWN)
    shown = capped[columns] if columns else capped
    event = st.dataframe(shown, key=key, on_select="rerun", selection_mode="multi-row",
                         hide_index=True, column_config=column_config, placeholder="—")
    if rows.total > len(capped):
        st.caption(f"Showing the first {len(capped):,} of {rows.total:,} rows. "
                   "Download CSV has every row; narrow the filters to see others here.")
    selected = capped.iloc[event.selection.rows] if event.selection.rows else capped.iloc[0:0]
    left, right = st.columns(2)
    left.download_button(f"Download CSV ({rows.total:,} rows)", lambda: to_csv(rows.everything()),
                         file_name=file_name, mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                         on_click="ignore")
    if len(selected):
        right.download_button(f"Download selected ({len(selected)} rows)", lambda: to_csv(selected),
                              file_name=file_name.replace(".csv", "-selected.csv"), mime="text/csv",
                              key=f"{key}_selected_csv", icon=":material/download:", on_click="ignore")
    return selected
