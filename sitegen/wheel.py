"""Build the checker wheel that the site ships for Pyodide.

The browser installs the checker from this wheel, so it must be exactly what CPython imports from
the repo: the `checker` package plus its call data at `checker/calls/*.toml`. The build runs
offline, in this interpreter, against the backend already installed here (no isolated env to
download), and the wheel is checked for the call data because a checkout that lost the
`checker/calls` symlink would otherwise yield a wheel whose checker fails only in the browser.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The PEP 517 hook of hatchling, called in a child process whose working directory is the repo
# (hatchling reads pyproject.toml from there); the repo's own build.py would shadow the `build`
# package, so the frontend is this one line.
_HOOK = "import sys, hatchling.build as backend; print(backend.build_wheel(sys.argv[1]))"


def build_wheel(out_dir: Path) -> Path:
    """Build the pure-Python checker wheel into `out_dir` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _HOOK, str(out_dir.resolve())], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the checker wheel failed (is hatchling installed?):\n{done.stderr}")
    wheel = out_dir / done.stdout.strip().splitlines()[-1]
    if not wheel.name.endswith("-py3-none-any.whl"):
        raise RuntimeError(f"{wheel.name}: expected a pure-Python py3-none-any wheel")
    with zipfile.ZipFile(wheel) as archive:
        if not any(n.startswith("checker/calls/") and n.endswith(".toml") for n in archive.namelist()):
            raise RuntimeError(f"{wheel.name}: no checker/calls/*.toml; is checker/calls a symlink?")
    return wheel
