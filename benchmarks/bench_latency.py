"""How long a slider change takes in a real browser, as a ratio to a bare page.

Measures, with Debian's Chromium driven by Playwright against `streamlit run`:

- for each page and each shared slider, at 250 and at 5000 iterations, the time
  from the key press on the slider to the end of the rerun it starts (the app
  root's data-test-script-state going back to "notRunning"), p50 and p95 over
  20 changes;
- on the page that trains live, the time from the click on "Train live" to the
  first curve on screen, at 5000 iterations;
- the same slider changes with 10 and 30 browser sessions at once, each with
  its own settings: latency, errors, failed reruns, and the server's memory
  (VmRSS from /proc) before, during and after;
- the floor: benchmarks/bare_app.py (one slider, one Plotly chart) measured the
  same way in the same run. Every figure is also printed as a ratio to it;
- the lesson's shared sidebar without any lesson content, alone and beside the
  floor's chart (benchmarks/sidebar_app.py): the part of every lesson page's
  ratio that comes before the page's own content.

Each page/slider cell opens with its own seed, so a value the slider reaches for
the first time trains (as it would for a student), and a value it comes back to
is cached. Iterations move downwards, so they cut a run and never retrain.

This is a script, never a test: pytest does not collect it (it is outside
tests/ and not named test_*). Run it from the repository root; it prints
markdown tables and writes them, with the raw numbers, to benchmarks/results/.

    python benchmarks/bench_latency.py                      # everything: long
    python benchmarks/bench_latency.py --pages descent three --sliders iterations \
        learning_rate --iterations 250 --sessions 10       # a subset
    python benchmarks/bench_latency.py --profile            # py-spy the server

--profile needs py-spy (pip install py-spy); it records the app server while
the single-session cells run and while the sessions run, and prints where the
time goes.
"""

import argparse
import ast
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
SLIDERS = ("learning_rate", "lam", "iterations", "train_fraction")
FLOOR_SLIDER = "frequency"
FIRST_LOAD_TIMEOUT_MS = 180_000
RERUN_TIMEOUT_MS = 60_000

TARGETS = {
    "250": 1.5,  # a slider at 250 iterations: within 1.5x the floor
    "iterations": 1.2,  # only the iterations slider: within 1.2x the floor
    "first_curve_s": 0.5,  # a first live curve at 5000 iterations
    "p95_30_sessions_s": 1.0,  # with 30 sessions, p95 under 1 s
}

# In every document, from its first script: when a key or the mouse went down,
# and each script run as the server announces it: ForwardMsg field 4
# (new_session) starts one, field 6 (script_finished: 0 done, 1 compile error,
# 2 cut short by a newer rerun, 3 a fragment done) ends it. The app root's
# data-test-script-state alone misses fast reruns: React may apply "running" and
# "notRunning" in the same render.
# The script-run recorder the browser tests use, plus key presses and clicks.
SCRIPT_RUNS = Path(__file__).resolve().parents[1] / "tests/browser/script_runs.js"
RECORDER = """
(() => {
  const bench = window.__bench = {keys: [], clicks: []};
  const now = (list) => () => list.push(performance.now());
  document.addEventListener("keydown", now(bench.keys), true);
  document.addEventListener("mousedown", now(bench.clicks), true);
})();
"""

RERUN_ENDED = """
(mark) => {
  const root = document.querySelector('[data-testid="stApp"]');
  const ended = window.__scriptRuns.slice(mark)
    .some((run) => run[1] === "finished" && run[2] !== 2);
  return ended && root !== null
    && root.getAttribute("data-test-script-state") === "notRunning";
}
"""

# Nothing still loading its code, and every Plotly chart drawn.
PAGE_DRAWN = """
() => !document.querySelector('[data-testid="stApp"] [data-testid="stSkeleton"]')
  && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .every((box) => {
      const gd = box.querySelector(".js-plotly-plot");
      return gd && gd._fullData && gd.querySelector(".main-svg");
    })
"""

# The times of the rerun after `mark`: key press, run start, run end.
RERUN_TIMES = """
(mark) => {
  const runs = window.__scriptRuns.slice(mark);
  const start = runs.find((run) => run[1] === "start");
  const end = runs.find((run) => run[1] === "finished" && run[2] !== 2);
  return {key: window.__bench.keys[window.__bench.keys.length - 1],
          running: start ? start[0] : end[0], done: end[0]};
}
"""

