"""The benchmark: `make bench` (full) or `make bench-quick` (a short run that keeps it working).

Measures the app at seed scale (data/), at scale (`synth --deals 100000`: over 1,000,000
deliveries) and at the SIPRI register's (the seed data with a whole SIPRI trade register from
../shared imported; skipped with a note when that is absent or refused), each after changes of the
years slider, the buyer and the system filter, and writes benchmarks/results.md: median and p95
of every timing, the machine it ran on, and each target met or missed. A benchmark, not a test:
nothing here fails on time.

    python benchmarks/run.py [--quick] [--deals 100000] [--reps 5] [--out benchmarks/results.md]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
PAGES = ("overview", "map", "timeline", "money", "explorer", "sources", "methodology")
# (what, seed-scale limit, large-scale limit, unit): the targets, medians on 2 cores.
TARGETS = {"rerun": (0.050, 0.150), "browser": (0.5, 1.5), "cold": (3.0, 3.0)}
# Ratio to the naive baseline: at least this much per scale; never below 1x anywhere.
RATIO_TARGETS = {"seed": 1.5, "large": 5.0}
FILTERS = ("years", "buyer", "system")  # the filter changes measured (apptest_bench.py)
FILTER_WORDS = {"years": "years slider", "buyer": "one buyer chosen", "system": "one system chosen"}
# The "SIPRI register" scale: the seed data with this whole export imported (never committed here).
SIPRI_REGISTER = ROOT.parent / "shared" / "reference" / "sipri" / "alexarui__network-analysis__trade-register.csv"


def median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return statistics.median(ordered), p95


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    import duckdb
    import pandas
    import streamlit
    return (f"{cpu}, {os.cpu_count()} cores, {memory / 1048576:.0f} GB RAM; {platform.platform()}; "
            f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, DuckDB {duckdb.__version__}, "
            f"pandas {pandas.__version__}; Chromium /usr/bin/chromium (headless, software rendering)")


def time_builds(reps: int, deals: int, workdir: Path) -> dict:
    """Seconds and rows/s of building the seed database, and of writing the synthetic one."""
    from s400tracker import build, config, synth
    seed, large = [], []
    for i in range(reps):
        began = time.perf_counter()
        result = build.build(config.DATA_DIR, workdir / f"seed-{i}.duckdb")
        seed.append((time.perf_counter() - began, sum(result.row_counts.values())))
        (workdir / f"seed-{i}.duckdb").unlink()
    target = workdir / "large.duckdb"
    for _ in range(reps):
        began = time.perf_counter()
        result = synth.synthesize(deals, target, seed=1)
        large.append((time.perf_counter() - began, sum(result.row_counts.values()), result))
    build.build(config.DATA_DIR, workdir / "seed.duckdb")
    last = large[-1][2]
    return {"seed": seed, "large": [(s, r) for s, r, _ in large], "large_counts": last.row_counts,
            "large_split": (last.generate_seconds, last.write_seconds), "large_bytes": target.stat().st_size}


def run_json(args: list[str], timeout: float = 7200) -> dict:
    """Run a benchmark helper in its own process (clean caches, its own memory); its JSON output."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _verdict(value: float, limit: float, higher_is_better: bool = False) -> str:
    met = value >= limit if higher_is_better else value <= limit
    if met:
        return "met"
    factor = limit / value if higher_is_better else value / limit
    return f"**missed** ({factor:.1f}x)"


def _limit(scale: str, what: str) -> float:
    """The target of ``what`` at ``scale``: seed has its own, every larger scale the large one."""
    seed, large = TARGETS[what]
    return seed if scale == "seed" else large


def _timings_table(scales: list[str], values, what: str) -> list[str]:
    """A table of medians and p95s per page and scale, each with its verdict; ``values(scale,
    page)`` gives the timings (None when not run)."""
    head = " | ".join(f"{s} median | {s} p95" for s in scales)
    targets = " / ".join(_fmt(_limit(s, what)) for s in scales)
    lines = [f"| page | {head} | target ({' / '.join(scales)}) | verdict |",
             "| --- |" + " --- | --- |" * len(scales) + " --- | --- |"]
    for page in PAGES:
        cells, verdicts = [], []
        for scale in scales:
            timings = values(scale, page)
            if not timings:
                cells += ["-", "-"]
                verdicts.append("not run")
                continue
            med, p95 = median_p95(timings)
            cells += [_fmt(med), _fmt(p95)]
            verdicts.append(_verdict(med, _limit(scale, what)))
        lines.append(f"| {page} | {' | '.join(cells)} | {targets} | {' / '.join(verdicts)} |")
    return lines + [""]


