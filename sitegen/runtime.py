"""Ship the checker's runtime into the built site: Pyodide, the checker wheel, the page's
JavaScript and CSS, and the service worker that keeps them for later and offline visits.

Everything is served by the site itself, so the checker works offline and never contacts a third
party. The site gets its own `pyodide-lock.json`, listing only the checker wheel: the checker's
worker reads the lock to find the wheel and passes its sha256 to `fetch` as Subresource
Integrity, so the browser refuses a wheel that is not the one this build made.

Two things make the start fast (numbers in README.md, "Benchmark"):
- Pyodide's standard library ships as source; the modules the checker's start imports are
  precompiled to bytecode by Pyodide itself (`pycompile.mjs`, cached in `.cache/`), which takes
  more than a second off every start that is not from a snapshot;
- `sw.js` at the site root caches the runtime and the wheel under a name made of the Pyodide
  version and the wheel's sha256, so a rebuild never meets a stale wheel; the worker keeps its
  own memory snapshot beside it (web/checker/worker.mjs).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

from .mkdocs_build import SiteBuildError
from .postbuild import _html_resource_urls

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WEB_DIR = ROOT / "web"
WEB_CHECKER = WEB_DIR / "checker"
CHECKER_SOURCES = ROOT / "checker"
PYCOMPILE = Path(__file__).resolve().parent / "pycompile.mjs"
STDLIB_CACHE = ROOT / ".cache" / "pyodide-stdlib"

# The runtime proper. Not console*.html (they load scripts from a CDN), the classic pyodide.js
# (the worker imports the ES module) or the source maps.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
STDLIB = "python_stdlib.zip"
RUNTIME_DIR = "pyodide"
LOCK_FILE = "pyodide-lock.json"
LOCK_TOOL = "aspire-checker"
"""The lock's `tool` table for this site: the sha256 of the shipped python_stdlib.zip."""
ASSETS_DIR = Path("assets") / "checker"
ASSET_SUFFIXES = (".mjs", ".css")
SERVICE_WORKER = "sw.js"
CHECKER_SCRIPTS = ("assets/checker/checker.mjs", "assets/checker/batch.mjs")
"""A page that loads one of these scripts is a checker page (the checker, its embed page, the
batch page): the service worker keeps it for offline visits."""
BRIDGE_MODULES = ("csv", "io", "json")
"""Standard-library modules web/checker/worker.mjs imports besides the checker's own."""


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
        shutil.copy2(stdlib_zip() if name == STDLIB else PYODIDE_DIR / name, runtime / name)
    shipped = runtime / wheel.name
    shutil.copy2(wheel, shipped)
    write_lock(shipped, runtime / LOCK_FILE, stdlib_sha256=_sha256(runtime / STDLIB))

    assets = site_dir / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    for source in sorted(WEB_CHECKER.iterdir()):
        if source.suffix in ASSET_SUFFIXES:
            shutil.copy2(source, assets / source.name)


def write_lock(wheel: Path, lock_path: Path, stdlib_sha256: str | None = None) -> None:
    """Write a lock holding only `wheel` (file name relative to the lock, with its sha256).

    It keeps the `info` of the npm package's lock, whose ABI version Pyodide checks at start-up;
    the 350-odd packages listed there are left out, since the checker needs none of them and the
    browser would download the whole list on every cold start. Its `tool` table gives the sha256
    of the shipped standard library, part of the key of the worker's memory snapshot.
    """
    upstream = PyodideLockSpec.from_json(PYODIDE_DIR / LOCK_FILE)
    empty = PyodideLockSpec(info=upstream.info, packages={})
    spec = add_wheels_to_spec(empty, [wheel], base_path=wheel.parent)
    if stdlib_sha256:
        spec.tool = {LOCK_TOOL: {"python_stdlib_sha256": stdlib_sha256}}
    spec.to_json(lock_path, indent=1)


@functools.cache
def download_bytes() -> int:
    """What a first visit downloads for the checker: the runtime (the wheel adds a few KB)."""
    return sum((stdlib_zip() if name == STDLIB else PYODIDE_DIR / name).stat().st_size for name in RUNTIME_FILES)


# --- The standard library, precompiled ------------------------------------------------------


@functools.cache
def stdlib_zip() -> Path:
    """Pyodide's python_stdlib.zip with the modules the checker's start imports as bytecode.

    Made by Pyodide itself under Node (pycompile.mjs) and cached by the sha256 of its inputs:
    the upstream zip, the script, and the names of the standard-library modules the checker
    imports (read from its source, so it changes only when those imports do). Made once per
    process: every checker page asks for its size.
    """
    upstream = PYODIDE_DIR / STDLIB
    if not upstream.is_file():
        raise RuntimeMissing(f"{PYODIDE_DIR} lacks {STDLIB}: run `npm ci` (python3 build.py does)")
    modules = sorted(checker_imports() | set(BRIDGE_MODULES))
    key = hashlib.sha256()
    for part in (upstream.read_bytes(), PYCOMPILE.read_bytes(), json.dumps(modules).encode()):
        key.update(hashlib.sha256(part).digest())
    cached = STDLIB_CACHE / f"{key.hexdigest()}.zip"
    if cached.is_file():
        return cached
    node = shutil.which("node")
    if node is None:
        raise RuntimeMissing("precompiling Pyodide's standard library needs `node` on PATH (python3 build.py installs Node packages with it)")
    STDLIB_CACHE.mkdir(parents=True, exist_ok=True)
    names = STDLIB_CACHE / f"{key.hexdigest()}.modules.json"
    names.write_text(json.dumps(modules), "utf-8")
    partial = cached.with_suffix(".tmp")
    done = subprocess.run([node, str(PYCOMPILE), str(upstream), str(partial), str(names)], capture_output=True, text=True)
    names.unlink()
    if done.returncode != 0 or not partial.is_file():
        raise RuntimeMissing(f"precompiling Pyodide's standard library failed:\n{done.stderr or done.stdout}")
    partial.replace(cached)
    return cached


