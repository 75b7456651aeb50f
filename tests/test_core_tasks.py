"""Tasks: targets recomputed here from the tokens, with word lists written out independently."""

import numpy as np
import pytest

from core.tasks import PAD, TASKS, WORDS, coreference_sentences, coreference_vocab, target_positions
from core.tokenizer import tokenize

DEFAULT_SENTENCE = "The animal didn't cross the street because it was too tired"
COREFERENCE = ("coreference_en", "coreference_ko")

# Our own word lists. Korean nouns in every form a template may give them (은/는, 이/가, 을/를).
AGENT_ADJECTIVES = {
    "coreference_en": {"tired", "scared", "sleepy", "hungry", "lazy", "nervous"},
    "coreference_ko": {"피곤했기", "지쳤기", "배고팠기", "졸렸기", "겁먹었기", "늙었기"},
}
PLACE_ADJECTIVES = {
    "coreference_en": {"wide", "busy", "icy", "crowded", "flooded", "slippery"},
    "coreference_ko": {"넓었기", "붐볐기", "미끄러웠기", "복잡했기", "위험했기", "길었기"},
}
AGENTS = {
    "coreference_en": {
        w: w for w in ["animal", "dog", "cat", "horse", "cow", "fox", "goat", "rabbit"]
    },
    "coreference_ko": {
        **{f: "동물" for f in ("동물은", "동물이")},
        **{f: "개" for f in ("개는", "개가")},
        **{f: "고양이" for f in ("고양이는", "고양이가")},
        **{f: "소" for f in ("소는", "소가")},
        **{f: "여우" for f in ("여우는", "여우가")},
        **{f: "염소" for f in ("염소는", "염소가")},
        **{f: "토끼" for f in ("토끼는", "토끼가")},
        **{f: "사슴" for f in ("사슴은", "사슴이")},
    },
}
PLACES = {
    "coreference_en": {
        w: w for w in ["street", "road", "bridge", "highway", "square", "avenue", "railway"]
    },
    "coreference_ko": {
        "길을": "길",
        "도로를": "도로",
        "다리를": "다리",
        "광장을": "광장",
        "고속도로를": "고속도로",
        "철길을": "철길",
        "건널목을": "건널목",
    },
}
PRONOUNS = {"coreference_en": {"it"}, "coreference_ko": {"그것이", "그것은"}}


def only(tokens, words) -> int:
    """The position of the one token of `tokens` that is in `words`."""
    found = [i for i, token in enumerate(tokens) if token in words]
    assert len(found) == 1, (tokens, found)
    return found[0]


def read_sentence(task, ids, targets):
    """(agent, place, adjective, positions) of one coreference example, found from its tokens."""
    tokens = task.decode(ids)
    name = task.name
    positions = {
        "agent": only(tokens, AGENTS[name]),
        "place": only(tokens, PLACES[name]),
        "adjective": only(tokens, AGENT_ADJECTIVES[name] | PLACE_ADJECTIVES[name]),
        "pronoun": only(tokens, PRONOUNS[name]),
        "target": int(np.flatnonzero(targets != -1)[0]),
    }
    agent, place = (
        AGENTS[name][tokens[positions["agent"]]],
        PLACES[name][tokens[positions["place"]]],
    )
    return agent, place, tokens[positions["adjective"]], positions


@pytest.fixture(scope="module")
def samples():
    """Many examples of each split of each task, drawn once."""
    rng = np.random.default_rng(7)
    return {
        (name, split): task.sample(rng, 3000 if split == "train" else 1000, split)
        for name, task in TASKS.items()
        for split in ("train", "test")
    }


# --- every task ----------------------------------------------------------------------------


def test_the_required_tasks_exist():
    assert {"previous", "reverse", "sort", "coreference_en", "coreference_ko"} <= set(TASKS)


@pytest.mark.parametrize("name", list(TASKS))
def test_batch_shapes_and_types(name, samples):
    task = TASKS[name]
    batch = samples[(name, "train")]
    assert batch.token_ids.shape == batch.targets.shape == (3000, task.seq_len)
    assert batch.token_ids.dtype.kind == "i" and batch.targets.dtype.kind == "i"
    assert batch.token_ids.min() >= 0 and batch.token_ids.max() < len(task.vocab)
    assert batch.targets.min() >= -1 and batch.targets.max() < len(task.vocab)


@pytest.mark.parametrize("name", list(TASKS))
def test_vocab_has_no_repeated_token(name):
    assert len(set(TASKS[name].vocab)) == len(TASKS[name].vocab)


@pytest.mark.parametrize("name", list(TASKS))
def test_decode_then_encode_gives_the_ids_back(name, samples):
    task = TASKS[name]
    for ids in samples[(name, "test")].token_ids[:200]:
        np.testing.assert_array_equal(task.encode(task.decode(ids)), ids)


