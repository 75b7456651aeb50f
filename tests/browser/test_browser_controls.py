"""The sidebar's controls drive every page: moving d_model and the head count with the keyboard
redraws the charts with new data, and the settings survive a trip to another page and back.
On the self-attention page, choosing a query token (list or click on the heatmap) updates the
detail view.
"""

import json

import pytest
from app_page import expect, not_drawn, template_pattern

from ui.i18n import LANGS
from ui.setup import PAGES, SENTENCE_PAGES

pytestmark = pytest.mark.browser

# The pages with the sentence and sizes bar (page 6 has sizes of its own, tested on its own).
PAGE_PARAMS = [pytest.param(p, path, id=p) for p, path, _ in PAGES if p in SENTENCE_PAGES]
PAGE_IDS = list(SENTENCE_PAGES)
PATHS = {page_id: path for page_id, path, _ in PAGES}
# Pages with a chart drawn from the heads: they must redraw when the head count changes (the
# positional page's shuffle experiment, the multi-head page). Page 4 uses one head on purpose;
# on every page the sidebar's d_head caption must follow.
HEADS_REDRAW = {"positional", "multihead"}
# Pages whose charts do not depend on the settings: the overview's diagram writes shapes in
# letters (seq_len × d_model); the caption under it writes them in numbers, and must follow.
FIXED_CHARTS = {"overview"}
SIDEBAR = ".st-key-main_controls"  # the bar with the sentence and the two sizes


def _prints(charts: list[dict], skip_key: str | None = None) -> list[str]:
    """The charts' data prints, leaving out charts whose widget key starts with skip_key."""
    return [
        chart["print"]
        for chart in charts
        if not (skip_key and (chart["key"] or "").startswith(skip_key))
    ]


def _settings(app) -> tuple[int, int]:
    """(d_model, n_heads) as the sidebar's sliders show them."""
    return (
        int(app.slider("settings.d_model").input_value()),
        int(app.slider("settings.n_heads").get_attribute("aria-valuetext")),
    )


def _d_model_one_step_up(app) -> int:
    """ArrowRight on the d_model slider; wait for the rerun's caption with the new d_model."""
    slider = app.slider("settings.d_model")
    wanted = int(slider.input_value()) + int(slider.get_attribute("step") or 1)
    slider.focus()
    slider.press("ArrowRight")
    caption = template_pattern(app.text["settings.d_head_live"])  # heads: whatever the app kept
    app.page.locator(SIDEBAR).get_by_text(caption).filter(has_text=f"= {wanted} /").first.wait_for()
    app.wait_idle()
    return wanted


def _heads_one_step_up(app) -> int:
    """ArrowRight on the heads slider; wait for the rerun's caption with the new head count."""
    slider = app.slider("settings.n_heads")
    old = slider.get_attribute("aria-valuetext")
    slider.focus()
    slider.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuetext", old)  # the browser moves it at once
    d_model, n_heads = _settings(app)
    app.wait_for_text(app.d_head_caption(d_model, n_heads), SIDEBAR)  # the rerun's output
    app.wait_idle()
    return n_heads


