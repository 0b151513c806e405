"""S-400 Deal Tracker: sourced data on S-400 deals, deliveries, payments and events."""

__version__ = "0.1.0"
