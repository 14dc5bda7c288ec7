"""Shared fixtures: the site built once per test session, and a local server for it."""

from __future__ import annotations

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
