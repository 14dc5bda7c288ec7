"""Ship the checker's runtime into the built site: Pyodide, the checker wheel, the wheels the
batch page reads and writes workbooks with, the page's JavaScript and CSS, and the service worker
that keeps them for later and offline visits.

Everything is served by the site itself, so the checker works offline and never contacts a third
party. The site gets its own `pyodide-lock.json`, listing the checker wheel and the workbook
wheels (openpyxl and et-xmlfile), each with its sha256: the checker's worker reads the lock to
find the checker wheel and passes its sha256 to `fetch` as Subresource Integrity, so the browser
refuses a wheel that is not the one this build made; Pyodide's `loadPackage` checks the workbook
wheels the same way, when the batch page first reads or writes an .xlsx (never at the start).
The lock's `tool` table gives the sha256 of every runtime file too (`runtime_sha256`, which also
fills the service worker's CONFIG): both workers check each copy against it, so a missing,
truncated or altered file makes the start fail at once, naming it, and is never kept.

Three things make the start fast (numbers in README.md, "Benchmark"):
- Pyodide's standard library ships as source; the modules the checker's start imports are
  precompiled to bytecode by Pyodide itself (`pycompile.mjs`, cached in `.cache/`), which takes
  more than a second off every start that is not from a snapshot. The workbook wheels, and the
  standard-library modules openpyxl imports, are precompiled the same way, which halves the
  time openpyxl takes to import when the batch page reads its first workbook;
- the build's memory snapshot (sitegen/snapshot.py): the worker restores Python with the checker
  imported and the call data read, instead of starting it, and loads only the few standard-library
  modules the restored interpreter still imports; the full standard library and the wheel are for
  the normal start it falls back to;
- `sw.js` at the site root caches what a start from the snapshot needs under a name made of the
  Pyodide version and the wheel's sha256, so a rebuild never meets a stale wheel or snapshot.
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
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

from . import snapshot
from .mkdocs_build import SiteBuildError
from .postbuild import _html_resource_urls

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WEB_DIR = ROOT / "web"
WEB_CHECKER = WEB_DIR / "checker"
CHECKER_SOURCES = ROOT / "checker"
PYCOMPILE = Path(__file__).resolve().parent / "pycompile.mjs"
STDLIB_CACHE = ROOT / ".cache" / "pyodide-stdlib"
PYPI_CACHE = ROOT / ".cache" / "pypi-wheels"
REQUIREMENTS = ROOT / "requirements.txt"

# The runtime proper. Not console*.html (they load scripts from a CDN), the classic pyodide.js
# (the worker imports the ES module) or the source maps.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
STDLIB = "python_stdlib.zip"
SNAPSHOT_FILES = (snapshot.SNAPSHOT, snapshot.SNAPSHOT_STDLIB)
"""What a start from the build's memory snapshot loads instead of the standard library (and the
checker wheel), which only a normal start needs (sitegen/snapshot.py)."""
SHIPPED_FILES = (*RUNTIME_FILES, *SNAPSHOT_FILES)
SNAPSHOT_START = (*(name for name in RUNTIME_FILES if name != STDLIB), *SNAPSHOT_FILES)
"""What a start from the snapshot loads: what the page preloads and the service worker stores."""
RUNTIME_DIR = "pyodide"
LOCK_FILE = "pyodide-lock.json"
LOCK_TOOL = "aspire-checker"
"""The lock's `tool` table for this site: the sha256 of every runtime file (`runtime_sha256`) and
the memory snapshot's files (`snapshot`)."""
CHECKER_PACKAGE = "aspire-checker"
"""The checker wheel's name in the lock (the project's name in pyproject.toml)."""
WORKBOOK_PACKAGES = ("openpyxl", "et-xmlfile")
"""What reading or writing an .xlsx needs in the browser: openpyxl (checker/sheets.py imports it
only then) and the package it requires. Pure-Python wheels from PyPI, at the versions
requirements.txt pins for the command line, so the page and the command line read a workbook
alike."""
ASSETS_DIR = Path("assets") / "checker"
ASSET_SUFFIXES = (".mjs", ".css")
SERVICE_WORKER = "sw.js"
CHECKER_SCRIPTS = ("assets/checker/checker.mjs", "assets/checker/batch.mjs")
"""A page that loads one of these scripts is a checker page (the checker, its embed page, the
batch page): the service worker keeps it for offline visits."""


