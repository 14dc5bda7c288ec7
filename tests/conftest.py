"""Shared fixtures: the site built once per test session, a local server for it, and a site of
two calls (the shipped one and a synthetic call that follows it)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.static_server import serving


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built from the shipped call, exactly as `build.py build` builds it."""
    from sitegen.pipeline import build  # imported here: unit tests need no site

    out = tmp_path_factory.mktemp("site")
    build(out)
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site on a local plain static server, at the root."""
    with serving(built_site) as url:
        yield url


ROOT = Path(__file__).resolve().parent.parent
FOLLOW_UP = ROOT / "tests" / "fixtures" / "calls" / "synthetic-fy2026-single.toml"
"""A synthetic call that follows the shipped FY2025 call and holds only what changed."""
BETWEEN = dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
"""A moment after the FY2025 deadline (2025-05-12) and before the follow-up's (2026-05-11)."""


@pytest.fixture(scope="session")
def two_calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of calls: the shipped FY2025 call and the synthetic follow-up beside it."""
    folder = tmp_path_factory.mktemp("calls")
    for source in (*sorted((ROOT / "site_src" / "calls").glob("*.toml")), FOLLOW_UP):
        shutil.copy2(source, folder / source.name)
    return folder


@pytest.fixture(scope="session")
def two_calls_site(tmp_path_factory: pytest.TempPathFactory, two_calls: Path) -> Path:
    """The site of both calls, as built on 2025-12-01: FY2025 closed, the follow-up open."""
    from sitegen.pipeline import build

    out = tmp_path_factory.mktemp("two-calls-site")
    build(out, calls_path=two_calls, now=BETWEEN)
    return out
