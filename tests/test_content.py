"""What the prose says can be checked: wording that was wrong stays out, sections the pages draw
exist in both languages, emphasis renders, and the examples and numbers the text quotes hold."""

import math
import re
import unicodedata

import numpy as np
import pytest

from core.analysis import head_distance, mean_head_distance, position_similarity
from core.embedding import embed
from core.experiments import order_experiment
from core.pipeline import run_pipeline
from core.positional import sinusoidal_encoding, wavelength
from core.tokenizer import tokenize
from ui.i18n import CONTENT, LANGS, labels, prose_sections
from ui.setup import EXAMPLES

PAGES = sorted({path.stem for lang in LANGS for path in (CONTENT / lang).glob("*.md")})
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def prose(lang: str, page: str, section: str | None = None) -> str:
    """One section of a page's prose, or the whole page with the lines of a section joined."""
    sections = prose_sections(lang, page)
    text = sections[section] if section else "\n\n".join(sections.values())
    return re.sub(r"\s*\n\s*(?:>\s*)?", " ", text)  # one line: a phrase may wrap anywhere


def all_text(lang: str) -> str:
    """Every sentence of a language: all prose, then every label value."""
    return " ".join([prose(lang, page) for page in PAGES] + list(labels(lang).values()))


# --- 1. Random heads are not specialised -------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    ["specialise further", "specialize further", "averaging of heads", "averaging the heads"],
)
def test_english_never_says_random_heads_specialise_or_heads_are_averaged(phrase):
    assert phrase not in all_text("en").lower()


@pytest.mark.parametrize("phrase", ["더 뚜렷하게 역할을 나눕니다", "주어를 따라갑니다"])
def test_korean_never_states_head_roles_as_fact(phrase):
    assert phrase not in all_text("ko")


@pytest.mark.parametrize("lang, words", [("en", "only randomness"), ("ko", "무작위성뿐")])
def test_head_distance_says_random_heads_measure_only_randomness(lang, words):
    assert words in prose(lang, "multihead", "distance")


def test_a_head_differs_from_itself_under_another_seed_as_much_as_from_its_neighbours():
    """The distance section's claim, at the default settings (d_model 64, 4 heads)."""
    for key in EXAMPLES:
        text = labels("en")[key]
        a = run_pipeline(text, 64, 4, seed=0).attention.weights  # (4, seq, seq)
        b = run_pipeline(text, 64, 4, seed=1).attention.weights
        neighbours = mean_head_distance(head_distance(a))
        same_head_other_seed = np.mean([0.5 * np.abs(a[h] - b[h]).sum(-1).mean() for h in range(4)])
        assert 0.4 < neighbours < 0.7 and 0.4 < same_head_other_seed < 0.7, key
        assert abs(neighbours - same_head_other_seed) < 0.1, key


# --- 2. The self-attention page's note on untrained weights -------------------------------------


@pytest.mark.parametrize("lang, random", [("en", "random"), ("ko", "무작위")])
def test_attention_page_has_an_untrained_section_with_the_trained_example(lang, random):
    text = prose(lang, "attention", "untrained")
    for word in ("animal", "street", "tired", "wide", random):
        assert word in text, word


# --- 3, 4. Multi-head: the paper's average, and what W^Q_i is ----------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_multihead_defines_each_heads_matrices_as_columns_of_w_q(lang):
    text = prose(lang, "multihead", "split")
    for part in ("W^Q_i", "W^K_i", "W^V_i", "i·d_head", "(i+1)·d_head", "d_model"):
        assert part in text, part


@pytest.mark.parametrize(
    "lang, quote, inside",
    [("en", "averaging inhibits this", "inside"), ("ko", "평균이 이것을 가로막는다", "안의")],
)
def test_the_papers_averaging_is_the_average_inside_one_head(lang, quote, inside):
    text = prose(lang, "multihead", "compare")
    assert quote in text and inside in text


# --- 5. Token ids -------------------------------------------------------------------------------

ID_CLAIMS = [  # (language, token, the sentence the prose quotes, its id there)
    ("en", "the", "the cat sat on the mat and the dog sat on the log", 0),
    ("en", "the", "The animal didn't cross the street because it was too tired", 4),
    ("ko", "나는", "나는 어제 친구와 함께 영화를 보았다", 0),
    ("ko", "나는", "어제 나는 친구와 영화를 보았다", 1),
]


