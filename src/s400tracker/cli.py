"""Command line.

``python -m s400tracker build [--data DIR] [--db PATH]``: validate the CSVs, build the database.
``python -m s400tracker export --table deals --query "buyer=TUR&years=2017&years=2020" --out FILE``:
write the CSV a page offers for that link, byte for byte.
``python -m s400tracker summary --query "buyer=IND"``: the view's headline figures (what the overview shows) as JSON.
``python -m s400tracker import FILE [--db PATH] [--format sipri|native] [--dry-run]``: import, whole or not at all;
a long one prints its progress to standard error (progress.Lines: nothing for one under PROGRESS_SECONDS).
``python -m s400tracker synth --deals N --db PATH [--seed S]``: a synthetic database at scale.
``python -m s400tracker serve [--port 8501]``: start the dashboard.
``python -m s400tracker cluster [--replicas N] [--port P]``: N replicas behind HAProxy on this host.
``python -m s400tracker publish --to FOLDER [--db FILE]``: publish a database version for replicas.
"""

import argparse
import getpass
import json
import sys
from pathlib import Path

from . import aggregates, bundle, config, db, importing, progress, publish, queries
from .build import build
from .validate import DataError

PROGRESS_SECONDS = 2.0  # a progress line at most this often: about ten lines for a whole SIPRI register


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m s400tracker",
                                     description="S-400 Deal Tracker data tools")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="validate the curated CSVs and build the database")
    build_cmd.add_argument("--data", type=Path, default=config.DATA_DIR, help="folder of table CSVs")
    build_cmd.add_argument("--db", type=Path, default=None,
                           help=f"database file (default: ${config.DB_ENV_VAR} or data/s400.duckdb)")
    export_cmd = commands.add_parser("export", help="write a table's CSV for a view's link")
    export_cmd.add_argument("--table", required=True, choices=sorted(queries.TABLE_QUERIES))
    export_cmd.add_argument("--query", default="",
                            help="the link's query string, e.g. 'buyer=TUR&years=2017&years=2020'")
    export_cmd.add_argument("--out", type=Path, required=True, help="CSV file to write ('-' for standard output)")
    export_cmd.add_argument("--db", type=Path, default=None, help="database file (default as for build)")
    summary_cmd = commands.add_parser("summary", help="print a view's headline figures, and what they count, as JSON")
    summary_cmd.add_argument("--query", default="", help="the link's query string, as for export")
    summary_cmd.add_argument("--db", type=Path, default=None, help="database file (default as for build)")
    import_cmd = commands.add_parser("import", help="import a SIPRI trade register or table CSVs, whole or not at all")
    import_cmd.add_argument("file", type=Path)
    import_cmd.add_argument("--db", type=Path, default=None, help="database file (default as for build)")
    import_cmd.add_argument("--format", choices=importing.FORMATS, default=None, help="default: detected")
    import_cmd.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    import_cmd.add_argument("--by", default=None, help="who commits (default: the login name)")
    synth_cmd = commands.add_parser("synth", help="write a synthetic database at scale (for benchmarks)")
    synth_cmd.add_argument("--deals", type=int, required=True, help="synthetic deals (deliveries: at least 10x)")
    synth_cmd.add_argument("--db", type=Path, required=True, help="database file to write")
    synth_cmd.add_argument("--seed", type=int, default=0, help="the same seed gives the same database")
    cluster_cmd = commands.add_parser("cluster", help="identical replicas behind HAProxy on this host")
    cluster_cmd.add_argument("--replicas", type=int, default=3, help="replica servers to start (default 3)")
    cluster_cmd.add_argument("--port", type=int, default=8500, help="HAProxy's port (default 8500)")
    cluster_cmd.add_argument("--address", default="127.0.0.1", help="HAProxy's interface (default loopback)")
    publish_cmd = commands.add_parser("publish", help="publish a database file to a folder replicas read")
    publish_cmd.add_argument("--to", type=Path, required=True, help="the published folder (shared by the replicas)")
    publish_cmd.add_argument("--db", type=Path, default=None, help="database file to publish (default as for build)")
    publish_cmd.add_argument("--keep", type=int, default=5, help="versions kept, the current one included")
    serve_cmd = commands.add_parser("serve", help="start the dashboard (what `make run` does)")
    serve_cmd.add_argument("--port", type=int, default=8501)
    serve_cmd.add_argument("--address", default=None, help="interface to listen on (default: all)")
    return parser


def run_export(table: str, query: str, out: Path, db_path: Path | None) -> int:
    """Write the table's CSV for the view ``query`` describes; warn about ignored parts."""
    try:
        with db.connect(db_path or config.database_path()) as conn:
            view, warnings = queries.view_of_link(conn, query)
            payload = bundle.table_bytes(conn, table, view)
    except FileNotFoundError as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if str(out) == "-":
        sys.stdout.buffer.write(payload)
    else:
        try:
            out.write_bytes(payload)
        except OSError as error:
            print(f"export failed: cannot write {out}: {error.strerror}", file=sys.stderr)
            return 1
    rows = payload.count(b"\r\n") - 1
    print(f"wrote {rows} {table} rows for '{view.describe()}' to {out}", file=sys.stderr)
    return 0


