"""Split a sentence into tokens: words stay whole, punctuation and emoji stand alone.

This is a teaching tokenizer, not a subword one (BPE, WordPiece): one token per word keeps the
charts readable. Korean 어절 stay whole ("학교에" is one token), as whitespace marks them.
"""

import unicodedata
from dataclasses import dataclass

MAX_TOKENS = 32  # the most tokens a sentence may have; longer text is cut to this many
ZWJ = "\u200d"  # zero-width joiner: glues emoji into one picture (👩‍💻)
KEEP_FORMAT = {ZWJ, "\u200c"}  # format characters that belong inside a token


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
        elif category in ("Cc", "Cs") or (category == "Cf" and ch not in KEEP_FORMAT):
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


def _split_chunk(chunk: str) -> list[str]:
    """Split one whitespace-free chunk into word runs, single punctuation marks and emoji."""
    tokens: list[str] = []
    i = 0
    while i < len(chunk):
        kind = _kind(chunk[i])
        j = i + 1
        if kind == "word":
            while j < len(chunk) and _kind(chunk[j]) == "word":
                j += 1
        elif kind == "symbol":  # an emoji and its modifiers, joiners and skin tones
            if _is_flag_letter(chunk[i]) and j < len(chunk) and _is_flag_letter(chunk[j]):
                j += 1  # two regional-indicator letters make one flag (🇰🇷)
            while j < len(chunk) and (
                chunk[j] in KEEP_FORMAT
                or chunk[j - 1] == ZWJ
                or unicodedata.category(chunk[j]) in ("Mn", "Me", "Sk")
            ):
                j += 1
        tokens.append(chunk[i:j])
        i = j
    return [token for token in tokens if token.strip(ZWJ + "\u200c")]


def tokenize(text: str, max_tokens: int = MAX_TOKENS) -> TokenizeResult:
    """Tokens of `text`: split on whitespace, then punctuation split off; at most max_tokens."""
    tokens = [token for chunk in clean(text).split() for token in _split_chunk(chunk)]
    return TokenizeResult(
        tokens=tuple(tokens[:max_tokens]),
        truncated=len(tokens) > max_tokens,
        n_found=len(tokens),
    )