def _counts_line(label: str, command: str, counts: dict, size: int) -> str:
    return (f"{label}: {command} = {counts['deals']:,} deals, {counts['deliveries']:,} deliveries, "
            f"{counts['events']:,} events, {counts['payments']:,} payments, {counts['citations']:,} citations "
            f"({sum(counts.values()):,} rows, {size / 1e6:.0f} MB on disk).\n")


def report(results: dict, args, started: float) -> str:
    scales = results["scales"]
    lines = ["# Benchmark results\n", f"Run {dt.datetime.now():%Y-%m-%d %H:%M} by `{' '.join(sys.argv)}` "
             f"in {(time.monotonic() - started) / 60:.0f} min.\n", f"Machine: {results['machine']}\n",
             f"Repetitions: {args.reps} per timing (median and p95; the first filter change of each page is a "
             "warm-up and is not counted). Each repetition changes a filter to a value not seen before, so "
             "every rerun misses the cache, as a user's change does.\n"]
    builds = results["builds"]
    lines.append(_counts_line("Large scale", f"`python -m s400tracker synth --deals {args.deals} --seed 1`",
                              builds["large_counts"], builds["large_bytes"]))
    if "sipri" in scales:
        lines.append(_counts_line("SIPRI register scale", f"the seed data with `{SIPRI_REGISTER.name}` imported "
                                  "whole", results["sipri"]["counts"], results["sipri"]["bytes"]))
    for note in results.get("notes", []):
        lines.append(f"Note: {note}\n")
    lines += ["## Build\n", "| scale | time median | p95 | rows | rows/s (median) | target >= 500,000 rows/s |",
              "| --- | --- | --- | --- | --- | --- |"]
    for scale in ("seed", "large"):
        times = [s for s, _ in builds[scale]]
        rows = builds[scale][0][1]
        med, p95 = median_p95(times)
        lines.append(f"| {scale} | {_fmt(med)} | {_fmt(p95)} | {rows:,} | {rows / med:,.0f} | "
                     f"{_verdict(rows / med, 500_000, True)} |")
    gen, write = builds["large_split"]
    lines.append(f"\nLarge build split (last run): generate {gen:.1f} s, write (DuckDB inserts with keys, "
                 f"references and checks) {write:.1f} s.\n")
    for name in FILTERS:
        lines += [f"## Rerun after a filter change: {FILTER_WORDS[name]} (server side, AppTest)\n"]
        lines += _timings_table(scales, lambda scale, page, name=name: results["apptest"][scale].get(name, {})
                                .get(page), "rerun")
    lines += ["## Filter change to charts redrawn (headless Chromium)\n"]
    lines += _timings_table(scales, lambda scale, page: results["browser"][scale].get("filter_change", {}).get(page),
                            "browser")
    lines += ["## Bytes sent to the browser per rerun (websocket frames received)\n",
              f"| page | {' | '.join(f'{s} median' for s in scales)} | target <= 5 MB |",
              "| --- |" + " --- |" * len(scales) + " --- |"]
    for page in PAGES:
        values = [results["browser"][s].get("bytes", {}).get(page) for s in scales]
        cells = [f"{statistics.median(v) / 1e6:.2f} MB" if v else "-" for v in values]
        verdicts = [_verdict(statistics.median(v) / 1e6, 5.0) if v else "not run" for v in values]
        lines.append(f"| {page} | {' | '.join(cells)} | {' / '.join(verdicts)} |")
    lines += ["", "## Cold start and memory\n", f"| measure | {' | '.join(scales)} | target | verdict |",
              "| --- |" + " --- |" * len(scales) + " --- | --- |"]
    cold = [results["browser"][s].get("cold_start") for s in scales]
    cells = [f"{_fmt(median_p95(c)[0])} (p95 {_fmt(median_p95(c)[1])})" if c else "-" for c in cold]
    verdicts = [_verdict(median_p95(c)[0], 3.0) if c else "not run" for c in cold]
    lines.append(f"| server start to first page drawn | {' | '.join(cells)} | 3 s | {' / '.join(verdicts)} |")
    mem = [results["browser"][s].get("memory") for s in scales]
    cells = [f"{m['VmHWM']:.0f} MB peak ({m['sessions']} sessions)" if m else "-" for m in mem]
    large = results["browser"]["large"].get("memory")
    verdict = _verdict(large["VmHWM"], 500) if large else "not run"
    lines.append(f"| server memory (VmHWM) | {' | '.join(cells)} | 500 MB at large, 10 sessions | {verdict} |")
    lines += ["", "## Against the pandas baseline (rerun, AppTest)\n",
              "The baseline loads every table into pandas at start and filters in pandas on every rerun "
              "(benchmarks/baseline.py); the pages' drawing is the same. Ratio = baseline median / app median. "
              "Targets: at least 1.5x at seed, 5x at large, and never below 1x (methodology has no data work "
              "and is exempt).\n"]
    for name in FILTERS:
        lines += [f"### {FILTER_WORDS[name]}\n",
                  f"| page | {' | '.join(f'{s} baseline | {s} ratio' for s in scales)} | verdict |",
                  "| --- |" + " --- | --- |" * len(scales) + " --- |"]
        for page in PAGES:
            cells, verdicts = [], []
            for scale in scales:
                base = results["baseline"][scale].get(name, {}).get(page)
                app = results["apptest"][scale].get(name, {}).get(page)
                if not base or not app:
                    cells += ["-", "-"]
                    verdicts.append("not run")
                    continue
                ratio = statistics.median(base) / statistics.median(app)
                cells += [_fmt(statistics.median(base)), f"{ratio:.1f}x"]
                verdicts.append(_verdict(ratio, RATIO_TARGETS.get(scale, 1.0), True))
            lines.append(f"| {page} | {' | '.join(cells)} | {' / '.join(verdicts)} |")
        lines.append("")
    lines.append("Where each missed target's time goes, and what would close it: benchmarks/analysis.md.\n")
    return "\n".join(lines)


