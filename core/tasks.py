"""Small tasks a tiny Transformer learns in seconds, each with a held-out "test" split.

Digit tasks (tokens "0" … "9"): previous, reverse, sort; one sequence in five, picked by a
stable digest of its digits, is held out. Coreference tasks: "what does *it* refer to?" in
English and Korean; held-out sentences use (animal, place, adjective) triples never trained on.
Every task gives, per position, the token the model should output there, or -1 where nothing
is asked.
"""

import hashlib
import itertools
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial

import numpy as np

from core.tokenizer import tokenize

PAD = "<pad>"  # fills a sentence up to seq_len; no query may look at it, and it has no target
NO_TARGET = -1  # a target of -1 means "nothing to predict here"


@dataclass(frozen=True)
class Batch:
    """n examples: their token ids and, per position, the token the model should output."""

    token_ids: np.ndarray  # (n, seq_len) int
    targets: np.ndarray  # (n, seq_len) int, -1 = no target at this position
    # coreference only: where the "pronoun", its "referent" noun, the "other" noun and the
    # "adjective" stand in each example
    positions: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n,) int


@dataclass(frozen=True)
class Task:
    """A vocabulary, a way to draw examples, and the training settings that learn it quickly."""

    name: str
    vocab: tuple[str, ...]  # (vocab_size,) token of each id
    seq_len: int
    sampler: Callable[..., Batch]  # (rng, n, split) -> Batch; a module-level function, so
    # a Task (and a TrainingRun holding it) can be pickled to another process
    examples: tuple[str, ...]  # a few inputs for the page, as text tokenize() splits
    d_model: int
    n_heads: int
    n_layers: int
    lr: float
    steps: int
    batch_size: int

    @property
    def pad_id(self) -> int | None:
        return self.vocab.index(PAD) if PAD in self.vocab else None

    def encode(self, tokens) -> np.ndarray:
        """Token ids, padded with PAD up to seq_len when the task has a PAD token."""
        index = {token: i for i, token in enumerate(self.vocab)}
        unknown = [token for token in tokens if token not in index]
        if unknown:
            raise ValueError(f"not in the {self.name} vocabulary: {unknown}")
        ids = [index[token] for token in tokens]
        if self.pad_id is not None:
            ids += [self.pad_id] * (self.seq_len - len(ids))
        return np.array(ids, dtype=np.int64)  # (seq_len,)

    def decode(self, ids) -> tuple[str, ...]:
        """The tokens of some ids, PAD left out."""
        return tuple(self.vocab[i] for i in ids if self.vocab[i] != PAD)

    def sample(self, rng: np.random.Generator, n: int, split: str = "train") -> Batch:
        """n random examples from the "train" or the held-out "test" split."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        return self.sampler(rng, n, split)


# --- digit tasks ---------------------------------------------------------------------------

DIGITS = tuple(str(d) for d in range(10))


def held_out_sequence(row: np.ndarray) -> bool:
    """One sequence in five is kept for testing, chosen by a stable digest of its digits."""
    digest = hashlib.blake2b(row.astype(np.int8).tobytes(), digest_size=1).digest()
    return digest[0] % 5 == 0


def draw_digits(
    rng: np.random.Generator, n: int, split: str, seq_len: int, make_targets: Callable
) -> Batch:
    """Random digit sequences of the split (others are drawn and thrown away), with targets."""
    rows: list[np.ndarray] = []
    while len(rows) < n:
        for row in rng.integers(0, 10, size=(n, seq_len)):  # (n, seq_len)
            if held_out_sequence(row) == (split == "test") and len(rows) < n:
                rows.append(row)
    token_ids = np.array(rows, dtype=np.int64).reshape(n, seq_len)  # (n, seq_len)
    return Batch(token_ids, make_targets(token_ids))


def previous_targets(ids: np.ndarray) -> np.ndarray:
    """Position i should output the token at i − 1 (position 0 has nothing before it)."""
    targets = np.full_like(ids, NO_TARGET)  # (n, seq_len)
    targets[:, 1:] = ids[:, :-1]
    return targets


def reverse_targets(ids: np.ndarray) -> np.ndarray:
    """Position i should output the token at seq_len − 1 − i."""
    return ids[:, ::-1].copy()  # (n, seq_len)


def sort_targets(ids: np.ndarray) -> np.ndarray:
    """Position i should output the i-th smallest digit of the sequence."""
    return np.sort(ids, axis=-1)  # (n, seq_len)


# --- coreference: what does "it" refer to? -------------------------------------------------
# The first noun is always an animal (the agent), the second a place it did not cross. The
# adjective after the pronoun decides: an agent adjective (tired …) means "it" is the animal,
# a place adjective (wide …) means "it" is the place. The target sits at the pronoun only: the
# referent noun's token as it appears in the sentence (in Korean with its particle: 길을).
# Held out for "test": every (agent, place, adjective) triple with index sum a + 2p + 3j ≡ 4
# (mod 5), j counting agent adjectives first; each noun and adjective still appears in training.

EN_TEMPLATES = (
    # The app's default sentence: animal at position 1, place at 5, "it" at 7.
    "The {agent} didn't cross the {place} because it was too {adjective}",
    # Three more words in front: animal at 4, place at 9, "it" at 11.
    "In the end the {agent} did not cross the {place} because it was too {adjective}",
    # A comma is a token of its own: animal at 6, place at 11, "it" at 13.
    "After a long walk, the {agent} refused to cross the {place} because it was too {adjective}",
)
KO_TEMPLATES = (
    # "That animal did not cross the road. Because it was too tired." 왜냐하면 … 때문이다 is the
    # textbook "because"; topic particle 은/는 on the animal. Animal at 1, place at 2, 그것이 at 7.
    "그 {agent_topic} {place_object} 건너지 않았다. 왜냐하면 그것이 너무 {adjective} 때문이다.",
    # "The animal would not try to cross the road. It was too tired." Subject particle 이/가;
    # the sentence starts with the animal: animal at 0, place at 1, 그것이 at 6.
    "{agent_subject} {place_object} 건너려고 하지 않았다. 그것이 너무 {adjective} 때문이다.",
    # "Yesterday that animal in the end could not cross the road. It was too tired." 그것은:
    # animal at 2, place at 4, 그것은 at 8.
    "어제 그 {agent_topic} 결국 {place_object} 건너지 못했다. 그것은 너무 {adjective} 때문이다.",
)


def has_final_consonant(word: str) -> bool:
    """True when the last Hangul syllable ends in a consonant (받침): 길 yes, 도로 no."""
    return (ord(word[-1]) - 0xAC00) % 28 != 0


def with_particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """Attach a Korean particle in the form the word's last sound asks for: 길을, 도로를."""
    return word + (after_consonant if has_final_consonant(word) else after_vowel)


