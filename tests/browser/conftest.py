"""The lesson in a real browser: `streamlit run app.py` driven by Debian's Chromium.

A session-scoped server serves most tests; each test gets its own browser
context, so its own Streamlit session and its own settings. Every test saves a
screenshot of its page to tests/screenshots/<test name>.png, pass or fail.

Nothing here is skipped: where Chromium or Playwright is missing, the tests fail
and say what to install.
"""

import ast
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # fail every browser test with the fix, never skip them
    PlaywrightTimeout = sync_playwright = None

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
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

# A cold server imports torch and trains on its first run: seconds, not minutes.
HEALTH_TIMEOUT_S = 60
FIRST_RUN_TIMEOUT_MS = 120_000
RERUN_TIMEOUT_MS = 60_000
# After a rerun, Plotly redraws in the browser; this bounds the wait for it.
REDRAW_TIMEOUT_MS = 30_000
# How long a rerun's result may take to reach the page's charts and text; a
# slider the page does not depend on costs this long to rule out.
CHANGE_TIMEOUT_MS = 3_000
# KaTeX boxes overflow by a pixel or two from rounding; more than this is clipped.
CLIP_TOLERANCE_PX = 4


@dataclass(frozen=True)
class PageEntry:
    """One st.Page of app.py: the file it runs, its title, its URL path."""

    file: str
    title: str
    url_path: str


def app_pages() -> list[PageEntry]:
    """The pages app.py lists in PAGES, read from its source so tests follow it."""
    tree = ast.parse((ROOT / "app.py").read_text())
    pages = []
    for node in ast.walk(tree):
        is_page = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
        )
        if not is_page:
            continue
        keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        file = ast.literal_eval(node.args[0])
        url_path = "" if keywords.get("default") else keywords.get("url_path")
        if url_path is None:
            url_path = Path(file).stem
        pages.append(PageEntry(file, keywords.get("title", Path(file).stem), url_path))
    return pages


PAGES = app_pages()