@pytest.mark.parametrize("name", list(TASKS))
def test_training_defaults_are_set(name):
    task = TASKS[name]
    assert task.d_model % task.n_heads == 0
    assert task.n_layers >= 1 and task.steps > 0 and task.batch_size > 0 and task.lr > 0


@pytest.mark.parametrize("name", list(TASKS))
def test_every_example_tokenizes_into_the_vocab(name):
    task = TASKS[name]
    assert len(task.examples) >= 2
    for example in task.examples:
        tokens = tokenize(example).tokens
        assert set(tokens) <= set(task.vocab), example
        assert task.decode(task.encode(tokens)) == tokens


@pytest.mark.parametrize("name", list(TASKS))
def test_same_generator_state_gives_the_same_batch(name):
    a = TASKS[name].sample(np.random.default_rng(3), 50, "test")
    b = TASKS[name].sample(np.random.default_rng(3), 50, "test")
    np.testing.assert_array_equal(a.token_ids, b.token_ids)
    np.testing.assert_array_equal(a.targets, b.targets)


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="split"):
        TASKS["previous"].sample(np.random.default_rng(0), 3, "validation")


def test_unknown_word_is_refused_by_name():
    with pytest.raises(ValueError, match="zebra"):
        TASKS["coreference_en"].encode(["The", "zebra"])


# --- digit tasks ---------------------------------------------------------------------------


@pytest.mark.parametrize("split", ["train", "test"])
def test_previous_targets_are_the_token_before(samples, split):
    batch = samples[("previous", split)]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        assert targets[0] == -1
        for i in range(1, len(ids)):
            assert targets[i] == ids[i - 1]


@pytest.mark.parametrize("split", ["train", "test"])
def test_reverse_targets_read_the_sequence_backwards(samples, split):
    batch = samples[("reverse", split)]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        n = len(ids)
        assert [int(targets[i]) for i in range(n)] == [int(ids[n - 1 - i]) for i in range(n)]


@pytest.mark.parametrize("split", ["train", "test"])
def test_sort_target_i_is_the_ith_smallest_digit(samples, split):
    batch = samples[("sort", split)]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        for i, target in enumerate(targets):
            smaller = sum(1 for d in ids if d < target)
            equal = sum(1 for d in ids if d == target)
            assert smaller <= i < smaller + equal  # target has exactly rank i


@pytest.mark.parametrize("name", ["previous", "reverse", "sort"])
def test_digit_test_sequences_never_appear_in_training(name, samples):
    train = {tuple(row) for row in samples[(name, "train")].token_ids.tolist()}
    test = {tuple(row) for row in samples[(name, "test")].token_ids.tolist()}
    assert train.isdisjoint(test)
    more = TASKS[name].sample(np.random.default_rng(11), 3000, "train").token_ids.tolist()
    assert test.isdisjoint(tuple(row) for row in more)


# --- coreference ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", COREFERENCE)
@pytest.mark.parametrize("split", ["train", "test"])
def test_exactly_one_target_and_it_is_at_the_pronoun(name, split, samples):
    task, batch = TASKS[name], samples[(name, split)]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        assert (targets != -1).sum() == 1
        *_, at = read_sentence(task, ids, targets)
        assert at["target"] == at["pronoun"]


@pytest.mark.parametrize("name", COREFERENCE)
@pytest.mark.parametrize("split", ["train", "test"])
def test_referent_is_the_first_noun_iff_the_adjective_is_an_agent_adjective(name, split, samples):
    task, batch = TASKS[name], samples[(name, split)]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        _, _, adjective, at = read_sentence(task, ids, targets)
        assert at["agent"] < at["place"]  # the agent is always the first noun
        referent = at["agent"] if adjective in AGENT_ADJECTIVES[name] else at["place"]
        assert targets[at["pronoun"]] == ids[referent]  # the noun's own token, as it appears


@pytest.mark.parametrize("name", COREFERENCE)
def test_the_two_nouns_of_a_sentence_differ(name, samples):
    task, batch = TASKS[name], samples[(name, "train")]
    for ids, targets in zip(batch.token_ids, batch.targets, strict=True):
        agent, place, *_ = read_sentence(task, ids, targets)
        assert agent != place


@pytest.mark.parametrize("name", COREFERENCE)
def test_three_templates_put_the_nouns_at_different_positions(name, samples):
    task, batch = TASKS[name], samples[(name, "train")]
    layouts = {
        (at["agent"], at["place"])
        for ids, targets in zip(batch.token_ids, batch.targets, strict=True)
        for *_, at in [read_sentence(task, ids, targets)]
    }
    assert len(layouts) >= 3
    assert len({agent for agent, _ in layouts}) >= 3 and len({place for _, place in layouts}) >= 3


