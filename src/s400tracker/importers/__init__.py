"""Importers: pure parsers that turn outside data exports into rows of the curated tables."""
