"""A plain static server for the built site, as any host would serve it: right MIME types for
the runtime (.wasm, .mjs), optionally under a subpath such as /portal/aspire/.

Used by `build.py serve`, the browser tests and the benchmark, so all three see the same site.
With `precompressed=True` (the benchmark) it also serves the build's `.br`/`.gz` copies to a
browser that accepts them, as nginx's `brotli_static`/`gzip_static` do: the original's type,
`Content-Encoding`, and `Vary: Accept-Encoding`. By default every file goes as it is on disk.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import os
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
    ".whl": "application/zip",
    ".zip": "application/zip",
}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
"""Content codings of the build's precompressed copies, in order of preference."""


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at `base`; anything outside `base` is a 404, like a real subpath host."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    base = "/"
    precompressed = False
    headers_sent: Mapping[str, str] = {}
    """Sent with every response, as by a host configured to (e.g. a Content-Security-Policy)."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "\0-outside-base")
        return super().translate_path("/" + path[len(self.base):])

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        if not self.path.startswith(self.base):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        file = self._file() if self.precompressed else None
        variants = [(coding, Path(f"{file}{suffix}")) for coding, suffix in ENCODINGS] if file else []
        variants = [(coding, path) for coding, path in variants if path.is_file()]
        accepted = _accepted_codings(self.headers.get("Accept-Encoding", ""))
        chosen = next(((coding, path) for coding, path in variants if coding in accepted), None)
        if file is None or chosen is None:
            self._vary = bool(variants)
            return super().send_head()
        coding, path = chosen
        modified = file.stat().st_mtime
        if self._not_modified(modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        handle = path.open("rb")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Last-Modified", self.date_time_string(modified))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return handle

    def end_headers(self) -> None:
        for name, value in self.headers_sent.items():
            self.send_header(name, value)
        if getattr(self, "_vary", False):
            self.send_header("Vary", "Accept-Encoding")
            self._vary = False
        super().end_headers()

    def _file(self) -> Path | None:
        """The file a GET of this path serves (a folder's index.html), or None."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urllib.parse.urlsplit(self.path).path.endswith("/"):
                return None
            path = path / "index.html"
        return path if path.is_file() else None

    def _not_modified(self, modified: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return dt.datetime.fromtimestamp(modified, dt.timezone.utc).replace(microsecond=0) <= when

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and the benchmark read their own output."""


def _accepted_codings(header: str) -> set[str]:
    """The codings an Accept-Encoding header accepts (q=0 refuses one)."""
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                accepted.add(name.strip().lower())
        except ValueError:
            continue
    return accepted


def make_server(site_dir: Path, port: int = 0, base: str = "/", host: str = "127.0.0.1",
                precompressed: bool = False, headers: Mapping[str, str] | None = None) -> ThreadingHTTPServer:
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    handler = type("BoundSiteHandler", (SiteHandler,),
                   {"base": base, "precompressed": precompressed, "headers_sent": dict(headers or {})})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))
    server.daemon_threads = True
    return server


@contextmanager
def serving(site_dir: Path, base: str = "/", precompressed: bool = False,
            headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve in a background thread; yields the site's URL (ending in the base path). `headers`
    go with every response."""
    server = make_server(site_dir, 0, base, precompressed=precompressed, headers=headers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{'/' + base.strip('/') + '/' if base.strip('/') else '/'}"
    finally:
        server.shutdown()
        server.server_close()