def checker_imports() -> set[str]:
    """Absolute module names the checker's source imports (`from a.b import c` gives a.b and
    a.b.c, since c may be a module); the checker's own relative imports are left out."""
    names: set[str] = set()
    for source in sorted(CHECKER_SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_bytes(), str(source))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return {name for name in names if name.split(".")[0] != "checker"}


# --- The service worker ---------------------------------------------------------------------


def write_service_worker(site_dir: Path) -> Path:
    """Write `sw.js` at the site root from web/sw.js, with what it keeps written into it.

    It keeps the runtime, the wheel (checked against the lock's sha256 as it is stored), the lock,
    the checker's assets, and every checker page with what it loads. Its cache is named after the
    Pyodide version, the wheel's sha256 and the standard library's; since they are written into
    the file, a rebuild that changes any of them changes sw.js, which the browser then installs
    anew, filling a new cache and deleting the old.
    """
    lock = json.loads((site_dir / RUNTIME_DIR / LOCK_FILE).read_text("utf-8"))
    wheel = next(iter(lock["packages"].values()))
    pages = checker_pages(site_dir)
    resources = {path for page in pages for path in _page_resources(site_dir, page)}
    resources |= {f"{ASSETS_DIR.as_posix()}/{p.name}" for p in sorted((site_dir / ASSETS_DIR).iterdir()) if p.suffix in ASSET_SUFFIXES}
    runtime = [f"{RUNTIME_DIR}/{name}" for name in RUNTIME_FILES]
    config = {
        "pyodide": pyodide_version(),
        "wheel": {"url": f"{RUNTIME_DIR}/{wheel['file_name']}", "sha256": wheel["sha256"]},
        "stdlib_sha256": lock.get("tool", {}).get(LOCK_TOOL, {}).get("python_stdlib_sha256", ""),
        "runtime": runtime,
        "pages": [_page_url(page) for page in pages],
        "assets": sorted(resources - set(runtime) | {f"{RUNTIME_DIR}/{LOCK_FILE}"}),
    }
    template = (WEB_DIR / SERVICE_WORKER).read_text("utf-8")
    marker = "const CONFIG = /* written by sitegen/runtime.py */ null;"
    if marker not in template:
        raise RuntimeMissing(f"web/{SERVICE_WORKER} lacks the line `{marker}` the build fills in")
    target = site_dir / SERVICE_WORKER
    target.write_text(template.replace(marker, f"const CONFIG = {json.dumps(config, indent=1)};"), "utf-8")
    return target


def pyodide_version() -> str:
    return str(json.loads((PYODIDE_DIR / "package.json").read_text("utf-8"))["version"])


def checker_pages(site_dir: Path) -> list[Path]:
    """The built pages that load a checker's script, relative to the site root."""
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        page = path.relative_to(site_dir)
        if any(_resolve(page, url) in CHECKER_SCRIPTS for url in _html_resource_urls(path.read_text("utf-8"))):
            found.append(page)
    return found


def _page_url(page: Path) -> str:
    """The URL a page is visited by, relative to the site root ("checker/" for checker/index.html)."""
    url = page.as_posix()
    return url[: -len("index.html")] if url.endswith("index.html") else url


def _page_resources(site_dir: Path, page: Path) -> list[str]:
    html = (site_dir / page).read_text("utf-8")
    urls = _html_resource_urls(html) + _theme_fetches(site_dir, page, html)
    resolved = {_resolve(page, url) for url in urls if url and "://" not in url and not url.startswith(("data:", "//", "#"))}
    return sorted(path for path in resolved if path and (site_dir / path).is_file())


_THEME_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def _theme_fetches(site_dir: Path, page: Path, html: str) -> list[str]:
    """What Material's script fetches on every page, as URLs relative to the page: its search
    worker, the language's search index and the worker's lunr language support (as Material's
    worker picks them from the index's languages). Offline, a page whose search cannot load
    breaks with a script error."""
    found = _THEME_CONFIG.search(html)
    if not found:
        return []
    config = json.loads(found.group(1))
    urls = []
    if config.get("search"):
        worker = config["search"]
        urls.append(worker)
        lunr = posixpath.join(posixpath.dirname(worker), "..", "lunr")
        index = posixpath.join(config.get("base", "."), "search", "search_index.json")
        urls.append(index)
        index_file = site_dir / _resolve(page, index)
        languages = json.loads(index_file.read_text("utf-8")).get("config", {}).get("lang", []) if index_file.is_file() else []
        scripts = []
        for lang in languages:
            scripts += {"ja": ["tinyseg.js"], "hi": ["wordcut.js"], "th": ["wordcut.js"]}.get(lang, [])
            scripts += [f"min/lunr.{lang}.min.js"] if lang != "en" else []
        scripts += ["min/lunr.multi.min.js"] if len(languages) > 1 else []
        scripts = ["min/lunr.stemmer.support.min.js", *scripts] if scripts else []
        urls += [posixpath.join(lunr, script) for script in scripts]
    return urls


def _resolve(page: Path, url: str) -> str:
    """A relative URL on `page` as a path from the site root ("" when it leaves the site)."""
    path = url.split("#")[0].split("?")[0]
    joined = posixpath.normpath(posixpath.join(page.parent.as_posix(), path))
    return "" if joined.startswith("..") else joined


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
