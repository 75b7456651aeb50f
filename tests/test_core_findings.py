"""core.findings: the held-out sentences, route kinds and the heads most routes use, checked
against sentences filled by hand and routes built by hand."""

import numpy as np
import pytest

from core.findings import coreference_findings, held_out_batch, kind_of, usual_hops
from core.model import forward
from core.tasks import TASKS, coreference_sentences
from core.training import Hop, Route, train


@pytest.mark.parametrize("name", ["coreference_en", "coreference_ko"])
def test_held_out_batch_holds_exactly_the_held_out_sentences(name):
    batch, rows = held_out_batch(name)
    sentences = coreference_sentences(name)
    assert list(rows) == [i for i, s in enumerate(sentences) if s.held_out]
    task = TASKS[name]
    for row, i in zip(batch.token_ids[:5], rows[:5], strict=True):
        assert task.decode(row) == sentences[i].tokens
    assert list(batch.positions["pronoun"][:5]) == [
        sentences[i].positions["pronoun"] for i in rows[:5]
    ]


def hop(layer, head, query="pronoun", key="referent", weight=0.9):
    return Hop(layer, head, query, key, weight)


def test_a_direct_look_in_the_first_layer_is_told_apart():
    assert kind_of(Route("direct", (hop(0, 1),))) == "direct_first"
    assert kind_of(Route("direct", (hop(0, 2, key="adjective"), hop(1, 0)))) == "direct"
    assert kind_of(Route("two hops", (hop(0, 1, "adjective"), hop(1, 3, key="adjective")))) == (
        "two_hops"
    )
    assert kind_of(Route("unclear", (hop(0, 0, weight=0.2),))) == "unclear"


def test_usual_hops_are_the_commonest_heads_with_their_mean_weight():
    routes = [
        Route("direct", (hop(1, 2, weight=0.8),)),
        Route("direct", (hop(1, 2, weight=1.0),)),
        Route("direct", (hop(1, 0, weight=0.7),)),
    ]
    (found,) = usual_hops(routes)
    assert (found.layer, found.head) == (1, 2)
    assert found.weight == pytest.approx(0.9)


def test_findings_count_the_sentences_one_by_one():
    run = train("coreference_en", steps=40)
    found = coreference_findings(run)
    batch, rows = held_out_batch("coreference_en")
    best = []
    for ids, pronoun, referent in zip(
        batch.token_ids, batch.positions["pronoun"], batch.positions["referent"], strict=True
    ):
        layers = forward(run.params, ids[ids != run.task.pad_id]).layers
        best.append(max(layer.attention.weights[:, pronoun, referent].max() for layer in layers))
    assert found.n == len(rows)
    assert found.share == pytest.approx(np.mean(np.array(best) >= 0.6))
    assert sum(count for _, count, _ in found.kinds) == found.n
    assert found.example_text in run.task.examples
    assert found.example_words["pronoun"] == "it"
