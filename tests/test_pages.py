"""Every page, in both languages, at default, minimum and maximum settings: no exception, the
expected elements present, settings kept across page switches, bad input handled kindly."""

import base64
import re

import pytest

from tests.apptest import (
    LONG_SENTENCE,
    PAGE_IDS,
    PAGE_PATH,
    SETTINGS,
    chart_frames,
    row_named,
    run_page,
    shown_texts,
)
from ui.i18n import LANGS, MISSING, labels
from ui.setup import SENTENCE_PAGES


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_runs_without_exception(page_id, lang, settings):
    at = run_page(page_id, lang, **SETTINGS[settings])
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == labels(lang)[f"{page_id}.title"]
    if page_id == "overview":  # the pipeline: a chain of links to the pages
        assert len(chain_links(at)) >= 5, "the overview draws its pipeline chain"
    else:
        assert at.get("vega_lite_chart"), f"no chart on {page_id}"
    marker = MISSING.split("{")[0]
    missing = [text for text in shown_texts(at) if marker in text]
    missing += [c.proto.spec for c in at.get("vega_lite_chart") if marker in c.proto.spec]
    assert not missing, missing


@pytest.mark.parametrize("page_id", PAGE_IDS[1:])
def test_concept_page_has_formula_and_code_that_ran(page_id):
    at = run_page(page_id, "en")
    assert at.get("latex"), "each concept page shows its formula"
    expanders = [e.proto.label for e in at.get("expander")]
    assert labels("en")["common.code_that_ran"] in expanders
    assert not [c for c in at.code if "def " in c.value], "the code box is drawn only when opened"
    at.session_state["code_that_ran"] = True
    at.run()
    assert any("def " in code.value for code in at.code), "the engine's real source is shown"


@pytest.mark.parametrize("page_id", SENTENCE_PAGES)
def test_empty_sentence_gets_a_prompt_and_example_buttons(page_id):
    at = run_page(page_id, "ko", shared_text="   ")
    assert not at.exception
    assert labels("ko")["common.empty_sentence"] in [info.value for info in at.info]
    example_labels = {labels("ko")[key] for key in ("example.animal", "example.korean")}
    assert example_labels <= {button.label for button in at.button}


def test_example_button_fills_the_sentence():
    at = run_page("embedding", "en", shared_text="")
    button = next(b for b in at.button if b.label == labels("en")["example.korean"])
    button.click().run()
    assert at.session_state["shared_text"] == labels("en")["example.korean"]
    assert not at.info


def test_sidebar_examples_box_draws_its_buttons_only_when_open():
    at = run_page("qkv", "en")
    korean = labels("en")["example.korean"]
    assert korean not in [b.label for b in at.sidebar.button]
    at.session_state["sidebar_examples"] = True
    at.run()
    next(b for b in at.sidebar.button if b.label == korean).click().run()
    assert at.text_input(key="shared_text").value == korean


@pytest.mark.parametrize("page_id", SENTENCE_PAGES)
def test_over_long_sentence_is_cut_with_a_notice(page_id):
    at = run_page(page_id, "en", shared_text=LONG_SENTENCE)
    assert not at.exception
    notice = labels("en")["common.truncated"].format(n_found=45, max=32)
    assert notice in [warning.value for warning in at.warning]


@pytest.mark.parametrize("page_id", SENTENCE_PAGES[1:])
def test_settings_survive_a_page_switch(page_id):
    at = run_page("overview", "en")
    at.text_input(key="shared_text").set_value("a b c d")
    at.slider(key="shared_d_model").set_value(96)
    at.run()
    at.select_slider(key="shared_n_heads").set_value(6)
    at.number_input(key="shared_seed").set_value(7)
    at.run()
    at.switch_page(PAGE_PATH[page_id])
    at.run()
    assert not at.exception
    assert at.text_input(key="shared_text").value == "a b c d"
    assert at.slider(key="shared_d_model").value == 96
    assert at.select_slider(key="shared_n_heads").value == 6
    assert at.number_input(key="shared_seed").value == 7
    at.switch_page("app.py")
    at.run()
    assert at.slider(key="shared_d_model").value == 96


def test_head_choice_follows_d_model():
    at = run_page("overview", "en")
    at.select_slider(key="shared_n_heads").set_value(16)
    at.run()
    at.slider(key="shared_d_model").set_value(24)
    at.run()
    assert not at.exception
    heads = at.select_slider(key="shared_n_heads")
    assert list(map(int, heads.options)) == [1, 2, 3, 4, 6, 8, 12]
    assert heads.value == 12  # the nearest head count that divides 24


def test_language_follows_the_browser():
    assert (
        run_page("overview", "ko", locale="ko-KR").title[0].value == labels("ko")["overview.title"]
    )


