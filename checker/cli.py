"""Command line: `python -m checker check FILE` and `python -m checker batch FILE`.

Whatever the bytes, the answer is JSON (or, for a batch, CSV) and an exit code, never a
traceback: 0 for any verdict on valid input, 2 for input that cannot be judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from .batch import BatchError, report_file
from .engine import default_call_id, evaluate, to_json

EXIT_OK, EXIT_INVALID = 0, 2


def _invalid(ja: str, en: str) -> dict[str, Any]:
    return {"call": default_call_id(), "verdict": "invalid", "errors": [{"path": "", "message": {"ja": ja, "en": en}}]}


def _read(name: str, stdin: BinaryIO) -> bytes:
    return stdin.read() if name == "-" else Path(name).read_bytes()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(content: bytes) -> tuple[Any, dict[str, Any] | None]:
    """Decode strict JSON; returns (value, None) or (None, an invalid result saying why)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, _invalid("入力がUTF-8ではありません。", "The input is not UTF-8 text.")
    try:
        return json.loads(text, parse_constant=_reject_constant), None
    except json.JSONDecodeError as error:
        return None, _invalid(
            f"JSONとして読めません（{error.lineno}行 {error.colno}列）。",
            f"The input is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
        )
    except (ValueError, RecursionError):
        return None, _invalid("JSONとして読めません（入れ子が深すぎるか、数値が大きすぎます）。",
                              "The input is not usable JSON (nested too deeply, or a number too long).")


def check(name: str, stdin: BinaryIO, stdout: BinaryIO) -> int:
    try:
        content = _read(name, stdin)
    except OSError as error:
        result = _invalid(f"ファイルを読めません：{name}", f"Cannot read the file {name}: {error.strerror or error}.")
    else:
        value, result = parse_json(content)
        if result is None:
            result = evaluate(value)
    stdout.write(to_json(result).encode("utf-8"))
    return EXIT_INVALID if result["verdict"] == "invalid" else EXIT_OK


def batch(name: str, kind: str | None, stdin: BinaryIO, stdout: BinaryIO, stderr: BinaryIO) -> int:
    try:
        try:
            content = _read(name, stdin)
        except OSError as error:
            raise BatchError("ファイルを読めません。", f"Cannot read the file {name}: {error.strerror or error}.") from None
        output = report_file(name, content, kind)
    except BatchError as error:
        stderr.write(f"{error}\n".encode("utf-8", "backslashreplace"))
        return EXIT_INVALID
    stdout.write(output.encode("utf-8"))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description="Check planned ASPIRE applications against the call. / ASPIRE申請計画を公募要件と照合します。",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("check", help="one application (JSON) → result JSON on stdout")
    one.add_argument("file", help="a JSON file, or - for standard input")
    many = commands.add_parser("batch", help="many applications (CSV or JSON Lines) → report CSV on stdout")
    many.add_argument("file", help="a .csv or .jsonl file, or - for standard input (with --format)")
    many.add_argument("--format", choices=("csv", "jsonl"), help="the input's format when the name does not say")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.file, sys.stdin.buffer, sys.stdout.buffer)
    return batch(args.file, args.format, sys.stdin.buffer, sys.stdout.buffer, sys.stderr.buffer)