class RuntimeMissing(SiteBuildError):
    """The runtime cannot be installed; the message says what is missing."""


def install(site_dir: Path, wheel: Path) -> None:
    """Copy the runtime, the wheels, a lock file naming them, and the checker's assets into
    `site_dir`.

    The assets go once to the site root; pages in every language load them by a relative URL.
    """
    missing = [name for name in RUNTIME_FILES if not (PYODIDE_DIR / name).is_file()]
    if missing:
        raise RuntimeMissing(f"{PYODIDE_DIR} lacks {', '.join(missing)}: run `npm ci` (python3 build.py does)")
    runtime = site_dir / RUNTIME_DIR
    runtime.mkdir(parents=True, exist_ok=True)
    compiled = precompiled()
    for name in RUNTIME_FILES:
        shutil.copy2(compiled.stdlib if name == STDLIB else PYODIDE_DIR / name, runtime / name)
    shipped = runtime / wheel.name
    shutil.copy2(wheel, shipped)
    packages = []
    for source, bytecode in compiled.wheels:
        shutil.copy2(bytecode, runtime / bytecode.name)
        packages.append((source, runtime / bytecode.name))
    # The snapshot's maker loads the workbook wheels from this lock; the second names every file.
    write_lock(shipped, runtime / LOCK_FILE, packages=packages)
    snapshot.install(runtime)
    write_lock(shipped, runtime / LOCK_FILE, packages=packages, files=SHIPPED_FILES)

    assets = site_dir / ASSETS_DIR
    assets.mkdir(parents=True, exist_ok=True)
    for source in sorted(WEB_CHECKER.iterdir()):
        if source.suffix in ASSET_SUFFIXES:
            shutil.copy2(source, assets / source.name)


def write_lock(wheel: Path, lock_path: Path, packages: Sequence[tuple[Path, Path]] = (),
               files: Sequence[str] = ()) -> None:
    """Write a lock holding `wheel` and the `packages` (each a PyPI wheel and the precompiled
    copy the site ships beside the lock), file names relative to the lock, with their sha256.

    It keeps the `info` of the npm package's lock, whose ABI version Pyodide checks at start-up;
    the 350-odd packages listed there are left out, since the checker needs none of them and the
    browser would download the whole list on every cold start. A package's entry is made from its
    PyPI wheel, whose metadata gives its dependencies and import names (the precompiled copy has
    no .py files to find them by), then names the shipped copy and its sha256, as Pyodide's own
    `pyodide py-compile` updates a lock. Its `tool` table gives the sha256 of the runtime `files`
    beside the lock (`runtime_sha256`), which the worker checks each file it loads against, and
    the names of the memory snapshot's two files (`snapshot`: `memory`, `stdlib`) when they are
    among them: the worker starts from the snapshot where the lock names one.
    """
    upstream = PyodideLockSpec.from_json(PYODIDE_DIR / LOCK_FILE)
    empty = PyodideLockSpec(info=upstream.info, packages={})
    spec = add_wheels_to_spec(empty, [wheel], base_path=wheel.parent)
    if packages:
        spec = add_wheels_to_spec(spec, [source for source, _ in packages], base_path=packages[0][0].parent)
        for source, shipped in packages:
            entry = spec.packages[parse_wheel_filename(source.name)[0]]
            entry.file_name = shipped.relative_to(lock_path.parent).as_posix()
            entry.sha256 = _sha256(shipped)
    if files:
        tool: dict[str, object] = {"runtime_sha256": runtime_sha256(lock_path.parent, files)}
        if set(SNAPSHOT_FILES) <= set(files):
            tool["snapshot"] = {"memory": snapshot.SNAPSHOT, "stdlib": snapshot.SNAPSHOT_STDLIB}
        spec.tool = {LOCK_TOOL: tool}
    spec.to_json(lock_path, indent=1)


