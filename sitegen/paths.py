"""Where the site's sources live, and how a path is named in a message to the user."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shown(path: Path | str) -> str:
    """A path relative to the repo, as the user sees it in the tree; others as given."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
