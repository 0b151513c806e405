"""The benchmark: `make bench` (full) or `make bench-quick` (a short run that keeps it working).

Measures the app at seed scale (data/) and at scale (`synth --deals 100000`: over 1,000,000
deliveries) and writes benchmarks/results.md: median and p95 of every timing, the machine
it ran on, and each target met or missed. A benchmark, not a test: nothing here fails on time.

    python benchmarks/run.py [--quick] [--deals 100000] [--reps 5] [--out benchmarks/results.md]
"""

import argparse
import datetime as dt
import json
import os
import platform
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


def report(results: dict, args, started: float) -> str:
    lines = ["# Benchmark results\n", f"Run {dt.datetime.now():%Y-%m-%d %H:%M} by `{' '.join(sys.argv)}` "
             f"in {(time.monotonic() - started) / 60:.0f} min.\n", f"Machine: {results['machine']}\n",
             f"Repetitions: {args.reps} per timing (median and p95; the first filter change of each page is a "
             "warm-up and is not counted). Each repetition changes a filter to a value not seen before, so "
             "every rerun misses the cache, as a user's change does.\n"]
    builds = results["builds"]
    counts = builds["large_counts"]
    lines.append(f"Large scale: `python -m s400tracker synth --deals {args.deals} --seed 1` = "
                 f"{counts['deals']:,} deals, {counts['deliveries']:,} deliveries, {counts['events']:,} events, "
                 f"{counts['payments']:,} payments, {counts['citations']:,} citations "
                 f"({sum(counts.values()):,} rows, {builds['large_bytes'] / 1e6:.0f} MB on disk).\n")
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
    for key, title, unit_note in (("apptest", "Rerun after a filter change (server side, AppTest)", "rerun"),
                                  ("browser", "Filter change to charts redrawn (headless Chromium)", "browser")):
        lines += [f"## {title}\n", "| page | seed median | seed p95 | large median | large p95 | "
                  "target (seed / large) | verdict (seed / large) |", "| --- | --- | --- | --- | --- | --- | --- |"]
        seed_limit, large_limit = TARGETS[unit_note]
        for page in PAGES:
            cells, verdicts = [], []
            for scale, limit in (("seed", seed_limit), ("large", large_limit)):
                values = results[key][scale].get(page) if key == "apptest" else \
                    results[key][scale].get("filter_change", {}).get(page)
                if not values:
                    cells += ["-", "-"]
                    verdicts.append("not run")
                    continue
                med, p95 = median_p95(values)
                cells += [_fmt(med), _fmt(p95)]
                verdicts.append(_verdict(med, limit))
            lines.append(f"| {page} | {' | '.join(cells)} | {_fmt(seed_limit)} / {_fmt(large_limit)} | "
                         f"{' / '.join(verdicts)} |")
        lines.append("")
    lines += ["## Bytes sent to the browser per rerun (websocket frames received)\n",
              "| page | seed median | large median | target at large <= 5 MB |", "| --- | --- | --- | --- |"]
    for page in PAGES:
        seed = results["browser"]["seed"].get("bytes", {}).get(page)
        large = results["browser"]["large"].get("bytes", {}).get(page)
        cell = lambda v: f"{statistics.median(v) / 1e6:.2f} MB" if v else "-"  # noqa: E731
        verdict = _verdict(statistics.median(large) / 1e6, 5.0) if large else "not run"
        lines.append(f"| {page} | {cell(seed)} | {cell(large)} | {verdict} |")
    lines += ["", "## Cold start and memory\n", "| measure | seed | large | target | verdict (seed / large) |",
              "| --- | --- | --- | --- | --- |"]
    cold = {s: results["browser"][s].get("cold_start") for s in ("seed", "large")}
    if cold["seed"] or cold["large"]:
        cells = [f"{_fmt(median_p95(c)[0])} (p95 {_fmt(median_p95(c)[1])})" if c else "-" for c in cold.values()]
        verdicts = [_verdict(median_p95(c)[0], 3.0) if c else "not run" for c in cold.values()]
        lines.append(f"| server start to first page drawn | {cells[0]} | {cells[1]} | 3 s | {' / '.join(verdicts)} |")
    mem = {s: results["browser"][s].get("memory") for s in ("seed", "large")}
    if mem["seed"] or mem["large"]:
        cells = [f"{m['VmHWM']:.0f} MB peak ({m['sessions']} sessions)" if m else "-" for m in mem.values()]
        verdict = _verdict(mem["large"]["VmHWM"], 500) if mem["large"] else "not run"
        lines.append(f"| server memory (VmHWM) | {cells[0]} | {cells[1]} | 500 MB at large, 10 sessions | {verdict} |")
    lines += ["", "## Against the pandas baseline (rerun, AppTest)\n",
              "The baseline loads every table into pandas at start and filters in pandas on every rerun "
              "(benchmarks/baseline.py); the pages' drawing is the same. Ratio = baseline median / app median.\n",
              "| page | seed baseline | seed ratio | large baseline | large ratio | target at large >= 5x |",
              "| --- | --- | --- | --- | --- | --- |"]
    for page in PAGES:
        cells, ratio_large = [], None
        for scale in ("seed", "large"):
            base, app = results["baseline"][scale].get(page), results["apptest"][scale].get(page)
            if not base or not app:
                cells += ["-", "-"]
                continue
            ratio = statistics.median(base) / statistics.median(app)
            ratio_large = ratio if scale == "large" else ratio_large
            cells += [_fmt(statistics.median(base)), f"{ratio:.1f}x"]
        verdict = _verdict(ratio_large, 5.0, True) if ratio_large else "not run"
        lines.append(f"| {page} | {' | '.join(cells)} | {verdict} |")
    lines.append("\nWhere each missed target's time goes, and what would close it: benchmarks/analysis.md.\n")
    return "\n".join(lines)


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
                   "apptest": {}, "baseline": {}, "browser": {}}
        for scale in ("seed", "large"):
            db = str(workdir / f"{scale}.duckdb")
            print(f"{scale}: AppTest reruns", file=sys.stderr, flush=True)
            results["apptest"][scale] = run_json([str(HERE / "apptest_bench.py"), "--db", db, "--reps", str(args.reps)])
            results["baseline"][scale] = run_json([str(HERE / "apptest_bench.py"), "--db", db, "--reps",
                                                   str(args.reps), "--baseline"])
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