def runtime_sha256(runtime_dir: Path, files: Sequence[str]) -> dict[str, str]:
    """The sha256 of each runtime file shipped in `runtime_dir`, by file name: what the checker's
    worker (from the lock) and the service worker (from its CONFIG) check every copy against, so
    that a copy cut short or altered on the way is refused, never used or kept. (The wheels' are
    the lock's `packages` entries.)"""
    return {name: _sha256(runtime_dir / name) for name in files}


def preloads() -> list[tuple[str, str]]:
    """What a checker page asks for before its worker starts, with the `as` of its preload: the
    files a start from the snapshot loads, but pyodide.mjs, which the worker imports itself."""
    return [(f"{RUNTIME_DIR}/{name}", "script" if name.endswith(".mjs") else "fetch")
            for name in SNAPSHOT_START if name != "pyodide.mjs"]


@functools.cache
def download_bytes() -> int:
    """What a first visit downloads for the checker: the runtime (the wheel adds a few KB; the
    workbook wheels are loaded only by the batch page, for a workbook)."""
    stdlib = precompiled().stdlib
    return sum((stdlib if name == STDLIB else PYODIDE_DIR / name).stat().st_size for name in RUNTIME_FILES)


# --- The workbook wheels, from PyPI -----------------------------------------------------------


def pinned(name: str) -> str:
    """The requirement `name==version` as requirements.txt pins it."""
    for line in REQUIREMENTS.read_text("utf-8").splitlines():
        project, equals, version = line.split("#")[0].strip().partition("==")
        if equals and canonicalize_name(project) == canonicalize_name(name):
            return f"{project}=={version.strip()}"
    raise RuntimeMissing(f"requirements.txt pins no version of {name}, which the batch page needs in the browser")


@functools.cache
def pypi_wheels() -> tuple[Path, ...]:
    """The pure-Python wheels of WORKBOOK_PACKAGES at their pinned versions, in .cache/pypi-wheels/.

    The first build on a machine (a fresh CI runner) downloads them from PyPI with pip (the
    wheels alone, no dependencies, no source distributions; pip checks each against the sha256
    the index gives); later builds find them there and work offline.
    """
    wanted = [pinned(name) for name in WORKBOOK_PACKAGES]
    missing = [requirement for requirement in wanted if _cached_wheel(requirement) is None]
    if missing:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
             "--quiet", "--dest", str(PYPI_CACHE), *missing],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            raise RuntimeMissing(f"downloading {', '.join(missing)} from PyPI failed:\n{done.stderr or done.stdout}")
    found = [_cached_wheel(requirement) for requirement in wanted]
    if None in found:
        raise RuntimeMissing(f"PyPI has no pure-Python (py3-none-any) wheel of {', '.join(r for r, w in zip(wanted, found) if w is None)}")
    return tuple(wheel for wheel in found if wheel is not None)


def _cached_wheel(requirement: str) -> Path | None:
    """The cached pure-Python wheel of `name==version`, if there is one."""
    name, _, version = requirement.partition("==")
    for path in sorted(PYPI_CACHE.glob("*.whl")):
        project, release, _, tags = parse_wheel_filename(path.name)
        pure = all(tag.abi == "none" and tag.platform == "any" for tag in tags)
        if project == canonicalize_name(name) and str(release) == version and pure:
            return path
    return None


# --- The standard library and the workbook wheels, precompiled --------------------------------


@dataclass(frozen=True)
class Precompiled:
    """What the build ships as bytecode: the standard library, and each PyPI wheel with its
    precompiled copy."""

    stdlib: Path
    wheels: tuple[tuple[Path, Path], ...]


