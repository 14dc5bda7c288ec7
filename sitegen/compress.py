"""Precompressed copies of the site's larger text and WebAssembly files (`.gz` and `.br`).

Hosts that serve precompressed files (nginx `gzip_static`/`brotli_static`, Apache MultiViews
with type maps, most CDNs) then send the runtime at a fraction of its size without compressing
on every request; hosts that do not simply ignore the copies.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import brotli

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "precompressed"
"""Compressed copies by content hash: the 10 MB runtime never changes between builds, and
Brotli's best level takes ~25 s on it, so it is compressed once per machine, not per build."""

COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".bin", ".zip", ".whl", ".svg", ".xml", ".ics", ".txt"}
""".bin: the checker's memory snapshot (sitegen/snapshot.py), 14 MB that Brotli makes 3.8 MB."""
MIN_BYTES = 1024
"""Below this a compressed copy saves less than a request's headers cost."""


def precompress(site_dir: Path) -> int:
    """Write `name.gz` and `name.br` beside every compressible file that gets smaller; returns
    how many files were compressed. Copies are kept only where they save bytes (zip archives,
    for one, are compressed already)."""
    count = 0
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE:
            continue
        data = path.read_bytes()
        if len(data) < MIN_BYTES:
            continue
        wrote = False
        digest = hashlib.sha256(data).hexdigest()
        for suffix, pack in _PACKERS.items():
            packed = _cached(digest + suffix, lambda: pack(data))
            if len(packed) < len(data) * 0.95:
                path.with_name(path.name + suffix).write_bytes(packed)
                wrote = True
        count += wrote
    return count


_PACKERS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": lambda data: gzip.compress(data, 9, mtime=0),
    ".br": lambda data: brotli.compress(data, quality=11),
}


def _cached(name: str, make: Callable[[], bytes]) -> bytes:
    path = CACHE / name
    if path.exists():
        return path.read_bytes()
    packed = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".tmp").write_bytes(packed)
    path.with_suffix(".tmp").replace(path)
    return packed
