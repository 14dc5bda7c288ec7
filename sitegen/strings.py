"""The site's own words (navigation, labels, the checker's interface), in both languages.

Call content lives in the call file; these files hold only the words of the site itself, one
file per part of it (`site_src/strings/site.toml`, `checker.toml`, …). Every string must exist
in both languages, or the build stops naming the file and key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checker import Call
from checker.formatting import LANGS, Lang


TYPED_YEAR = re.compile(r"\d{4}年度|FY ?\d{4}")
"""A fiscal year written out. The site's own words serve every call, so they never name one: a
page takes the year from the call's data (`{{ call.fiscal_year | fy }}`, {fiscal_year})."""


class StringsError(ValueError):
    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")


@dataclass(frozen=True)
class Strings:
    """`strings.get("site.nav.home", "ja")`: the first part of a key names the file."""

    values: Mapping[str, Mapping[str, str]]

    def get(self, key: str, lang: Lang) -> str:
        return self.values[key][lang]

    def both(self, key: str) -> Mapping[str, str]:
        return self.values[key]

    def with_prefix(self, prefix: str, lang: Lang) -> dict[str, str]:
        """Every string under `prefix.` for one language, keyed by the rest of its key."""
        return {key[len(prefix) + 1:]: value[lang] for key, value in self.values.items() if key.startswith(prefix + ".")}

    def site_name(self, call: Call) -> dict[str, str]:
        """A call's guide's name in each language: `site.name` with the call's title as {title}."""
        return {lang: self.get("site.name", lang).replace("{title}", call.title.render(lang)) for lang in LANGS}


def _flatten(file: str, prefix: str, table: Mapping[str, object], out: dict[str, Mapping[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if not isinstance(value, dict):
            raise StringsError(file, key, "must be a table with ja and en")
        if set(value) & set(LANGS):
            for lang in LANGS:
                text = value.get(lang)
                if not isinstance(text, str) or not text.strip():
                    raise StringsError(file, f"{key}.{lang}", "is missing: every string needs both ja and en")
                if typed := TYPED_YEAR.search(text):
                    raise StringsError(file, f"{key}.{lang}", f"names the fiscal year {typed.group()!r}: the site's words "
                                       "serve every call; take the year from the call (a {placeholder} the page fills)")
            if extra := set(value) - set(LANGS):
                raise StringsError(file, key, f"unexpected key(s) {sorted(extra)}; only ja and en")
            out[key] = {lang: value[lang] for lang in LANGS}
        else:
            _flatten(file, key, value, out)


def load_strings(folder: Path, display_name: str | None = None) -> Strings:
    """Read every `*.toml` in `folder`; the file's stem is the first part of its keys."""
    values: dict[str, Mapping[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        name = f"{display_name or folder}/{path.name}"
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise StringsError(name, "(syntax)", f"is not valid UTF-8 TOML: {error}") from None
        _flatten(name, path.stem, data, values)
    return Strings(values)
