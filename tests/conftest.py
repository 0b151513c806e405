"""Shared fixtures: built databases, the minimal fixture data, and the CI browser rule."""

import os
import shutil
from pathlib import Path

import pytest

from s400tracker.build import build

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "minimal"
REAL_DATA = ROOT / "data"
BROWSER_TESTS = ROOT / "tests" / "browser"
# The slower tiers by test module (or module::test); `make check` runs every test outside them
# (the unit tier), `make test` runs it and then these. A new test is a unit test unless named here.
TIERS = {"test_app.py": "apptest", "test_links_fuzz.py": "fuzz", "test_load_protocol.py": "server",
         "test_synth.py::test_pages_run_on_it": "apptest", "test_headline.py": "apptest",
         "test_filters.py::test_the_page_and_the_cli_select_the_same_rows_for_a_link": "apptest",
         "test_api.py": "server", "test_cluster.py": "server", "test_cluster_load.py": "server",
         "test_sipri_layouts.py::test_whole_export_counts_match_provenance": "shared",
         "test_sipri_layouts.py::test_whole_rtf_register_is_refused": "shared",
         "test_sipri_layouts.py::test_whole_export_is_blocked_only_by_party_names": "shared",
         "test_publish.py::test_a_running_server_serves_a_new_version_within_ten_seconds": "server"}


def pytest_collection_modifyitems(items):
    """Mark each test with its tier: tests/browser/ is the browser tier, TIERS names the others."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            tier = "browser"
        else:
            tier = TIERS.get(f"{item.path.name}::{item.originalname}") or TIERS.get(item.path.name)
        if tier:
            item.add_marker(tier)


@pytest.fixture
def fixture_data(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid dataset, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The curated data in data/, built once per test session into a temporary file."""
    path = tmp_path_factory.mktemp("db") / "s400.duckdb"
    build(REAL_DATA, path)
    return path


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    """400 synthetic deals (seed 3): enough records to take the pages' aggregated paths."""
    from s400tracker import cli
    path = tmp_path_factory.mktemp("synthetic") / "synth.duckdb"
    assert cli.main(["synth", "--deals", "400", "--db", str(path), "--seed", "3"]) == 0
    return path


@pytest.fixture(scope="module", params=["curated", "synthetic"])
def curated_or_synthetic(request, real_db, synthetic_db):
    """A read-only connection to the curated database, then to the synthetic one."""
    from s400tracker import db
    with db.connect(real_db if request.param == "curated" else synthetic_db) as connection:
        yield connection


@pytest.fixture
def app_db(real_db: Path, monkeypatch) -> Path:
    """Point the app at the session's database through S400_DB, as a deployment would."""
    monkeypatch.setenv("S400_DB", str(real_db))
    return real_db


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped browser test is a failure: the run must prove the real page works."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = [r for r in (reporter.stats.get("skipped", []) if reporter else [])
               if "browser" in getattr(r, "keywords", {})]
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} browser test(s) were skipped; failing the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
