"""The stance model: what one sentence shows of an actor's position on a topic.

A cross-encoder over MiniLM (bot.models): it reads "ACTOR : TOPIC" and the sentence with
the actor's mention marked, and gives the probabilities of four readings:

- ``support``: the actor favours the topic (wants, welcomes, defends, pursues it; imposes or
  keeps its own measure);
- ``oppose``: it rejects, condemns, protests, retaliates against, wants to end the topic;
- ``neutral``: the actor is on record about the topic with no position (will discuss it,
  declined to comment, a fact about it);
- ``unrelated``: the sentence does not bear on this actor's position on this topic (another
  actor holds it, or the topic is only a look-alike).

Trained by ``scripts/train_stance.py`` on examples written for claimbot; the first three
layers are the pinned int8 MiniLM (bot.extract.encoder), the last three and the classifier
are ``bot/models/stance-head.onnx`` and ``stance-head-b.onnx`` (two trainings, averaged).
``Stack`` (``stance-stack.json``, fitted by ``scripts/fit_stack.py`` on held-out examples)
weighs the model's reading with the extractor's own reading of the record.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

import numpy as np

from bot.models import load_bytes, pins

LABELS = ("support", "oppose", "neutral", "unrelated")
#: the trained heads (bot/models/NAME.onnx); their probabilities are averaged (two heads
#: trained on different amounts of the examples agree more often with the gold than either)
HEADS = ("stance-head", "stance-head-b")
#: the stance model reads at most this many tokens of (query, sentence)
MAX_PAIR_TOKENS = 128
BATCH = 16


def stance_input(actor: str, topic: str, sentence: str, mention: str = "") -> tuple[str, str]:
    """The model's two segments: "ACTOR : TOPIC" and the sentence, its first ``mention`` of
    the actor (or of the person speaking for it) in brackets."""
    topic = " ".join(topic.replace("-", " ").replace("_", " ").split())
    text = " ".join(sentence.split())
    if mention:
        at = text.find(mention)
        if at >= 0:
            text = f"{text[:at]}[ {mention} ]{text[at + len(mention):]}"
    return f"{actor} : {topic}", text


RULE_SIDES = ("support", "oppose", "neutral")


def stack_features(probs: Sequence[float], rule: dict | None) -> np.ndarray:
    """What the stack weighs: the model's log-probabilities, the extractor's own stance of
    the record (one-hot, or "no record"), and whether the record is a statement."""
    logp = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-4, 1.0))
    side = [float(rule is not None and rule.get("stance") == k) for k in RULE_SIDES]
    return np.array([*logp, *side, float(rule is None),
                     float(rule is not None and rule.get("kind", "statement") == "statement")])


class Stack:
    """The fitted combination (bot/models/stance-stack.json, scripts/fit_stack.py)."""

    def __init__(self) -> None:
        data = json.loads(load_bytes("stance-stack.json"))
        self.weights = np.asarray(data["weights"], dtype=np.float64)

    def probs(self, probs: Sequence[float], rule: dict | None) -> np.ndarray:
        z = np.append(stack_features(probs, rule), 1.0) @ self.weights
        e = np.exp(z - z.max())
        return e / e.sum()


class StanceModel:
    """The trained head over the encoder's third layer; one per process (``shared()``)."""

    _shared: StanceModel | None = None
    _lock = threading.Lock()

    def __init__(self, threads: int = 1) -> None:
        from bot.extract.encoder import Encoder, onnx_session

        self.encoder = Encoder.shared()
        self.sessions = [onnx_session(load_bytes(name), threads) for name in HEADS]
        self.stack = Stack() if "stance-stack.json" in pins() and pins()["stance-stack.json"].sha256 else None

    @classmethod
    def shared(cls) -> StanceModel:
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def probs(self, items: Sequence[tuple[str, str, str, str]]) -> np.ndarray:
        """Probabilities (rows of LABELS) for (actor label, topic, sentence, mention) items."""
        out = np.zeros((len(items), len(LABELS)), dtype=np.float32)
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            hidden, mask = self.encoder.hidden([stance_input(*it) for it in chunk])
            for session in self.sessions:
                (logits,) = session.run(None, {"hidden": hidden, "attention_mask": mask})
                e = np.exp(logits - logits.max(1, keepdims=True))
                out[start:start + len(chunk)] += e / e.sum(1, keepdims=True) / len(self.sessions)
        return out