def english_slots(agent: str, place: str, adjective: str) -> dict[str, str]:
    return {"agent": agent, "place": place, "adjective": adjective}


def korean_slots(agent: str, place: str, adjective: str) -> dict[str, str]:
    return {
        "agent_topic": with_particle(agent, "은", "는"),
        "agent_subject": with_particle(agent, "이", "가"),
        "place_object": with_particle(place, "을", "를"),
        "adjective": adjective,
    }


@dataclass(frozen=True)
class CoreferenceWords:
    """A language's templates and the words that fill their slots."""

    templates: tuple[str, ...]
    agents: tuple[str, ...]  # first noun: can be tired, scared …
    places: tuple[str, ...]  # second noun: can be wide, busy …
    agent_adjectives: tuple[str, ...]  # "it" = the agent
    place_adjectives: tuple[str, ...]  # "it" = the place
    pronouns: tuple[str, ...]  # the pronoun tokens the templates use
    slots: Callable[[str, str, str], dict[str, str]]  # (agent, place, adjective) -> slot text


WORDS = {
    "coreference_en": CoreferenceWords(
        EN_TEMPLATES,
        agents=("animal", "dog", "cat", "horse", "cow", "fox", "goat", "rabbit"),
        places=("street", "road", "bridge", "highway", "square", "avenue", "railway"),
        agent_adjectives=("tired", "scared", "sleepy", "hungry", "lazy", "nervous"),
        place_adjectives=("wide", "busy", "icy", "crowded", "flooded", "slippery"),
        pronouns=("it",),
        slots=english_slots,
    ),
    "coreference_ko": CoreferenceWords(
        KO_TEMPLATES,
        agents=("동물", "개", "고양이", "소", "여우", "염소", "토끼", "사슴"),
        places=("길", "도로", "다리", "광장", "고속도로", "철길", "건널목"),
        agent_adjectives=("피곤했기", "지쳤기", "배고팠기", "졸렸기", "겁먹었기", "늙었기"),
        place_adjectives=("넓었기", "붐볐기", "미끄러웠기", "복잡했기", "위험했기", "길었기"),
        pronouns=("그것이", "그것은"),
        slots=korean_slots,
    ),
}


