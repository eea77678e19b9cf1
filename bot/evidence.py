"""Candidates for a `/stance ACTOR TOPIC` answer, ranked by meaning and by words.

Every stored record of the actor is a candidate: its statements and the sentences that name
it doing something (claims of kind "action", bot.extract.claims).  Each is scored against
the topic by

- the cosine of the topic's MiniLM vector and the sentence's (stored at ingest),
- the cosines of the topic's vector and the article title's and the sentence before's (a
  sentence that says only "the levy" in an article, or after a sentence, about a carbon tax),
- the lexical relevance of bot.relevance (the topic's words, synonyms and topic ids), and
- whether the extractor filed the claim under one of the topic's ids,

and one sentence is one candidate (the best-scoring record of it).  bot.stance_model then
reads the best few.  Nothing here decides a polarity.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.extract.encoder import Encoder, unpack

Record = dict[str, Any]

TITLE_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.2
LEXICAL_WEIGHT = 0.35
FILED_WEIGHT = 0.15
LEXICAL_CAP = 1.5  # bot.relevance scores above this are as good as it
CACHE = 4096


@dataclass
class Candidate:
    record: Record
    score: float  # retrieval score (higher: more about the topic)
    cosine: float
    lexical: float


class Retriever:
    """Vectors of topics and titles, cached; ranking of an actor's records."""

    def __init__(self, encoder: Callable[[], Encoder] = Encoder.shared) -> None:
        self._encoder = encoder
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Iterable[str]) -> np.ndarray:
        """Unit vectors of ``texts``, each computed once per process (an LRU of CACHE)."""
        texts = list(texts)
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                v = self._cache.get(t)
                if v is not None:
                    self._cache.move_to_end(t)
                    found[t] = v
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            got = self._encoder().embed(missing)
            with self._lock:
                for t, v in zip(missing, got, strict=True):
                    self._cache[t] = found[t] = v
                while len(self._cache) > CACHE:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)

    def record_vectors(self, records: list[Record], field: str = "vec", text: str = "sentence") -> np.ndarray:
        """The stored vectors of the records' sentences (``field`` "vec") or contexts
        ("cvec", ``text`` "context"), computed here for records stored without one."""
        out = np.zeros((len(records), 384), dtype=np.float32)
        todo = []
        for i, r in enumerate(records):
            v = r.get(field)
            if v:
                out[i] = unpack(v)
            elif r.get(text) or r.get("quote"):
                todo.append(i)
        if todo:
            out[todo] = self.vectors(str(records[i].get(text) or records[i].get("quote") or "") for i in todo)
        return out

    def topic_vector(self, topic: str) -> np.ndarray:
        return self.vectors([topic_text(topic)])[0]

    def shortlist(self, topic: str, matrix: np.ndarray, n: int) -> list[int]:
        """The rows of ``matrix`` (record vectors) nearest ``topic``, at most ``n``."""
        if not len(matrix):
            return []
        cos = matrix @ self.topic_vector(topic)
        if len(cos) <= n:
            return list(range(len(cos)))
        return np.argpartition(-cos, n - 1)[:n].tolist()

    def rank(self, topic: str, records: list[Record], lexical: list[float], filed: list[bool],
             titles: list[str], matrix: np.ndarray | None = None) -> list[Candidate]:
        """``records`` scored against ``topic``, best first, one per sentence (``matrix``:
        their vectors, when the caller has them)."""
        if not records:
            return []
        q = self.topic_vector(topic)
        cos = (self.record_vectors(records) if matrix is None else matrix) @ q
        title_cos = self.vectors(t or " " for t in titles) @ q
        title_cos[[not t for t in titles]] = 0.0
        context_cos = self.record_vectors(records, "cvec", "context") @ q
        context_cos[[not r.get("context") for r in records]] = 0.0
        lex = np.minimum(np.asarray(lexical, dtype=np.float32), LEXICAL_CAP) / LEXICAL_CAP
        score = cos + TITLE_WEIGHT * title_cos + CONTEXT_WEIGHT * context_cos + LEXICAL_WEIGHT * lex + FILED_WEIGHT * np.asarray(filed, dtype=np.float32)
        best: dict[tuple[str, str], Candidate] = {}
        for i, r in enumerate(records):
            key = (str(r.get("article")), str(r.get("sentence") or r.get("id")))
            c = Candidate(r, float(score[i]), float(cos[i]), float(lex[i]))
            held = best.get(key)
            if held is None or _prefer(c, held):
                best[key] = c
        return sorted(best.values(), key=lambda c: (-c.score, str(c.record.get("published", "")), str(c.record.get("id"))))


def _prefer(a: Candidate, b: Candidate) -> bool:
    """Of two records of one sentence, a statement before an action, then the better score."""
    ka = (a.record.get("kind", "statement") == "statement", a.record.get("origin") == "admin", a.score)
    kb = (b.record.get("kind", "statement") == "statement", b.record.get("origin") == "admin", b.score)
    return ka > kb


def topic_text(topic: str) -> str:
    return " ".join(topic.replace("-", " ").replace("_", " ").split())