# --- The server -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run <script>` on a free loopback port, its output in a log file."""

    def __init__(self, script: str, log_path: Path) -> None:
        self.script = script
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "StreamlitServer":
        command = [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit run {self.script} exited with code "
                    f"{self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"streamlit run {self.script} did not answer /_stcore/health within "
            f"{HEALTH_TIMEOUT_S} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no server log)"
        return "\n".join(
            self.log_path.read_text(errors="replace").splitlines()[-lines:]
        )


def start_server(tmp_path_factory, name: str) -> StreamlitServer:
    log_path = tmp_path_factory.mktemp(name) / "streamlit.log"
    try:
        return StreamlitServer("app.py", log_path).start()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The lesson, served once for the tests that do not need a fresh server."""
    running = start_server(tmp_path_factory, "server")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """The lesson on a server started for one test module, cold."""
    running = start_server(tmp_path_factory, "fresh_server")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def pages() -> list[PageEntry]:
    return PAGES


def pytest_generate_tests(metafunc):
    """A test that takes `entry` runs once per page of app.py."""
    if "entry" in metafunc.fixturenames:
        metafunc.parametrize("entry", PAGES, ids=[p.url_path or "home" for p in PAGES])


# --- The browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright; a missing one fails the run, loudly."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is missing: the browser tests need {CHROMIUM}. Install it "
            "with 'apt-get install -y chromium' (bash test.sh does this as root).",
            pytrace=False,
        )
    if sync_playwright is None:
        pytest.fail(
            "Playwright for Python is missing: pip install -r requirements-dev.txt",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# From the first script of every document, each script run as the server tells
# the browser of it: ForwardMsg field 4 (new_session) starts a run, field 6
# (script_finished, an enum: 0 done, 1 compile error, 2 cut short by a newer
# rerun, 3 a fragment done) ends it. The app root's data-test-script-state alone
# can miss a fast rerun: React may apply "running" and "notRunning" in one render.
SCRIPT_RUN_RECORDER = (Path(__file__).parent / "script_runs.js").read_text()

# A rerun that started after `mark` has ended: the server said so, and the app
# root shows it (data-test-script-state is "notRunning" again). A run already
# under way at the mark does not count, even if it ends after it.
RERUN_ENDED = """
(mark) => {
  const root = document.querySelector('[data-testid="stApp"]');
  const runs = (window.__scriptRuns || []).slice(mark);
  const start = runs.findIndex((run) => run[1] === "start");
  const ended = start >= 0 && runs.slice(start)
    .some((run) => run[1] === "finished" && run[2] !== 2);
  return ended && root !== null
    && root.getAttribute("data-test-script-state") === "notRunning";
}
"""

# Every Plotly chart in the main area, summarised: axis titles, and per trace
# its name, type, how many points, the largest x, and its data as JSON.
CHARTS = """
() => {
  const list = (v) => v == null ? [] : (ArrayBuffer.isView(v) ? Array.from(v)
    : (Array.isArray(v) ? v : [v]));
  const title = (axis) => (axis && axis.title && axis.title.text) || "";
  return Array.from(document.querySelectorAll(
      '[data-testid="stMain"] [data-testid="stPlotlyChart"]')).map((box) => {
    const gd = box.querySelector(".js-plotly-plot");
    if (!gd || !gd._fullLayout || !gd._fullData) return null;
    const layout = gd._fullLayout;
    return {
      title: title(layout),
      // A chart in a closed expander or an unselected tab takes no room.
      shown: box.getClientRects().length > 0,
      height: box.getBoundingClientRect().height,
      traces: gd._fullData.filter((t) => t.visible !== false).map((t) => {
        const x = list(t.x).flat(), y = list(t.y).flat(), z = list(t.z).flat();
        const xAxis = layout["xaxis" + ((t.xaxis || "x").slice(1))];
        const numbers = x.filter((v) => typeof v === "number" && isFinite(v));
        return {
          name: t.name || "", type: t.type,
          xTitle: title(xAxis),
          points: Math.max(x.length, y.length, z.length,
            list(t.values).length, list(t.a).length),
          xMax: numbers.length ? Math.max(...numbers) : null,
          data: JSON.stringify([x, y, z, list(t.values), list(t.a), list(t.b),
            list(t.c), list(t.text)]),
        };
      }),
    };
  });
}
"""

# What a person sees of the page: its charts' data, or the main area's text.
DRAWN = (
    "(what) => what === 'charts' ? JSON.stringify(("
    + CHARTS.strip()
    + """)().map((c) => c && c.traces.map((t) => [t.name, t.data])))
    : (document.querySelector('[data-testid="stMainBlockContainer"]')
       || {innerText: ""}).innerText"""
)

# Drawn: no element still waits for its code (Streamlit shows a stSkeleton while
# it loads a chart's or a table's script) and every Plotly chart has its SVG.
PAGE_DRAWN = """
() => !document.querySelector('[data-testid="stApp"] [data-testid="stSkeleton"]')
  && Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stPlotlyChart"]'))
  .every((box) => {
    const gd = box.querySelector(".js-plotly-plot");
    return gd && gd._fullLayout && gd._fullData && gd.querySelector(".main-svg");
  })
"""

# A display equation wider than its box is cut off or needs a scroll bar.
CLIPPED_EQUATIONS = """
(tolerance) => Array.from(
    document.querySelectorAll('[data-testid="stMain"] .katex-display'))
  .filter((el) => el.scrollWidth > el.clientWidth + tolerance)
  .map((el) => el.querySelector("annotation")?.textContent.slice(0, 80)
    + ` (${el.scrollWidth} px wide in a ${el.clientWidth} px box)`)