def run_summary(query: str, db_path: Path | None) -> int:
    """Print the view's headline figures as JSON, with the view and the data they come from."""
    try:
        with db.connect(db_path or config.database_path()) as conn:
            view, warnings = queries.view_of_link(conn, query)
            version = queries.data_version(conn)
            figures = aggregates.headline(conn, view) | {
                "view": view.describe(queries.party_names(conn)), "filters": view.to_query(),
                "data_version": version["version"], "sources_checked_to": version["sources_checked_to"]}
    except FileNotFoundError as error:
        print(f"summary failed: {error}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def _refused(error: Exception, what: str, outcome: str) -> int:
    """Print every problem (or the OS error) and what happened to the data; exit code 1."""
    if isinstance(error, DataError):
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{what}: {len(error.problems)} problem(s); {outcome}", file=sys.stderr)
    else:
        print(f"{what}: {error}; {outcome}", file=sys.stderr)
    return 1


def run_build(data_dir: Path, db_path: Path | None) -> int:
    """Build, print a summary or every problem, and return the exit code."""
    try:
        target = db_path or config.writable_database()
        result = build(data_dir, target)
    except ValueError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    except (DataError, OSError) as error:
        return _refused(error, "build failed", f"{target} was not changed")
    counts = ", ".join(f"{name} {count}" for name, count in result.row_counts.items())
    print(f"built {result.db_path} (data version {result.version}): {counts}")
    if result.overdue:
        print(f"flagged {len(result.overdue)} planned deliveries whose date has passed (shown as overdue): "
              + ", ".join(result.overdue))
    return 0


def _print_notices(plan: importing.ImportPlan) -> None:
    """What reading the file repaired (e.g. rejoined lines), one line each: said, not refused."""
    for notice in plan.notices:
        print(f"note: {notice}")


def run_import(path: Path, db_path: Path | None, fmt: str | None, dry_run: bool, by: str | None) -> int:
    """Preview or commit an import; print what it does, or every problem and exit 1."""
    try:
        target = db_path or (config.database_path() if dry_run else config.writable_database())
    except ValueError as error:
        print(f"import refused: {error}", file=sys.stderr)
        return 1
    lines = progress.Lines(sys.stderr, PROGRESS_SECONDS)
    try:
        data = _read_limited(path)
        if dry_run:
            plan, result = importing.plan_import(target, data, path.name, fmt, progress=lines), None
            _print_notices(plan)
            if plan.problems:
                raise DataError(plan.problems)
        else:
            plan, result = importing.commit_import(target, data, path.name, by or getpass.getuser(), fmt,
                                                   progress=lines)
            _print_notices(plan)
    except (DataError, OSError) as error:
        return _refused(error, "import refused", "nothing was written")
    print(f"{path.name} ({plan.format}): {plan.summary()}")
    if plan.already_imported:
        print(f"this file was already imported as import {plan.already_imported['import_id']}")
    if dry_run:
        print("dry run: nothing was written")
    elif result is None:
        print("nothing new: the database is unchanged")
    else:
        print(f"committed to {result.db_path} (data version {result.version})")
    return 0


def run_publish(db_path: Path | None, folder: Path, keep: int) -> int:
    """Publish a database file as the folder's new version; print which."""
    source = db_path or config.configured_database()
    try:
        version = publish.publish(source, folder, keep)
    except OSError as error:
        print(f"publish failed: {error}; the published version is unchanged", file=sys.stderr)
        return 1
    print(f"published {source} as {version} (replicas with {config.DB_ENV_VAR}={folder} serve it from their next "
          "request)")
    return 0


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refusing one over the import size limit before reading it."""
    size = path.stat().st_size
    if size > importing.max_bytes():
        raise DataError([importing.Problem(path.name, None, None, "too large",
                                           f"{size / 1e6:.1f} MB; the limit is "
                                           f"{importing.max_bytes() / 1048576:.0f} MB")])
    return path.read_bytes()


def run_synth(deals: int, db_path: Path, seed: int) -> int:
    """Write the synthetic database and print its size and speed."""
    from .synth import synthesize
    try:
        result = synthesize(deals, db_path, seed)
    except (ValueError, OSError) as error:
        print(f"synth failed: {error}", file=sys.stderr)
        return 1
    rows = sum(result.row_counts.values())
    seconds = result.generate_seconds + result.write_seconds
    counts = ", ".join(f"{name} {count}" for name, count in result.row_counts.items())
    print(f"wrote {result.db_path} (data version {result.version}, {db_path.stat().st_size / 1e6:.0f} MB): {counts}")
    print(f"{rows} rows in {seconds:.1f} s (generate {result.generate_seconds:.1f} s, write "
          f"{result.write_seconds:.1f} s): {rows / seconds:,.0f} rows/s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "build":
        return run_build(args.data, args.db)
    if args.command == "export":
        return run_export(args.table, args.query, args.out, args.db)
    if args.command == "summary":
        return run_summary(args.query, args.db)
    if args.command == "import":
        return run_import(args.file, args.db, args.format, args.dry_run, args.by)
    if args.command == "synth":
        return run_synth(args.deals, args.db, args.seed)
    if args.command == "publish":
        return run_publish(args.db, args.to, args.keep)
    if args.command == "cluster":
        from .server.cluster import run
        return run(args.replicas, args.port, args.address)
    if args.command == "serve":
        from .server.serve import serve
        return serve(args.port, args.address)
    return 2
