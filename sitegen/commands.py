"""The commands behind `python3 build.py` (which first sets up .venv/ and node_modules/).

    build   validate the call data, render both languages, build the site into site/
    serve   build, serve site/ on http://127.0.0.1:8000/ and rebuild when a source changes
    test    run every test (unit, Pyodide, site, browser)
    bench   measure build time, checker start-up, evaluation time and page weight
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Headless, and no background calls to Google's services (this machine's network refuses them):
# the flags the browser tests and the benchmark both launch Debian's Chromium with.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def say(message: str) -> None:
    print(f"[build.py] {message}", flush=True)


def ensure_chromium() -> None:
    """The browser tests drive Debian's chromium; a fresh machine may lack it."""
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit("[build.py] the browser tests need Chromium at /usr/bin/chromium: "
                 "install it (Debian: `sudo apt-get install -y chromium`) and run this again.")
    say("installing Chromium for the browser tests (apt-get install chromium)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)


def run_tests(pytest_args: list[str]) -> int:
    ensure_chromium()
    say("running every test with pytest")
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site into site/")
    build.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    serve = commands.add_parser("serve", help="build, serve and rebuild on change")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--base", default="/", help="serve the site under this path, e.g. /portal/aspire/")
    tests = commands.add_parser("test", help="run every test")
    tests.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    commands.add_parser("bench", help="run the benchmark and print its table")
    args = parser.parse_args(argv)

    if args.command == "test":
        return run_tests(args.pytest_args)
    from . import pipeline

    if args.command == "build":
        return pipeline.build_command(args.out)
    if args.command == "serve":
        from .serve import serve

        return serve(args.port, args.base)
    from .bench import bench

    return bench()
