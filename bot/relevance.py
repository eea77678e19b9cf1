"""How well a stored claim answers a `/stance ACTOR TOPIC` query, and its stance toward it.

The text analysis (stemmed words, actors named, topics) is done once per claim when it is
written (``features``), so a query only compares small sets: at 100k claims a popular
query has thousands of candidates.  Claims written without features (older stores) are
analysed on the fly.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from typing import Any

from bot.extract.actors import Gazetteer
from bot.extract.topics import TopicIndex, TopicQuery, content_words

Record = dict[str, Any]

FEATURES_VERSION = 1
STANCE_CODES = {"neutral": 0, "support": 1, "oppose": 2}
STANCE_NAMES = ("neutral", "support", "oppose")
VAGUE_OBJECTS = {"it", "this", "that", "them", "these", "those", "the move", "the decision", "the plan", "the step"}


def analyse(text: str, gaz: Gazetteer) -> list[str]:
    """Stemmed content words of ``text`` plus the actor ids its words and names stand for."""
    have = set(content_words(text))
    have.update(m.actor for m in gaz.find(text))
    for w in list(have):
        actor = gaz.resolve(w)
        if actor:
            have.add(actor)
    return sorted(have)


def features(claim: dict[str, Any], gaz: Gazetteer, topics: TopicIndex) -> dict[str, Any]:
    """What relevance needs of a claim, computed once when the claim is stored."""
    return {
        "v": FEATURES_VERSION,
        "text": analyse(f"{claim.get('quote', '')} {claim.get('target', '')} {claim.get('sentence', '')}", gaz),
        "context": analyse(claim.get("context") or "", gaz),
        "targets": [{"words": analyse(t["text"], gaz), "topics": topics.match(t["text"])}
                    for t in claim.get("targets", [])],
    }


def index_claim(claim: dict[str, Any], gaz: Gazetteer, topics: TopicIndex) -> dict[str, Any]:
    """Set the derived fields every stored claim carries: index words and relevance features."""
    claim["words"] = sorted(set(content_words(
        f"{claim['quote']} {claim.get('target', '')} {claim.get('sentence', '')} {' '.join(claim['topics'])}")))
    claim["rel"] = features(claim, gaz, topics)
    return claim


@dataclass
class Query:
    """A topic query prepared once for every candidate claim.

    Scoring only asks whether the query's own words (its words, the actors they name, its
    head and the head's synonyms: ``vocab``) are in a claim's analysed words, so a claim's
    sorted word list is reduced to those (``vocab.intersection(words)``: a few hash lookups
    in C, no per-claim set of all its words) before it is scored.
    """

    tq: TopicQuery
    resolved: dict[str, str | None]  # query word -> actor id it names
    vocab: frozenset[str] = frozenset()
    _mods: dict[str | None, tuple[list[str], tuple[tuple[str, str | None], ...]]] = field(
        default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.vocab:
            words = set(self.tq.words) | self.tq.head_alts
            words.add(self.tq.head)
            words.update(a for a in self.resolved.values() if a)
            self.vocab = frozenset(words)

    @classmethod
    def prepare(cls, tq: TopicQuery, gaz: Gazetteer) -> Query:
        return cls(tq, {w: gaz.resolve(w) for w in tq.words})

    def _modifiers(self, actor: str | None) -> tuple[list[str], tuple[tuple[str, str | None], ...]]:
        found = self._mods.get(actor)
        if found is None:
            # words that only name the actor asked about carry nothing ("Chinese" for China's claims)
            tq = self.tq
            mods = [w for w in tq.words if w not in tq.head_alts and w not in tq.generic and self.resolved.get(w) != actor]
            found = self._mods[actor] = (mods, tuple((w, self.resolved.get(w)) for w in mods))
        return found

    def modifiers(self, actor: str | None) -> list[str]:
        return list(self._modifiers(actor)[0])

    def score(self, have: Set[str], mods: list[str]) -> tuple[bool, float]:
        """(head present, share of modifiers present) for one analysed text."""
        return self._score(have, tuple((w, self.resolved.get(w)) for w in mods))

    def _score(self, have: Set[str], pairs: tuple[tuple[str, str | None], ...]) -> tuple[bool, float]:
        if pairs:
            hits = 0
            for w, actor in pairs:
                if w in have or actor in have:
                    hits += 1
            cov = hits / len(pairs)
            # with none of the query's modifiers, only the head word itself will do, and only for
            # a short query: "Windsor framework" is not any "agreement"
            if cov == 0:
                return self.tq.head in have and len(pairs) <= 2, cov
        else:
            cov = 1.0
        return not self.tq.head_alts.isdisjoint(have), cov


def relevance(claim: dict[str, Any], q: Query, gaz: Gazetteer, topics: TopicIndex,
              article_words: Callable[[str], set[str]] | None = None) -> tuple[float, str]:
    """How well a claim answers the topic (0 to about 1.5), and its stance toward that topic.

    The query's head ("tariffs" in "tariffs on Chinese cars") or a one-word synonym of it
    must be there; its modifiers add to the score.  The stance is the one toward the object
    phrase that best matches the query, else the claim's own.
    """
    f = claim.get("rel")
    if not f or f.get("v") != FEATURES_VERSION:
        f = features(claim, gaz, topics)
    tq = q.tq
    vocab = q.vocab
    _, mods = q._modifiers(claim.get("actor"))
    claim_topics = claim.get("topics", [])
    topic_hit = not tq.ids.isdisjoint(claim_topics)
    have = vocab.intersection(f["text"])  # only the words scoring looks at
    head, cov = q._score(have, mods)
    if not head and not tq.head_topics.isdisjoint(claim_topics):
        # the query names a topic the claim is filed under (or under a narrower one): a claim on
        # rare earths answers "critical minerals"
        head, cov = True, max(cov, 0.5)
    base = 0.5
    if not head and mods and article_words is not None and not tq.head_alts.isdisjoint(have):
        # "the accord" in an article about the EU-Mercosur deal is that deal: the claim has the
        # head (or a synonym) and its article names most of the query's other words
        art_head, art_cov = q._score(have | article_words(claim.get("article", "")), mods)
        if art_head and art_cov >= 0.5:
            head, cov, base = True, 0.0, 0.5
    if not head and not (topic_hit and cov >= 0.5):
        # a bare position ("Paris remains opposed", "Manila rejected it") is about what the
        # sentence before was about
        if f["context"] and vague_object(claim):
            head, cov = q._score(vocab.intersection(f["context"]), mods)
            base = 0.4
            if not head and article_words is not None:
                head, cov = q._score(article_words(claim.get("article", "")), mods)
                head, base = head and cov >= 0.5, 0.35
        if not head:
            return 0.0, "neutral"
    rel = base + 0.5 * cov + (0.3 if topic_hit else 0.0)
    best, best_key = None, (-1.0, False, 0)
    for t, tf in zip(claim.get("targets", []), f["targets"], strict=False):
        t_head, t_cov = q._score(vocab.intersection(tf["words"]), mods)
        if not t_head and not (topic_hit and not tq.ids.isdisjoint(tf["topics"])):
            continue
        key = (t_cov, t["stance"] != "neutral", -int(t.get("depth", 1)))
        if key > best_key:
            best, best_key = t, key
    if best is not None and best["stance"] != "neutral":
        return rel + 0.2, best["stance"]
    if best is None and claim.get("targets"):
        # the claim's own stance is toward an object that is not this topic
        return rel, "neutral"
    return rel, claim.get("stance", "neutral")


def vague_object(claim: dict[str, Any]) -> bool:
    targets = claim.get("targets") or []
    return not targets or any(t["text"].lower() in VAGUE_OBJECTS for t in targets)


@dataclass
class Tally:
    """What `/stance` needs of the relevant claims: counts and summed weights per stance,
    and the best-ranked claims (every claim tied with the last one kept, so the caller's
    full ordering decides among them)."""

    counts: dict[str, int]
    weights: dict[str, float]  # support, oppose, neutral: sum of rel² × confidence
    top: list[tuple[float, Record, str]]  # (rank score, claim, stance toward the topic)


def tally(scored: Iterable[tuple[float, Record, str]]) -> Tally:
    """The per-claim loop's tally (stores without a relevance table).  A claim weighs
    rel² × confidence: squared, so a claim that names the whole topic outweighs one that
    shares its head only."""
    counts = dict.fromkeys(STANCE_NAMES[1:] + STANCE_NAMES[:1], 0)
    parts: dict[str, list[float]] = {s: [] for s in STANCE_NAMES}
    top = []
    for rel, claim, stance in scored:
        counts[stance] += 1
        parts[stance].append(rel * rel * float(claim.get("confidence", 0.5)))
        top.append((rel + (0.25 if stance != "neutral" else 0.0), claim, stance))
    return Tally(counts, {s: fsum(v) for s, v in parts.items()}, top)


def fsum(values: Iterable[float]) -> float:
    """A correctly rounded sum: the same whatever the order (both paths agree to the bit)."""
    return math.fsum(values)
