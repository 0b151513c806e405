"""Many readers through HAProxy: 1 and 3 replicas under load, a replica killed and an import
published mid-run, the API hit throughout.

Through the balancer, at the same time:
- ``SESSIONS`` protocol sessions (benchmarks/loadgen.py) keep their affinity cookie as a browser
  does, change filters and download, and reconnect when their replica dies;
- ``UNSTICKY`` more sessions send no cookie back, to show what affinity is for;
- a reader hits the data API round-robin (no cookie) every ``API_PAUSE`` seconds;
- at a third of the run, one replica is killed (with 3 replicas); at two thirds, an import is
  committed to the shared database.

The figures are printed and written to test-artifacts/loadtest-cluster-{n}.md; timings are
reported, never asserted. What is asserted is what the deployment promises: the API answers every
request; sticky downloads are never lost; no request fails for long after a replica dies; every
replica serves a new import within 10 s. CI runs a short form; `make loadtest` runs the full one.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import loadgen
from s400tracker.server.cluster import find_haproxy, replica_states

from .live_server import Cluster, health, rss_mb, run_async, write_figures

ROOT = Path(__file__).resolve().parents[1]
HAPROXY = find_haproxy()
pytestmark = pytest.mark.skipif(HAPROXY is None and not os.environ.get("CI"),
                                reason="haproxy is not installed (apt-get install haproxy)")
SESSIONS = int(os.environ.get("S400_CLUSTER_SESSIONS", "4"))
UNSTICKY = int(os.environ.get("S400_CLUSTER_UNSTICKY", "2"))
SECONDS = float(os.environ.get("S400_CLUSTER_SECONDS", "15"))
THINK = float(os.environ.get("S400_LOAD_THINK", "1"))
API_PAUSE = 0.2
IMPORT = ROOT / "tests" / "fixtures" / "sipri" / "sipri_register.csv"


class ApiReader:
    """Hits /api/v1/deals.csv through the balancer with no cookie until stopped; keeps each
    request's (time, ok)."""

    def __init__(self, url: str):
        self.url, self.results = f"{url}/api/v1/deals.csv?buyer=TUR", []

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.results.append((time.monotonic(), await asyncio.to_thread(self._get)))
            await asyncio.sleep(API_PAUSE)  # a reader's pace, not a wait for anything

    def _get(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=30) as response:
                return response.status == 200 and response.read().startswith(b"deal_id,")
        except OSError:
            return False


async def kill_and_watch(cluster: Cluster, name: str, pid: int, after: float) -> dict:
    """Kill replica ``name`` after ``after`` seconds; the seconds until HAProxy marks it down."""
    await asyncio.sleep(after)  # when in the run the replica dies: a schedule, not a wait
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    while (await asyncio.to_thread(replica_states, cluster.stats_socket)).get(name, "").startswith("UP"):
        await asyncio.sleep(0.1)  # a poll of HAProxy's view
    return {"killed_at": killed, "marked_down_s": time.monotonic() - killed}


async def publish_import(cluster: Cluster, db: Path, alive, after: float) -> float:
    """Commit an import to the shared database after ``after`` seconds; the seconds until every
    replica still alive serves the new data version."""
    await asyncio.sleep(after)  # when in the run the import lands: a schedule, not a wait
    before = await served_versions(alive())
    started = time.monotonic()
    committed = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "s400tracker", "import", str(IMPORT),
                                                         "--db", str(db), "--by", "load test"],
                                        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert committed.returncode == 0, committed.stderr
    while any(version == before[name] for name, version in (await served_versions(alive())).items()):
        await asyncio.sleep(0.1)  # a poll of every replica's /healthz
    return time.monotonic() - started


async def served_versions(replicas: dict[str, str]) -> dict[str, str]:
    """The data version each replica (name -> address) serves now, asked off the event loop."""
    bodies = await asyncio.gather(*(asyncio.to_thread(health, url) for url in replicas.values()))
    return {name: body["data_version"] for name, (body, _) in zip(replicas, bodies)}