def test_switching_language_swaps_the_untouched_example_sentence():
    at = run_page("overview", "en")
    assert at.session_state["shared_text"] == labels("en")["example.default"]
    at.button_group(key="shared_lang").set_value("ko").run()
    assert at.title[0].value == labels("ko")["overview.title"]
    assert at.text_input(key="shared_text").value == labels("ko")["example.default"]


def test_switching_language_keeps_a_sentence_the_learner_typed():
    at = run_page("overview", "en")
    at.text_input(key="shared_text").set_value("my own words").run()
    at.button_group(key="shared_lang").set_value("ko").run()
    assert at.text_input(key="shared_text").value == "my own words"


def test_reset_restores_the_defaults():
    at = run_page("overview", "en", shared_d_model=128, shared_seed=5, shared_text="x y")
    next(b for b in at.button if b.label == labels("en")["settings.reset"]).click().run()
    assert at.slider(key="shared_d_model").value == 64
    assert at.number_input(key="shared_seed").value == 0
    assert at.text_input(key="shared_text").value == labels("en")["example.default"]


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_user_text_is_never_rendered_as_markdown(page_id):
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) $\\frac{$"
    at = run_page(page_id, "en", shared_text=hostile)
    assert not at.exception
    for text in [m.value for m in at.markdown] + [c.value for c in at.caption]:
        assert "onerror" not in text and "javascript:" not in text and "\\frac{" not in text


def test_overview_stage_table_matches_the_engine():
    from core.pipeline import run_pipeline

    at = run_page("overview", "en")
    trace = run_pipeline(labels("en")["example.default"], 64, 4, 0)
    table = at.dataframe[1].value
    first = table.iloc[:, 2].tolist()
    assert first[0].startswith(f"[{trace.embedding.vectors[0, 0]:+.3f}, ")
    assert first[-1].startswith(f"[{trace.attention.output[0, 0]:+.3f}, ")


def chain_links(at) -> list[tuple[str, str]]:
    """The overview's pipeline chain: (label, page) of each stage that links to a page."""
    return [
        (link.proto.label, link.proto.page)
        for link in at.get("page_link")
        if "(" in link.proto.label
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_overview_chain_is_fixed_links_every_stage_and_its_caption_gives_the_numbers(lang):
    """The chain writes shapes in letters (a slider move changes nothing in it), from the
    tokens to the output through + PE = X and the heads' A·V, each stage a link to the page that
    explains it; the caption under it gives the same shapes in numbers."""
    small = run_page("overview", lang, shared_text="the cat sat", shared_d_model=96)
    large = run_page("overview", lang, shared_d_model=512, shared_n_heads=16)
    chain = chain_links(small)
    assert chain == chain_links(large)
    text = labels(lang)
    shown = [label for label, _ in chain]
    for key in ("chain_positional", "chain_heads", "chain_concat", "chain_output"):
        assert any(label.startswith(text[f"overview.{key}"]) for label in shown), key
    assert shown.index(next(x for x in shown if x.startswith(text["overview.chain_heads"]))) < (
        shown.index(next(x for x in shown if x.startswith(text["overview.chain_concat"])))
    ), "the heads' outputs come before Concat"
    pages = {page for _, page in chain}
    assert {"embedding", "positional_encoding", "query_key_value", "self_attention"} <= {
        page.split("/")[-1].removesuffix(".py") for page in pages
    }
    assert "(seq_len × d_model)" in " ".join(shown)
    caption = text["overview.sizes_now"].format(seq_len=3, d_model=96, n_heads=4, d_head=24)
    assert caption in [c.value for c in small.caption]
    assert "3 × 96" in caption and "4 × 3 × 3" in caption


def test_embedding_page_ids_and_vectors_match_the_engine():
    from core.embedding import embed
    from core.tokenizer import tokenize

    at = run_page("embedding", "en", shared_text="the cat saw the dog")
    tokens = tokenize("the cat saw the dog").tokens
    trace = embed(tokens, 64, 0)
    table = row_named(at.dataframe[0].value)
    assert table.loc["id"].tolist() == [str(i) for i in trace.token_ids]
    expected = {
        (f"{i}·{tok}", str(d)): trace.vectors[i, d]
        for i, tok in enumerate(tokens)
        for d in range(64)
    }
    frames = [f for f in chart_frames(at) if {"row", "col", "value"} <= set(f.columns)]
    vectors = next(f for f in frames if len(f) == len(expected) and f["row"].iloc[0] == "0·the")
    for row, col, value in vectors[["row", "col", "value"]].itertuples(index=False):
        assert value == pytest.approx(expected[(row, col)], abs=1e-4)


def test_a_large_head_grid_is_drawn_as_one_picture_of_all_heads():
    at = run_page("multihead", "en", **SETTINGS["maximum"])  # 16 heads × 32 × 32 cells
    assert not at.exception
    urls = [img.url for element in at.get("image") for img in element.proto.imgs]
    assert all(url.startswith("data:image/png;base64,") for url in urls)
    caption = labels("en")["charts.grid_caption"].format(
        heads=16, cells=16 * 32 * 32, columns=4, last=15
    )
    assert caption in [img.caption for element in at.get("image") for img in element.proto.imgs]
    # The grid's picture: 4 × 4 heads of 32 × 32 cells, a pixel per cell, 1-pixel white gaps.
    from tests.test_charts import read_png  # Pillow decodes

    sizes = [read_png(base64.b64decode(url.split(",", 1)[1])).shape[:2] for url in urls]
    assert (4 * 32 + 3, 4 * 32 + 3) in sizes


@pytest.mark.parametrize("page_id", SENTENCE_PAGES[1:])
def test_wide_matrices_hover_values_are_drawn_only_when_their_box_is_open(page_id):
    """At d_model 512 and 32 tokens a large matrix is a picture; its hover values sit in a box
    that is drawn (and sent) only while open. Opening every box adds one chart each."""
    at = run_page(page_id, "en", **SETTINGS["maximum"])
    every = [e for e in at.get("expander") if e.proto.id.split("-")[-1].startswith("hover_")]
    boxes = [e for e in every if "in a table" not in e.proto.label]  # under a picture
    assert boxes, "no hover box at d_model 512"
    tables = len(every) - len(boxes)  # under a labelled heatmap: its numbers as a table
    closed, closed_tables = len(at.get("vega_lite_chart")), len(at.get("dataframe"))
    for box in every:
        assert not box.proto.expanded
        at.session_state[box.proto.id.split("-")[-1]] = True
    at.run()
    assert not at.exception
    opened = at.get("vega_lite_chart")
    assert len(opened) >= closed + len(boxes)
    assert len(at.get("dataframe")) >= closed_tables + tables
    # A wide matrix's box hovers its first 16 columns; a large square one, all of them.
    wide = [b for b in boxes if "first 16 of 512" in b.proto.label]
    columns = [f["col"].nunique() for f in chart_frames(at) if "col" in f.columns]
    assert columns.count(16) >= len(wide)
    assert max(columns) <= 64


def test_default_matrices_stay_hoverable_and_long_sentences_become_pictures():
    """At the default settings the embedding page's matrices are hoverable charts; 32 tokens
    (the most a sentence has) keep a chart of cells, every token labelled; past 32 rows (the
    33 rows of w_j · v_j and their sum) a matrix is a labelled picture, its values in a box."""
    default = run_page("embedding", "en")
    assert not default.get("image")
    assert len(default.get("vega_lite_chart")) >= 3  # E, X_emb, cos (and the PCA scatter)
    long = run_page("attention", "en", shared_text=LONG_SENTENCE)  # cut to 32 tokens
    specs = [c.proto.spec for c in long.get("vega_lite_chart")]
    assert any('"image"' in spec for spec in specs), "33 rows are drawn as a picture"
    clickable = [spec for spec in specs if '"select"' in spec]
    assert clickable, "the clickable weights chart keeps its marks"


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_the_glossary_is_one_click_away_on_every_page(page_id):
    at = run_page(page_id, "ko")
    box = next(
        e for e in at.sidebar.get("expander") if e.proto.label == labels("ko")["glossary.title"]
    )
    assert not box.proto.expanded
    at.session_state["sidebar_glossary"] = True
    at.run()
    texts = " ".join(m.value for m in at.sidebar.markdown)
    assert "소프트맥스" in texts or "Softmax" in texts


def test_a_heatmap_and_the_picture_it_becomes_keep_one_box_in_one_place():
    """Moving d_model 64 -> 72 turns the embedding page's wide matrices into pictures: each keeps
    a box under it with the same key (numbers as a table, then values on hover), so the page
    below does not move and an open box stays open. Opened under a heatmap, the box shows the
    matrix's numbers with its row and column labels."""
    small = run_page("embedding", "en", shared_d_model=64)
    large = run_page("embedding", "en", shared_d_model=72)

    def boxes(at):
        return [e.proto.id.split("-")[-1] for e in at.get("expander") if "hover_" in e.proto.id]

    assert boxes(small) and boxes(small) == boxes(large)
    assert all(
        "in a table" in e.proto.label for e in small.get("expander") if "hover_" in e.proto.id
    )
    assert any(
        "in a table" not in e.proto.label for e in large.get("expander") if "hover_" in e.proto.id
    )
    first = boxes(small)[0]
    small.session_state[first] = True
    small.run()
    label = next(e.proto.label for e in small.get("expander") if e.proto.id.endswith(first))
    rows, cols = (int(n) for n in re.search(r"(\d+) × (\d+)", label).groups())
    table = small.get("dataframe")[-1].value
    assert table.shape == (rows, 1 + cols)  # the row names, then every column
    assert list(table.columns[1:]) == [str(d) for d in range(cols)]
