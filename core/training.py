"""Train the tiny Transformer of core/model.py on a task, with Adam written out by hand.

The same seed gives the same run, bit for bit: every random draw comes from generators seeded
by it. Afterwards, referent_attention and attention_routes look at how a coreference model
finds what "it" refers to.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.model import ModelConfig, ModelParams, forward, init_model, loss_and_grads
from core.tasks import TASKS, Batch, Task

EVAL_SIZE = 128  # examples in each fixed batch that measures train or test accuracy
N_CHECKPOINTS = 16  # saved copies of the weights, spread over the run, for a replay slider


class StopTraining(Exception):
    """Raise it from on_step (or return False) to end training early."""


@dataclass(frozen=True)
class Record:
    """How the model was doing after `step` updates."""

    step: int
    loss: float  # cross-entropy on that step's training batch
    train_accuracy: float  # on a fixed batch of training examples
    test_accuracy: float  # on a fixed batch of held-out examples


@dataclass(frozen=True)
class Progress:
    """What on_step receives while training runs."""

    step: int
    total_steps: int
    record: Record
    params: ModelParams


@dataclass(frozen=True)
class TrainingRun:
    """A finished (or stopped) run: the final weights, the curve, and weights along the way."""

    task: Task
    config: ModelConfig
    params: ModelParams
    history: tuple[Record, ...]
    checkpoints: tuple[tuple[int, ModelParams], ...]  # (step, weights after that many steps)


def model_config(task: Task) -> ModelConfig:
    """The model sizes a task suggests."""
    return ModelConfig(
        len(task.vocab), task.seq_len, task.d_model, task.n_heads, task.n_layers, pad_id=task.pad_id
    )


def accuracy(params: ModelParams, batch: Batch) -> float:
    """The share of asked positions (target != -1) where the top logit is the target."""
    predicted = forward(params, batch.token_ids).logits.argmax(axis=-1)  # (batch, seq_len)
    asked = batch.targets != -1
    return float((predicted[asked] == batch.targets[asked]).mean())


def adam_update(weights, grads, moments, step: int, lr: float, betas=(0.9, 0.999), eps=1e-8):
    """One Adam step (Kingma & Ba): move each weight against its gradient's running average,
    scaled by the running size of the gradient. Returns new weights and moments."""
    beta1, beta2 = betas
    new_weights, new_moments = {}, {}
    for name, w in weights.items():
        m, v = moments.get(name, (0.0, 0.0))
        m = beta1 * m + (1 - beta1) * grads[name]  # running mean of the gradient
        v = beta2 * v + (1 - beta2) * grads[name] ** 2  # running mean of its square
        m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)  # undo the start at 0
        new_weights[name] = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        new_moments[name] = (m, v)
    return new_weights, new_moments


def checkpoint_steps(steps: int) -> set[int]:
    return set(np.linspace(0, steps, N_CHECKPOINTS).round().astype(int).tolist())


def train(
    task: Task | str,
    config: ModelConfig | None = None,
    steps: int | None = None,
    seed: int = 0,
    lr: float | None = None,
    on_step: Callable[[Progress], bool | None] | None = None,
    eval_every: int = 10,
) -> TrainingRun:
    """Train from random weights; None means the task's default. on_step is called every
    eval_every steps; returning False (or raising StopTraining) ends the run early."""
    task = TASKS[task] if isinstance(task, str) else task
    config = config or model_config(task)
    steps = task.steps if steps is None else steps
    lr = task.lr if lr is None else lr
    data_rng, eval_rng = np.random.default_rng([seed, 0xDA]), np.random.default_rng([seed, 0xE7])
    train_eval, test_eval = (task.sample(eval_rng, EVAL_SIZE, s) for s in ("train", "test"))
    params = init_model(config, seed)
    weights, moments = params.state_dict(), {}
    history, checkpoints, keep = [], [], checkpoint_steps(steps)
    for step in range(steps + 1):
        batch = task.sample(data_rng, task.batch_size)
        loss, grads = loss_and_grads(params, batch)
        if step in keep:
            checkpoints.append((step, params))
        if step % eval_every == 0 or step == steps:
            record = Record(step, loss, accuracy(params, train_eval), accuracy(params, test_eval))
            history.append(record)
            if not keep_going(on_step, Progress(step, steps, record, params)):
                break
        if step < steps:
            weights, moments = adam_update(weights, grads, moments, step + 1, lr)
            params = ModelParams.from_state_dict(config, weights)
    if checkpoints[-1][0] != step:
        checkpoints.append((step, params))
    return TrainingRun(task, config, params, tuple(history), tuple(checkpoints))


def keep_going(on_step, progress: Progress) -> bool:
    """False when on_step asks to stop, by returning False or raising StopTraining."""
    if on_step is None:
        return True
    try:
        return on_step(progress) is not False
    except StopTraining:
        return False


# --- how a coreference model finds what "it" refers to -------------------------------------


@dataclass(frozen=True)
class ReferentAttention:
    """Per sentence: how much each head's pronoun query puts on the referent noun."""

    weights: np.ndarray  # (n, n_layers, n_heads) attention from the pronoun onto the referent
    layer: np.ndarray  # (n,) layer of the head that puts the most there
    head: np.ndarray  # (n,) that head
    weight: np.ndarray  # (n,) its weight, in [0, 1]


