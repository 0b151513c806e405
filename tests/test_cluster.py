"""Replicas behind HAProxy on one host (python -m s400tracker cluster), tried as an operator would.

Needs Debian's haproxy (`make cluster` and .ci/run install it); skipped without it, except in CI.
"""

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from s400tracker.server.cluster import find_haproxy

from benchmarks import loadgen
from tests.live_server import Cluster, health, run_async, until

ROOT = Path(__file__).resolve().parents[1]
HAPROXY = find_haproxy()
pytestmark = pytest.mark.skipif(HAPROXY is None and not os.environ.get("CI"),
                                reason="haproxy is not installed (apt-get install haproxy)")


@pytest.fixture(scope="module")
def cluster(real_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("cluster") / "s400.duckdb"
    shutil.copyfile(real_db, db)
    running = Cluster(db, replicas=2)
    running.wait_for("haproxy: ")
    yield running, db
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=60)


def test_it_prints_each_replica_with_its_pid_and_haproxy(cluster):
    running, _ = cluster
    replicas = running.replicas()
    assert sorted(replicas) == ["r1", "r2"]
    for name, (url, pid) in replicas.items():
        body, _ = health(url)
        assert body["replica"] == name and body["pid"] == pid


def test_haproxy_spreads_new_visitors_and_keeps_each_on_its_replica(cluster):
    running, _ = cluster
    seen, cookies = set(), {}
    for _ in range(6):
        body, cookie = health(running.url)
        seen.add(body["replica"])
        if cookie:
            cookies[body["replica"]] = cookie.split(";", 1)[0]
    assert seen == {"r1", "r2"}
    for name, cookie in cookies.items():
        assert {health(running.url, cookie)[0]["replica"] for _ in range(5)} == {name}


def test_streamlit_downloads_through_the_balancer_are_never_lost(cluster):
    """A generated download lives in one replica's memory: affinity brings its GET back there."""
    running, _ = cluster
    figures = run_async(loadgen.run(running.url, sessions=3, seconds=8, think=0.2, seed=7))
    assert figures.errors == [] and figures.lost == 0
    assert sum(downloads for _, downloads in figures.per_session) > 0


def test_the_data_api_answers_through_the_balancer_without_affinity(cluster):
    running, _ = cluster
    for _ in range(4):
        with urllib.request.urlopen(f"{running.url}/api/v1/deals.csv?buyer=TUR", timeout=30) as response:
            assert response.status == 200 and response.read().startswith(b"deal_id,")


def test_an_import_is_served_by_every_replica_within_ten_seconds(cluster):
    running, db = cluster
    before = {name: health(url)[0]["data_version"] for name, (url, _) in running.replicas().items()}
    fixture = ROOT / "tests" / "fixtures" / "sipri" / "sipri_register.csv"
    run = subprocess.run([sys.executable, "-m", "s400tracker", "import", str(fixture), "--db", str(db), "--by", "test"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for name, (url, _) in running.replicas().items():
        waited = until(lambda url=url, name=name: health(url)[0]["data_version"] != before[name], timeout=10)
        assert waited <= 10 and health(url)[0]["imports"] == 1


def test_a_replica_that_dies_is_routed_around(cluster):
    running, _ = cluster
    name, (_, pid) = sorted(running.replicas().items())[-1]
    os.kill(pid, signal.SIGKILL)
    until(lambda: all(health(running.url)[0]["replica"] != name for _ in range(4)), timeout=15)
    answered = [health(running.url, f"SRV={name}")[0]["replica"] for _ in range(5)]  # its visitors too
    assert name not in answered


def test_sigterm_stops_everything_it_started(real_db, tmp_path):
    db = tmp_path / "s400.duckdb"
    shutil.copyfile(real_db, db)
    running = Cluster(db, replicas=2)
    running.wait_for("haproxy: ")
    pids = [pid for _, pid in running.replicas().values()]
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=60) == 0
    running.wait_for("stopped every replica and HAProxy")
    for pid in pids:
        until(lambda pid=pid: not Path(f"/proc/{pid}").exists(), timeout=10)
