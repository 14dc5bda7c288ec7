"""`python3 build.py bench`: how fast the site builds, how fast the checker wakes, how fast it
judges, and how much a visitor downloads. Prints a table and writes bench/latest.json (and the
table as bench/latest.md, for README.md's "Benchmark" section).

What is measured, and how:
- build: the whole site (both languages) into a temporary folder, three times; the median. The
  first build says whether the caches of compressed copies and of the precompiled standard
  library were warm (a cold cache adds Brotli's best level on the runtime, ~20 s, once per
  machine);
- first verdict: headless Chromium opens the English checker page with a complete six-fiscal-
  year application in the URL (golden case `top-eligible`); the time from navigation start to the
  verdict on screen (`#ac-verdict` leaves "waiting"), measured in the page. "Cold" is a fresh
  browser context (empty HTTP cache, no service worker; every visit starts from the build's
  memory snapshot); "second visit" is the same context again once the service worker is active,
  so the runtime and the snapshot come from its cache. Also the cold start
  with Chromium's network emulation at 10 Mbit/s down, 5 Mbit/s up, 20 ms latency. Each visit
  also counts the bytes before the first verdict: the encoded sizes (headers and bodies) of the
  responses the page and its workers received that finished before the verdict's moment;
- the plain page, measured the same way in the same run, in turn with the checker page so that
  both meet the same load: what most sites do with Pyodide, for the checker page's times to be
  read against (as ratios beside them). Written into the benchmark's copy of the site only
  (/bench-plain/, `_write_plain_page`): one module script on the main thread that imports
  `loadPyodide` from the runtime as npm ships it (node_modules/pyodide's own files, standard
  library as source and its own pyodide-lock.json, with .br/.gz copies made as the build makes
  the site's), loads it, fetches the site's checker wheel, unpacks it into site-packages,
  imports the checker and judges the same answers from the same `#a=` fragment, then writes the
  verdict into an `#ac-verdict` as the checker page does, so the same clock times it. It has
  no service worker and no snapshot: its second visit has the HTTP cache only;
- evaluation: 200 evaluations of that application through the page's worker; the time of the
  Python call inside the worker (median, p95), and the round trip from the page;
- a research office's workbook: a 1,000-row .xlsx (the four plans of
  tests/fixtures/office-plans.csv over and over, amounts, counts and dates in number and date
  cells) picked on the English batch page of a fresh browser once the checker is ready; the
  time from the form's submission to the results on screen, measured in the page. The first
  workbook includes loading openpyxl (its download, unpacking and import); the same file again
  in that page does not;
- bytes: the sum of Chromium's encoded (on the wire) sizes of every response a page and its
  workers receive, with the static server sending the build's .br/.gz copies as a compressing
  host would: a guidance page (/en/<call>/tracks/) and the checker page, cold; the service worker is
  blocked there, so this is what showing the page costs (its later caching mostly revalidates).
  The checker page's requests are also counted for the workbook wheels, which its start must
  never load.

The machine is recorded with the numbers: they are only comparable on the same machine, and a
busy machine (other tests running) makes them slower. Tests never assert on timing.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .commands import CHROMIUM, CHROMIUM_ARGS
from .compress import CACHE as COMPRESS_CACHE
from .compress import precompress
from .mkdocs_build import content_security_policy
from .paths import ROOT, shown
from .runtime import CHECKER_PACKAGE, LOCK_FILE, PYODIDE_DIR, RUNTIME_DIR, RUNTIME_FILES, STDLIB_CACHE

OUT_DIR = ROOT / "bench"
BUILDS = 3
COLD_RUNS = 5
THROTTLED_RUNS = 3
EVALUATIONS = 200
CASE = "top-eligible"
CALL = "aspire-fy2025-single"
"""The call whose pages are measured: the golden case's."""
GUIDANCE_PAGE = f"en/{CALL}/tracks/"
CHECKER_PAGE = f"en/{CALL}/checker/"
BATCH_PAGE = f"en/{CALL}/batch/"
PLAIN_PAGE = "bench-plain/"
"""The plain Pyodide page, in the benchmark's copy of the site only."""
BATCH_RUNS = 3
BATCH_ROWS = 1000
OFFICE = ROOT / "tests" / "fixtures" / "office-plans.csv"
WORKBOOK_WHEELS = ("openpyxl-", "et_xmlfile-")
THROTTLE = {"offline": False, "latency": 20, "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8}
TIMEOUT_MS = 120_000

TARGETS = {
    "build_s": 10.0,
    "cold_verdict_s": 1.2,
    "cold_verdict_vs_plain_cold": 0.4,
    "second_visit_verdict_s": 0.7,
    "second_visit_verdict_vs_plain_cold": 0.25,
    "cold_10mbit_verdict_s": 6.2,
    "cold_10mbit_mb_before_verdict": 6.5,
    "evaluation_p95_ms": 5.0,
    "guidance_page_kb": 300.0,
    "workbook_s": 3.0,
}

# Records, in the page, when the verdict first leaves "waiting" (ms since navigation start).
VERDICT_CLOCK = """
(() => {
  const check = () => {
    const verdict = document.getElementById("ac-verdict");
    if (verdict && verdict.dataset.verdict !== "waiting" && window.__benchVerdictAt === undefined) {
      window.__benchVerdictAt = performance.now();
      window.__benchVerdict = verdict.dataset.verdict;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-verdict"] });
})();
"""

# Records, in the batch page, when a file is submitted and when its results are announced
# (ms since navigation start): the live region's state goes "loading", then "ready".
BATCH_CLOCK = """
(() => {
  document.addEventListener("submit", () => { window.__benchBatchFrom = performance.now(); window.__benchBatchAt = undefined; }, true);
  new MutationObserver(() => {
    const live = document.getElementById("ac-live");
    if (live?.dataset.state === "ready" && window.__benchBatchFrom !== undefined && window.__benchBatchAt === undefined) {
      window.__benchBatchAt = performance.now();
      window.__benchBatchText = live.textContent;
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
})();
"""

PLAIN_HTML = """<!doctype html>
<html lang="en" data-wheel="{wheel}">
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<link rel="icon" href="data:,">
<title>Plain Pyodide</title>
<p id="ac-verdict" data-verdict="waiting">waiting</p>
<script type="module" src="plain.mjs"></script>
</html>
"""
"""The plain page, under the site's Content-Security-Policy (hence a script file, no inline one);
`wheel` is the site's checker wheel, relative to the page. The empty icon spares a request for
/favicon.ico, which the site does not have."""

PLAIN_SCRIPT = """\
// The plain page of `python3 build.py bench` (sitegen/bench.py writes it): Pyodide as most sites
// use it, for the checker page's start to be compared with. On the main thread, from the runtime
// as npm ships it; then the site's checker wheel, the answers of the page's #a= fragment (as the
// checker page reads them), and the verdict into #ac-verdict, where the benchmark's clock sees it.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const verdict = document.getElementById("ac-verdict");
try {
  const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", import.meta.url).href });
  const wheel = await fetch(new URL(document.documentElement.dataset.wheel, location.href));
  if (!wheel.ok) throw new Error(`${wheel.url}: HTTP ${wheel.status}`);
  const sitePackages = pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('site-packages'))");
  pyodide.unpackArchive(await wheel.arrayBuffer(), "wheel", { extractDir: sitePackages });
  const checker = pyodide.pyimport("checker");
  const base64 = location.hash.slice("#a=".length).replaceAll("-", "+").replaceAll("_", "/");
  const text = new TextDecoder().decode(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)));
  const result = JSON.parse(checker.to_json(checker.evaluate_text(text)));
  verdict.textContent = verdict.dataset.verdict = result.verdict;
} catch (error) {
  verdict.textContent = String(error);
  verdict.dataset.verdict = "failed";
  throw error;
}
"""

EVALUATE_MANY = """
async ([input, count]) => {
  const script = document.querySelector('script[type="module"][src$="checker.mjs"]');
  const { evaluateTimed } = await import(new URL("api.mjs", script.src).href);
  const worker = [], roundTrip = [];
  for (let i = 0; i < count; i++) {
    const begun = performance.now();
    const { ms } = await evaluateTimed(input);
    roundTrip.push(performance.now() - begun);
    worker.push(ms);
  }
  return { worker, roundTrip };
}
"""


def bench() -> int:
    from playwright.sync_api import sync_playwright

    from .pipeline import build
    from .static_server import serving

    if not CHROMIUM.exists():
        print(f"[build.py] the benchmark needs Chromium at {CHROMIUM}", file=sys.stderr)
        return 1
    answers = _answers()
    results: dict[str, Any] = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    machine = _machine()
    with tempfile.TemporaryDirectory(prefix="aspire-bench-") as tmp:
        _say(f"building the site {BUILDS} times")
        warm = {"precompressed": _nonempty(COMPRESS_CACHE), "stdlib": _nonempty(STDLIB_CACHE)}
        seconds = []
        for run in range(BUILDS):
            started = time.perf_counter()
            build(Path(tmp) / f"site-{run}")
            seconds.append(time.perf_counter() - started)
        results["build"] = {"seconds": seconds, "median_s": statistics.median(seconds), "caches_warm_before_first": warm}
        site = Path(tmp) / "site-0"
        _write_plain_page(site)

        with serving(site, precompressed=True) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            machine["chromium"] = browser.version
            checker_url = url + CHECKER_PAGE + _fragment(answers)
            urls = {"checker": checker_url, "plain": url + PLAIN_PAGE + _fragment(answers)}
            evaluation: list[dict[str, list[float]]] = []

            def settled(page: Any) -> None:
                """The checker page's service worker in place; its evaluations, once."""
                _settle(page)
                if not evaluation:
                    _say(f"evaluation: {EVALUATIONS} evaluations in the worker")
                    evaluation.append(page.evaluate(EVALUATE_MANY, [answers, EVALUATIONS]))

            settle: dict[str, Callable[[Any], object]] = {
                "checker": settled, "plain": lambda page: page.wait_for_load_state("networkidle")}
            visits: dict[str, dict[str, list[Visit]]] = {
                name: {"cold": [], "second_visit": [], "cold_10mbit": []} for name in urls}
            _say(f"checker page and plain page in turn: {COLD_RUNS} cold visits each, each followed by a second visit")
            for run in range(COLD_RUNS):
                for name, page_url in urls.items():
                    cold, second = _cold_and_second(browser, page_url, settle[name])
                    visits[name]["cold"].append(cold)
                    visits[name]["second_visit"].append(second)
            _say(f"checker page and plain page in turn at 10 Mbit/s: {THROTTLED_RUNS} cold visits each")
            for run in range(THROTTLED_RUNS):
                for name, page_url in urls.items():
                    visits[name]["cold_10mbit"].append(_cold_visit(browser, page_url, THROTTLE))

            _say(f"a {BATCH_ROWS}-row .xlsx on the batch page: {BATCH_RUNS} fresh browsers")
            workbook_path = Path(tmp) / "office.xlsx"
            workbook_path.write_bytes(_office_workbook(BATCH_ROWS))
            first, again = [], []
            for run in range(BATCH_RUNS):
                context = browser.new_context()
                context.add_init_script(BATCH_CLOCK)
                page = context.new_page()
                page.goto(url + BATCH_PAGE)
                page.evaluate("() => window.checker.ready")
                first.append(_check_workbook(page, workbook_path))
                again.append(_check_workbook(page, workbook_path))
                context.close()

            _say("bytes transferred")
            guidance = _bytes(browser, url + GUIDANCE_PAGE, lambda page: page.wait_for_load_state("networkidle"))
            checker = _bytes(browser, checker_url, lambda page: (_wait_verdict(page), page.wait_for_load_state("networkidle")))
            browser.close()

    checker_start, plain_start = _starts(visits["checker"]), _starts(visits["plain"])
    checker_start["second_visit"]["start_modes"] = [visit.start_mode for visit in visits["checker"]["second_visit"]]
    checker_start["cold_10mbit"]["network"] = THROTTLE  # the plain page's too
    results["start"] = {"case": CASE} | checker_start | {
        "plain": {"url_path": PLAIN_PAGE} | plain_start,
        "ratios": {
            "cold_vs_plain_cold": _ratio(checker_start["cold"], plain_start["cold"]),
            "second_visit_vs_plain_cold": _ratio(checker_start["second_visit"], plain_start["cold"]),
            "cold_10mbit_vs_plain_cold_10mbit": _ratio(checker_start["cold_10mbit"], plain_start["cold_10mbit"]),
        },
    }
    results["evaluation"] = {
        "count": EVALUATIONS,
        "worker_ms": _percentiles(evaluation[0]["worker"]),
        "round_trip_ms": _percentiles(evaluation[0]["roundTrip"]),
    }
    results["workbook"] = {"rows": BATCH_ROWS, "first": _summary(first, "s"), "again": _summary(again, "s")}
    results["bytes"] = {"guidance_page": guidance, "checker_page_cold": checker, "server": "precompressed .br/.gz"}
    results["machine"] = machine
    results["targets"] = TARGETS
    table = _table(results)
    print(table)
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "latest.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    (OUT_DIR / "latest.md").write_text(table + "\n", "utf-8")
    _say(f"wrote {shown(OUT_DIR / 'latest.json')} and {shown(OUT_DIR / 'latest.md')}")
    return 0


@dataclass(frozen=True)
class Visit:
    """One visit of a page that judges the answers in its URL."""

    seconds: float
    """From navigation start to the verdict on screen."""
    kb_before_verdict: float
    """Encoded sizes (headers and bodies) of the responses that finished before the verdict."""
    start_mode: str | None
    """How the checker started (`window.checker.startMode`); None on the plain page."""


def _write_plain_page(site: Path) -> None:
    """Write the plain page into the benchmark's copy of the built `site` (PLAIN_PAGE), with its
    own copy of the runtime as npm ships it (not the site's, whose standard library is
    precompiled) and the compressed copies the build would make of it, so the host serves both
    pages' runtimes alike."""
    folder = site / PLAIN_PAGE
    runtime = folder / RUNTIME_DIR
    runtime.mkdir(parents=True)
    for name in (*RUNTIME_FILES, LOCK_FILE):  # loadPyodide reads the lock file beside it
        shutil.copy2(PYODIDE_DIR / name, runtime / name)
    lock = json.loads((site / RUNTIME_DIR / LOCK_FILE).read_text("utf-8"))
    wheel = f"../{RUNTIME_DIR}/{lock['packages'][CHECKER_PACKAGE]['file_name']}"
    page = PLAIN_HTML.format(wheel=html.escape(wheel), policy=html.escape(content_security_policy()))
    (folder / "index.html").write_text(page, "utf-8")
    (folder / "plain.mjs").write_text(PLAIN_SCRIPT, "utf-8")
    precompress(folder)


def _fresh_context(browser: Any, **options: Any) -> Any:
    """A browser context with nothing cached, whose pages time their first verdict."""
    context = browser.new_context(**options)
    context.add_init_script(VERDICT_CLOCK)
    return context


def _cold_and_second(browser: Any, url: str, settle: Callable[[Any], object]) -> tuple[Visit, Visit]:
    """A cold visit in a fresh context and, once `settle` has waited for what the page keeps for
    later visits, a second visit in the same context."""
    context = _fresh_context(browser)
    cold, page = _visit(context, url)
    settle(page)
    page.close()
    second, _ = _visit(context, url)
    context.close()
    return cold, second


def _cold_visit(browser: Any, url: str, network: dict[str, Any]) -> Visit:
    """A cold visit in a fresh context over the emulated `network`."""
    context = _fresh_context(browser)
    visit, _ = _visit(context, url, network)
    context.close()
    return visit


def _visit(context: Any, url: str, network: dict[str, Any] | None = None) -> tuple[Visit, Any]:
    """Open `url` (with the answers) in a new page of `context`; the visit, and the page, left open."""
    page = context.new_page()
    if network is not None:
        context.new_cdp_session(page).send("Network.emulateNetworkConditions", network)
    finished: list[Any] = []

    def record(request: Any) -> None:  # a function: Playwright marks its handlers
        finished.append(request)

    context.on("requestfinished", record)
    page.goto(url)
    verdict_at = _wait_verdict(page)
    # Request timings are wall-clock milliseconds; the verdict's are since the page's time origin.
    deadline = float(page.evaluate("() => performance.timeOrigin")) + verdict_at
    context.remove_listener("requestfinished", record)
    before = [request for request in finished if _finished_at(request) <= deadline]
    return Visit(seconds=verdict_at / 1000, kb_before_verdict=sum(map(_wire_size, before)) / 1000,
                 start_mode=page.evaluate("() => window.checker?.startMode ?? null")), page


def _finished_at(request: Any) -> float:
    """When the last byte of the response arrived, in wall-clock milliseconds."""
    timing = request.timing
    return float(timing["startTime"]) + max(float(timing["responseEnd"]), 0.0)


def _wire_size(request: Any) -> int:
    """The response's headers and encoded body, as they came over the wire."""
    sizes = request.sizes()
    return int(sizes["responseBodySize"] + sizes["responseHeadersSize"])


def _wait_verdict(page: Any) -> float:
    page.wait_for_function("() => window.__benchVerdictAt !== undefined", timeout=TIMEOUT_MS)
    verdict = page.evaluate("() => window.__benchVerdict")
    if verdict != "eligible":
        raise RuntimeError(f"the checker said {verdict!r} for golden case {CASE}, which is eligible")
    return float(page.evaluate("() => window.__benchVerdictAt"))


def _check_workbook(page: Any, path: Path) -> float:
    """Check the workbook on the batch page; seconds from submitting it to its results on screen."""
    page.locator("#ac-batch-file").set_input_files(path)
    page.locator("#ac-batch-form [type=submit]").click()
    page.wait_for_function("() => window.__benchBatchAt !== undefined", timeout=TIMEOUT_MS)
    said = page.evaluate("() => window.__benchBatchText")
    if f"{BATCH_ROWS} plans" not in said:
        raise RuntimeError(f"the batch page said {said!r} for a workbook of {BATCH_ROWS} plans")
    return float(page.evaluate("() => window.__benchBatchAt - window.__benchBatchFrom")) / 1000


def _office_workbook(rows: int) -> bytes:
    """An .xlsx of `rows` plans as an office's Excel holds them: the plans of office-plans.csv over
    and over (ids numbered), whole numbers (1,000 separators too) in number cells, ISO dates in
    date cells, the rest (120万, はい) as text."""
    import openpyxl

    header, *plans = list(csv.reader(io.StringIO(OFFICE.read_text("utf-8"))))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for n in range(rows):
        plan = plans[n % len(plans)]
        sheet.append([f"{plan[0]}-{n + 1}", *map(_cell, plan[1:])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(text: str) -> object:
    if text.replace(",", "").isdigit():
        return int(text.replace(",", ""))
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return text or None


def _settle(page: Any) -> None:
    """Wait until the service worker is active, with what a start from the snapshot loads stored:
    a second visit is served by it."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    # Polled: wait_for_function does not wait for an async predicate to become true.
    while not page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r?.active?.state === 'activated')"):
        if time.monotonic() > deadline:
            raise RuntimeError("the service worker did not activate")
        page.wait_for_timeout(100)


def _bytes(browser: Any, url: str, wait: Callable[[Any], object]) -> dict[str, Any]:
    """Bytes on the wire (headers and encoded bodies) for a cold visit, by type of resource."""
    context = _fresh_context(browser, service_workers="block")
    finished: list[Any] = []
    requested: list[str] = []
    context.on("requestfinished", lambda request: finished.append(request))
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(url)
    wait(page)
    by_type: dict[str, int] = {}
    total = 0
    for request in finished:
        size = _wire_size(request)
        total += size
        kind = request.resource_type
        by_type[kind] = by_type.get(kind, 0) + size
    context.close()
    return {"url_path": url.split("#")[0].split("/", 3)[-1], "requests": len(finished), "kb": round(total / 1000, 1),
            "kb_by_type": {k: round(v / 1000, 1) for k, v in sorted(by_type.items())},
            "workbook_wheel_requests": sum(1 for each in requested if any(wheel in each for wheel in WORKBOOK_WHEELS))}


def _summary(values: list[float], unit: str) -> dict[str, Any]:
    return {f"runs_{unit}": [round(v, 3) for v in values], f"median_{unit}": round(statistics.median(values), 3)}


def _starts(visits: dict[str, list[Visit]]) -> dict[str, dict[str, Any]]:
    """A page's visits by kind (cold, …): seconds to the first verdict, and kB before it."""
    return {kind: _summary([visit.seconds for visit in runs], "s")
            | {"before_verdict": _summary([visit.kb_before_verdict for visit in runs], "kb")}
            for kind, runs in visits.items()}


def _ratio(start: dict[str, Any], plain: dict[str, Any]) -> float:
    """A checker page's median time as a share of the plain page's."""
    return round(start["median_s"] / plain["median_s"], 3)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2), "max": round(ordered[-1], 2)}


def _table(results: dict[str, Any]) -> str:
    start, evaluation, size, machine = results["start"], results["evaluation"], results["bytes"], results["machine"]
    workbook = results["workbook"]
    build = results["build"]
    warm = build["caches_warm_before_first"]

    plain, ratios = start["plain"], start["ratios"]

    def verdict(*checks: tuple[float, float]) -> str:
        """Says "ok" when every (value, target) pair is within its target."""
        return "ok" if all(value <= target for value, target in checks) else "over"

    def megabytes(kind: dict[str, Any]) -> float:
        return float(kind["before_verdict"]["median_kb"]) / 1000

    rows = [
        ("build, both languages (median of 3)", f"{build['median_s']:.1f} s", f"≤ {TARGETS['build_s']:.0f} s",
         verdict((build["median_s"], TARGETS["build_s"]))),
        (f"first verdict, cold (median of {COLD_RUNS})",
         f"{start['cold']['median_s']:.2f} s ({ratios['cold_vs_plain_cold']:.2f} × plain cold)",
         f"≤ {TARGETS['cold_verdict_s']} s and ≤ {TARGETS['cold_verdict_vs_plain_cold']} × plain cold",
         verdict((start["cold"]["median_s"], TARGETS["cold_verdict_s"]),
                 (ratios["cold_vs_plain_cold"], TARGETS["cold_verdict_vs_plain_cold"]))),
        (f"first verdict, second visit (median of {COLD_RUNS})",
         f"{start['second_visit']['median_s']:.2f} s ({ratios['second_visit_vs_plain_cold']:.2f} × plain cold)",
         f"≤ {TARGETS['second_visit_verdict_s']} s and ≤ {TARGETS['second_visit_verdict_vs_plain_cold']} × plain cold",
         verdict((start["second_visit"]["median_s"], TARGETS["second_visit_verdict_s"]),
                 (ratios["second_visit_vs_plain_cold"], TARGETS["second_visit_verdict_vs_plain_cold"]))),
        (f"first verdict, cold at 10 Mbit/s (median of {THROTTLED_RUNS})",
         f"{start['cold_10mbit']['median_s']:.2f} s ({ratios['cold_10mbit_vs_plain_cold_10mbit']:.2f} × plain at 10 Mbit/s)",
         f"≤ {TARGETS['cold_10mbit_verdict_s']} s",
         verdict((start["cold_10mbit"]["median_s"], TARGETS["cold_10mbit_verdict_s"]))),
        (f"transferred before the first verdict, cold at 10 Mbit/s (median of {THROTTLED_RUNS})",
         f"{megabytes(start['cold_10mbit']):.1f} MB", f"≤ {TARGETS['cold_10mbit_mb_before_verdict']} MB",
         verdict((megabytes(start["cold_10mbit"]), TARGETS["cold_10mbit_mb_before_verdict"]))),
        (f"plain Pyodide page /{plain['url_path']}: first verdict, cold (median of {COLD_RUNS})",
         f"{plain['cold']['median_s']:.2f} s", "–", "–"),
        (f"plain page: first verdict, second visit, HTTP cache only (median of {COLD_RUNS})",
         f"{plain['second_visit']['median_s']:.2f} s", "–", "–"),
        (f"plain page: first verdict, cold at 10 Mbit/s (median of {THROTTLED_RUNS})",
         f"{plain['cold_10mbit']['median_s']:.2f} s", "–", "–"),
        (f"plain page: transferred before the first verdict, cold at 10 Mbit/s (median of {THROTTLED_RUNS})",
         f"{megabytes(plain['cold_10mbit']):.1f} MB", "–", "–"),
        (f"evaluation in the worker, median / p95 (n={evaluation['count']})",
         f"{evaluation['worker_ms']['median']:.1f} / {evaluation['worker_ms']['p95']:.1f} ms",
         f"p95 ≤ {TARGETS['evaluation_p95_ms']:.0f} ms", verdict((evaluation["worker_ms"]["p95"], TARGETS["evaluation_p95_ms"]))),
        ("evaluation round trip from the page, median / p95",
         f"{evaluation['round_trip_ms']['median']:.1f} / {evaluation['round_trip_ms']['p95']:.1f} ms", "–", "–"),
        (f"guidance page /{size['guidance_page']['url_path']}, transferred", f"{size['guidance_page']['kb']:.0f} KB",
         f"≤ {TARGETS['guidance_page_kb']:.0f} KB", verdict((size["guidance_page"]["kb"], TARGETS["guidance_page_kb"]))),
        (f"checker page /{size['checker_page_cold']['url_path']}, cold, transferred",
         f"{size['checker_page_cold']['kb'] / 1000:.1f} MB", "–", "–"),
        ("checker page, cold: requests for openpyxl / et-xmlfile", str(size["checker_page_cold"]["workbook_wheel_requests"]),
         "0", "ok" if size["checker_page_cold"]["workbook_wheel_requests"] == 0 else "over"),
        (f"{workbook['rows']:,}-row .xlsx checked after the checker is ready, loading openpyxl (median of {BATCH_RUNS})",
         f"{workbook['first']['median_s']:.2f} s", f"≤ {TARGETS['workbook_s']:.0f} s",
         verdict((workbook["first"]["median_s"], TARGETS["workbook_s"]))),
        (f"the same .xlsx again, openpyxl loaded (median of {BATCH_RUNS})", f"{workbook['again']['median_s']:.2f} s", "–", "–"),
    ]
    lines = ["| measure | result | target | |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {target} | {status} |" for name, value, target, status in rows]
    lines.append("")
    lines.append(
        f"Machine: {machine['cores']} cores, {machine['cpu']}, {machine['ram_gb']} GB RAM, "
        f"Chromium {machine.get('chromium', '?')}, {machine['os']}; load average {machine['load_average']} at the start; "
        f"{results['date']}. First build with the compressed-copy cache {'warm' if warm['precompressed'] else 'cold'} "
        f"and the precompiled-stdlib cache {'warm' if warm['stdlib'] else 'cold'}; "
        f"second visits started from: {', '.join(sorted(set(start['second_visit']['start_modes'])))}."
    )
    return "\n".join(lines)


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb: float | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average": " ".join(f"{value:.2f}" for value in load),
    }


def _answers() -> dict[str, Any]:
    """The golden case's input (tests/golden/), the application a benchmark visitor brings."""
    sys.path.insert(0, str(ROOT))
    from tests.golden import load_cases

    return next(case.input for case in load_cases() if case.name == CASE)


def _fragment(answers: object) -> str:
    """The checker's answer fragment (web/checker/share.mjs): #a= and base64url of the JSON."""
    import base64

    encoded = base64.urlsafe_b64encode(json.dumps(answers, ensure_ascii=False).encode("utf-8"))
    return "#a=" + encoded.decode("ascii").rstrip("=")


def _nonempty(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _say(message: str) -> None:
    print(f"[build.py] bench: {message}", flush=True)
