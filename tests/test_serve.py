"""`build.py serve`: what it watches, and that a broken rebuild leaves the last good site up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import serve


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in repo root with a template and an ignored folder."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.md.j2").write_text("# Page\n")
    (tmp_path / "node_modules").mkdir()
    monkeypatch.setattr(serve, "ROOT", tmp_path)
    monkeypatch.setattr(serve, "SITE", tmp_path / "site")
    monkeypatch.setattr(serve, "NEXT", tmp_path / ".site-next")
    return tmp_path


def test_snapshot_sees_changed_added_and_removed_sources(repo: Path) -> None:
    before = serve._snapshot()
    page = repo / "templates" / "page.md.j2"
    os.utime(page, ns=(0, 0))
    assert serve._snapshot() != before
    changed = serve._snapshot()
    (repo / "mkdocs.yml").write_text("site_name: x\n")
    assert serve._snapshot() != changed
    added = serve._snapshot()
    page.unlink()
    assert serve._snapshot() != added


def test_snapshot_ignores_what_it_does_not_watch(repo: Path) -> None:
    before = serve._snapshot()
    (repo / "node_modules" / "x.js").write_text("")
    (repo / "templates" / "__pycache__").mkdir()
    (repo / "templates" / "__pycache__" / "x.pyc").write_text("")
    assert serve._snapshot() == before


def test_failed_rebuild_keeps_the_last_good_site(repo: Path) -> None:
    # No build.py in the stand-in repo: the build command fails, as a broken source would.
    (repo / "site").mkdir()
    (repo / "site" / "index.html").write_text("last good")
    assert serve.rebuild() is False
    assert (repo / "site" / "index.html").read_text() == "last good"
