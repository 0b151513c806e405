"""Pure chart builders: pandas frames in, plotly figures (or tidy frames) out.

No streamlit or duckdb here: pages query, these functions draw. Only plotly.graph_objects
(plotly.express costs ~25x more per figure), and nothing that fetches (no geo traces).
Every data string that reaches the figure is escaped (``base.esc``), and every builder accepts
an empty frame and then returns an empty figure or frame.

One module per chart: ``timeline``, ``cumulative`` (deliveries over time) and ``money`` (the
Sankey and value by year); ``base`` holds what they share. The builders are imported here,
so callers write ``charts.timeline_figure``.
"""

from .cumulative import (CUMULATIVE_COLUMNS, MAX_SERIES, cumulative_deliveries, cumulative_figure,
                         cumulative_from_years, largest_series)
from .money import (MAX_BUYER_SERIES, PAYMENT_LABELS, VALUE_COLUMNS, money_flows, sankey_figure, value_by_year,
                    value_by_year_figure)
from .timeline import (DEAL_MARK_COLUMNS, EVENT_GROUPS, EVENT_MARK_COLUMNS, TIMELINE_MAX_MARKS, timeline_figure,
                       timeline_from_years)

__all__ = ["CUMULATIVE_COLUMNS", "DEAL_MARK_COLUMNS", "EVENT_GROUPS", "EVENT_MARK_COLUMNS",
           "MAX_BUYER_SERIES", "MAX_SERIES", "PAYMENT_LABELS", "largest_series", "TIMELINE_MAX_MARKS",
           "VALUE_COLUMNS", "cumulative_deliveries", "cumulative_figure", "cumulative_from_years", "money_flows",
           "sankey_figure", "timeline_figure", "timeline_from_years", "value_by_year", "value_by_year_figure"]
