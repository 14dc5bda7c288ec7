"""Command line: `python -m checker check FILE` and `python -m checker batch FILE`.

Whatever the bytes, the answer is JSON (or, for a batch, a report: CSV on stdout, or the CSV or
.xlsx file --output names) and an exit code, never a traceback: 0 for any verdict on valid input,
2 for input that cannot be judged. A batch says on stderr what it read (the kind of file, its
encoding or sheet, columns it did not read). `--calls DIR` judges with the call files in DIR
instead of the shipped ones, so a call editor can try next year's file before it ships; a folder
that cannot be used is named on stderr, with exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from .answers import MAX_FILE_BYTES
from .application import shown
from .batch import BatchError, report_file
from .calldata import Call, CallDataError
from .engine import calls, current_call, evaluate_text, invalid, load_calls, now, to_json
from .formatting import LANGS, Lang

EXIT_OK, EXIT_INVALID = 0, 2


def _read(name: str, stdin: BinaryIO, most: int = -1) -> bytes:
    """A file's bytes, or standard input's (`-`); with `most`, no more than that many bytes."""
    if name == "-":
        return stdin.read(most)
    with Path(name).open("rb") as file:
        return file.read(most)


def check(name: str, stdin: BinaryIO, stdout: BinaryIO, registry: Mapping[str, Call]) -> int:
    try:
        content = _read(name, stdin)
    except OSError as error:
        result = invalid(f"ファイルを読めません：{name}", f"Cannot read the file {name}: {error.strerror or error}.", calls=registry)
    else:
        try:
            result = evaluate_text(content.decode("utf-8-sig"), calls=registry)
        except UnicodeDecodeError:
            result = invalid("入力がUTF-8ではありません。", "The input is not UTF-8 text.", calls=registry)
    stdout.write(to_json(result).encode("utf-8"))
    return EXIT_INVALID if result["verdict"] == "invalid" else EXIT_OK


REPORT_KINDS = (".csv", ".xlsx")
"""The endings of the files --output writes."""


def batch(
    name: str, kind: str | None, call_id: str | None, streams: tuple[BinaryIO, BinaryIO, BinaryIO],
    registry: Mapping[str, Call], output: str | None = None, lang: Lang | None = None, base: str = "",
) -> int:
    """The report for a file, on stdout as CSV or into `output` (.csv, with a byte order mark for
    spreadsheet programs, or .xlsx), for scripts or in `lang`, its links from `base`; rows that
    name no call are judged by `call_id` (default: the call current now)."""
    stdin, stdout, stderr = streams
    chosen = call_id or current_call(registry, now()).id
    if chosen not in registry:
        return _refuse(
            stderr, f"--call の公募ID「{shown(chosen)}」はありません。使える公募ID：{', '.join(registry)}",
            f"--call {shown(chosen)!r} is no call; the calls: {', '.join(registry)}.",
        )
    if output is not None and not output.lower().endswith(REPORT_KINDS):
        return _refuse(stderr, "--output のファイル名は .csv か .xlsx で終わる必要があります。",
                       "--output must name a file ending in .csv or .xlsx.")
    try:
        try:
            content = _read(name, stdin, MAX_FILE_BYTES + 1)  # one byte more says it is too large
        except OSError as error:
            raise BatchError("ファイルを読めません。", f"Cannot read the file {name}: {error.strerror or error}.") from None
        report = report_file(name, content, kind, call=chosen, calls=registry)
        for note in report.notes:
            stderr.write(f"{note.ja} / {note.en}\n".encode("utf-8", "backslashreplace"))
        if output is None:
            stdout.write(report.csv(lang, base).encode("utf-8"))
        elif output.lower().endswith(".xlsx"):
            _write(output, report.xlsx(lang, base))
        else:
            _write(output, ("\ufeff" + report.csv(lang, base)).encode("utf-8"))
    except BatchError as error:
        return _refuse(stderr, error.ja, error.en)
    return EXIT_OK


def _write(name: str, content: bytes) -> None:
    try:
        Path(name).write_bytes(content)
    except OSError as error:
        raise BatchError(f"ファイルに書き込めません：{name}", f"Cannot write the file {name}: {error.strerror or error}.") from None


def _refuse(stderr: BinaryIO, ja: str, en: str) -> int:
    stderr.write(f"{ja} / {en}\n".encode("utf-8", "backslashreplace"))
    return EXIT_INVALID


def _registry(folder: str | None) -> Mapping[str, Call]:
    """The calls to judge with: the call files in `folder` (--calls), else the shipped ones."""
    return calls() if folder is None else load_calls(Path(folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Check planned ASPIRE applications against the call. / ASPIRE申請計画を公募要件と照合します。",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("check", help="one application (JSON) → result JSON on stdout")
    one.add_argument("file", help="a JSON file, or - for standard input")
    many = commands.add_parser("batch", help="many applications (a spreadsheet or JSON Lines) → report CSV on stdout")
    many.add_argument(
        "file", help="a spreadsheet (.xlsx; .csv or .txt in UTF-8, Shift_JIS or UTF-16) or a .jsonl file, "
                     "or - for standard input (with --format)",
    )
    many.add_argument("--format", choices=("csv", "jsonl"),
                      help="the input's format when the name does not say (csv: any spreadsheet, the bytes tell which)")
    many.add_argument("--call", metavar="ID", help="the call for rows that name none (default: the current call)")
    many.add_argument("--output", metavar="REPORT", help="write the report to REPORT.csv or REPORT.xlsx (default: CSV on stdout)")
    many.add_argument("--lang", choices=LANGS,
                      help="the report in Japanese or English: verdict words, rule titles, links to the guide "
                           "(default: for scripts, codes and errors in both languages)")
    many.add_argument("--base", metavar="URL", default="",
                      help="the guide's address (e.g. https://guide.example.ac.jp/aspire/): with --lang, the links are "
                           "full addresses (default: paths from the site's root)")
    for command in (one, many):
        command.add_argument(
            "--calls", metavar="DIR", help="judge with the call files (*.toml) in DIR instead of the shipped ones"
        )
    args = parser.parse_args(argv)
    stderr = sys.stderr.buffer
    try:
        registry = _registry(args.calls)
    except CallDataError as error:
        return _refuse(
            stderr, f"公募ファイルを使えません（{error.file}：{error.key}）。", f"The call files cannot be used: {error}"
        )
    if args.command == "check":
        return check(args.file, sys.stdin.buffer, sys.stdout.buffer, registry)
    streams = (sys.stdin.buffer, sys.stdout.buffer, stderr)
    return batch(args.file, args.format, args.call, streams, registry, args.output, args.lang, args.base)
