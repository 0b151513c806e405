"""What the overview reads, named once: the page loads it, and the server's warm-up loads the same
for the default view before the first visitor arrives (server/warmup.py)."""

from .. import aggregates, queries
from .data import Load, table_page

LATEST_EVENTS = 6
# Deals summed per country pair and deliveries per unit, in SQL (never a row per record), the
# operators' statuses, the deals the total counts and the latest events.
LOADS = (Load.of(aggregates.deal_pairs), Load.of(aggregates.delivered_units), Load.of(aggregates.country_status),
         table_page(aggregates.counted_deals), Load.of(queries.events, limit=LATEST_EVENTS))