def sipri_database(workdir: Path) -> tuple[Path | None, str | None]:
    """The seed database with the whole SIPRI register imported (the register scale), or None and
    why it was skipped: the register lives in ../shared, which not every checkout has."""
    if not SIPRI_REGISTER.exists():
        return None, f"SIPRI register scale skipped: {SIPRI_REGISTER} is absent."
    target = workdir / "sipri.duckdb"
    shutil.copy(workdir / "seed.duckdb", target)
    done = subprocess.run([sys.executable, "-m", "s400tracker", "import", str(SIPRI_REGISTER), "--db", str(target),
                           "--by", "benchmark"], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()[:1]
        return None, f"SIPRI register scale skipped: the import was refused ({' '.join(why)[:300]})."
    return target, None


def _row_counts(path: Path) -> dict:
    from s400tracker import db
    with db.connect(path) as conn:
        return {t: db.row_count(conn, t) for t in ("deals", "deliveries", "events", "payments", "citations")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small scale, few repetitions: keeps it working")
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.deals, args.reps = min(args.deals, 2000), min(args.reps, 2)
        args.out = args.out if args.out != HERE / "results.md" else HERE / "results-quick.md"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="s400-bench-") as tmp:
        workdir = Path(tmp)
        results = {"machine": machine(), "builds": time_builds(args.reps, args.deals, workdir),
                   "apptest": {}, "baseline": {}, "browser": {}, "scales": ["seed", "large"], "notes": []}
        databases = {"seed": workdir / "seed.duckdb", "large": workdir / "large.duckdb"}
        sipri, note = sipri_database(workdir)
        if sipri is None:
            print(note, file=sys.stderr, flush=True)
            results["notes"].append(note)
        else:
            databases["sipri"] = sipri
            results["scales"].append("sipri")
            results["sipri"] = {"counts": _row_counts(sipri), "bytes": sipri.stat().st_size}
        for scale, path in databases.items():
            db = str(path)
            print(f"{scale}: AppTest reruns", file=sys.stderr, flush=True)
            bench = [str(HERE / "apptest_bench.py"), "--db", db, "--reps", str(args.reps),
                     "--filters", ",".join(FILTERS)]
            results["apptest"][scale] = run_json(bench)
            results["baseline"][scale] = run_json(bench + ["--baseline"])
            if args.skip_browser:
                results["browser"][scale] = {}
                continue
            print(f"{scale}: browser", file=sys.stderr, flush=True)
            results["browser"][scale] = run_json([str(HERE / "browser_bench.py"), "--db", db, "--reps", str(args.reps),
                                                  "--cold", str(args.reps), "--sessions", "10"])
        (args.out.with_suffix(".json")).write_text(json.dumps(results, indent=1, default=str))
    args.out.write_text(report(results, args, started))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
