"""`build.py serve`: build the site, serve it, and rebuild whenever a source changes.

Each rebuild runs `build.py build` in a fresh Python process, so a change to the checker's or the
generator's own code takes effect as surely as a change to the call data or a template. It builds
into a scratch folder and only a successful build replaces site/: while a source is broken, the
last good site stays up and the build's own message says what to fix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .paths import ROOT
from .static_server import make_server

SITE = ROOT / "site"
NEXT = ROOT / ".site-next"
"""Where a rebuild goes first; beside site/, so moving it into place is a rename."""
WATCHED = ("site_src", "templates", "checker", "web", "mkdocs.yml")
POLL_SECONDS = 1.0


def serve(port: int, base: str) -> int:
    """Serve site/ at http://127.0.0.1:PORT/BASE until interrupted, rebuilding on change."""
    rebuild()
    server = make_server(SITE, port, base)
    host, bound = server.server_address[:2]
    path = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    print(f"[build.py] serving Japanese at http://{host}:{bound}{path} and English at http://{host}:{bound}{path}en/")
    print("[build.py] rebuilding when site_src/, templates/, checker/, web/ or mkdocs.yml change; Ctrl+C stops")
    threading.Thread(target=_watch, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print()
    finally:
        server.server_close()
    return 0


def rebuild() -> bool:
    """Build into a scratch folder and swap it in; on failure keep the current site (the build
    has printed why)."""
    SITE.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(NEXT)], cwd=ROOT)
    if done.returncode != 0:
        print("[build.py] serving the last good site until the sources build again", flush=True)
        return False
    old = SITE.with_name(".site-old")
    shutil.rmtree(old, ignore_errors=True)
    SITE.rename(old)
    NEXT.rename(SITE)
    shutil.rmtree(old, ignore_errors=True)
    return True


def _watch() -> None:
    seen = _snapshot()
    while True:
        time.sleep(POLL_SECONDS)
        current = _snapshot()
        if current != seen:
            print("[build.py] a source changed: rebuilding", flush=True)
            rebuild()
            # Changes made during the build are caught on the next turn.
            seen = current


def _snapshot() -> dict[Path, int]:
    """Modification times of every watched file (a deleted or added file changes the keys)."""
    times = {}
    for path in _watched_files():
        try:
            times[path] = path.stat().st_mtime_ns
        except FileNotFoundError:  # deleted while we looked: the next turn sees it gone
            continue
    return times


def _watched_files() -> Iterator[Path]:
    for name in WATCHED:
        top = ROOT / name
        paths = [top] if top.is_file() else top.rglob("*") if top.is_dir() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                yield path