async def the_run(cluster: Cluster, db: Path, replicas: int) -> dict:
    """Everything at once; the raw figures."""
    stop, api = asyncio.Event(), ApiReader(cluster.url)
    listed = cluster.replicas()
    victim = sorted(listed)[-1] if replicas > 1 else None
    alive = lambda: {n: url for n, (url, _) in listed.items() if n != victim}  # noqa: E731
    reader = asyncio.create_task(api.run(stop))
    tasks = {"sticky": loadgen.run(cluster.url, SESSIONS, SECONDS, THINK, seed=1, resilient=True),
             "unsticky": loadgen.run(cluster.url, UNSTICKY, SECONDS, THINK, seed=101, sticky=False, resilient=True),
             "import_s": publish_import(cluster, db, alive, SECONDS * 2 / 3)}
    if victim:
        tasks["kill"] = kill_and_watch(cluster, victim, listed[victim][1], SECONDS / 3)
    results = dict(zip(tasks, await asyncio.gather(*tasks.values())))
    stop.set()
    await reader
    results |= {"api": api.results, "victim": victim,
                "memory_mb": {n: rss_mb(pid) for n, (_, pid) in listed.items() if n != victim}}
    return results


def longest_failure(results: list[tuple[float, bool]]) -> float:
    """The longest stretch of seconds over which the API's requests failed (0 if none did)."""
    longest, began = 0.0, None
    for at, ok in results:
        if not ok and began is None:
            began = at
        elif ok and began is not None:
            longest, began = max(longest, at - began), None
    return longest if began is None else max(longest, results[-1][0] - began)


def report(replicas: int, run: dict) -> list[str]:
    sticky, unsticky = run["sticky"], run["unsticky"]
    summary = loadgen.summary(sticky, SESSIONS, SECONDS, THINK)
    api_ok = sum(ok for _, ok in run["api"])
    kill = run.get("kill")
    lines = [f"# Cluster load: {replicas} replica(s) behind HAProxy, {SESSIONS} sessions "
             f"(+{UNSTICKY} without affinity) for {SECONDS:g} s, mean pause {THINK:g} s", "",
             f"- sessions: {len(sticky.per_session)}; links opened {summary['links_opened']}; reruns "
             f"{summary['reruns']}, median {summary['rerun_median_s']} s, p95 {summary['rerun_p95_s']} s; "
             f"errors {summary['errors']} {summary['first_errors']}",
             f"- sessions per replica (affinity cookie at the end): {dict(sorted(Counter(sticky.replicas).items()))}",
             f"- downloads with affinity: {summary['downloads_ok']} ok, {sticky.lost} lost; without: "
             f"{sum(d for _, d in unsticky.per_session)} ok, {unsticky.lost} lost",
             f"- data API, round-robin, no cookie: {api_ok}/{len(run['api'])} answered; longest failure "
             f"{longest_failure(run['api']):.1f} s"]
    if kill:
        dropped = [t for t in sticky.drops if t >= kill["killed_at"]]
        lines.append(f"- replica {run['victim']} killed at {SECONDS / 3:.0f} s: marked down after "
                     f"{kill['marked_down_s']:.1f} s; {len(dropped)} session(s) dropped, reconnected in "
                     f"{', '.join(f'{s:.1f}' for s in sticky.reconnects) or '-'} s")
    lines += [f"- import committed at {SECONDS * 2 / 3:.0f} s: every replica served it after {run['import_s']:.1f} s",
              f"- memory per replica at the end: {', '.join(f'{n} {mb:.0f} MB' for n, mb in run['memory_mb'].items())}"]
    return lines


@pytest.mark.parametrize("replicas", [1, 3])
def test_readers_through_the_balancer_survive_a_dead_replica_and_an_import(real_db, tmp_path, replicas):
    db = tmp_path / "s400.duckdb"
    shutil.copyfile(real_db, db)
    cluster = Cluster(db, replicas=replicas)
    try:
        cluster.wait_for("haproxy: ")
        run_async(loadgen.warm_up(cluster.url))
        run = run_async(the_run(cluster, db, replicas))
    finally:
        cluster.process.send_signal(signal.SIGTERM)
        cluster.process.wait(timeout=60)
    write_figures(f"loadtest-cluster-{replicas}", report(replicas, run))
    api_ok = [ok for _, ok in run["api"]]
    assert api_ok and all(api_ok), "the data API failed a request"
    assert run["sticky"].lost == 0, "a download with affinity was lost"
    assert run["sticky"].errors == [], run["sticky"].errors[:3]
    assert run["import_s"] <= 10, f"a replica served the import only after {run['import_s']:.1f} s"
    assert all(seconds <= 5 for seconds in run["sticky"].reconnects), run["sticky"].reconnects