@pytest.mark.parametrize("lang, token, sentence, token_id", ID_CLAIMS)
def test_ids_quoted_in_the_embedding_prose_are_the_engines(lang, token, sentence, token_id):
    words = sentence.split()
    assert " ".join(words[:4]) in prose(lang, "embedding", "table")
    trace = embed(tokenize(sentence).tokens, 8)
    assert trace.vocab[token_id] == token


@pytest.mark.parametrize("lang", LANGS)
def test_embedding_prose_names_real_subword_vocabularies(lang):
    text = prose(lang, "embedding", "table")
    assert "BPE" in text and "WordPiece" in text


# --- 6. Smaller facts ---------------------------------------------------------------------------


def test_no_content_claims_rounding_of_1e_16():
    for lang in LANGS:
        assert "1e-16" not in all_text(lang)
        assert "1e-15" in prose(lang, "positional", "experiment_after")


def test_shuffle_gap_without_positions_is_rounding_of_about_1e_15():
    gaps = [
        order_experiment(tokenize(labels(lang)[key]).tokens, 64, 4).gap_plain
        for lang in LANGS
        for key in EXAMPLES
    ]
    assert 1e-16 < max(gaps) < 1e-14


@pytest.mark.parametrize("lang, reason", [("en", "common explanation"), ("ko", "흔히 드는 설명")])
def test_sqrt_d_model_motive_is_a_common_explanation_not_the_papers(lang, reason):
    assert reason in prose(lang, "embedding", "intro")


@pytest.mark.parametrize(
    "lang, almost", [("en", "almost `2π · 10000`"), ("ko", "거의 `2π · 10000`")]
)
def test_last_wavelength_is_given_by_the_formula_not_almost_2pi_10000(lang, almost):
    text = prose(lang, "positional", "sinusoidal")
    assert almost not in text
    assert "2π · 10000^(2i / d_model)" in text and "47,000" in text


def test_the_quoted_last_wavelength_at_d_model_64():
    by_formula = 2 * math.pi * 10000 ** (62 / 64)
    assert round(by_formula, -3) == 47_000
    assert wavelength(63, 64) == pytest.approx(by_formula)
    assert by_formula / (2 * math.pi * 10000) == pytest.approx(0.75, abs=0.01)


@pytest.mark.parametrize("lang, wrong", [("en", "bright band"), ("ko", "밝은 띠")])
def test_similarity_diagonal_is_not_called_bright(lang, wrong):
    assert wrong not in prose(lang, "positional", "similarity_sinusoidal")
    assert "d_model / 2" in prose(lang, "positional", "similarity_sinusoidal")


def test_similarity_diagonal_is_the_largest_value_d_model_over_2():
    """The darkest orange on a signed scale is the largest value: the diagonal, d_model / 2."""
    for d_model in (8, 64, 512):
        similarity = position_similarity(sinusoidal_encoding(48, d_model))
        assert np.allclose(np.diag(similarity), d_model / 2)
        assert np.allclose(np.abs(similarity).max(axis=1), d_model / 2)


@pytest.mark.parametrize("lang, training", [("en", "in parallel"), ("ko", "나란히 학습")])
def test_causal_mask_is_justified_by_training_too(lang, training):
    assert training in prose(lang, "attention", "causal")


@pytest.mark.parametrize("lang", LANGS)
def test_papers_d_k_of_64_is_named_where_scaling_is_explained(lang):
    assert "512 / 8 = 64" in prose(lang, "attention", "scaling")


# --- 7. Korean: emphasis that renders, real tokens, a repeated word, one term per idea ----------


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"  # CommonMark 0.31: Unicode P and S


def _flanking(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) of the delimiter run text[start:end], as CommonMark."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
    right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
    return left, right


