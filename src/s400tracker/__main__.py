"""Run the command line: python -m s400tracker."""

import sys

from .cli import main

sys.exit(main())