def _expect_settings(app, d_model: int, n_heads: int) -> None:
    expect(app.slider("settings.d_model")).to_have_value(str(d_model))
    expect(app.slider("settings.n_heads")).to_have_attribute("aria-valuetext", str(n_heads))
    app.wait_for_text(app.d_head_caption(d_model, n_heads), SIDEBAR)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_sliders_redraw_charts_and_survive_navigation(open_app, page_id, path, lang):
    app = open_app(page_id, path, lang)
    first = app.wait_charts_settled()
    first_shapes = app.shapes()

    d_model = _d_model_one_step_up(app)
    if page_id in FIXED_CHARTS:
        after_d_model = app.wait_charts_settled()
        assert _prints(after_d_model) == _prints(first), "a fixed chart was redrawn"
        assert app.shapes() != first_shapes, f"d_model {d_model}: no shape changed"
    else:
        after_d_model = app.wait_charts_changed(_prints(first)) if first else []
        assert _prints(after_d_model) != _prints(first) or not first, f"d_model {d_model}: same"
    assert not_drawn(after_d_model) == []

    shapes_before_heads = app.shapes()
    n_heads = _heads_one_step_up(app)
    if page_id in FIXED_CHARTS:
        after_heads = app.wait_charts_settled()
        assert app.shapes() != shapes_before_heads, f"{n_heads} heads: no shape changed"
    elif page_id in HEADS_REDRAW:
        after_heads = app.wait_charts_changed(_prints(after_d_model))
        assert _prints(after_heads) != _prints(after_d_model), f"{n_heads} heads: no change"
    else:
        after_heads = app.wait_charts_settled()
    assert not_drawn(after_heads) == []
    shapes = app.shapes()  # "13 × 72", ... as captions and diagrams write them
    assert not shapes or any(str(d_model) in shape.split(" × ") for shape in shapes), shapes

    other = PAGE_IDS[(PAGE_IDS.index(page_id) + 1) % len(PAGE_IDS)]
    app.go_to(other)
    _expect_settings(app, d_model, n_heads)
    app.go_to(page_id)
    _expect_settings(app, d_model, n_heads)
    assert not_drawn(app.wait_charts_settled()) == []
    assert app.shapes() == shapes, "back on the page, the arrays have other shapes"
    assert app.problems() == []


@pytest.mark.parametrize("lang", LANGS)
def test_picking_a_query_token_updates_the_detail_view(open_app, lang):
    """The list (key attn_query) and a click on the weights heatmap (key attn_query_chart_<n>)
    both pick the query token whose row the detail view (bars, table, sum) explains."""
    app = open_app("attention", PATHS["attention"], lang)
    page = app.page
    # The heatmap's key gets a suffix (attn_query_chart_<n>) so that it forgets an old click.
    query = page.locator(".st-key-attn_query")
    pick = page.locator('[class*="st-key-attn_query_chart"]')
    if query.count() == 0 or pick.count() == 0:
        pytest.fail("the self-attention page has no widget with key attn_query / its chart")
    before = _prints(app.wait_charts_settled(), skip_key="attn_query_chart")

    # 1. Choose the third token from the list.
    combo = query.get_by_role("combobox")
    combo.click()
    combo.press("ArrowDown")  # opens the list if the click only focused the box
    option = page.get_by_role("option").nth(2)
    chosen = option.inner_text().strip()
    option.click()
    expect(combo).to_have_value(chosen)
    by_list = _prints(
        app.wait_charts_changed(before, "attn_query_chart"), skip_key="attn_query_chart"
    )
    assert by_list != before, f"choosing {chosen!r} in the list changed no chart"
    app.wait_idle()

    # 2. Click a cell of the heatmap in another row (the last query token): the list follows.
    row_title = app.text["common.query_token"]
    cells = pick.locator(
        f".role-mark [aria-label*={json.dumps(row_title + ': ', ensure_ascii=False)}]"
    )
    last_label = cells.last.get_attribute("aria-label")
    row = next(
        part.split(": ", 1)[1]
        for part in last_label.split("; ")
        if part.startswith(row_title + ": ")
    )
    assert row != chosen
    cells.last.click()
    expect(combo).to_have_value(row, timeout=30_000)  # set by the rerun the click started
    by_click = _prints(
        app.wait_charts_changed(by_list, "attn_query_chart"), skip_key="attn_query_chart"
    )
    assert by_click != by_list, f"clicking row {row!r} changed no chart"
    app.wait_idle()
    assert app.problems() == []


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_below_jumps_when_a_heatmap_becomes_a_picture(open_app, lang):
    """d_model 64 -> 72 turns the embedding page's wide heatmaps into labelled pictures (each with
    its box under it): the "Check yourself" heading below them stays where it was."""
    app = open_app("embedding", PATHS["embedding"], lang)
    app.wait_charts_settled()
    heading = app.page.get_by_role("heading", name=app.text["exercises.title"])

    def top() -> float:
        return heading.evaluate("e => e.getBoundingClientRect().top + window.scrollY")

    before = top()
    assert _d_model_one_step_up(app) == 72
    app.wait_charts_settled()
    assert app.page.locator("[data-testid='stVegaLiteChart'] canvas").count()
    assert abs(top() - before) <= 4, f"the page below moved {top() - before:+.0f} px"
    assert app.problems() == []
