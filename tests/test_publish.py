"""One published database for many replicas: versions by content, an atomic pointer, no half-written file."""

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from s400tracker import config, publish
from tests.live_server import running_server

ROOT = Path(__file__).resolve().parents[1]


def changed_copy(real_db: Path, target: Path, imports: int) -> Path:
    """A copy of the database that differs from it (as after ``imports`` committed imports)."""
    shutil.copyfile(real_db, target)
    with duckdb.connect(str(target)) as conn:
        conn.execute("UPDATE data_version SET imports = $n, version = $v", {"n": imports, "v": f"v{imports:011d}"})
    return target


def test_a_version_is_stored_by_content_and_the_pointer_names_it(real_db, tmp_path):
    folder = tmp_path / "published"
    first = publish.publish(real_db, folder)
    assert first.parent == folder / "versions" and first.read_bytes() == real_db.read_bytes()
    assert publish.current_file(folder) == first
    assert publish.publish(real_db, folder) == first  # the same file twice: nothing new
    assert len(list((folder / "versions").iterdir())) == 1
    assert not list(folder.rglob("*.tmp"))


def test_a_replica_reading_the_folder_follows_the_pointer(real_db, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    folder.mkdir()
    monkeypatch.setenv("S400_DB", str(folder))
    with pytest.raises(FileNotFoundError, match="nothing is published"):
        config.database_path()
    publish.publish(real_db, folder)
    second = publish.publish(changed_copy(real_db, tmp_path / "next.duckdb", 1), folder)
    assert config.database_path() == second


def test_old_versions_are_pruned_but_never_the_current_one(real_db, tmp_path):
    folder = tmp_path / "published"
    for n in range(5):
        latest = publish.publish(changed_copy(real_db, tmp_path / f"v{n}.duckdb", n), folder, keep=2)
    kept = sorted((folder / "versions").iterdir())
    assert len(kept) == 2 and latest in kept and publish.current_file(folder) == latest


def test_a_published_folder_is_never_written_in_place(real_db, tmp_path, monkeypatch):
    folder = tmp_path / "published"
    publish.publish(real_db, folder)
    monkeypatch.setenv("S400_DB", str(folder))
    with pytest.raises(ValueError, match="published folder"):
        config.writable_database()
    run = subprocess.run([sys.executable, "-m", "s400tracker", "build"], cwd=ROOT, capture_output=True, text=True,
                         env={"S400_DB": str(folder), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert run.returncode == 1 and "published folder" in run.stderr and "Traceback" not in run.stderr


def test_a_pointer_naming_no_version_is_a_clear_error(tmp_path):
    (tmp_path / "CURRENT").write_text("../../etc/passwd\n")
    with pytest.raises(FileNotFoundError, match="names no version"):
        publish.current_file(tmp_path)


def test_a_running_server_serves_a_new_version_within_ten_seconds(real_db, tmp_path):
    folder = tmp_path / "published"
    publish.publish(real_db, folder)
    with running_server(folder) as url:
        def served() -> dict:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                return json.loads(response.read())
        before = served()["data_version"]
        cli = subprocess.run([sys.executable, "-m", "s400tracker", "publish", "--to", str(folder), "--db",
                              str(changed_copy(real_db, tmp_path / "next.duckdb", 2))],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert cli.returncode == 0, cli.stderr
        started = time.monotonic()
        while served()["data_version"] == before:
            assert time.monotonic() - started < 10, "the new version was not served within 10 s"
            time.sleep(0.2)  # a poll of the health route, not a fixed wait
        assert served()["imports"] == 2
        with urllib.request.urlopen(f"{url}/api/v1/deals.csv", timeout=30) as response:
            assert response.status == 200
