"""Hardening of the database access and the server's health check."""

import time

import duckdb
import pytest

from s400tracker import db
from s400tracker.server import health


def test_a_query_that_runs_too_long_is_interrupted_with_a_clear_error(real_db):
    with db.connect(real_db) as conn:
        started = time.monotonic()
        with pytest.raises(db.QueryTimeout, match="longer than 0.3 s"):
            db.query(conn, "SELECT sum(x * x) FROM range(100000000000) t(x)", timeout=0.3)
        assert time.monotonic() - started < 10
        assert db.query(conn, "SELECT count(*) AS n FROM deals")["n"].iloc[0] > 0  # still usable


def test_a_query_past_the_memory_limit_is_refused_with_a_clear_error(real_db, monkeypatch):
    monkeypatch.setenv("S400_DUCKDB_MEMORY", "32MB")
    with db.connect(real_db) as conn:
        assert db.query(conn, "SELECT current_setting('memory_limit') AS m")["m"].iloc[0].startswith("30.5 MiB")
        with pytest.raises(db.QueryTooLarge, match="more than the 32MB of memory"):
            db.query(conn, "SELECT list(x) FROM range(50000000) t(x)")
        assert db.query(conn, "SELECT count(*) AS n FROM deals")["n"].iloc[0] > 0  # still usable


@pytest.mark.parametrize("value, expected", [("512MB", "512MB"), ("1.5 GiB", "1.5 GiB"), ("", "256MB"),
                                             ("1GB'; SET x = '1", "256MB"), ("lots", "256MB")])
def test_the_memory_limit_setting_accepts_only_a_size(monkeypatch, value, expected):
    monkeypatch.setenv("S400_DUCKDB_MEMORY", value)
    assert db.memory_limit() == expected


def test_the_apps_connection_is_read_only_and_cannot_reach_files_or_change_settings(real_db, tmp_path):
    with db.connect(real_db) as conn:
        with pytest.raises(duckdb.Error):
            db.query(conn, "DELETE FROM deals")
        with pytest.raises(duckdb.Error):
            db.query(conn, f"SELECT * FROM read_csv('{tmp_path}/x.csv')")
        with pytest.raises(duckdb.Error):
            db.query(conn, "SET enable_external_access = true")


def test_health_is_ok_with_the_data_version_when_the_database_reads(app_db):
    status, body = health.check()
    assert status == 200 and body["status"] == "ok" and len(body["data_version"]) == 12


def test_health_is_503_naming_the_problem_when_the_database_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("S400_DB", str(tmp_path / "gone.duckdb"))
    status, body = health.check()
    assert status == 503 and "no database" in body["detail"]