# Every animation frame: how far along x reaches the shortest chart that was
# not on the page before (the live curve, while the rest are complete).
LIVE_SAMPLER = """
() => {
  document.querySelectorAll(".js-plotly-plot").forEach((gd) => { gd.__old = true; });
  const list = (v) => v == null ? [] : (ArrayBuffer.isView(v) ? Array.from(v) : v);
  const root = document.querySelector('[data-testid="stApp"]');
  window.__live = [];
  window.__liveStop = false;
  const tick = () => {
    let drawn = null;
    const charts = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot');
    for (const gd of charts) {
      if (gd.__old || !gd._fullData || !gd.querySelector(".main-svg")) continue;
      let reach = null;
      for (const trace of gd._fullData) {
        for (const x of list(trace.x)) {
          if (typeof x === "number" && isFinite(x)) reach = Math.max(reach ?? x, x);
        }
      }
      if (reach !== null) drawn = Math.min(drawn ?? reach, reach);
    }
    window.__live.push([performance.now(), root.getAttribute("data-test-script-state"),
      drawn]);
    if (!window.__liveStop) requestAnimationFrame(tick);
  };
  tick();
}
"""


# --- The server --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run <script>` on a free loopback port, stopped by stop()."""

    def __init__(self, script: str, name: str) -> None:
        self.script, self.name = script, name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = RESULTS / f"server-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        RESULTS.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "streamlit", "run", self.script,
                    "--server.address", "127.0.0.1", "--server.port", str(self.port),
                    "--server.headless", "true", "--browser.gatherUsageStats", "false",
                ],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.script} exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"{self.script} did not answer its health check; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def memory_mb(self) -> float:
        """The server's resident memory, VmRSS, in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


class Profiler:
    """py-spy recording a process until stopped; a summary of where time went.

    Also usable on a saved profile: python benchmarks/bench_latency.py
    --summarize benchmarks/results/profile-cells.txt
    """

    def __init__(self, pid: int, name: str) -> None:
        self.path = RESULTS / f"profile-{name}.txt"
        self.process = subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--rate", "100", "--format",
             "raw", "--output", str(self.path), "--threads"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        return summarize_profile(self.path)


# Where a script run's time goes, by the first matching frame below the page.
PROFILE_PARTS = (
    ("training (softmax_core)", ("softmax_core/training.py", "softmax_core/sweep.py")),
    ("st.plotly_chart: figure to JSON", ("streamlit/elements/plotly_chart.py",)),
    ("building Plotly figures", ("plotly/", "_plotly_utils/")),
    ("st.dataframe, pandas", ("streamlit/elements/arrow.py", "pandas/", "narwhals/")),
    ("other st.* elements", ("streamlit/elements/", "streamlit/delta_generator")),
    ("torch on the page", ("torch/", "softmax_core/formulas.py")),
    ("Streamlit caches", ("streamlit/runtime/caching",)),
)
SCRIPT_FRAME = "ScriptRunner._run_script "


def summarize_profile(path: Path, top: int = 12) -> str:
    """The script thread's samples: by kind of work, by page, and the top frames."""
    if not path.exists():
        return f"(no profile: {path} missing; is py-spy installed and allowed?)"
    parts, pages, frames_seen, total = Counter(), Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not any(SCRIPT_FRAME in f for f in frames):
            continue
        count = int(count)
        total += count
        below = frames[[SCRIPT_FRAME in f for f in frames].index(True) :]
        # app.py's module frame, then the page's; deeper ones are imports.
        modules = [f for f in below if f.startswith("<module> (")][:2]
        pages[modules[-1].split("(")[1].split(":")[0] if modules else "?"] += count
        part = next(
            (name for name, keys in PROFILE_PARTS
             if any(k in f for f in below for k in keys)),
            "other (sidebar, page code, Streamlit)",
        )  # fmt: skip
        parts[part] += count
        for frame in set(below[4:]):
            frames_seen[frame] += count
    if not total:
        return "(the profile holds no samples of the script thread)"
    lines = [
        f"{total} samples of the script thread at 100 Hz, from {path.name}.",
        "",
        "| kind of work | share |",
        "|---|---:|",
        *(f"| {name} | {n / total:.0%} |" for name, n in parts.most_common()),
        "",
        "| page module (app.py: the sidebar) | share |",
        "|---|---:|",
        *(f"| {name} | {n / total:.0%} |" for name, n in pages.most_common(16)),
        "",
        "| on the stack | frame |",
        "|---:|---|",
        *(
            f"| {n / total:.0%} | `{frame[:100]}` |"
            for frame, n in frames_seen.most_common(top)
        ),
    ]
    return "\n".join(lines)


