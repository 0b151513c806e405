"""A real browser through HAProxy: pages and their downloads work across replicas.

A generated download lives in the memory of the replica whose session made it; the balancer's
affinity cookie brings the browser's GET back there. Needs Debian's haproxy (.ci/run installs it).
"""

import shutil
from pathlib import Path

import pytest

from s400tracker.server.cluster import find_haproxy

from s400tracker.bundle import table_bytes
from s400tracker.db import connect
from s400tracker.filters import Filters
from tests.live_server import Cluster

from .conftest import wait_for_app

HAPROXY = find_haproxy()


@pytest.fixture(scope="module")
def cluster_url(real_db, tmp_path_factory):
    if HAPROXY is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    db = tmp_path_factory.mktemp("browser-cluster") / "s400.duckdb"
    shutil.copyfile(real_db, db)
    running = Cluster(db, replicas=3)
    running.wait_for("haproxy: ")
    yield running.url
    running.process.terminate()
    running.process.wait(timeout=60)


@pytest.mark.parametrize("attempt", range(3))
def test_a_browser_download_through_the_balancer_is_the_views_csv(page, cluster_url, real_db, attempt):
    """Each attempt is a new browser context: a new visitor, placed by leastconn, kept by its cookie."""
    page.goto(f"{cluster_url}/explorer?buyer=TUR&buyer=IND")
    wait_for_app(page)
    assert any(cookie["name"] == "SRV" for cookie in page.context.cookies())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    payload = Path(download.value.path()).read_bytes()
    with connect(real_db) as conn:
        assert payload == table_bytes(conn, "deals", Filters(buyers=("TUR", "IND")))
    assert page.request_log.external() == []
