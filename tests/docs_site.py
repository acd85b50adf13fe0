"""The documentation site built once per test session (tests/test_docs.py, tests/ui/test_docs_site.py).

The build is ``make docs``'s command (``sphinx-build -W --keep-going``) into a temporary folder,
without reports (a clean clone has none): a warning fails it.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def apiref():
    """``docs/_ext/apiref.py``: the rule that makes a name public, and the list of them."""
    ext = str(DOCS / "_ext")
    if ext not in sys.path:
        sys.path.insert(0, ext)
    return importlib.import_module("apiref")


@functools.cache
def built_site() -> tuple[Path, subprocess.CompletedProcess]:
    """Build the site once; returns (html folder, the finished sphinx-build process)."""
    out = Path(tempfile.mkdtemp(prefix="smartidf-docs-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    no_reports = out / "no-reports"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), "-D", f"smartidf_reports_dir={no_reports}",
         str(DOCS), str(out / "html")],
        capture_output=True, text=True, cwd=ROOT, timeout=900)
    return out / "html", proc