# --- The browser -------------------------------------------------------------


def app_pages() -> list[str]:
    """The URL paths of app.py's pages, "" for the default one, in its order."""
    paths = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            default = keywords.get("default")
            paths.append("" if default else keywords.get("url_path", ""))
    return paths


def page_name(path: str) -> str:
    return path or "home"


@dataclass
class Changes:
    """Latencies of slider changes, in seconds."""

    total: list[float] = field(default_factory=list)  # key press to rerun end
    script: list[float] = field(default_factory=list)  # "running" to rerun end
    errors: int = 0  # an exception box on the page, or a lost connection
    failed: int = 0  # a rerun that did not end in time


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def open_page(context, url: str):
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_function(RERUN_ENDED, arg=0, timeout=FIRST_LOAD_TIMEOUT_MS)
    await page.wait_for_function(PAGE_DRAWN, timeout=FIRST_LOAD_TIMEOUT_MS)
    return page


async def new_context(browser):
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(path=SCRIPT_RUNS)
    await context.add_init_script(RECORDER)
    return context


async def next_key(slider, direction: list[int]) -> str:
    """ArrowRight or ArrowLeft; turns round at the slider's ends."""
    value, low, high = [
        float(await slider.get_attribute(a)) for a in ("value", "min", "max")
    ]
    if (direction[0] > 0 and value >= high) or (direction[0] < 0 and value <= low):
        direction[0] = -direction[0]
    return "ArrowRight" if direction[0] > 0 else "ArrowLeft"


async def move_slider(
    page, key: str, count: int, into: Changes, first=+1, pause: float = 0.0
) -> None:
    """Press an arrow key on a sidebar slider `count` times; time each rerun.

    pause: seconds to wait after each rerun before the next key press, as a
    person at a projector would; 0 presses the next key at once.
    """
    box = page.locator(f'[data-testid="stSidebar"] .st-key-{key}')
    expander = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]')
    if not await box.is_visible() and await expander.count():
        inside = page.locator(f".st-key-{key}")  # relative to the expander
        await expander.filter(has=inside).locator("summary").click()
        await box.wait_for(state="visible")
    slider = box.locator('input[type="range"]')
    direction = [first]
    for _ in range(count):
        await asyncio.sleep(pause)
        keyname = await next_key(slider, direction)
        await slider.focus()
        mark = await page.evaluate("() => window.__scriptRuns.length")
        await page.keyboard.press(keyname)
        try:
            await page.wait_for_function(
                RERUN_ENDED, arg=mark, timeout=RERUN_TIMEOUT_MS
            )
        except Exception:  # Playwright's TimeoutError: the rerun never ended
            into.failed += 1
            continue
        times = await page.evaluate(RERUN_TIMES, mark)
        into.total.append((times["done"] - times["key"]) / 1000)
        into.script.append((times["done"] - times["running"]) / 1000)
        healthy = await page.evaluate(
            """() => !document.querySelector('[data-testid="stException"]')
              && document.querySelector('[data-testid="stApp"]')
                   .getAttribute("data-test-connection-state") === "CONNECTED" """
        )
        if not healthy:
            into.errors += 1


