"""Where each part of the built site goes: the one place that knows the URL layout.

    index.html, en/index.html      the landing pages: every call, the current one first
    <call-id>/…                    a call's guide in Japanese: its pages, checker, embed and batch
                                   pages, and its downloads
    en/<call-id>/…                 the same call in English, at the same paths below its folder
    pyodide/, assets/checker/, sw.js   the checker's runtime, shared by every call

A call's folder is its id, so its paths and anchors never change once it is published, whatever
calls come after it. Each language's folder comes from mkdocs.yml (`extra.alternate`).
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

from checker.formatting import Lang

from .mkdocs_build import language_dirs


def language_dir(lang: Lang) -> PurePosixPath:
    """A language's folder below the site root: "" for the default language, "en" for English."""
    return PurePosixPath(language_dirs()[lang])


def call_dir(lang: Lang, call_id: str) -> PurePosixPath:
    """A call's folder in one language below the site root ("aspire-fy2025-single",
    "en/aspire-fy2025-single")."""
    return language_dir(lang) / call_id


def dir_url(folder: PurePosixPath) -> str:
    """A folder below the site root as a relative directory URL: "" for the root, else "a/b/"."""
    text = folder.as_posix()
    return "" if text in ("", ".") else f"{text}/"


def up_to_root(folder: PurePosixPath) -> str:
    """The relative URL from a page in `folder` back to the site root ("", "../", "../../")."""
    text = folder.as_posix()
    return "" if text in ("", ".") else "../" * len(folder.parts)


def relative(source: PurePosixPath, target: PurePosixPath) -> str:
    """The directory URL of `target` as linked from a page in `source` ("./" for the same one)."""
    path = posixpath.relpath(target.as_posix() or ".", source.as_posix() or ".")
    return "./" if path == "." else f"{path}/"