def is_held_out(agent: int, place: int, adjective: int) -> bool:
    """The test split: one (agent, place, adjective) triple in five, by their indices."""
    return (agent + 2 * place + 3 * adjective) % 5 == 4


@cache
def template_tokens(template: str) -> tuple[str, ...]:
    """A template's tokens, each slot one token written as in the template: "{agent}"."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    marked = tokenize(template.format(**{name: f"SLOT{i}" for i, name in enumerate(names)}))
    slots = {f"SLOT{i}": f"{{{name}}}" for i, name in enumerate(names)}
    return tuple(slots.get(token, token) for token in marked.tokens)


def slot_positions(template: str) -> dict[str, int]:
    """Where each slot lands among the tokens, by kind: "agent", "place", "adjective"."""
    tokens = template_tokens(template)
    return {token[1:-1].split("_")[0]: i for i, token in enumerate(tokens) if token[0] == "{"}


@dataclass(frozen=True)
class CoreferenceSentence:
    """One filled template: its tokens, its split, and where its words stand."""

    text: str
    tokens: tuple[str, ...]  # tokenize(text).tokens
    held_out: bool  # True = test split
    referent_is_agent: bool  # the adjective is an agent adjective
    positions: dict[str, int]  # "pronoun", "referent", "other" (noun), "adjective"


def coreference_sentence(name: str, template: str, a: int, p: int, j: int) -> CoreferenceSentence:
    """Template filled with agent a, place p and adjective j (agent adjectives count first)."""
    words = WORDS[name]
    adjectives = words.agent_adjectives + words.place_adjectives
    text = template.format(**words.slots(words.agents[a], words.places[p], adjectives[j]))
    tokens = tokenize(text).tokens
    at = slot_positions(template)
    is_agent = j < len(words.agent_adjectives)
    referent, other = (at["agent"], at["place"]) if is_agent else (at["place"], at["agent"])
    pronoun = next(i for i, token in enumerate(tokens) if token in words.pronouns)
    positions = {
        "pronoun": pronoun,
        "referent": referent,
        "other": other,
        "adjective": at["adjective"],
    }
    return CoreferenceSentence(text, tokens, is_held_out(a, p, j), is_agent, positions)


@cache
def coreference_sentences(name: str) -> tuple[CoreferenceSentence, ...]:
    """Every template filled with every (agent, place, adjective) triple."""
    words = WORDS[name]
    n_adjectives = len(words.agent_adjectives) + len(words.place_adjectives)
    sizes = (len(words.agents), len(words.places), n_adjectives)
    return tuple(
        coreference_sentence(name, template, a, p, j)
        for template in words.templates
        for a, p, j in itertools.product(*map(range, sizes))
    )


def coreference_vocab(name: str) -> tuple[str, ...]:
    """PAD first, then the templates' tokens in order, each slot standing for every word that
    can fill it: the tokens of all the sentences, without tokenising each of them."""
    words, fills = WORDS[name], {}
    adjectives = words.agent_adjectives + words.place_adjectives
    for triple in itertools.product(words.agents, words.places, adjectives):
        for slot, text in words.slots(*triple).items():
            fills.setdefault(f"{{{slot}}}", {})[text] = None
    tokens = (
        fill
        for template in words.templates
        for token in template_tokens(template)
        for fill in fills.get(token, [token])  # a slot's words, or the token itself
    )
    return (PAD, *dict.fromkeys(tokens))


@cache
def coreference_batch(name: str) -> tuple[Batch, np.ndarray]:
    """All sentences of a task as one padded Batch, and which of them are held out (n,)."""
    sentences, vocab = coreference_sentences(name), coreference_vocab(name)
    index = {token: i for i, token in enumerate(vocab)}
    seq_len = max(len(sentence.tokens) for sentence in sentences)
    token_ids = np.zeros((len(sentences), seq_len), dtype=np.int64)  # (n, seq_len) PAD is id 0
    targets = np.full((len(sentences), seq_len), NO_TARGET, dtype=np.int64)  # (n, seq_len)
    for row, sentence in enumerate(sentences):
        token_ids[row, : len(sentence.tokens)] = [index[token] for token in sentence.tokens]
        pronoun, referent = sentence.positions["pronoun"], sentence.positions["referent"]
        targets[row, pronoun] = token_ids[row, referent]
    positions = {key: np.array([s.positions[key] for s in sentences]) for key in PLACES_IN_SENTENCE}
    held_out = np.array([sentence.held_out for sentence in sentences])  # (n,)
    for shared in (token_ids, targets, held_out, *positions.values()):
        shared.flags.writeable = False  # cached and shared: nobody may change it
    return Batch(token_ids, targets, positions), held_out


PLACES_IN_SENTENCE = ("pronoun", "referent", "other", "adjective")


def draw_sentences(rng: np.random.Generator, n: int, split: str, name: str) -> Batch:
    """n sentences of the split, each drawn uniformly (with replacement) from all of them."""
    everything, held_out = coreference_batch(name)
    pick = rng.choice(np.flatnonzero(held_out == (split == "test")), size=n)  # (n,)
    positions = {key: where[pick] for key, where in everything.positions.items()}
    return Batch(everything.token_ids[pick], everything.targets[pick], positions)


def target_positions(batch: Batch) -> np.ndarray:
    """(n, seq_len) bool: where the batch asks for an answer (for coreference: the pronoun)."""
    return batch.targets != NO_TARGET


# --- the tasks -----------------------------------------------------------------------------

COREFERENCE_EXAMPLES = {
    "coreference_en": (
        "The animal didn't cross the street because it was too tired",
        "The animal didn't cross the street because it was too wide",
        "In the end the dog did not cross the road because it was too scared",
        "After a long walk, the horse refused to cross the bridge because it was too icy",
        "The horse didn't cross the square because it was too wide",  # held out: never trained on
    ),
    "coreference_ko": (
        "그 동물은 길을 건너지 않았다. 왜냐하면 그것이 너무 피곤했기 때문이다.",
        "그 동물은 길을 건너지 않았다. 왜냐하면 그것이 너무 넓었기 때문이다.",
        "개가 도로를 건너려고 하지 않았다. 그것이 너무 겁먹었기 때문이다.",
        "어제 그 고양이는 결국 다리를 건너지 못했다. 그것은 너무 미끄러웠기 때문이다.",
        "그 소는 고속도로를 건너지 않았다. 왜냐하면 그것이 너무 넓었기 때문이다.",  # held out
    ),
}


def digit_task(name: str, seq_len: int, make_targets, examples, **defaults) -> Task:
    sampler = partial(draw_digits, seq_len=seq_len, make_targets=make_targets)
    return Task(name, DIGITS, seq_len, sampler, examples, **defaults)


def coreference_task(name: str, **defaults) -> Task:
    seq_len = max(len(template_tokens(template)) for template in WORDS[name].templates)
    vocab, examples = coreference_vocab(name), COREFERENCE_EXAMPLES[name]
    return Task(name, vocab, seq_len, partial(draw_sentences, name=name), examples, **defaults)


# Every task trains the same small model; steps are about twice what reaching 95% takes.
SMALL = {"d_model": 32, "n_heads": 4, "n_layers": 2, "lr": 3e-3, "batch_size": 64}
TASKS: dict[str, Task] = {
    "previous": digit_task(
        "previous", 8, previous_targets, ("3 1 4 1 5 9 2 6", "0 0 7 7 0 0 7 7"), steps=150, **SMALL
    ),
    "reverse": digit_task(
        "reverse", 8, reverse_targets, ("3 1 4 1 5 9 2 6", "1 2 3 4 5 6 7 8"), steps=150, **SMALL
    ),
    "sort": digit_task("sort", 6, sort_targets, ("3 1 4 1 5 9", "9 8 7 6 5 4"), steps=300, **SMALL),
    "coreference_en": coreference_task("coreference_en", steps=200, **SMALL),
    "coreference_ko": coreference_task("coreference_ko", steps=200, **SMALL),
}
