"""The build: call data → Markdown per language → MkDocs → runtime and downloads → checks.

Each step lives in its own module; this one only orders them, so that `build.py build`,
`build.py serve` and the tests build the very same site.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from checker import CallDataError, Call, load_call
from checker.formatting import LANGS

from . import pages, runtime
from .compress import precompress
from .downloads import write_downloads
from .embed import write_embeds
from .mkdocs_build import SiteBuildError, build_site
from .pages import PagesError
from .paths import ROOT, shown
from .postbuild import check_site
from .strings import StringsError, load_strings
from .wheel import build_wheel

DEFAULT_CALL = ROOT / "site_src" / "calls" / "aspire-fy2025-single.toml"
DEFAULT_STRINGS = ROOT / "site_src" / "strings"


class BuildFailed(Exception):
    """A defect the build refuses; the message names the file and the key or page."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    call: Call
    seconds: float


def build(
    out_dir: Path,
    call_path: Path = DEFAULT_CALL,
    strings_path: Path = DEFAULT_STRINGS,
    prose_path: Path = pages.PROSE,
    now: dt.datetime | None = None,
) -> BuildResult:
    """Build the whole site into `out_dir`, or raise BuildFailed saying what is wrong and where.

    `now` is the moment the site describes (the call open or closed); default: `pages.build_time()`.
    """
    started = time.perf_counter()
    moment = now or pages.build_time()
    try:
        call = load_call(call_path, shown(call_path))
        strings = load_strings(strings_path, shown(strings_path))
        sources = pages.render(call, strings, now=moment, prose_dir=prose_path)
        with tempfile.TemporaryDirectory(prefix="aspire-wheel-") as tmp:
            wheel = build_wheel(Path(tmp))
            build_site(
                sources.docs,
                out_dir,
                site_name=strings.site_name(call),
                nav=sources.nav,
                extra_files=sources.extra_files,
                palette_names={lang: strings.with_prefix("site.palette", lang) for lang in LANGS},
            )
            runtime.install(out_dir, wheel)
        write_embeds(call, strings, out_dir)
        write_downloads(call, strings, out_dir, moment)
        runtime.write_service_worker(out_dir)  # last page written: it lists the checker pages
        precompress(out_dir)
        problems = check_site(out_dir)
    except (CallDataError, StringsError, PagesError, SiteBuildError) as error:
        raise BuildFailed(str(error)) from None
    if problems:
        raise BuildFailed("the built site has defects:\n" + "\n".join(f"  - {p}" for p in problems))
    return BuildResult(out_dir, call, time.perf_counter() - started)


def build_command(out_dir: Path) -> int:
    try:
        result = build(out_dir)
    except BuildFailed as error:
        print(f"[build.py] build failed: {error}", file=sys.stderr)
        return 1
    print(f"[build.py] built {result.call.id} into {shown(out_dir)}/ in {result.seconds:.1f} s "
          f"(Japanese at /, English at /en/)")
    return 0