def url(server: Server, path: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{server.url}/{path}" + (f"?{query}" if query else "")


async def measure_cell(
    browser, server, path, key, iterations, seed, changes, pause=0.0
) -> Changes:
    """One page, one slider, one iteration count: `changes` reruns, one session."""
    result = Changes()
    context = await new_context(browser)
    try:
        params = {"iterations": iterations, "seed": seed} if key != FLOOR_SLIDER else {}
        page = await open_page(context, url(server, path, **params))
        first = -1 if key == "iterations" else +1
        await move_slider(page, key, changes, result, first, pause)
    finally:
        await context.close()
    return result


# The sidebar floor's pages (benchmarks/sidebar_app.py) and the sliders moved there.
SIDEBAR_PAGES = (("", "the lesson's sidebar alone"), ("chart", "sidebar and one chart"))
SIDEBAR_SLIDERS = ("learning_rate", "iterations")


async def measure_sidebar(
    browser, server, floor: Changes, changes: int, pause: float, emit
) -> dict:
    """The shared sidebar with no lesson content: the least a lesson page costs.

    The same cells as a lesson page's, at 250 iterations, with their targets:
    a page with the sidebar and nothing else, and one with the floor's chart.
    """
    emit("\n## The lesson's sidebar on its own: benchmarks/sidebar_app.py\n")
    emit(
        "Every lesson page draws this sidebar. Here it stands alone, then beside "
        "the floor's one chart, moved like a lesson page's sliders at 250 "
        "iterations. What these rows add to the floor, every lesson page pays "
        "before its own content.\n"
    )
    emit(CELL_HEADER.format(what="page, slider"))
    # Warm it as the app is warmed: its first run imports torch.
    await measure_cell(browser, server, "", "iterations", 250, -999, 2)
    cells = {}
    for path, name in SIDEBAR_PAGES:
        for key in SIDEBAR_SLIDERS:
            result = await measure_cell(
                browser, server, path, key, 250, -999, changes, pause
            )
            target = TARGETS["iterations" if key == "iterations" else "250"]
            cells[f"{name}, {key}"] = asdict(result)
            emit(cell_row(f"{name}, {key}", result, floor, target))
    return cells


async def measure_live(browser, server, seed: int) -> dict:
    """Click "Train live" at 5000 iterations: to the first curve, to the end."""
    context = await new_context(browser)
    try:
        page = await open_page(
            context, url(server, "descent", iterations=5000, seed=seed)
        )
        button = page.get_by_role("button", name="Train live", exact=True)
        if not await button.count():
            return {"error": "no 'Train live' button on /descent"}
        await page.evaluate(LIVE_SAMPLER)
        mark = await page.evaluate("() => window.__scriptRuns.length")
        await button.click()
        await page.wait_for_function(RERUN_ENDED, arg=mark, timeout=RERUN_TIMEOUT_MS)
        await page.evaluate("() => { window.__liveStop = true; }")
        samples = await page.evaluate("() => window.__live")
        click = (await page.evaluate("() => window.__bench.clicks"))[-1]
        times = await page.evaluate(RERUN_TIMES, mark)
        drawn = [s for s in samples if s[2] is not None and s[0] >= click]
        return {
            "first_curve": (drawn[0][0] - click) / 1000 if drawn else None,
            "first_iteration": drawn[0][2] if drawn else None,
            "rerun_end": (times["done"] - click) / 1000,
            "frames": len({s[2] for s in drawn}),
        }
    finally:
        await context.close()


async def measure_sessions(browser, server, plan, changes, memory) -> Changes:
    """Several sessions at once, each with its own seed; all move their slider."""
    result = Changes()
    contexts = [await new_context(browser) for _ in plan]
    try:
        # Open the pages a few at a time, then let every session move at once.
        gate = asyncio.Semaphore(4)

        async def opened(context, path, key, seed):
            async with gate:
                params = (
                    {} if key == FLOOR_SLIDER else {"iterations": 250, "seed": seed}
                )
                return await open_page(context, url(server, path, **params))

        pages = await asyncio.gather(
            *(opened(c, *cell) for c, cell in zip(contexts, plan, strict=True))
        )
        memory["before"] = server.memory_mb()
        sampling = asyncio.create_task(sample_memory(server, memory))
        moves = [
            move_slider(page, key, changes, result, -1 if key == "iterations" else 1)
            for page, (_, key, _) in zip(pages, plan, strict=True)
        ]
        outcomes = await asyncio.gather(*moves, return_exceptions=True)
        result.errors += sum(isinstance(o, Exception) for o in outcomes)
        sampling.cancel()
    finally:
        for context in contexts:
            await context.close()
    await asyncio.sleep(3)
    memory["after"] = server.memory_mb()
    return result


async def sample_memory(server: Server, memory: dict) -> None:
    while True:
        memory["during"] = max(memory.get("during", 0.0), server.memory_mb())
        await asyncio.sleep(0.5)


# --- Reporting ---------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True
    ).stdout.strip()
    from importlib.metadata import version

    return (
        "| machine | |\n|---|---|\n"
        f"| CPU | {cpu}, {os.cpu_count()} cores |\n"
        f"| memory | {memory_kb / 2**20:.0f} GiB |\n"
        f"| load average at start (1, 5, 15 min) | {load} |\n"
        f"| Python | {platform.python_version()} |\n"
        f"| Streamlit | {version('streamlit')} |\n"
        f"| Playwright | {version('playwright')} |\n"
        f"| browser | {chromium} |"
    )


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}×" if floor and floor == floor else "–"