@functools.cache
def precompiled() -> Precompiled:
    """Pyodide's python_stdlib.zip with the modules the checker imports as bytecode, and the
    workbook wheels with all their modules as bytecode.

    Made by Pyodide itself under Node (pycompile.mjs), which installs the wheels before it imports
    the checker's modules, so openpyxl (imported by checker/sheets.py) brings in the
    standard-library modules it needs (xml.etree, …) and those are compiled too. Cached by the
    sha256 of its inputs: the upstream zip, the script, the wheels, and the names of the
    standard-library modules the checker imports (read from its source, so it changes only when
    those imports do). Made once per process: every checker page asks for the zip's size.
    """
    upstream = PYODIDE_DIR / STDLIB
    if not upstream.is_file():
        raise RuntimeMissing(f"{PYODIDE_DIR} lacks {STDLIB}: run `npm ci` (python3 build.py does)")
    wheels = pypi_wheels()
    modules = sorted(checker_imports())
    key = hashlib.sha256()
    for part in (upstream.read_bytes(), PYCOMPILE.read_bytes(), json.dumps(modules).encode(), *(w.read_bytes() for w in wheels)):
        key.update(hashlib.sha256(part).digest())
    cached = STDLIB_CACHE / key.hexdigest()
    outputs = Precompiled(cached / STDLIB, tuple((wheel, cached / _bytecode_name(wheel)) for wheel in wheels))
    if cached.is_dir():
        return outputs
    node = shutil.which("node")
    if node is None:
        raise RuntimeMissing("precompiling Pyodide's standard library needs `node` on PATH (python3 build.py installs Node packages with it)")
    STDLIB_CACHE.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=STDLIB_CACHE))  # renamed to `cached` once complete
    try:
        names = partial / "modules.json"
        names.write_text(json.dumps(modules), "utf-8")
        pairs = [str(path) for wheel, out in outputs.wheels for path in (wheel, partial / out.name)]
        done = subprocess.run([node, str(PYCOMPILE), str(upstream), str(partial / STDLIB), str(names), *pairs],
                              capture_output=True, text=True)
        names.unlink()
        made = [outputs.stdlib, *(out for _, out in outputs.wheels)]
        if done.returncode != 0 or not all((partial / out.name).is_file() for out in made):
            raise RuntimeMissing(f"precompiling Pyodide's standard library and wheels failed:\n{done.stderr or done.stdout}")
        try:
            partial.replace(cached)
        except OSError:
            if not cached.is_dir():  # else another build made the same meanwhile
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # what a failed run left
    return outputs


def _bytecode_name(wheel: Path) -> str:
    """A precompiled wheel's name, as `pyodide py-compile` names it: its bytecode is for Pyodide's
    Python only (openpyxl-3.1.5-py2.py3-none-any.whl → openpyxl-3.1.5-cp314-none-any.whl)."""
    project, version, _, _ = parse_wheel_filename(wheel.name)
    major, minor = PyodideLockSpec.from_json(PYODIDE_DIR / LOCK_FILE).info.python.split(".")[:2]
    return f"{project.replace('-', '_')}-{version}-cp{major}{minor}-none-any.whl"


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

    It keeps the runtime and the wheel, each stored only if its bytes have the sha256 written here
    (`runtime`: path → sha256, from the lock's `runtime_sha256` and its wheel; `precache`: what its install
    stores, a start from the snapshot, the rest being stored when first asked for), the lock, the
    checker's assets, and every checker page with what it loads. Its cache is named after the
    Pyodide version and a digest of every runtime file's sha256; since they are written into the
    file, a rebuild that changes any file changes sw.js, which the browser then installs anew,
    filling a new cache and deleting the old.
    """
    lock = json.loads((site_dir / RUNTIME_DIR / LOCK_FILE).read_text("utf-8"))
    wheel = lock["packages"][CHECKER_PACKAGE]
    pages = checker_pages(site_dir)
    resources = {path for page in pages for path in _page_resources(site_dir, page)}
    resources |= {f"{ASSETS_DIR.as_posix()}/{p.name}" for p in sorted((site_dir / ASSETS_DIR).iterdir()) if p.suffix in ASSET_SUFFIXES}
    files = lock["tool"][LOCK_TOOL]["runtime_sha256"]  # what the worker checks against: the same
    wheel_url = f"{RUNTIME_DIR}/{wheel['file_name']}"
    runtime = {f"{RUNTIME_DIR}/{name}": sha256 for name, sha256 in files.items()} | {wheel_url: wheel["sha256"]}
    config = {
        "pyodide": pyodide_version(),
        "runtime_digest": hashlib.sha256(json.dumps(runtime, sort_keys=True).encode()).hexdigest()[:16],
        "runtime": runtime,
        "precache": [f"{RUNTIME_DIR}/{name}" for name in SNAPSHOT_START],
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
