"""A plain static server for the built site, as any host would serve it: right MIME types for
the runtime (.wasm, .mjs), optionally under a subpath such as /portal/aspire/.

Used by `build.py serve`, the browser tests and the benchmark, so all three see the same site.
With `precompressed=True` (the benchmark) it also serves the build's `.br`/`.gz` copies to a
browser that accepts them, as nginx's `brotli_static`/`gzip_static` do: the original's type,
`Content-Encoding`, and `Vary: Accept-Encoding`. By default every file goes as it is on disk.

With `faults` (the browser tests of a flaky host, tests/browser/test_faults.py) it answers the
paths they name as a flaky host would: an error status, the file cut short, other bytes, or the
answer held back. Without them, nothing changes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import io
import math
import os
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Fault:
    """How a flaky host answers for one file: with an error `status` instead; or with the file,
    only its first `keep` share of bytes (a download cut off, and stored so by a cache on the way)
    and/or with one byte in the middle changed (`altered`: same length, other bytes), after
    holding the answer back for `stall` seconds (math.inf: until `released` is set, else never).

    A faulty answer is a plain 200 with a Content-Length that matches what it sends, whatever the
    request's conditions, as a broken cache in front of a host would give it."""

    status: HTTPStatus | None = None
    keep: float = 1.0
    altered: bool = False
    stall: float = 0.0
    released: threading.Event | None = None
    """Set by a test to end the stall early (the held answer then goes out)."""

    def body(self, content: bytes) -> bytes:
        """What goes out for a file of `content`."""
        kept = content[: int(len(content) * self.keep)]
        if self.altered and kept:
            middle = len(kept) // 2
            kept = kept[:middle] + bytes([kept[middle] ^ 0xFF]) + kept[middle + 1:]
        return kept

    def hold(self) -> None:
        """Wait as long as the stall lasts."""
        if self.stall:
            (self.released or threading.Event()).wait(None if math.isinf(self.stall) else self.stall)


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at `base`; anything outside `base` is a 404, like a real subpath host."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    base = "/"
    precompressed = False
    headers_sent: Mapping[str, str] = {}
    """Sent with every response, as by a host configured to (e.g. a Content-Security-Policy)."""
    faults: Mapping[str, Fault] = {}
    """By path under the base ("pyodide/pyodide.asm.wasm"): read at each request, so a test may
    add and remove faults while the server runs."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base):
            return str(Path(self.directory) / "\0-outside-base")
        return super().translate_path("/" + path[len(self.base):])

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        if not self.path.startswith(self.base):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        fault = self.faults.get(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path[len(self.base):]))
        if fault is not None:
            return self._faulty(fault)
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

    def _faulty(self, fault: Fault) -> BinaryIO | None:
        """Answer as `fault` says (a missing file stays a plain 404)."""
        fault.hold()
        file = self._file()
        if fault.status is not None or file is None:
            self.send_error(fault.status or HTTPStatus.NOT_FOUND)
            return None
        body = fault.body(file.read_bytes())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(file.stat().st_mtime))
        self.end_headers()
        return io.BytesIO(body)

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
                precompressed: bool = False, headers: Mapping[str, str] | None = None,
                faults: Mapping[str, Fault] | None = None) -> ThreadingHTTPServer:
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    handler = type("BoundSiteHandler", (SiteHandler,),
                   {"base": base, "precompressed": precompressed, "headers_sent": dict(headers or {}),
                    "faults": {} if faults is None else faults})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site_dir)))
    server.daemon_threads = True
    return server


@contextmanager
def serving(site_dir: Path, base: str = "/", precompressed: bool = False,
            headers: Mapping[str, str] | None = None, faults: Mapping[str, Fault] | None = None) -> Iterator[str]:
    """Serve in a background thread; yields the site's URL (ending in the base path). `headers`
    go with every response; `faults` (kept, not copied: the caller may change it meanwhile) spoil
    the answers for the paths they name."""
    server = make_server(site_dir, 0, base, precompressed=precompressed, headers=headers, faults=faults)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{'/' + base.strip('/') + '/' if base.strip('/') else '/'}"
    finally:
        server.shutdown()
        server.server_close()
