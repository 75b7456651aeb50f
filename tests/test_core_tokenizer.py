"""The teaching tokenizer: words whole, punctuation and emoji alone, unsafe characters gone."""

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tokenizer import INVISIBLE, MAX_TOKENS, TAGS, is_invisible, tokenize

ZWJ = "\u200d"
ZWNJ = "\u200c"


def tokens_of(text: str) -> tuple[str, ...]:
    return tokenize(text).tokens


# --- words and scripts ---------------------------------------------------------------------


def test_korean_eojeol_stay_whole():
    assert tokens_of("나는 학교에 간다") == ("나는", "학교에", "간다")


def test_decomposed_hangul_is_composed_into_one_word():
    decomposed = unicodedata.normalize("NFD", "학교에")
    assert tokens_of(decomposed) == ("학교에",)


def test_english_words_split_on_whitespace():
    assert tokens_of("the  animal\tdid\nnot") == ("the", "animal", "did", "not")


def test_mixed_latin_and_hangul_in_one_eojeol_stay_one_token():
    assert tokens_of("AI는 attention을 쓴다") == ("AI는", "attention을", "쓴다")


def test_mixed_scripts_in_one_sentence():
    text = "Hello 세계 مرحبا Привет 日本語"
    assert tokens_of(text) == ("Hello", "세계", "مرحبا", "Привет", "日本語")


def test_combining_accent_stays_inside_its_word():
    assert tokens_of("cafe\u0301 ok") == ("café", "ok")


def test_zero_width_non_joiner_inside_a_word_keeps_the_word_whole():
    word = "می" + ZWNJ + "خواهم"  # Persian "I want": the ZWNJ is part of the spelling
    assert tokens_of(word) == (word,)


# --- punctuation -----------------------------------------------------------------------------


def test_punctuation_is_split_from_words():
    assert tokens_of("Hello, world!") == ("Hello", ",", "world", "!")


def test_each_punctuation_mark_is_its_own_token():
    assert tokens_of("Wait...") == ("Wait", ".", ".", ".")


def test_apostrophe_inside_a_word_keeps_the_contraction_whole():
    assert tokens_of("didn't it’s") == ("didn't", "it’s")


def test_apostrophe_at_a_word_edge_is_punctuation():
    assert tokens_of("'quoted' dogs'") == ("'", "quoted", "'", "dogs", "'")


def test_korean_punctuation_is_split_from_eojeol():
    assert tokens_of("정말요?") == ("정말요", "?")


def test_cjk_punctuation_is_split():
    assert tokens_of("日本語、です。") == ("日本語", "、", "です", "。")


# --- emoji -----------------------------------------------------------------------------------


def test_zwj_sequence_is_one_token():
    assert tokens_of("👩\u200d💻") == ("👩\u200d💻",)


def test_family_zwj_sequence_is_one_token_and_punctuation_stays_apart():
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert tokens_of(family + "!") == (family, "!")


def test_skin_tone_stays_with_its_emoji():
    assert tokens_of("👍🏽👍") == ("👍🏽", "👍")


def test_zwj_sequence_with_skin_tone_is_one_token():
    assert tokens_of("👩🏽\u200d💻") == ("👩🏽\u200d💻",)


def test_regional_indicator_pairs_make_one_flag_each():
    assert tokens_of("🇰🇷🇯🇵") == ("🇰🇷", "🇯🇵")


def test_emoji_with_variation_selector_between_words():
    assert tokens_of("I❤️you") == ("I", "❤️", "you")


def test_emoji_next_to_a_word_is_split_off():
    assert tokens_of("좋아요😀") == ("좋아요", "😀")


def test_digit_keycap_is_one_token():
    assert tokens_of("1️⃣") == ("1️⃣",)


def test_punctuation_keycap_is_one_token():
    assert tokens_of("#️⃣") == ("#️⃣",)


def test_subdivision_flags_stay_whole_and_distinct():
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert tokens_of(f"{england} {scotland}") == (england, scotland)


# --- unsafe characters -----------------------------------------------------------------------


def test_control_characters_are_stripped():
    assert tokens_of("ab\x00c\x07d\x1b") == ("abcd",)


def test_bidi_override_is_stripped():
    assert tokens_of("abc\u202edef\u202c") == ("abcdef",)


def test_bidi_isolates_and_marks_are_stripped():
    assert tokens_of("\u2066x\u2069 \u200fy\u200e") == ("x", "y")


def test_zero_width_space_and_bom_are_stripped():
    assert tokens_of("\ufeffa\u200bb") == ("ab",)


def test_unusual_whitespace_separates_words():
    assert tokens_of("a\u3000b\u00a0c\u2028d") == ("a", "b", "c", "d")


# --- empty input -----------------------------------------------------------------------------


INVISIBLE_ALONE = [
    "\U000e0020",  # tag space
    "\U000e0041",  # tag letter A
    "\U000e007f",  # cancel tag
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u2066\u2069",  # an empty bidi isolate
    "\u00ad",  # soft hyphen
    "\ufe0f",  # emoji variation selector
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler
    "\u115f",  # Hangul choseong filler
]


