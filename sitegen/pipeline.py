"""The build: every call's data → Markdown per language → MkDocs → runtime and downloads → checks.

Each call in `site_src/calls/` is a site of its own below its id (sitegen/layout.py), in both
languages, and the landing pages at the language roots list them all. Each step lives in its own
module; this one only orders them, so that `build.py build`, `build.py serve` and the tests build
the very same site.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checker import Call, CallDataError, load_calls
from checker.formatting import LANGS

from . import pages, runtime
from .compress import precompress
from .downloads import write_downloads
from .embed import write_embeds
from .mkdocs_build import SiteBuildError, build_site
from .moved import MOVED, write_moved
from .pages import PagesError
from .paths import ROOT, shown
from .postbuild import check_site
from .status import ages, banners, statuses
from .strings import Strings, StringsError, load_strings
from .wheel import build_wheel

CALLS = ROOT / "site_src" / "calls"
DEFAULT_STRINGS = ROOT / "site_src" / "strings"


class BuildFailed(Exception):
    """A defect the build refuses; the message names the file and the key or page."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    calls: Mapping[str, Call]
    current: str
    """The id of the current call (the open or next one, else the latest)."""
    seconds: float


def build(
    out_dir: Path,
    calls_path: Path = CALLS,
    strings_path: Path = DEFAULT_STRINGS,
    prose_path: Path = pages.PROSE,
    now: dt.datetime | None = None,
    moved_path: Path | None = MOVED,
) -> BuildResult:
    """Build the whole site, every call in `calls_path`, into `out_dir`, or raise BuildFailed saying
    what is wrong and where.

    `now` is the moment the site describes (each call open or closed); default: `pages.build_time()`.
    `moved_path` lists old addresses that lead to the pages' new ones (None: a site of other calls,
    which has none).
    """
    started = time.perf_counter()
    moment = now or pages.build_time()
    try:
        calls = load_calls(calls_path, shown(calls_path))
        strings = load_strings(strings_path, shown(strings_path))
        standing = statuses(calls, moment)
        landing = pages.render_landing(standing, strings, prose_dir=prose_path)
        sites = {
            call_id: pages.render(
                call, strings, standing[call_id], parent=calls[call.follows] if call.follows else None, prose_dir=prose_path
            )
            for call_id, call in calls.items()
        }
        palette = _palette_names(strings)
        with tempfile.TemporaryDirectory(prefix="aspire-wheel-") as tmp:
            wheel = build_wheel(Path(tmp), calls_path)
            # The landing pages first: MkDocs empties the folder it builds into, the site root here.
            # They show every call's data, so they are as new as the newest.
            newest = max(call.updated for call in calls.values())
            build_site(
                landing.docs, out_dir, site_name=_landing_name(strings), nav=landing.nav, palette_names=palette,
                extra={lang: {"updated": line} for lang, line in ages(newest, moment, strings).items()},
            )
            for call_id, sources in sites.items():
                status, age = banners(standing[call_id], strings), ages(calls[call_id].updated, moment, strings)
                build_site(
                    sources.docs,
                    out_dir,
                    site_name=strings.site_name(calls[call_id]),
                    nav=sources.nav,
                    extra_files=sources.extra_files,
                    palette_names=palette,
                    prefix=call_id,
                    extra={lang: {"call_status": status[lang], "updated": age[lang]} for lang in LANGS},
                )
            runtime.install(out_dir, wheel)
        for call_id, call in calls.items():
            write_embeds(call, strings, standing[call_id], out_dir)
            write_downloads(call, strings, standing[call_id], out_dir)
        if moved_path is not None:
            write_moved(calls, strings, out_dir, moved_path)
        runtime.write_service_worker(out_dir)  # last page written: it lists the checker pages
        precompress(out_dir)
        problems = check_site(out_dir)
    except (CallDataError, StringsError, PagesError, SiteBuildError) as error:
        raise BuildFailed(str(error)) from None
    if problems:
        raise BuildFailed("the built site has defects:\n" + "\n".join(f"  - {p}" for p in problems))
    current = next(iter(standing.values())).current.id
    return BuildResult(out_dir, calls, current, time.perf_counter() - started)


def _palette_names(strings: Strings) -> dict[str, dict[str, str]]:
    return {lang: strings.with_prefix("site.palette", lang) for lang in LANGS}


def _landing_name(strings: Strings) -> dict[str, str]:
    return {lang: strings.get("site.landing.site_name", lang) for lang in LANGS}


def build_command(out_dir: Path) -> int:
    try:
        result = build(out_dir)
    except BuildFailed as error:
        print(f"[build.py] build failed: {error}", file=sys.stderr)
        return 1
    print(f"[build.py] built {', '.join(result.calls)} into {shown(out_dir)}/ in {result.seconds:.1f} s "
          f"(landing pages at / and /en/, each call at /<call-id>/ and /en/<call-id>/; current: {result.current})")
    return 0
