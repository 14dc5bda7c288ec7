#!/usr/bin/env python3
"""The project's one command-line entry: `python3 build.py build|serve|test|bench|check`.

This file only makes sure the environment exists, then hands over to `sitegen.commands`:
- `.venv/` in the repo root, made with a Python ≥ 3.12 (pyodide-build needs it), holding the
  pinned packages of requirements.txt (reinstalled when that file changes);
- `node_modules/` from the committed package-lock.json (`npm ci`, again only when it changes),
  which brings the self-hosted Pyodide runtime.
It must run on whatever `python3` a fresh machine has, so it uses the standard library only and
no syntax newer than Python 3.8.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
MIN_PYTHON = (3, 12)


def say(message):
    print(f"[build.py] {message}", flush=True)


def _version(python):
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python():
    """A Python ≥ 3.12: this one, one on PATH, or one of pyenv's versions."""
    candidates = [sys.executable] + [f"python3.{minor}" for minor in (14, 13, 12)]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted((str(p) for p in pyenv_root.glob("versions/3.1[2-9]*/bin/python3")), reverse=True)
    for candidate in candidates:
        path = shutil.which(candidate) or candidate
        version = _version(path)
        if version and version >= MIN_PYTHON:
            return path
    sys.exit("[build.py] Python 3.12 or newer is needed (pyodide-build requires it); none was found. "
             "Install one (e.g. `pyenv install 3.12`) and run this again.")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _up_to_date(stamp, source):
    return stamp.exists() and stamp.read_text() == _digest(source)


def ensure_venv():
    requirements = ROOT / "requirements.txt"
    stamp = VENV / ".requirements.sha256"
    if VENV_PYTHON.exists() and (_version(str(VENV_PYTHON)) or (0, 0)) < MIN_PYTHON:
        say(f"{VENV} uses a Python older than 3.12: recreating it")
        shutil.rmtree(VENV)
    if not VENV_PYTHON.exists():
        python = find_python()
        say(f"creating {VENV.name}/ with {python}")
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    if not _up_to_date(stamp, requirements):
        say("installing the pinned Python packages (requirements.txt) into .venv/")
        subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(requirements)], check=True)
        stamp.write_text(_digest(requirements))


def ensure_node_modules():
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".package-lock.sha256"
    if _up_to_date(stamp, lock):
        return
    if shutil.which("npm") is None:
        sys.exit("[build.py] npm (Node.js 20 or newer) is needed for the self-hosted Pyodide runtime; install Node.js.")
    say("installing the npm packages from package-lock.json (npm ci): the Pyodide runtime")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    stamp.write_text(_digest(lock))


def main():
    if Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        ensure_node_modules()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve())] + sys.argv[1:])
    sys.path.insert(0, str(ROOT))
    from sitegen.commands import main as run

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
