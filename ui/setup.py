"""The set-up every page calls first: page config, the sidebar (navigation and shared settings).

The shared settings are sidebar widgets whose keys start with `shared_`; each widget is the one
source of truth for its value (see ui/state.py for how it survives page switches and restarts).
"""

import streamlit as st

from core.pipeline import PipelineTrace
from core.tasks import TASKS
from core.tokenizer import MAX_TOKENS, tokenize
from ui import downloads, exercises, lesson, links, pictures, state, trained
from ui.i18n import LANGS, labels, lang, prose, t
from ui.settings import (  # noqa: F401  (D_MODEL, MAX_HEADS, MAX_CHARS: read by tests)
    D_MODEL,
    D_MODEL_CHOICE,
    DEFAULT_HEADS,
    EXAMPLES,
    HEADS,
    LANG,
    MAX_CHARS,
    MAX_HEADS,
    SEED,
    SEED_CHOICE,
    SHARED,
    TASK,
    TEXT,
    WEIGHT_KINDS,
    WEIGHTS,
    Settings,
    check_values,
    follow_d_model,
    heads_for,
    reset,
    switch_language,
    switch_task,
    switch_weights,
    use_example,
)
from ui.text import lang_attribute

# Pages that draw the trained model's numbers in trained mode (the overview too: its stages).
TRAINED_PAGES = ("overview", "embedding", "positional", "qkv", "attention", "multihead")
# Pages that read the learner's sentence (and so show the sentence and sizes bar).
SENTENCE_PAGES = ("overview", "embedding", "positional", "qkv", "attention", "multihead")
# (page id, script path, icon): the order of the sidebar and of the overview's list.
PAGES = (
    ("overview", "app.py", ":material/home:"),
    ("embedding", "pages/1_embedding.py", ":material/table_rows:"),
    ("positional", "pages/2_positional_encoding.py", ":material/timeline:"),
    ("qkv", "pages/3_query_key_value.py", ":material/key:"),
    ("attention", "pages/4_self_attention.py", ":material/center_focus_strong:"),
    ("multihead", "pages/5_multi_head_attention.py", ":material/view_module:"),
    ("learn", "pages/6_watch_it_learn.py", ":material/model_training:"),
)


def table_words(exclude, limit: int = 8) -> tuple[str, ...]:
    """A few words of the example sentences that the learner's sentence does not use: rows of
    the embedding table that this sentence leaves alone."""
    words = [w for key in EXAMPLES for w in tokenize(labels(lang())[key]).tokens]
    return tuple(w for w in dict.fromkeys(words) if w not in set(exclude))[:limit]


def example_buttons(place: str) -> None:
    """One button per example sentence; `place` keeps the keys of two sets apart."""
    for key in EXAMPLES:
        st.button(t(key), key=f"{place}_{key}", on_click=use_example, args=(key,), width="stretch")


def _sidebar() -> tuple[str, str, str, int]:
    """Language, pages, progress; the settings a learner changes less often. Returns the
    language, weights, task and seed."""
    sb = st.sidebar
    language = sb.segmented_control(
        t("settings.language"),
        LANGS,
        key=LANG.key,
        required=True,
        on_change=switch_language,
        format_func={code: t(f"language.{code}") for code in LANGS}.__getitem__,
        persist_state="session",
        **state.start_value(LANG, "default"),
    )
    sb.header(t("nav.title"))
    lesson.sidebar_links(PAGES)
    lesson.progress()
    glossary = sb.expander(t("glossary.title"), key="sidebar_glossary", on_change="rerun")
    if glossary.open:  # every page's terms, one click away; drawn only while open
        with glossary:
            st.markdown(prose("glossary", "terms"))
    sb = sb.container(key="sidebar_settings")  # hidden by a teacher's lesson-only link
    sb.header(t("settings.title"))
    weights = sb.segmented_control(
        t("settings.weights"),
        WEIGHT_KINDS,
        key=WEIGHTS.key,
        required=True,
        on_change=switch_weights,
        format_func={kind: t(f"weights.{kind}") for kind in WEIGHT_KINDS}.__getitem__,
        help=t("settings.weights_help"),
        persist_state="session",
        **state.start_value(WEIGHTS, "default"),
    )
    task = st.session_state.get(TASK.key) or TASK.default()
    if weights == "trained":
        names = list(TASKS)
        start = state.start_value(TASK)
        task = sb.selectbox(
            t("settings.task"),
            names,
            key=TASK.key,
            on_change=switch_task,
            format_func={name: t(f"task.{name}") for name in names}.__getitem__,
            persist_state="session",
            **({"index": names.index(start["value"])} if start else {}),
        )
    examples = sb.expander(t("settings.examples"), key="sidebar_examples", on_change="rerun")
    if examples.open:  # drawn only while open: four buttons less on every rerun
        with examples:
            example_buttons("sidebar")
    seed = sb.number_input(
        t("settings.seed"),
        SEED["min"],
        SEED["max"],
        step=1,
        key=SEED_CHOICE.key,
        help=t("settings.seed_help"),
        persist_state="session",
        **state.start_value(SEED_CHOICE),
    )
    sb.button(t("settings.reset"), on_click=reset, width="stretch")
    return language, weights, task, int(seed)