@pytest.mark.parametrize(
    "text", ["", " ", "   \t\n  ", "\u3000\u00a0", "\u200b\u202e\x00", *INVISIBLE_ALONE]
)
def test_empty_or_invisible_text_gives_no_tokens(text):
    result = tokenize(text)
    assert (result.tokens, result.truncated, result.n_found) == ((), False, 0)


# --- cutting ---------------------------------------------------------------------------------


def test_max_tokens_cuts_sets_truncated_and_counts_what_it_found():
    result = tokenize("a b c d e", max_tokens=3)
    assert (result.tokens, result.truncated, result.n_found) == (("a", "b", "c"), True, 5)


def test_exactly_max_tokens_is_not_truncated():
    result = tokenize("a b c", max_tokens=3)
    assert (result.tokens, result.truncated, result.n_found) == (("a", "b", "c"), False, 3)


def test_long_text_is_cut_to_max_tokens_by_default():
    words = [f"w{i}" for i in range(MAX_TOKENS + 5)]
    result = tokenize(" ".join(words))
    assert result.tokens == tuple(words[:MAX_TOKENS])
    assert (result.truncated, result.n_found) == (True, MAX_TOKENS + 5)


@pytest.mark.parametrize("invisible", INVISIBLE_ALONE)
def test_an_invisible_character_between_words_makes_no_token(invisible):
    assert tokens_of(f"it {invisible} was") == ("it", "was")


# --- properties ------------------------------------------------------------------------------

any_text = st.text(max_size=200)
# Text aimed at the ranges that matter: invisible characters (tags, zero-width, bidi, fillers,
# variation selectors), joiners, emoji parts, letters and spaces, in any order.
INVISIBLES = [chr(c) for low, high in INVISIBLE for c in range(low, min(high, low + 40) + 1)]
aimed_text = st.lists(
    st.one_of(
        st.sampled_from(INVISIBLES),
        st.sampled_from(["🏴", "👩", "💻", "🏽", "🇰", "🇷", "\u20e3", ZWJ, ZWNJ]),
        st.sampled_from([" ", "a", "가", "!", "'"]),
    ),
    max_size=40,
).map("".join)
emoji_heavy_text = st.lists(
    st.sampled_from(["👩", ZWJ, ZWNJ, "💻", "🏽", "🇰", "🇷", "\ufe0f", "\u20e3", " ", "a", "!"]),
    max_size=40,
).map("".join)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(any_text, emoji_heavy_text, aimed_text), max_tokens=st.integers(0, 40))
def test_tokens_are_visible_and_have_no_whitespace(text, max_tokens):
    for token in tokenize(text, max_tokens).tokens:
        assert not all(map(is_invisible, token)), f"an invisible token {token!r}"
        assert not any(ch.isspace() for ch in token)


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abc가나다", min_size=1, max_size=5), max_size=10),
    noise=st.lists(st.text(alphabet=INVISIBLES, min_size=1, max_size=4), max_size=10),
)
def test_invisible_chunks_between_words_add_no_tokens(words, noise):
    chunks = [*words, *noise]
    random.Random(len(words) * 31 + len(noise)).shuffle(chunks)
    assert tokenize(" ".join(chunks), 10_000).tokens == tuple(w for w in chunks if w in words)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(any_text, emoji_heavy_text), max_tokens=st.integers(0, 40))
def test_token_count_is_at_most_max_tokens(text, max_tokens):
    result = tokenize(text, max_tokens)
    assert len(result.tokens) <= max_tokens
    assert len(result.tokens) == min(result.n_found, max_tokens)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(any_text, emoji_heavy_text), max_tokens=st.integers(0, 40))
def test_truncated_means_more_tokens_found_than_allowed(text, max_tokens):
    result = tokenize(text, max_tokens)
    assert result.truncated == (result.n_found > max_tokens)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(any_text, aimed_text))
def test_tokens_hold_no_control_or_direction_characters(text):
    for token in tokenize(text, 10_000).tokens:
        for ch in token:
            category = unicodedata.category(ch)
            assert category not in ("Cc", "Cs")
            assert category != "Cf" or ch in (ZWJ, ZWNJ) or TAGS[0] <= ch <= TAGS[1]


@settings(max_examples=50, deadline=None)
@given(words=st.lists(st.text(alphabet="abc가나다", min_size=1, max_size=5), max_size=20))
def test_space_separated_words_come_back_unchanged(words):
    assert tokenize(" ".join(words), 10_000).tokens == tuple(words)


def test_negative_max_tokens_is_rejected():
    with pytest.raises(ValueError, match="max_tokens"):
        tokenize("a b c", max_tokens=-1)


def test_modifier_symbols_that_are_not_skin_tones_stand_alone():
    assert tokenize("😀^ ^^").tokens == ("😀", "^", "^", "^")


def test_a_joiner_with_nothing_before_it_is_dropped():
    assert tokenize("\u200dabc \u200c").tokens == ("abc",)
