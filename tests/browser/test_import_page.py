"""The import page in a real browser: preview without the password, commit with it."""

from pathlib import Path

import pytest

from s400tracker import queries
from s400tracker.db import connect

from .conftest import wait_for_app

pytestmark = pytest.mark.browser
SIPRI = Path(__file__).resolve().parents[1] / "fixtures" / "sipri" / "sipri_register.csv"


def upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("sipri_register.csv (sipri)").first.wait_for(timeout=30_000)


def test_without_the_password_the_page_previews_and_says_how_to_enable_commits(page, server_url):
    page.goto(f"{server_url}/import")
    wait_for_app(page)
    assert page.get_by_text("Committing is switched off").is_visible()
    upload(page, SIPRI)
    # China's, Türkiye's and India's S-400 rows merge into the curated deals: 3 deals are new.
    assert page.get_by_text("adds 1 sources, 3 systems, 3 deals").first.is_visible()
    assert page.get_by_text("3 records merged into curated deals").first.is_visible()
    assert page.get_by_role("button", name="Commit import").count() == 0
    assert page.errors == [] and page.request_log.external() == []


def test_with_the_password_an_upload_is_committed_and_shows_on_other_pages(page, admin_server):
    url, db_path, password = admin_server
    page.goto(f"{url}/import")
    wait_for_app(page)
    upload(page, SIPRI)
    page.get_by_label("Your name (recorded with the commit)").first.fill("Browser test")
    page.get_by_label("Admin password").first.fill(password)
    page.get_by_label("Admin password").first.press("Enter")
    page.get_by_role("button", name="Commit import").first.click()
    page.get_by_text("Committed by Browser test").wait_for(timeout=60_000)
    with connect(db_path) as conn:
        assert queries.imports(conn)["committed_by"].tolist() == ["Browser test"]
    page.goto(f"{url}/explorer?origin=imported&system=all")
    wait_for_app(page)
    assert "3 rows" in page.get_by_role("button", name="Download CSV").first.inner_text()
    assert page.errors == [] and page.request_log.external() == []
