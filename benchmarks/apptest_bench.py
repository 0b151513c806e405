"""Server-side rerun after a filter change, per page, with Streamlit's AppTest.

Run in its own process per database (clean caches): prints one JSON object
{filter: {page: [seconds, ...]}}. Each repetition changes one filter to a value not seen before
(the years slider to a new first year, or a single buyer or system not chosen before, those
with the most deals first), so every
rerun is a real cache miss, as when a user changes a filter. The years and buyer changes are
made over every system (the system filter cleared: the default view is the S-400's alone), the
system changes from the default to another system each. A filter with too few values for the
repetitions (one system at seed scale) is measured as often as it can be, maybe never.

    python benchmarks/apptest_bench.py --db PATH --reps 5 [--baseline] [--pages overview,map]
                                       [--filters years,buyer,system]
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


def _changes(app, name: str, reps: int) -> list:
    """``reps`` + 1 settings of filter ``name`` (years, buyer, system), each new."""
    if name == "years":
        slider = app.slider(key="f_years")
        first, last = slider.min, slider.max
        return [(first + 1 + (i % max(1, last - first - 1)), last) for i in range(reps + 1)]
    current = app.multiselect(key=f"f_{name}s").value
    return [[code] for code in _busiest(name) if code not in current][:reps + 1]


def _busiest(name: str) -> list[str]:
    """The codes of a deal filter (buyer, system), those with the most deals first: the views
    users open most, and the heaviest."""
    from s400tracker import db, filters
    column = {"buyer": "buyer_iso3", "system": "system_id"}[name]
    with db.connect(Path(os.environ["S400_DB"])) as conn:
        offered = db.query(conn, filters.BUYER.options_sql if name == "buyer" else filters.SYSTEM.options_sql)
        counts = db.query(conn, f"SELECT {column} AS code, count(*) AS n FROM deals GROUP BY ALL")
    ranked = counts.set_index("code")["n"].reindex(offered["code"]).fillna(0)
    return list(ranked.sort_values(ascending=False, kind="stable").index)


def _set(app, name: str, value) -> None:
    if name == "years":
        app.slider(key="f_years").set_value(value)
    else:
        app.multiselect(key=f"f_{name}s").set_value(value)


def rerun_times(page: str, reps: int, name: str = "years") -> list[float]:
    """Seconds per rerun after a change of filter ``name`` (a warm-up change first, not counted)."""
    app = _open(page)
    if name != "system":  # over every system: the default view is the S-400's alone
        app.multiselect(key="f_systems").set_value([])
        app.run()
    times = []
    for i, value in enumerate(_changes(app, name, reps)):
        _set(app, name, value)
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
    parser.add_argument("--filters", default="years,buyer,system")
    args = parser.parse_args()
    os.environ["S400_DB"] = args.db
    sys.path.insert(0, str(ROOT / "benchmarks"))
    if args.baseline:
        import baseline
        baseline.install()
    results = {name: {} for name in args.filters.split(",")}
    for name, times in results.items():
        for page in args.pages.split(","):
            times[page] = rerun_times(page, args.reps, name)
            print(json.dumps({name: {page: times[page]}}), file=sys.stderr, flush=True)  # progress
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