@dataclass(frozen=True)
class Hop:
    """One head moving information from the word at `key` to the word at `query`."""

    layer: int
    head: int
    query: str  # "pronoun" or "adjective"
    key: str  # "referent" or "adjective"
    weight: float  # attention weight from query onto key


@dataclass(frozen=True)
class Route:
    """How the model gets the referent noun to the pronoun, hop by hop."""

    kind: str  # "direct", "two hops" or "unclear" (see route_of)
    hops: tuple[Hop, ...]  # in layer order; for "unclear" the best pronoun -> referent head


def weights_between(trace, batch: Batch, query: str, key: str) -> np.ndarray:
    """(n, n_layers, n_heads): every head's weight from each sentence's `query` word onto `key`."""
    rows, q, k = np.arange(len(batch.token_ids)), batch.positions[query], batch.positions[key]
    return np.stack([layer.attention.weights[rows, :, q, k] for layer in trace.layers], axis=1)


def coreference_trace(run_or_params, task: Task | str, batch: Batch):
    task = TASKS[task] if isinstance(task, str) else task
    if "pronoun" not in batch.positions:
        raise ValueError(f"{task.name} has no pronoun: this looks at coreference tasks only")
    params = run_or_params.params if isinstance(run_or_params, TrainingRun) else run_or_params
    return forward(params, batch.token_ids)


def referent_attention(run_or_params, task: Task | str, batch: Batch) -> ReferentAttention:
    """For each sentence, the (layer, head) putting most of the pronoun's attention on the
    referent noun, and that weight."""
    trace = coreference_trace(run_or_params, task, batch)
    weights = weights_between(trace, batch, "pronoun", "referent")  # (n, n_layers, n_heads)
    n, _, n_heads = weights.shape
    layer, head = np.divmod(weights.reshape(n, -1).argmax(axis=1), n_heads)  # (n,) each
    return ReferentAttention(weights, layer, head, weights[np.arange(n), layer, head])


def strongest(weights: np.ndarray, layers: range, query: str, key: str) -> Hop:
    """The head with the largest weight among some layers. weights (n_layers, n_heads)."""
    layer = max(layers, key=lambda i: weights[i].max())
    head = int(weights[layer].argmax())
    return Hop(layer, head, query, key, float(weights[layer, head]))


def route_of(to_referent, to_adjective, adjective_to_referent, threshold: float) -> Route:
    """One sentence's route. Each argument (n_layers, n_heads): weights between two words.

    direct: a head at the pronoun puts ≥ threshold on the referent (shown after the earlier
      head, if any, that brought the adjective to the pronoun).
    two hops: the adjective attends to the noun, then a later head at the pronoun attends to
      the adjective.
    unclear: neither.
    A direct head need not be the one that decides: a layer-0 head may look at the same noun
    whatever the adjective, and a later layer make the choice.
    """
    n_layers = len(to_referent)
    best = strongest(to_referent, range(n_layers), "pronoun", "referent")
    if best.weight >= threshold:
        if best.layer == 0:
            return Route("direct", (best,))
        adjective = strongest(to_adjective, range(best.layer), "pronoun", "adjective")
        return Route("direct", (adjective, best) if adjective.weight >= threshold else (best,))
    for second in range(1, n_layers):
        hop1 = strongest(adjective_to_referent, range(second), "adjective", "referent")
        hop2 = strongest(to_adjective, range(second, second + 1), "pronoun", "adjective")
        if min(hop1.weight, hop2.weight) >= threshold:
            return Route("two hops", (hop1, hop2))
    return Route("unclear", (best,))


def attention_routes(run_or_params, task: Task | str, batch: Batch, threshold: float = 0.6):
    """The route of every sentence of a coreference batch (see route_of)."""
    trace = coreference_trace(run_or_params, task, batch)
    between = [weights_between(trace, batch, *pair) for pair in ROUTE_PAIRS]  # 3 × (n, L, H)
    return tuple(route_of(*one, threshold) for one in zip(*between, strict=True))


ROUTE_PAIRS = (("pronoun", "referent"), ("pronoun", "adjective"), ("adjective", "referent"))
