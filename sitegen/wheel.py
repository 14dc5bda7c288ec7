"""Build the checker wheel that the site ships for Pyodide.

The browser installs the checker from this wheel, so it must be exactly what CPython imports from
the repo: the `checker` package plus the call data the site is built from, every call, at
`checker/calls/*.toml`. The build runs offline, in this interpreter, against the backend already
installed here (no isolated env to download). It builds from a copy of the package whose
`checker/calls` holds the site's call files, so a site built from another folder of calls (a call
editor's draft, a test's) carries exactly those; and the wheel is checked for every one of them,
since a wheel without its call data would fail only in the browser.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "checker"
CALLS = "calls"

# The PEP 517 hook of hatchling, called in a child process whose working directory is the copy of
# the package (hatchling reads pyproject.toml from there); the repo's own build.py would shadow the `build`
# package, so the frontend is this one line.
_HOOK = "import sys, hatchling.build as backend; print(backend.build_wheel(sys.argv[1]))"


def build_wheel(out_dir: Path, calls_dir: Path) -> Path:
    """Build the pure-Python checker wheel, carrying the call files of `calls_dir`, into
    `out_dir` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    calls = sorted(path.name for path in calls_dir.glob("*.toml"))
    with tempfile.TemporaryDirectory(prefix="aspire-wheel-src-") as tmp:
        source = Path(tmp)
        shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
        shutil.copytree(ROOT / PACKAGE, source / PACKAGE, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", CALLS))
        (source / PACKAGE / CALLS).mkdir()
        for name in calls:
            shutil.copy2(calls_dir / name, source / PACKAGE / CALLS / name)
        done = subprocess.run(
            [sys.executable, "-c", _HOOK, str(out_dir.resolve())], cwd=source, capture_output=True, text=True
        )
    if done.returncode != 0:
        raise RuntimeError(f"building the checker wheel failed (is hatchling installed?):\n{done.stderr}")
    wheel = out_dir / done.stdout.strip().splitlines()[-1]
    if not wheel.name.endswith("-py3-none-any.whl"):
        raise RuntimeError(f"{wheel.name}: expected a pure-Python py3-none-any wheel")
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(n.removeprefix(f"{PACKAGE}/{CALLS}/") for n in archive.namelist() if n.startswith(f"{PACKAGE}/{CALLS}/"))
    if shipped != calls:
        raise RuntimeError(f"{wheel.name}: carries the call files {shipped}, not {calls} from {calls_dir}")
    return wheel
