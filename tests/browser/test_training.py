"""Training as a person sees it: a diverging run explained, a live run drawn live."""

import pytest

from lesson import ui
from lesson.settings import Settings
from softmax_core import IMPLEMENTATIONS, load_builtin, prepare, train

# Each step multiplies W by 1 - 2·α·λ = -9: the weights blow up within 250 steps.
DIVERGING = {"learning_rate": 10.0, "lam": 0.5}
LIVE_ITERATIONS = 5000


@pytest.fixture(scope="module")
def explanations() -> set[str]:
    """The messages ui.trouble words for the diverging settings, per implementation."""
    settings = Settings(**DIVERGING)
    problem = prepare(
        load_builtin("iris"), settings.seed, settings.train_fraction, False
    )
    messages = set()
    for implementation in IMPLEMENTATIONS:
        run = train(
            problem, implementation, settings.learning_rate, settings.lam,
            settings.iterations,
        )  # fmt: skip
        level, message = ui.trouble(run, settings)
        assert level == "error"
        messages.add(" ".join(message.split()))
    return messages


def draws_a_run(tab) -> bool:
    """Whether the page plots something against the iterations."""
    return any(
        "iteration" in trace["xTitle"].lower()
        for chart in tab.charts()
        for trace in chart["traces"]
    )


def test_a_diverging_setting_shows_its_explanation(tab, entry, explanations) -> None:
    tab.open(entry.url_path, **DIVERGING)
    tab.assert_healthy()
    if not draws_a_run(tab) and entry.url_path != "descent":
        return  # nothing on this page shows the run; no exception is all we ask
    errors = tab.alerts("error")
    assert any(message in errors for message in explanations), (
        f"/{entry.url_path} draws a diverged run without its explanation; "
        f"errors shown: {errors}; expected one of {sorted(explanations)}"
    )


# Samples, every animation frame, the app's script-run state and how far the
# charts that were not on the page before the click reach along x: the least of
# them, so a finished chart the rerun drew anew does not hide the live one.
LIVE_SAMPLER = """
() => {
  document.querySelectorAll(".js-plotly-plot").forEach((gd) => { gd.__old = true; });
  const list = (v) => v == null ? [] : (ArrayBuffer.isView(v) ? Array.from(v) : v);
  window.__live = [];
  window.__liveStop = false;
  const root = document.querySelector('[data-testid="stApp"]');
  const tick = () => {
    let drawn = null;
    const charts = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot');
    for (const gd of charts) {
      if (gd.__old || !gd._fullData) continue;
      let reach = null;
      for (const trace of gd._fullData) {
        for (const x of list(trace.x)) {
          if (typeof x === "number" && isFinite(x)) reach = Math.max(reach ?? x, x);
        }
      }
      if (reach !== null) drawn = Math.min(drawn ?? reach, reach);
    }
    window.__live.push([performance.now(),
      root.getAttribute("data-test-script-state"), drawn]);
    if (!window.__liveStop) requestAnimationFrame(tick);
  };
  tick();
}
"""


def test_a_live_training_run_draws_its_curve_progressively(tab) -> None:
    tab.open("descent", iterations=LIVE_ITERATIONS)
    tab.assert_healthy()
    button = tab.page.get_by_role("button", name="Train live", exact=True)
    assert button.count() == 1, "the Gradient descent page has no 'Train live' button"

    tab.page.evaluate(LIVE_SAMPLER)
    mark = tab.mark()
    button.click()
    tab.wait_for_rerun(mark, timeout=120_000)
    tab.page.evaluate("() => { window.__liveStop = true; }")
    tab.assert_healthy()

    samples = tab.page.evaluate("() => window.__live")
    while_running = [s[2] for s in samples if s[1] == "running" and s[2] is not None]
    progress = sorted(set(while_running))
    assert len(progress) >= 3, (
        "the live curve was not drawn while training ran; it showed iterations "
        f"{progress} before the run ended"
    )
    assert while_running == sorted(while_running), "the live curve went backwards"
    assert progress[0] < LIVE_ITERATIONS / 2
    final = [s[2] for s in samples if s[2] is not None][-1]
    assert final == LIVE_ITERATIONS, f"the live curve ended at iteration {final}"
