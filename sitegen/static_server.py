"""A plain static server for the built site, as any host would serve it: right MIME types for
the runtime (.wasm, .mjs), optionally under a subpath such as /portal/aspire/.

Used by `build.py serve`, the browser tests and the benchmark, so all three see the same site.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at `base`; anything outside `base` is a 404, like a real subpath host."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    base = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "\0-outside-base")
        return super().translate_path("/" + path[len(self.base):])

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and the benchmark read their own output."""


def make_server(site_dir: Path, port: int = 0, base: str = "/", host: str = "127.0.0.1") -> ThreadingHTTPServer:
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    handler = type("BoundSiteHandler", (SiteHandler,), {"base": base})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))
    server.daemon_threads = True
    return server


@contextmanager
def serving(site_dir: Path, base: str = "/") -> Iterator[str]:
    """Serve in a background thread; yields the site's URL (ending in the base path)."""
    server = make_server(site_dir, 0, base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{'/' + base.strip('/') + '/' if base.strip('/') else '/'}"
    finally:
        server.shutdown()
        server.server_close()
