"""Hardening of the database access and the server's health check."""

import json
import os
import re
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


def test_health_is_ok_with_the_data_version_and_no_file_path(app_db):
    status, body = health.check()
    assert status == 200 and body == {"status": "ok", "data_version": body["data_version"], "imports": 0,
                                      "replica": "single", "pid": os.getpid()}
    assert len(body["data_version"]) == 12
    assert str(app_db) not in json.dumps(body) and app_db.name not in json.dumps(body)


def test_health_counts_the_imports_the_database_records(real_db, tmp_path, monkeypatch):
    path = tmp_path / "imported.duckdb"
    path.write_bytes(real_db.read_bytes())
    with duckdb.connect(str(path)) as conn:  # as after three committed imports
        conn.execute("UPDATE data_version SET imports = 3")
    monkeypatch.setenv("S400_DB", str(path))
    assert health.check()[1]["imports"] == 3


def test_health_is_503_when_the_database_is_missing_without_naming_its_path(tmp_path, monkeypatch):
    monkeypatch.setenv("S400_DB", str(tmp_path / "gone.duckdb"))
    assert health.check() == (503, {"status": "unavailable", "detail": "the database is missing",
                                    "replica": "single", "pid": os.getpid()})


def test_health_names_the_replica_that_answered(app_db, monkeypatch):
    monkeypatch.setenv("S400_REPLICA", "r2")
    assert health.check()[1]["replica"] == "r2"


def test_health_is_503_when_the_database_cannot_be_read_naming_only_the_error_type(tmp_path, monkeypatch):
    path = tmp_path / "secret-place" / "broken.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("S400_DB", str(path))
    status, body = health.check()
    assert status == 503 and body["status"] == "unavailable"
    assert re.fullmatch(r"the database could not be read \(\w+\)", body["detail"]), body["detail"]
    assert "secret-place" not in json.dumps(body) and "broken" not in json.dumps(body)
