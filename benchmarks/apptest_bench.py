"""Server-side rerun after a filter change, per page, with Streamlit's AppTest.

Run in its own process per database (clean caches): prints one JSON object
{page: [seconds, ...]}. Each repetition moves the years slider to a range not seen
before, so every rerun is a real cache miss, as when a user changes a filter.

    python benchmarks/apptest_bench.py --db PATH --reps 5 [--baseline] [--pages overview,map]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "map", "timeline", "money", "explorer", "sources", "methodology")


def _open(page: str):
    from streamlit.testing.v1 import AppTest
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.run()
    if page != "overview":
        app.switch_page(f"pages/{page}_page.py").run()
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].value}")
    return app


def rerun_times(page: str, reps: int) -> list[float]:
    """Seconds per rerun after a years-slider change (a warm-up change first, not counted)."""
    app = _open(page)
    slider = app.slider(key="f_years")
    first, last = slider.min, slider.max
    times = []
    for i in range(reps + 1):
        start = first + 1 + (i % max(1, last - first - 1))
        app.slider(key="f_years").set_value((start, last))
        began = time.perf_counter()
        app.run()
        elapsed = time.perf_counter() - began
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].value}")
        if i:
            times.append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    os.environ["S400_DB"] = args.db
    sys.path.insert(0, str(ROOT / "benchmarks"))
    if args.baseline:
        import baseline
        baseline.install()
    results = {}
    for page in args.pages.split(","):
        results[page] = rerun_times(page, args.reps)
        print(json.dumps({page: results[page]}), file=sys.stderr, flush=True)  # progress
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