def unrendered_emphasis(markdown: str) -> list[str]:
    """Asterisk pairs Markdown would print literally: an opener that cannot open or a closer
    that cannot close (e.g. `*등변(…)*입니다`: a `*` after punctuation, glued to Hangul)."""
    problems = []
    for block in re.split(r"\n\s*\n", markdown):
        block = re.sub(r"^\s*>\s?", "", block, flags=re.MULTILINE)  # quote marks
        block = re.sub(r"`[^`]*`", "`c`", block)  # code spans bind first; keep their backticks
        runs = list(re.finditer(r"\*+", block))
        if len(runs) % 2:
            problems.append(f"unpaired * in: {block[:60]}")
            continue
        for opener, closer in zip(runs[::2], runs[1::2]):
            can_open, _ = _flanking(block, opener.start(), opener.end())
            _, can_close = _flanking(block, closer.start(), closer.end())
            if not (can_open and can_close and len(opener[0]) == len(closer[0])):
                problems.append(block[max(0, opener.start() - 8) : closer.end() + 8])
    return problems


def test_the_emphasis_check_catches_an_asterisk_glued_to_hangul():
    assert unrendered_emphasis("셀프 어텐션은 *순열 등변(permutation-equivariant)*입니다.")
    assert not unrendered_emphasis("셀프 어텐션은 **순열 등변**(permutation-equivariant)입니다.")
    assert not unrendered_emphasis("소프트맥스 전에 *대각선 위쪽*의 점수")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_emphasis_in_the_prose_renders(lang, page):
    for name, text in prose_sections(lang, page).items():
        assert not unrendered_emphasis(text), (name, unrendered_emphasis(text))


@pytest.mark.parametrize("lang", LANGS)
def test_every_emphasis_in_the_labels_renders(lang):
    for key, text in labels(lang).items():
        assert not unrendered_emphasis(text), key


def korean_examples() -> list[str]:
    """Every quoted Korean text in the Korean prose, and the Korean example sentences."""
    quoted = [
        q
        for page in PAGES
        for q in re.findall(r'"([^"\n]+)"', prose("ko", page))
        if HANGUL.search(q)
    ]
    sentences = [labels("ko")[key] for key in EXAMPLES + ("example.default",)]
    return quoted + [s for s in sentences if HANGUL.search(s)]


def test_korean_examples_are_found():
    assert len(korean_examples()) >= 8


@pytest.mark.parametrize("example", korean_examples())
def test_no_korean_example_has_a_bare_particle_token(example):
    """The tokenizer keeps 어절 whole: "나는" is one token, "는" never one on its own."""
    assert not {"는", "은", "을", "를"} & set(tokenize(example).tokens)


@pytest.mark.parametrize(
    "word", [q for q in korean_examples() if " " not in q and HANGUL.search(q)]
)
def test_a_quoted_korean_word_is_one_token(word):
    assert tokenize(word).tokens == (word,)


@pytest.mark.parametrize("lang", LANGS)
def test_the_bank_example_repeats_a_token(lang):
    """One word in two senses: the same token twice, so the same embedding row twice."""
    tokens = tokenize(labels(lang)["example.bank"]).tokens
    assert len(set(tokens)) < len(tokens)


@pytest.mark.parametrize("lang", LANGS)
def test_the_embedding_prose_discusses_the_bank_example(lang):
    assert labels(lang)["example.bank"] in prose(lang, "embedding", "table")


@pytest.mark.parametrize("term", ["덩어리", "사인파형", "임베딩 표", "조회 표", "주의를 기울"])
def test_korean_uses_one_term_per_idea(term):
    assert term not in all_text("ko")


# --- 8. Glossary --------------------------------------------------------------------------------

GLOSSARY = {
    "en": ("Softmax", "One-hot", "Entropy", "PCA", "Permutation-equivariant"),
    "ko": ("소프트맥스", "원-핫", "엔트로피", "PCA", "순열 등변"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_defines_the_terms_the_pages_use(lang):
    rows = prose_sections(lang, "glossary")["terms"].splitlines()
    for term in GLOSSARY[lang]:
        row = next((r for r in rows if term in r.split("|")[1]), None)  # the first cell
        assert row is not None, term
        meaning = row.rstrip(" |").rsplit("|", 1)[1]
        assert len(meaning.strip()) > 20, term


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_gives_the_softmax_formula(lang):
    assert "e^x / Σ e^x" in prose_sections(lang, "glossary")["terms"]