# The sentence and the two main sizes sit above the page's content, in a bar that stays in view
# while the page scrolls (on a phone the sidebar would cover the charts whenever a slider moves).
CONTROLS_STYLE = """<style>
.st-key-main_controls {position: sticky; top: 3.75rem; z-index: 990; background: white;
  padding: 0.25rem 0 0.25rem 0; border-bottom: 1px solid #e6e6e6;}
.st-key-main_controls [data-testid="stHorizontalBlock"] {flex-wrap: nowrap; gap: 0.75rem;}
.st-key-main_controls [data-testid="stColumn"] {min-width: 0;}
[data-testid="InputInstructions"] {display: none;}
</style>"""


def _main_controls() -> tuple[str, int, int]:
    """The sentence, d_model and the head count, next to the charts they change."""
    st.html(CONTROLS_STYLE)
    bar = st.container(key="main_controls")
    text = bar.text_input(
        t("settings.sentence"),
        key=TEXT.key,
        max_chars=MAX_CHARS,
        help=t("settings.sentence_help", max=MAX_TOKENS, chars=MAX_CHARS),
        persist_state="session",
        **state.start_value(TEXT),
    )
    left, right = bar.columns(2)
    d_model = left.slider(
        t("settings.d_model"),
        D_MODEL["min"],
        D_MODEL["max"],
        step=D_MODEL["step"],
        key=D_MODEL_CHOICE.key,
        on_change=follow_d_model,
        help=t("settings.d_model_help"),
        persist_state="session",
        **state.start_value(D_MODEL_CHOICE),
    )
    n_heads = right.select_slider(
        t("settings.n_heads"),
        options=heads_for(d_model),
        key=HEADS.key,
        help=t("settings.n_heads_help"),
        persist_state="session",
        **state.start_value(HEADS),
    )
    bar.caption(
        t("settings.d_head_live", d_model=d_model, n_heads=n_heads, d_head=d_model // n_heads)
        + " · "
        + t("settings.enter_hint")
    )
    return text, int(d_model), int(n_heads)


def _notices() -> None:
    """Say what was changed behind the learner's back: a bad link value, a moved head count."""
    bad = state.take_notices()
    if bad:
        st.info(t("common.link_fallback", names=", ".join(sorted(set(bad)))))
    moved = st.session_state.pop("shared_heads_moved", None)
    if moved:
        st.info(t("settings.heads_moved", old=moved[0], new=moved[1], d_model=moved[2]))
    resized = st.session_state.pop("shared_size_moved", None)
    if resized:
        st.info(t("trained.size_moved", old=resized[0], new=resized[1]))


def page(page_id: str) -> Settings:
    """Draw the sidebar and the page title; stop with a friendly prompt if the sentence is empty."""
    state.carry_over(page_id)
    downloads.forget()  # the matrices this run draws are offered in its downloads box
    check_values()
    lesson.visit(page_id)
    language, weights, task, seed = _sidebar()
    st.set_page_config(page_title=f"{t(f'nav.{page_id}')} · Attention Playground", layout="wide")
    pictures.style()
    lang_attribute(language)  # <html lang="ko"> in the Korean UI, for screen readers
    lesson_only = lesson.lesson_only()
    if lesson_only:
        lesson.hide_controls()
    lesson.nav_links(PAGES, page_id)
    st.title(t(f"{page_id}.title"))
    if page_id in SENTENCE_PAGES:
        text, d_model, n_heads = _main_controls()
    else:  # a page with controls of its own: the shared ones keep their values, unseen
        text, d_model, n_heads = (state.held(choice) for choice in (TEXT, D_MODEL_CHOICE, HEADS))
    settings = Settings(language, text, d_model, n_heads, seed, weights, task)
    links.prepare(page_id)  # the page's own choices from the link, checked; the share box
    _notices()
    state.sync_url({**settings.url_values(), **({"view": "lesson"} if lesson_only else {})})
    if page_id not in SENTENCE_PAGES:
        return settings
    cut = tokenize(settings.text)  # the tokens only: the page computes the trace it needs
    if not cut.tokens:
        st.info(t("common.empty_sentence"))
        example_buttons("main")
        st.stop()
    if settings.weights == "trained" and page_id in TRAINED_PAGES:
        settings = trained.with_run(settings)  # trains first (progress bar) if need be
        trained.check_words(settings)
        seq_len = settings.run.config.seq_len
        if cut.n_found > seq_len:
            st.warning(t("trained.truncated", n_found=cut.n_found, max=seq_len))
    elif cut.truncated:
        st.warning(t("common.truncated", n_found=cut.n_found, max=MAX_TOKENS))
    return settings


def page_end(page_id: str, trace: PipelineTrace) -> None:
    """The end of a concept page: its exercises, then the links to the pages around it."""
    links.sync(page_id)  # the page's own choices into the address bar
    exercises.check_yourself(page_id, trace)
    lesson.nav_links(PAGES, page_id)
