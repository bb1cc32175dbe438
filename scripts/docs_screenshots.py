"""Photograph each role's start page for the docs: docs/screenshots/<role>-<desktop|phone>.png
at 1366 × 900 and 390 × 844, on the same data the role journeys use
(tests/e2e/test_role_journeys.py). Run it after a change to the start pages and commit the
PNGs; `make e2e` skips that test so a test run never rewrites the docs.

    .venv/bin/python scripts/docs_screenshots.py
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/e2e/test_role_journeys.py::test_it_photographs_each_start_page_for_the_docs"


def main() -> int:
    env = dict(os.environ, KAIYIHUI_DOCS_SCREENSHOTS="1")
    command = [sys.executable, "-m", "pytest", TEST, "-m", "e2e", "-p", "no:cacheprovider"]
    return subprocess.call(command, cwd=ROOT, env=env)  # nosec B603: our own test


if __name__ == "__main__":
    sys.exit(main())
