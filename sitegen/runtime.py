"""Ship the checker's runtime into the built site: Pyodide, the checker wheel, and the page's
JavaScript and CSS.

Everything is served by the site itself, so the checker works offline and never contacts a third
party. The site gets its own `pyodide-lock.json`, listing only the checker wheel: Pyodide reads
the lock to find the wheel and passes its sha256 to `fetch` as Subresource Integrity, so the
browser refuses a wheel that is not the one this build made.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

from .mkdocs_build import SiteBuildError

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WEB_CHECKER = ROOT / "web" / "checker"

# The runtime proper. Not console*.html (they load scripts from a CDN), the classic pyodide.js
# (the worker imports the ES module) or the source maps.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
RUNTIME_DIR = "pyodide"
LOCK_FILE = "pyodide-lock.json"
ASSETS_DIR = Path("assets") / "checker"
ASSET_SUFFIXES = (".mjs", ".css")


class RuntimeMissing(SiteBuildError):
    """The runtime cannot be installed; the message says what is missing."""


def install(site_dir: Path, wheel: Path) -> None:
    """Copy the runtime, the wheel, a lock file naming it, and the checker's assets into `site_dir`.

    The assets go once to the site root; pages in every language load them by a relative URL.
    """
    missing = [name for name in RUNTIME_FILES if not (PYODIDE_DIR / name).is_file()]
    if missing:
        raise RuntimeMissing(f"{PYODIDE_DIR} lacks {', '.join(missing)}: run `npm ci` (python3 build.py does)")
    runtime = site_dir / RUNTIME_DIR
    runtime.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copy2(PYODIDE_DIR / name, runtime / name)
    shipped = runtime / wheel.name
    shutil.copy2(wheel, shipped)
    write_lock(shipped, runtime / LOCK_FILE)

    assets = site_dir / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    for source in sorted(WEB_CHECKER.iterdir()):
        if source.suffix in ASSET_SUFFIXES:
            shutil.copy2(source, assets / source.name)


def write_lock(wheel: Path, lock_path: Path) -> None:
    """Write a lock holding only `wheel` (file name relative to the lock, with its sha256).

    It keeps the `info` of the npm package's lock, whose ABI version Pyodide checks at start-up;
    the 350-odd packages listed there are left out, since the checker needs none of them and the
    browser would download the whole list on every cold start.
    """
    upstream = PyodideLockSpec.from_json(PYODIDE_DIR / LOCK_FILE)
    empty = PyodideLockSpec(info=upstream.info, packages={})
    spec = add_wheels_to_spec(empty, [wheel], base_path=wheel.parent)
    spec.to_json(lock_path, indent=1)


def download_bytes() -> int:
    """What a first visit downloads for the checker: the runtime (the wheel adds a few KB)."""
    return sum((PYODIDE_DIR / name).stat().st_size for name in RUNTIME_FILES)