"""


class AppPage:
    """A browser tab on the lesson, with the waits and reads the tests share."""

    def __init__(self, page, server: StreamlitServer) -> None:
        self.page = page
        self.server = server

    # Opening and waiting.

    def mark(self) -> int:
        return self.page.evaluate("() => (window.__scriptRuns || []).length")

    def wait_for_rerun(self, mark: int, timeout: int = RERUN_TIMEOUT_MS) -> None:
        """Wait until a rerun started after `mark` has finished (no sleeping)."""
        self.page.wait_for_function(RERUN_ENDED, arg=mark, timeout=timeout)
        self.wait_for_drawn()

    def wait_for_drawn(self) -> None:
        """Wait until nothing waits for its code and every chart has its SVG."""
        self.page.wait_for_function(PAGE_DRAWN, timeout=REDRAW_TIMEOUT_MS)

    wait_for_charts = wait_for_drawn  # the name test_upload.py calls

    def url_for(self, path: str = "", **params) -> str:
        query = urlencode({k: _url_value(v) for k, v in params.items()})
        return f"{self.server.url}/{path}" + (f"?{query}" if query else "")

    def open(self, path: str = "", **params) -> None:
        """Load a page by its URL, settings in the query, and wait for its run."""
        self.goto(self.url_for(path, **params))

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.wait_for_rerun(0, timeout=FIRST_RUN_TIMEOUT_MS)

    def reload(self) -> None:
        self.page.reload()
        self.wait_for_rerun(0, timeout=FIRST_RUN_TIMEOUT_MS)

    def open_from_sidebar(self, entry: PageEntry) -> None:
        """Click the page's link in the sidebar navigation and wait for its run."""
        link = self.page.locator(
            '[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]'
        ).filter(has_text=re.compile(rf"^\s*{re.escape(entry.title)}\s*$"))
        mark = self.mark()
        link.click()
        self.page.wait_for_function(
            "(path) => location.pathname.replace(/^\\/+|\\/+$/g, '') === path",
            arg=entry.url_path,
            timeout=RERUN_TIMEOUT_MS,
        )
        self.wait_for_rerun(mark)
        assert link.get_attribute("aria-current") == "page"

    # Sidebar widgets, found by their key (Streamlit adds the class st-key-<key>).

    def widget(self, key: str):
        return self.page.locator(f'[data-testid="stSidebar"] .st-key-{key}')

    def shown(self, key: str) -> str:
        """The value a person reads on a sidebar widget."""
        box = self.widget(key)
        slider = box.locator('input[type="range"]')
        if slider.count():
            return slider.get_attribute("aria-valuetext")
        toggle = box.locator('input[type="checkbox"]')
        if toggle.count():
            return "true" if toggle.is_checked() else "false"
        return box.locator("input").first.input_value()

    def expand_sidebar_section_of(self, key: str) -> None:
        """Open the sidebar expander that holds a widget, so the keyboard reaches it."""
        expander = self.page.locator(
            '[data-testid="stSidebar"] [data-testid="stExpander"]'
        ).filter(has=self.page.locator(f".st-key-{key}"))
        if expander.count() and not self.widget(key).is_visible():
            expander.locator("summary").click()
            self.widget(key).wait_for(state="visible")

    def press_slider(self, key: str, keyname: str) -> str:
        """Focus a sidebar slider, press one key, wait for the rerun; the new value."""
        self.expand_sidebar_section_of(key)
        thumb = self.widget(key).locator('input[type="range"]')
        before = thumb.get_attribute("aria-valuetext")
        thumb.focus()
        mark = self.mark()
        self.page.keyboard.press(keyname)
        self.wait_for_rerun(mark)
        after = thumb.get_attribute("aria-valuetext")
        assert after != before, f"{keyname} on {key} left it at {before}"
        return after

    def sidebar_sliders(self) -> list[str]:
        """The keys of the sliders in the shared sidebar, top to bottom."""
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll(
                '[data-testid="stSidebar"] [data-testid="stElementContainer"]'))
              .filter((el) => el.querySelector('input[type="range"]'))
              .map((el) => Array.from(el.classList)
                .find((c) => c.startsWith("st-key-")))
              .filter(Boolean).map((c) => c.slice("st-key-".length))"""
        )

    # What the page shows.

    def path(self) -> str:
        return urlsplit(self.page.url).path.strip("/")

    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def charts(self) -> list[dict]:
        return [chart for chart in self.page.evaluate(CHARTS) if chart is not None]

    def drawn(self, what: str = "charts") -> str:
        """The data of every chart ("charts") or the main area's text ("text")."""
        return self.page.evaluate(DRAWN, what)

    def wait_for_change(self, before: str, what: str = "charts") -> bool:
        """Wait until drawn(what) differs from `before`; False if it does not."""
        try:
            self.page.wait_for_function(
                f"([before, what]) => ({DRAWN})(what) !== before",
                arg=[before, what],
                timeout=CHANGE_TIMEOUT_MS,
                polling=100,
            )
        except PlaywrightTimeout:
            return False
        return True

    def main_text(self) -> str:
        return self.page.locator('[data-testid="stMainBlockContainer"]').inner_text()

    def alerts(self, kind: str = "") -> list[str]:
        """Texts of st.error / st.warning / ... boxes; kind "error" for errors only."""
        selector = '[data-testid="stMain"] [data-testid="stAlertContainer"]'
        boxes = self.page.locator(selector)
        texts = []
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if (
                kind
                and not box.locator(
                    f'[data-testid="stAlertContent{kind.title()}"]'
                ).count()
            ):
                continue
            texts.append(" ".join(box.inner_text().split()))
        return texts

    def assert_healthy(self) -> None:
        """No exception box on the page, and the app still connected."""
        exceptions = self.page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, (
            f"/{self.path()} shows an exception:\n"
            f"{exceptions.first.inner_text()}\n--- server log ---\n"
            f"{self.server.log_tail()}"
        )
        state = self.page.locator('[data-testid="stApp"]').get_attribute(
            "data-test-connection-state"
        )
        assert state == "CONNECTED", f"the app lost its server: {state}"

    def clipped_equations(self) -> list[str]:
        return self.page.evaluate(CLIPPED_EQUATIONS, CLIP_TOLERANCE_PX)

    def screenshot(self, path: Path) -> None:
        """The whole page: the viewport grows to the main area's height first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            """() => Math.max(...['stMainBlockContainer', 'stSidebarContent'].map(
                (id) => { const el = document.querySelector(`[data-testid="${id}"]`);
                          return el ? el.scrollHeight : 0; }))"""
        )
        height = int(min(max(height + 120, VIEWPORT["height"]), 12_000))
        self.page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        try:
            # Two animation frames: the resize has been laid out and painted.
            self.page.evaluate(
                "() => new Promise((done) => requestAnimationFrame("
                "() => requestAnimationFrame(done)))"
            )
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(VIEWPORT)


def _url_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def screenshot_path(request, suffix: str = "") -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    return SCREENSHOTS / f"{name}{suffix}.png"


@pytest.fixture
def new_tab(browser, request):
    """new_tab(server) -> an AppPage in a fresh browser context (a new session).

    Every tab is screenshotted when the test ends, the first one under the test's
    name, later ones with a suffix.
    """
    contexts, tabs = [], []

    def _open(on: StreamlitServer) -> AppPage:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(SCRIPT_RUN_RECORDER)
        contexts.append(context)
        tab = AppPage(context.new_page(), on)
        tabs.append(tab)
        return tab

    yield _open
    for number, tab in enumerate(tabs):
        try:
            tab.screenshot(screenshot_path(request, f"_{number + 1}" if number else ""))
        except Exception as error:  # a screenshot must not hide the test's result
            print(f"screenshot failed: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_tab, server) -> AppPage:
    """A fresh tab on the session's server."""
    return new_tab(server)
