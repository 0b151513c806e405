"""Import progress: named steps in order, counts that only grow, each step reaching its total;
the CLI's lines on standard error, few of them."""

import io
from pathlib import Path

import pytest

from s400tracker import cli, importing, progress
from s400tracker.importers import claims_form

ROOT = Path(__file__).resolve().parents[1]
EXCERPTS = sorted((ROOT / "tests" / "fixtures" / "sipri" / "real").glob("*.excerpt.csv"))
NEWEST = ROOT / "tests" / "fixtures" / "sipri" / "real" / "alexarui__network-analysis__trade-register.excerpt.csv"
PLAN_STEPS = [progress.STORED, progress.EXPORT, progress.MATCHING, progress.VALIDATING]
COMMIT_STEPS = [progress.STORED, progress.EXPORT, progress.MATCHING, progress.VALIDATING, progress.WRITING]


@pytest.fixture
def db_path(real_db, tmp_path) -> Path:
    """A private copy of the built database, for tests that write to it."""
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    return path


class Recorder:
    """Every report, in order."""

    def __init__(self):
        self.reports: list[tuple[progress.Step, int, int]] = []

    def __call__(self, step, done, total):
        self.reports.append((step, done, total))

    def steps(self) -> list[progress.Step]:
        """Each step once, in the order first reported."""
        return list(dict.fromkeys(step for step, _, _ in self.reports))

    def of(self, step) -> list[tuple[int, int]]:
        return [(done, total) for s, done, total in self.reports if s == step]


def assert_well_formed(recorder: Recorder, steps: list[progress.Step]) -> None:
    """The steps in order, each reported in one run; within a step one total, counts that never
    fall, and the last report the total."""
    assert recorder.steps() == steps
    assert [s for s, _, _ in recorder.reports] == sorted((s for s, _, _ in recorder.reports), key=steps.index)
    for step in steps:
        counts = recorder.of(step)
        assert len({total for _, total in counts}) == 1, step
        assert [done for done, _ in counts] == sorted(done for done, _ in counts), step
        assert counts[-1][0] == counts[-1][1] and counts[0][0] == 0, step


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda path: path.name.split("__")[0])
def test_a_preview_of_each_register_excerpt_reports_its_steps_in_order(real_db, path):
    recorder = Recorder()
    plan = importing.plan_import(real_db, path.read_bytes(), path.name, progress=recorder)
    assert plan.problems == [] and plan.writes_anything
    assert_well_formed(recorder, PLAN_STEPS)
    records = recorder.of(progress.EXPORT)
    # every 1,000 records, not every row: an excerpt of under 1,000 is its start and its end
    assert records == [(0, records[-1][1]), (records[-1][1], records[-1][1])] and records[-1][1] > 0


def test_a_commit_reports_every_step_and_the_written_tables(db_path):
    recorder = Recorder()
    _, result = importing.commit_import(db_path, NEWEST.read_bytes(), NEWEST.name, "tester", progress=recorder)
    assert result is not None
    assert_well_formed(recorder, COMMIT_STEPS)
    assert recorder.of(progress.STORED)[-1] == (14, 14)
    assert recorder.of(progress.WRITING)[-1][1] == len(result.row_counts) + 1  # and the import log


def test_a_file_refused_while_reading_reports_no_later_step(db_path):
    recorder = Recorder()
    plan = importing.plan_import(db_path, b"Recipient,Supplier\nnobody,nowhere\n", "bad.csv", "sipri",
                                 progress=recorder)
    assert plan.problems and recorder.steps() == [progress.STORED]


def test_a_claim_from_an_article_has_no_export_step(real_db):
    source = {"url": "https://example.org/s", "title": "A story", "publisher": "", "published_date": "2026-01"}
    claim = {"kind": "competing value", "values": {"record_type": "deal", "record_id": "TUR-2017",
                                                   "field": "signed_date", "claimed_value": "2017-11", "note": ""}}
    recorder = Recorder()
    importing.plan_import(real_db, claims_form.document(source, [claim]), claims_form.FILE_NAME, "claim",
                          progress=recorder)
    assert_well_formed(recorder, [progress.STORED, progress.MATCHING, progress.VALIDATING])


def test_counted_reports_before_every_nth_item_and_the_total_after_the_last():
    recorder = Recorder()
    assert list(progress.counted(recorder, progress.EXPORT, range(2500), every=1000)) == list(range(2500))
    assert recorder.of(progress.EXPORT) == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]
    weighed = Recorder()
    list(progress.counted(weighed, progress.VALIDATING, ["ab", "cde"], size=len))
    assert weighed.of(progress.VALIDATING) == [(0, 5), (2, 5), (5, 5)]


def test_a_step_left_by_an_error_is_never_reported_done():
    recorder = Recorder()
    with pytest.raises(ValueError):
        for item in progress.counted(recorder, progress.WRITING, [1, 2, 3]):
            if item == 2:
                raise ValueError(item)
    assert recorder.of(progress.WRITING) == [(0, 3), (1, 3)]


def test_lines_print_nothing_for_a_quick_import_and_few_lines_for_a_long_one():
    now = [0.0]
    stream = io.StringIO()
    lines = progress.Lines(stream, 2.0, clock=lambda: now[0])
    for done in range(0, 3001, 1000):  # all within the first second: nothing
        now[0] = done / 3000
        lines(progress.EXPORT, done, 3000)
    assert stream.getvalue() == ""
    for done in range(1, 10):  # a report every half second: a line every two seconds, and the step's end
        now[0] += 0.5
        lines(progress.VALIDATING, done, 9)
    assert stream.getvalue().splitlines() == ["validating: 2 of 9 rows", "validating: 6 of 9 rows",
                                              "validating: 9 of 9 rows"]


def test_describe_puts_the_count_in_words():
    assert progress.describe(progress.EXPORT, 12000, 29916) == "reading the export: 12,000 of 29,916 records"


def test_cli_prints_progress_lines_to_stderr_and_the_outcome_to_stdout(db_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_SECONDS", 0)  # every report: an excerpt imports in under two seconds
    assert cli.main(["import", str(NEWEST), "--db", str(db_path), "--by", "tester"]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert lines[0] == "reading the stored data: 0 of 14 tables"
    assert "reading the export: 0 of 254 records" in lines and "reading the export: 254 of 254 records" in lines
    assert lines[-1].startswith("writing the database: ") and lines[-1].endswith(" tables")
    words = [step.words for step in COMMIT_STEPS]
    assert [words.index(line.split(":")[0]) for line in lines] == sorted(words.index(line.split(":")[0])
                                                                           for line in lines)
    assert "committed to" in out and "of 254 records" not in out


def test_cli_progress_then_refusal_has_no_traceback_and_writes_nothing(db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_SECONDS", 0)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(NEWEST.read_bytes().replace(b"Turkiye", b"Turkeyy", 1).replace(b"Russia,", b"Rusia,", 1))
    before = db_path.read_bytes()
    assert cli.main(["import", str(bad), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "reading the export: " in err and "nothing was written" in err and "Traceback" not in err
    assert "writing the database" not in err and db_path.read_bytes() == before