def verdict(met: bool) -> str:
    return "yes" if met else "**no**"


def cell_row(name: str, changes: Changes, floor: Changes, target: float | None) -> str:
    p50, p95 = percentile(changes.total, 50), percentile(changes.total, 95)
    f50, f95 = percentile(floor.total, 50), percentile(floor.total, 95)
    met = "–" if target is None else verdict(p50 / f50 <= target)
    return (
        f"| {name} | {len(changes.total)} | {p50:.3f} | {p95:.3f} | "
        f"{percentile(changes.script, 50):.3f} | {ratio(p50, f50)} | "
        f"{ratio(p95, f95)} | {target or '–'} | {met} | "
        f"{changes.errors} | {changes.failed} |"
    )


CELL_HEADER = (
    "| {what} | changes | p50 s | p95 s | script p50 s | p50 / floor | p95 / floor "
    "| target | met | errors | failed reruns |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
)


# --- Main --------------------------------------------------------------------


async def main(args) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out: list[str] = ["# Slider latency in the browser", "", machine(), ""]
    raw: dict = {"args": vars(args)}

    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = RESULTS / f"latency-{stamp}.md"

    def emit(text: str = "") -> None:
        """Print a line and keep it; the report file grows as the run goes."""
        print(text, flush=True)
        out.append(text)
        report.write_text("\n".join(out) + "\n")

    print("\n".join(out), flush=True)
    floor_server = Server("benchmarks/bare_app.py", "floor").start()
    app = Server("app.py", "app").start()
    sidebar_server = (
        Server("benchmarks/sidebar_app.py", "sidebar").start() if args.sidebar else None
    )
    memory = {"app at start": app.memory_mb()}
    seeds = iter(range(1000, 100_000))
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            # Warm both servers: the first run imports torch and trains.
            await measure_cell(browser, floor_server, "", FLOOR_SLIDER, 0, 0, 2)
            await measure_cell(browser, app, "descent", "iterations", 250, -999, 2)
            memory["app after warm-up"] = app.memory_mb()

            floor = await measure_cell(
                browser, floor_server, "", FLOOR_SLIDER, 0, 0, args.changes, args.pause
            )
            raw["floor"] = asdict(floor)
            emit("\n## The floor: benchmarks/bare_app.py, one slider, one chart\n")
            emit(CELL_HEADER.format(what="page"))
            emit(cell_row("bare page", floor, floor, None))
            if args.sidebar:
                raw["sidebar"] = await measure_sidebar(
                    browser, sidebar_server, floor, args.changes, args.pause, emit
                )

            profiler = Profiler(app.process.pid, "cells") if args.profile else None
            if args.iterations and args.sliders and args.pages:
                emit(
                    "\n## One session: key press on a slider to the end of its rerun\n"
                )
                emit(
                    f"Each row: one page, one slider, {args.changes} changes "
                    "(bouncing at the slider's ends), its own seed, "
                    + (
                        f"{args.pause:g} s between a rerun's end and the next key "
                        "press. "
                        if args.pause
                        else "each key pressed as soon as the last rerun ended. "
                    )
                    + "Target: at 250 iterations p50 within 1.5× the floor; the "
                    "iterations slider within 1.2×.\n"
                )
                emit(CELL_HEADER.format(what="page, slider, iterations"))
            raw["cells"] = {}
            for iterations in args.iterations:
                long_run = iterations > 250
                for path in args.long_pages if long_run else args.pages:
                    for key in args.long_sliders if long_run else args.sliders:
                        try:
                            changes = await measure_cell(
                                browser, app, path, key, iterations, next(seeds),
                                args.changes, args.pause,
                            )  # fmt: skip
                        except Exception as error:  # one broken cell, not the run
                            print(f"{page_name(path)}, {key}: {error}", file=sys.stderr)
                            changes = Changes(errors=1)
                        target = None
                        if iterations == 250:
                            target = TARGETS[
                                "iterations" if key == "iterations" else "250"
                            ]
                        name = f"{page_name(path)}, {key}, {iterations}"
                        raw["cells"][name] = asdict(changes)
                        emit(cell_row(name, changes, floor, target))
            if profiler:
                emit("\n### Where the server's time went (single-session cells)\n")
                emit(profiler.stop())

            if args.live:
                emit("\n## Train live at 5000 iterations (/descent)\n")
                emit(
                    "| try | first curve s | first iteration drawn | rerun end s "
                    "| curve states seen | first curve / floor p50 | target 0.5 s met |"
                )
                emit("|---:|---:|---:|---:|---:|---:|---|")
                raw["live"] = []
                f50 = percentile(floor.total, 50)
                for attempt in range(args.live):
                    live = await measure_live(browser, app, next(seeds))
                    raw["live"].append(live)
                    if "error" in live:
                        emit(f"| {attempt + 1} | {live['error']} | | | | | |")
                        continue
                    first = live["first_curve"]
                    emit(
                        f"| {attempt + 1} | {first:.3f} | "
                        f"{live['first_iteration']:g} | "
                        f"{live['rerun_end']:.3f} | {live['frames']} | "
                        f"{ratio(first, f50)} | "
                        f"{verdict(first <= TARGETS['first_curve_s'])} |"
                    )

            if args.sessions:
                emit("\n## Many sessions at once, each with its own settings\n")
                emit(
                    f"Each session opens a page at 250 iterations with its own seed, "
                    f"then all move their slider {args.session_changes} times at "
                    "once. Pages and sliders are dealt round-robin from "
                    f"{[page_name(p) for p in args.session_pages]} and "
                    f"{args.session_sliders}. The floor row runs the bare page with as "
                    "many sessions. Memory: the app server's VmRSS in MB.\n"
                )
                emit(
                    "| sessions | app | changes | p50 s | p95 s | script p50 s "
                    "| p50 / floor | p95 / floor | p95 < 1 s | errors | failed reruns "
                    "| memory before | during (max) | after |"
                )
                emit(
                    "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
                )
                raw["sessions"] = {}
                profiles = []  # printed after the table, not inside it
                for count in args.sessions:
                    floor_plan = [("", FLOOR_SLIDER, 0)] * count
                    floor_memory: dict = {}
                    many_floor = await measure_sessions(
                        browser, floor_server, floor_plan, args.session_changes,
                        floor_memory,
                    )  # fmt: skip
                    plan = [
                        (
                            args.session_pages[i % len(args.session_pages)],
                            args.session_sliders[i % len(args.session_sliders)],
                            next(seeds),
                        )
                        for i in range(count)
                    ]
                    profiler = (
                        Profiler(app.process.pid, f"sessions-{count}")
                        if args.profile else None
                    )  # fmt: skip
                    app_memory: dict = {}
                    many = await measure_sessions(
                        browser, app, plan, args.session_changes, app_memory
                    )
                    raw["sessions"][count] = {
                        "app": asdict(many), "floor": asdict(many_floor),
                        "memory": app_memory, "floor_memory": floor_memory,
                    }  # fmt: skip
                    for name, result, mem in (
                        ("bare page", many_floor, floor_memory),
                        ("lesson", many, app_memory),
                    ):
                        p50 = percentile(result.total, 50)
                        p95 = percentile(result.total, 95)
                        emit(
                            f"| {count} | {name} | {len(result.total)} | {p50:.3f} | "
                            f"{p95:.3f} | {percentile(result.script, 50):.3f} | "
                            f"{ratio(p50, percentile(many_floor.total, 50))} | "
                            f"{ratio(p95, percentile(many_floor.total, 95))} | "
                            f"{verdict(p95 < TARGETS['p95_30_sessions_s'])} | "
                            f"{result.errors} | {result.failed} | "
                            f"{mem.get('before', 0):.0f} | {mem.get('during', 0):.0f} "
                            f"| {mem.get('after', 0):.0f} |"
                        )
                    if profiler:
                        profiles.append((count, profiler.stop()))
                for count, summary in profiles:
                    emit(f"\n### Where the server's time went ({count} sessions)\n")
                    emit(summary)
            await browser.close()
        memory["app at the end"] = app.memory_mb()
        emit("\n## The app server's memory (VmRSS, MB)\n")
        emit("| when | MB |\n|---|---:|")
        for when, mb in memory.items():
            emit(f"| {when} | {mb:.0f} |")
        raw["memory"] = memory
    finally:
        app.stop()
        floor_server.stop()
        if sidebar_server:
            sidebar_server.stop()
    report.write_text("\n".join(out) + "\n")
    (RESULTS / f"latency-{stamp}.json").write_text(json.dumps(raw, indent=1))
    print(f"\nWritten: benchmarks/results/latency-{stamp}.md and .json")


