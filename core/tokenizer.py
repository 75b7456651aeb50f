"""Split a sentence into tokens: words stay whole, punctuation and emoji stand alone.

This is a teaching tokenizer, not a subword one (BPE, WordPiece): one token per word keeps the
charts readable. Korean 어절 stay whole ("학교에" is one token), as whitespace marks them.
"""

import unicodedata
from dataclasses import dataclass

MAX_TOKENS = 32  # the most tokens a sentence may have; longer text is cut to this many
ZWJ = "\u200d"  # zero-width joiner: glues emoji into one picture (👩‍💻)
ZWNJ = "\u200c"  # zero-width non-joiner: part of Persian and Indic words
SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")  # emoji modifiers 🏻 … 🏿
TAGS = ("\U000e0020", "\U000e007f")  # tag letters: spell out subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿)


INSIDE_WORD = (ZWJ, ZWNJ, "'", "\u2019")  # kept between two letters: می‌خواهم, didn't, it’s

# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): characters drawn
# as nothing (zero-width space, BOM, soft hyphen, bidi isolates, variation selectors, tag
# letters, Hangul fillers, ...). Inside a token some of them matter (a flag's tags, the emoji
# variation selector); on their own they never make a token.
INVISIBLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip


def is_invisible(ch: str) -> bool:
    """True for a default-ignorable character: one a reader cannot see."""
    code = ord(ch)
    return any(low <= code <= high for low, high in INVISIBLE)


def _is_kept_format(ch: str) -> bool:
    """Format characters that belong inside a token: joiners, and the tags of a flag."""
    return ch in (ZWJ, ZWNJ) or TAGS[0] <= ch <= TAGS[1]


@dataclass(frozen=True)
class TokenizeResult:
    """The tokens of a sentence, and whether the sentence had to be cut."""

    tokens: tuple[str, ...]  # (seq_len,) at most max_tokens
    truncated: bool  # True when the sentence had more than max_tokens tokens
    n_found: int  # how many tokens the whole sentence had before cutting


def clean(text: str) -> str:
    """NFC-normalise, and drop control and direction-override characters (keep whitespace)."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch.isspace():
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and not _is_kept_format(ch)):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def _kind(ch: str) -> str:
    """'word' for letters, digits and their marks; 'punct' for punctuation; else 'symbol'."""
    category = unicodedata.category(ch)
    if ch.isalnum() or ch == "_" or category.startswith("M"):
        return "word"
    if category.startswith("P"):
        return "punct"
    return "symbol"


def _is_flag_letter(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _word_end(chunk: str, j: int) -> int:
    """Extend a word over letters, marks, and joiners or apostrophes between two letters."""
    while j < len(chunk):
        if _kind(chunk[j]) == "word":
            j += 1
        elif chunk[j] in INSIDE_WORD and j + 1 < len(chunk) and _kind(chunk[j + 1]) == "word":
            j += 2
        else:
            break
    return j


def _emoji_end(chunk: str, i: int) -> int:
    """Extend an emoji over a flag's second letter, joiners, marks, skin tones and tags."""
    j = i + 1
    if _is_flag_letter(chunk[i]) and j < len(chunk) and _is_flag_letter(chunk[j]):
        j += 1  # two regional-indicator letters make one flag (🇰🇷)
    while j < len(chunk) and (
        _is_kept_format(chunk[j])
        or chunk[j - 1] == ZWJ
        or unicodedata.category(chunk[j]).startswith("M")
        or SKIN_TONES[0] <= chunk[j] <= SKIN_TONES[1]
    ):
        j += 1
    return j


def _split_chunk(chunk: str) -> list[str]:
    """Split one whitespace-free chunk into word runs, single punctuation marks and emoji."""
    tokens: list[str] = []
    i = 0
    while i < len(chunk):
        if chunk[i] in (ZWJ, ZWNJ):  # a joiner with nothing before it joins nothing
            i += 1
            continue
        kind = _kind(chunk[i])
        if kind == "word":
            j = _word_end(chunk, i + 1)
        elif kind == "symbol":
            j = _emoji_end(chunk, i)
        else:  # one punctuation mark, with any marks on it (the keycap #️⃣)
            j = i + 1
            while j < len(chunk) and unicodedata.category(chunk[j]).startswith("M"):
                j += 1
        tokens.append(chunk[i:j])
        i = j
    return tokens


def tokenize(text: str, max_tokens: int = MAX_TOKENS) -> TokenizeResult:
    """Tokens of `text`: split on whitespace, then punctuation split off; at most max_tokens."""
    if max_tokens < 0:
        raise ValueError(f"max_tokens must be 0 or more, not {max_tokens}")
    tokens = [
        token
        for chunk in clean(text).split()
        for token in _split_chunk(chunk)
        if not all(map(is_invisible, token))  # invisible characters alone make no token
    ]
    return TokenizeResult(
        tokens=tuple(tokens[:max_tokens]), truncated=len(tokens) > max_tokens, n_found=len(tokens)
    )
