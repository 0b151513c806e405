"""The build writes a complete database or nothing: failed and killed builds keep the old file."""

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from s400tracker import db
from s400tracker.build import build, content_hash
from s400tracker.validate import DataError

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "s400tracker", *args], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def deal_ids(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return [r[0] for r in conn.execute("SELECT deal_id FROM deals ORDER BY deal_id").fetchall()]


def test_build_records_the_data_version(fixture_data, tmp_path):
    result = build(fixture_data, tmp_path / "s400.duckdb")
    with duckdb.connect(str(result.db_path), read_only=True) as conn:
        version, digest, base_year = conn.execute(
            "SELECT version, content_hash, usd_base_year FROM data_version").fetchone()
    assert digest == content_hash(fixture_data) and version == digest[:12]
    assert base_year == 2025


def test_vocabularies_are_check_constraints_in_the_database(fixture_data, tmp_path):
    path = build(fixture_data, tmp_path / "s400.duckdb").db_path
    with duckdb.connect(str(path)) as conn, pytest.raises(duckdb.ConstraintException):
        conn.execute("UPDATE deals SET status = 'shipped' WHERE deal_id = 'TUR-2017'")


def test_primary_keys_hold_in_the_database(fixture_data, tmp_path):
    path = build(fixture_data, tmp_path / "s400.duckdb").db_path
    with duckdb.connect(str(path)) as conn, pytest.raises(duckdb.ConstraintException, match="primary key"):
        conn.execute("INSERT INTO deals SELECT * FROM deals WHERE deal_id = 'TUR-2017'")


@pytest.mark.parametrize("table, change, message", [
    # DuckDB cannot add a foreign key after a bulk load, so the write checks every reference itself
    ("deliveries", lambda rows: rows.assign(deal_id="NOPE"), "deliveries.deal_id"),
    ("citations", lambda rows: rows.assign(source_id="nowhere"), "citations.source_id"),
    ("deals", lambda rows: pd.concat([rows, rows.head(1)]), "duplicates"),
], ids=["dangling deal", "dangling source", "duplicate deal"])
def test_a_write_breaking_a_key_or_reference_leaves_the_previous_database(fixture_data, tmp_path, monkeypatch,
                                                                          table, change, message):
    target = tmp_path / "s400.duckdb"
    build(fixture_data, target)
    before = target.read_bytes()

    def corrupt(conn, name, columns, rows):  # past validation, as a bug in the build would be
        original_insert(conn, name, columns, change(rows) if name == table else rows)

    original_insert = db._insert
    monkeypatch.setattr(db, "_insert", corrupt)
    with pytest.raises(duckdb.ConstraintException, match=message):
        build(fixture_data, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "s400.duckdb"]


def test_a_failed_build_leaves_the_previous_database_intact(fixture_data, tmp_path):
    target = tmp_path / "s400.duckdb"
    build(fixture_data, target)
    before = target.read_bytes()
    (fixture_data / "deals.csv").write_text("deal_id\nbroken\n", encoding="utf-8")
    with pytest.raises(DataError):
        build(fixture_data, target)
    assert target.read_bytes() == before
    assert deal_ids(target) == ["IND-2018", "SRB-2019", "TUR-2017"]


def test_an_error_while_writing_leaves_the_previous_database_and_no_temporary_file(fixture_data, tmp_path, monkeypatch):
    target = tmp_path / "s400.duckdb"
    build(fixture_data, target)
    before = target.read_bytes()

    def fail_halfway(conn, table, columns, rows):
        if table == "deliveries":
            raise OSError("disk full")
        original_insert(conn, table, columns, rows)

    original_insert = db._insert
    monkeypatch.setattr(db, "_insert", fail_halfway)
    with pytest.raises(OSError, match="disk full"):
        build(fixture_data, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "s400.duckdb"]


def test_a_build_killed_before_the_rename_leaves_the_previous_database(fixture_data, tmp_path):
    target = tmp_path / "s400.duckdb"
    build(fixture_data, target)
    before = target.read_bytes()
    # The child process is killed (SIGKILL) at the worst moment: the new file complete, not yet renamed.
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from s400tracker import build as b, db
        db.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        b.build(Path({str(fixture_data)!r}), Path({str(target)!r}))
    """)
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=120)
    assert child.returncode == -9
    assert target.read_bytes() == before
    assert deal_ids(target) == ["IND-2018", "SRB-2019", "TUR-2017"]


def test_cli_build_rejects_bad_data_with_actionable_messages(fixture_data, tmp_path):
    (fixture_data / "deals.csv").write_text(
        (fixture_data / "deals.csv").read_text().replace("TUR-2017,TUR,", "TUR-2017,TRK,"))
    out = run_cli("build", "--data", str(fixture_data), "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 1
    assert "deals.csv:2: column 'buyer_iso3': 'TRK' is not in countries.csv [unknown country code]" in out.stderr
    assert "was not changed" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_build_uses_s400_db_when_no_path_is_given(fixture_data, tmp_path):
    import os
    target = tmp_path / "from-env.duckdb"
    out = run_cli("build", "--data", str(fixture_data), env={**os.environ, "S400_DB": str(target)})
    assert out.returncode == 0, out.stderr
    assert target.exists() and "data version" in out.stdout


def test_cli_reports_a_missing_data_folder_without_a_traceback(tmp_path):
    out = run_cli("build", "--data", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.duckdb"))
    assert out.returncode == 1
    assert "deals.csv is missing" in out.stderr and "Traceback" not in out.stderr