def parse_args(argv=None):
    pages = app_pages()
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--pages", nargs="*", default=[page_name(p) for p in pages],
        help="URL paths of the pages to measure one by one; 'home' is the default "
        "page; none skips the single-session cells (default: all)",
    )  # fmt: skip
    parser.add_argument("--sliders", nargs="*", default=list(SLIDERS), choices=SLIDERS)
    parser.add_argument("--iterations", nargs="*", type=int, default=[250, 5000])
    parser.add_argument(
        "--long-pages", nargs="*", default=None,
        help="pages measured above 250 iterations (default: --pages)",
    )  # fmt: skip
    parser.add_argument(
        "--long-sliders", nargs="*", default=None, choices=SLIDERS,
        help="sliders measured above 250 iterations (default: --sliders); each new "
        "value of a slider other than iterations trains the whole run",
    )  # fmt: skip
    parser.add_argument("--changes", type=int, default=20, help="per cell (20)")
    parser.add_argument(
        "--pause", type=float, default=0.0,
        help="seconds between a rerun's end and the next key press in the "
        "one-session cells, as a person pauses (default 0: at once)",
    )  # fmt: skip
    parser.add_argument(
        "--live", type=int, default=5, help="Train live clicks to time (0 skips)"
    )
    parser.add_argument(
        "--sessions", nargs="*", type=int, default=[10, 30],
        help="session counts to run at once (default 10 30; none skips)",
    )  # fmt: skip
    parser.add_argument("--session-changes", type=int, default=20)
    parser.add_argument(
        "--session-pages", nargs="*", default=None,
        help="pages the sessions are dealt (default: --pages, else all)",
    )  # fmt: skip
    parser.add_argument(
        "--session-sliders", nargs="*", default=None, choices=SLIDERS,
        help="sliders the sessions move (default: --sliders, else all)",
    )  # fmt: skip
    parser.add_argument(
        "--sidebar", action=argparse.BooleanOptionalAction, default=True,
        help="also measure the lesson's sidebar without lesson content "
        "(benchmarks/sidebar_app.py; default: on)",
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="py-spy the server")
    parser.add_argument(
        "--summarize", type=Path, help="summarize a saved py-spy profile"
    )
    args = parser.parse_args(argv)
    if args.summarize:
        print(summarize_profile(args.summarize, top=25))
        sys.exit(0)
    by_name = {page_name(p): p for p in pages}
    unknown = [
        p for p in [*args.pages, *(args.session_pages or [])] if p not in by_name
    ]
    if unknown:
        parser.error(f"unknown pages {unknown}; app.py has {sorted(by_name)}")
    args.pages = [by_name[p] for p in args.pages]
    args.long_pages = (
        args.pages if args.long_pages is None else [by_name[p] for p in args.long_pages]
    )
    if args.long_sliders is None:
        args.long_sliders = args.sliders
    args.session_pages = [by_name[p] for p in (args.session_pages or [])] or (
        args.pages or pages
    )
    args.session_sliders = args.session_sliders or args.sliders or list(SLIDERS)
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
