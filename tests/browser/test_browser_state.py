"""The widget is the one source of truth: quick key presses are never lost, a server restart keeps
the learner's settings and their next action, and the address bar follows the view."""

from urllib.parse import parse_qs, urlparse

import pytest
from app_page import LOCALES, VIEWPORT, AppPage, expect, template_pattern

from benchmarks.common import free_port, streamlit_server
from ui.setup import D_MODEL, PAGES

pytestmark = pytest.mark.browser

PATHS = {page_id: path for page_id, path, _ in PAGES}
SIDEBAR = ".st-key-main_controls"  # the bar with the sentence and the two sizes
PRESSES = 50
TRIALS = 3


def _wait_for_d_model(app: AppPage, d_model: int) -> None:
    """Wait until the slider, the sidebar's caption and the page's numbers all say d_model:
    under load the page can be idle before it has caught up with the last key press."""
    expect(app.slider("settings.d_model")).to_have_value(str(d_model), timeout=120_000)
    caption = template_pattern(app.text["settings.d_head_live"])
    app.page.locator(SIDEBAR).get_by_text(caption).filter(has_text=f"= {d_model} /").first.wait_for(
        timeout=120_000
    )
    app.page.get_by_text(f" × {d_model}").first.wait_for(timeout=120_000)  # the page's shapes
    app.wait_idle()


@pytest.mark.parametrize("lang", ["en"])
def test_fifty_quick_presses_end_on_the_value_they_add_up_to(open_app, lang):
    app = open_app("overview", PATHS["overview"], lang)
    slider = app.slider("settings.d_model")
    step = int(slider.get_attribute("step") or D_MODEL["step"])
    for trial in range(TRIALS):
        start = int(slider.input_value())
        key = "ArrowRight" if trial % 2 == 0 else "ArrowLeft"
        slider.focus()
        for _ in range(PRESSES):
            app.page.keyboard.press(key)  # no wait between presses: reruns overlap them
        wanted = start + (step if key == "ArrowRight" else -step) * PRESSES
        _wait_for_d_model(app, wanted)
        app.page.wait_for_timeout(1500)  # nothing may pull the slider back afterwards
        app.wait_idle()
        assert int(slider.input_value()) == wanted, f"trial {trial}: presses were lost"
        params = parse_qs(urlparse(app.page.url).query)
        assert params.get("d_model") == [str(wanted)], "the address bar follows the slider"
    assert app.problems() == []


def test_a_server_restart_keeps_the_learners_settings_and_next_action(browser, tmp_path):
    from benchmarks.common import ROOT

    port = free_port()
    log = tmp_path / "streamlit.log"
    context = browser.new_context(locale=LOCALES["en"], viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    try:
        with streamlit_server(ROOT / "app.py", ROOT, log, watch=False, port=port) as server:
            app = AppPage(context.new_page(), server.url, "en").open("overview", PATHS["overview"])
            app.type_sentence("my own sentence here")
            app.wait_for_cells(["my", "own", "sentence", "here"])
            slider = app.slider("settings.d_model")
            slider.focus()
            for _ in range(4):
                app.page.keyboard.press("ArrowRight")
            _wait_for_d_model(app, 96)
        # The server is gone: the page notices (its widgets are disabled while it reconnects).
        expect(slider).to_be_disabled(timeout=60_000)
        with streamlit_server(ROOT / "app.py", ROOT, log, watch=False, port=port):
            expect(slider).to_be_enabled(timeout=120_000)  # reconnected to the new server
            app.wait_idle()
            expect(slider).to_have_value("96")
            # The learner's first action after the restart: one step up of d_model.
            slider.focus()
            app.page.keyboard.press("ArrowRight")
            _wait_for_d_model(app, 104)
            expect(app.sentence_box()).to_have_value("my own sentence here")
            app.wait_for_cells(["my", "own", "sentence", "here"])
            app.page.wait_for_timeout(1500)
            expect(slider).to_have_value("104")
    finally:
        context.close()
