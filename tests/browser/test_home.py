"""The home page in a real browser: it draws the data version, raises nothing, stays on localhost."""

import pytest

from s400tracker import queries
from s400tracker.db import connect

from .conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_home_page_renders_the_data_version_without_errors_or_external_requests(page, server_url, real_db):
    page.goto(server_url + "/")
    wait_for_app(page)
    with connect(real_db) as conn:
        version = queries.data_version(conn)["version"]
    page.get_by_text(version).first.wait_for(timeout=15_000)
    assert page.get_by_role("heading", name="S-400 Deal Tracker").is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.errors == []
    assert page.request_log.external() == []


def test_the_health_check_answers_with_the_data_version(server_url):
    import json
    import urllib.request
    with urllib.request.urlopen(f"{server_url}/healthz", timeout=10) as response:
        body = json.loads(response.read())
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["status"] == "ok" and len(body["data_version"]) == 12
