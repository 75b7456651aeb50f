"""What a trained coreference model does on the sentences it never saw: how often one head puts
the pronoun's attention on the right noun, and by which route (core.training.route_of) the
noun's identity reaches the pronoun, with the heads most sentences go through.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

from core.tasks import Batch, coreference_batch, coreference_sentences
from core.training import Hop, Route, TrainingRun, attention_routes, referent_attention

THRESHOLD = 0.6  # a head "looks at" a word when it puts at least this much attention on it


@dataclass(frozen=True)
class Findings:
    """How a coreference model finds the noun, over every held-out sentence."""

    n: int  # held-out sentences
    share: float  # of them, those where one head puts ≥ THRESHOLD on the referent noun
    later: float  # of them, those where the noun is found after the first layer
    kinds: tuple[tuple[str, int, tuple[Hop, ...]], ...]  # (kind, sentences, the usual heads)
    example: Route  # the route in the task's held-out example sentence
    example_text: str  # that sentence
    example_words: dict[str, str]  # its "pronoun", "referent", "other" and "adjective" words


def held_out_batch(task_name: str) -> tuple[Batch, np.ndarray]:
    """Every held-out sentence of a coreference task as one batch, and their rows among all."""
    everything, held = coreference_batch(task_name)
    rows = np.flatnonzero(held)  # (n_held_out,)
    positions = {name: where[rows] for name, where in everything.positions.items()}
    return Batch(everything.token_ids[rows], everything.targets[rows], positions), rows


def kind_of(route: Route) -> str:
    """The route's kind as a name ("two_hops"). A direct look in the first layer is told apart
    as "direct_first": there the pronoun's query holds only its own word and position, so that
    head looks at the same noun whatever the adjective says."""
    if route.kind == "direct" and route.hops[-1].layer == 0:
        return "direct_first"
    return route.kind.replace(" ", "_")


def hop_names(hops) -> tuple:
    """The heads a route goes through and between which words, without the weights."""
    return tuple((hop.layer, hop.head, hop.query, hop.key) for hop in hops)


def usual_hops(routes) -> tuple[Hop, ...]:
    """The heads most of these routes go through, each with its mean weight over them."""
    top = Counter(hop_names(route.hops) for route in routes).most_common(1)[0][0]
    same = [[hop.weight for hop in route.hops] for route in routes if hop_names(route.hops) == top]
    mean = np.mean(same, axis=0)  # (hops,)
    return tuple(Hop(*names, float(w)) for names, w in zip(top, mean, strict=True))


def coreference_findings(run: TrainingRun) -> Findings:
    """Where the pronoun looks in every held-out sentence of the run's task."""
    name = run.task.name
    batch, rows = held_out_batch(name)
    share = float((referent_attention(run, name, batch).weight >= THRESHOLD).mean())
    routes = attention_routes(run, name, batch, THRESHOLD)
    kinds = Counter(kind_of(route) for route in routes)
    table = tuple(
        (kind, count, usual_hops([r for r in routes if kind_of(r) == kind]))
        for kind, count in kinds.most_common()
    )
    later = (kinds["direct"] + kinds["two_hops"]) / len(routes)
    sentences = coreference_sentences(name)
    i = next(i for i, s in enumerate(sentences) if s.held_out and s.text in run.task.examples)
    words = {role: sentences[i].tokens[at] for role, at in sentences[i].positions.items()}
    example = routes[int(np.flatnonzero(rows == i)[0])]
    return Findings(len(routes), share, later, table, example, sentences[i].text, words)
