"""Command line: ``python -m s400tracker build [--data DIR] [--db PATH]``."""

import argparse
import sys
from pathlib import Path

from . import config
from .build import build
from .validate import DataError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m s400tracker",
                                     description="S-400 Deal Tracker data tools")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="validate the curated CSVs and build the database")
    build_cmd.add_argument("--data", type=Path, default=config.DATA_DIR, help="folder of table CSVs")
    build_cmd.add_argument("--db", type=Path, default=None,
                           help=f"database file (default: ${config.DB_ENV_VAR} or data/s400.duckdb)")
    return parser


def run_build(data_dir: Path, db_path: Path | None) -> int:
    """Build, print a summary or every problem, and return the exit code."""
    target = db_path or config.database_path()
    try:
        result = build(data_dir, target)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(error.problems)} problem(s); {target} was not changed", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"build failed: {error}; {target} was not changed", file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {count}" for name, count in result.row_counts.items())
    print(f"built {result.db_path} (data version {result.version}): {counts}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "build":
        return run_build(args.data, args.db)
    return 2