@pytest.mark.parametrize("name", COREFERENCE)
def test_at_least_six_nouns_and_four_adjectives_of_each_kind_are_used(name, samples):
    task, batch = TASKS[name], samples[(name, "train")]
    seen = [read_sentence(task, i, t) for i, t in zip(batch.token_ids, batch.targets, strict=True)]
    assert len({agent for agent, *_ in seen}) >= 6
    assert len({place for _, place, *_ in seen}) >= 6
    adjectives = {adjective for _, _, adjective, _ in seen}
    assert len(adjectives & AGENT_ADJECTIVES[name]) >= 4
    assert len(adjectives & PLACE_ADJECTIVES[name]) >= 4


@pytest.mark.parametrize("name", COREFERENCE)
def test_test_combinations_never_appear_in_training(name, samples):
    task = TASKS[name]

    def triples(batch):
        return {
            read_sentence(task, ids, targets)[:3]
            for ids, targets in zip(batch.token_ids, batch.targets, strict=True)
        }

    train, test = triples(samples[(name, "train")]), triples(samples[(name, "test")])
    assert len(test) >= 50  # a real held-out set, not a handful
    assert train.isdisjoint(test)


@pytest.mark.parametrize("name", COREFERENCE)
def test_padding_comes_last_and_has_no_target(name, samples):
    task, batch = TASKS[name], samples[(name, "train")]
    pad = batch.token_ids == task.vocab.index(PAD)
    assert pad.any()  # the templates differ in length
    assert np.all(np.diff(pad.astype(int), axis=1) >= 0)  # once PAD starts, it stays
    assert np.all(batch.targets[pad] == -1)


@pytest.mark.parametrize("name", COREFERENCE)
def test_target_positions_are_the_pronouns(name, samples):
    task, batch = TASKS[name], samples[(name, "test")]
    asked = target_positions(batch)
    for ids, row in zip(batch.token_ids, asked, strict=True):
        tokens = task.decode(ids)
        assert np.flatnonzero(row).tolist() == [only(tokens, PRONOUNS[name])]


@pytest.mark.parametrize("name", COREFERENCE)
def test_batch_positions_name_the_pronoun_referent_other_noun_and_adjective(name, samples):
    task, batch = TASKS[name], samples[(name, "test")]
    rows = np.arange(len(batch.token_ids))
    pronoun, referent = batch.positions["pronoun"], batch.positions["referent"]
    np.testing.assert_array_equal(batch.targets[rows, pronoun], batch.token_ids[rows, referent])
    for i in range(100):
        tokens = task.decode(batch.token_ids[i])
        adjective = tokens[batch.positions["adjective"][i]]
        assert adjective in AGENT_ADJECTIVES[name] | PLACE_ADJECTIVES[name]
        nouns = {tokens[batch.positions["referent"][i]], tokens[batch.positions["other"][i]]}
        assert len(nouns & set(AGENTS[name])) == 1 and len(nouns & set(PLACES[name])) == 1


def test_default_sentence_is_a_training_sentence_of_coreference_en():
    task = TASKS["coreference_en"]
    tokens = tokenize(DEFAULT_SENTENCE).tokens
    assert tokens == (
        "The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired"
    )  # fmt: skip
    assert set(tokens) <= set(task.vocab)
    (sentence,) = [s for s in coreference_sentences("coreference_en") if s.text == DEFAULT_SENTENCE]
    assert not sentence.held_out
    assert task.examples[0] == DEFAULT_SENTENCE


@pytest.mark.parametrize("name", COREFERENCE)
def test_every_sentence_is_exactly_its_tokenizer_tokens(name):
    for sentence in coreference_sentences(name):
        assert tokenize(sentence.text).tokens == sentence.tokens


@pytest.mark.parametrize("name", COREFERENCE)
def test_examples_are_task_sentences(name):
    texts = {s.text for s in coreference_sentences(name)}
    assert set(TASKS[name].examples) <= texts


def test_korean_examples_are_hangul_eojeol_and_use_an_explicit_pronoun():
    task = TASKS["coreference_ko"]
    for example in task.examples:
        tokens = tokenize(example).tokens
        assert tokens == tuple(example.replace(".", " .").split())  # 어절 and full stops
        assert len(set(tokens) & PRONOUNS["coreference_ko"]) == 1


@pytest.mark.parametrize("name", COREFERENCE)
def test_vocab_is_pad_then_the_sentence_tokens(name):
    tokens = {token for s in coreference_sentences(name) for token in s.tokens}
    assert coreference_vocab(name)[0] == PAD
    assert set(TASKS[name].vocab) == tokens | {PAD}


def test_word_lists_here_match_the_task_words():
    """Guards this file's lists: they must name the same words as the task, or tests miss some."""
    for name in COREFERENCE:
        words = WORDS[name]
        assert set(words.agent_adjectives) == AGENT_ADJECTIVES[name]
        assert set(words.place_adjectives) == PLACE_ADJECTIVES[name]
        assert set(words.agents) == set(AGENTS[name].values())
        assert set(words.places) == set(PLACES[name].values())
