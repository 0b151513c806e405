"""The start-up cache warm-up: never in the way of the server."""

import logging

from s400tracker.server import warmup


def test_without_a_runtime_the_warm_up_gives_up_quietly(caplog):
    with caplog.at_level(logging.WARNING):
        warmup.warm_default_view(wait_for_runtime=0.2)
    assert "the Streamlit runtime did not start" in caplog.text


def test_any_failure_while_warming_only_costs_the_head_start(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(warmup.internals, "runtime_started", lambda: True)  # says so, but there is none: caching fails
    monkeypatch.setenv("S400_DB", str(tmp_path / "missing.duckdb"))
    with caplog.at_level(logging.WARNING):
        warmup.warm_default_view()
    assert "cache warm-up skipped" in caplog.text
