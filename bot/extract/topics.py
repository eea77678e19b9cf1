"""Topics: a canonical list kept as data, plus matching by the words themselves.

A query such as "rare earth elements" resolves to the topic ids whose label or synonyms
it names (and the broader topics they belong to), and also keeps its own content words,
so a topic that is not in the list still finds claims that use its words.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

STOPWORDS = frozenset("""
a an the of to in on for and or with by from at as about into over under than that this these those its
their his her our your my be is are was were been being has have had do does did will would should could
can may might must shall not no nor but if then so such very more most less least any some all each other
it they them he she we you i who whom which what when where why how also just only own same too against
between through during before after above below up down out off again further once here there both few
s t d ll m o re ve y vs via per new said says
""".split())

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def stem(word: str) -> str:
    """A light English suffix stripper: enough to make 'tariffs' meet 'tariff'."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ses", "xes", "ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def content_words(text: str) -> list[str]:
    """Stemmed content words of ``text`` (hyphenated words split), in order."""
    text = text.lower().replace("\u2019", "'").replace("-", " ")
    kept = _KEPT
    out = []
    for w in _WORD.findall(text):
        try:
            s = kept[w]
        except KeyError:
            if len(kept) >= _KEPT_MAX:
                kept.clear()
            s = kept[w] = _content_stem(w)
        if s is not None:
            out.append(s)
    return out


def _content_stem(word: str) -> str | None:
    """The stem ``content_words`` keeps for ``word``, or None for a stopword."""
    if word in STOPWORDS:
        return None
    s = stem(word)
    return None if s in STOPWORDS else s


# content_words' answer per word: ingest analyses every claim's text, a vocabulary of news
# words; the memo starts over past _KEPT_MAX words
_KEPT: dict[str, str | None] = {}
_KEPT_MAX = 200_000


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    synonyms: tuple[str, ...]
    broader: tuple[str, ...]


PREPOSITIONS = frozenset("on for with against of to from in at about over between toward towards into by".split())


@dataclass(frozen=True)
class TopicQuery:
    text: str
    ids: frozenset[str]  # canonical topics the query names (with broader ones)
    words: tuple[str, ...]  # the query's own content words, stemmed
    head: str = ""  # the word the query is about: "tariffs on Chinese cars" -> "tariff"
    head_alts: frozenset[str] = frozenset()  # one-word synonyms of the head ("duty", "levy")
    head_topics: frozenset[str] = frozenset()  # topics whose name holds the head ("critical minerals")
    generic: frozenset[str] = frozenset()  # words that name no particular thing ("goods" in "tariffs on Indian goods")


def query_head(text: str) -> str:
    """The head of an English noun phrase: the last content word before its first preposition."""
    raw = _WORD.findall(text.lower().replace("\u2019", "'").replace("-", " "))
    head = ""
    for w in raw:
        if w in PREPOSITIONS and head:
            break
        if w not in STOPWORDS:
            head = stem(w)
    return head


class TopicIndex:
    def __init__(self, topics: list[Topic], word_groups: list[list[str]] | None = None,
                 generic_nouns: list[str] | None = None) -> None:
        word_groups = word_groups or []
        self.generic = frozenset(stem(w) for w in generic_nouns or ())
        self.topics = {t.id: t for t in topics}
        phrases: dict[str, str] = {}
        for t in topics:
            for form in (t.id.replace("-", " "), t.label, *t.synonyms):
                key = " ".join(content_words(form))
                if key:
                    phrases.setdefault(key, t.id)
        self._phrases = phrases
        alts = sorted(phrases, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in alts) + r")\b")
        # one-word heads that mean the same ("tariff", "duty", "levy"); a topic's synonyms are
        # related words, not the same word, so they do not stand in for a query's head
        self._alts: dict[str, set[str]] = {}
        for group in word_groups:
            stems = {stem(w) for w in group}
            for w in stems:
                self._alts.setdefault(w, set()).update(stems)

    def _closure(self, ids: set[str]) -> frozenset[str]:
        out = set(ids)
        for i in list(ids):
            out.update(self.topics[i].broader)
        return frozenset(out)

    def match(self, text: str) -> list[str]:
        """Topic ids a text speaks of (its words stemmed and matched against every synonym)."""
        norm = " ".join(content_words(text))
        found = {self._phrases[m.group(0)] for m in self._pattern.finditer(norm)}
        return sorted(self._closure(found))

    def query(self, text: str) -> TopicQuery:
        """What a user asked for: ``rare-earths``, ``"rare earth elements"``, ``critical minerals``."""
        words = tuple(content_words(text))
        norm = " ".join(words)
        ids: set[str] = set()
        if text.strip().lower() in self.topics:
            ids.add(text.strip().lower())
        head = query_head(text)
        head_topics = set()
        for m in self._pattern.finditer(norm):
            ids.add(self._phrases[m.group(0)])
            if head in m.group(0).split():
                head_topics.add(self._phrases[m.group(0)])
        return TopicQuery(text=text, ids=frozenset(ids), words=words, head=head,
                          head_alts=frozenset(self._alts.get(head, set()) | {head}),
                          head_topics=frozenset(head_topics), generic=self.generic.intersection(words))

    def narrower(self, topic_id: str) -> set[str]:
        return {t.id for t in self.topics.values() if topic_id in t.broader}


@functools.cache
def topic_index() -> TopicIndex:
    data = json.loads(resources.files("bot").joinpath("data/topics.json").read_text(encoding="utf-8"))
    return TopicIndex([
        Topic(t["id"], t["label"], tuple(t.get("synonyms", ())), tuple(t.get("broader", ())))
        for t in data["topics"]
    ], data.get("word_groups", []), data.get("generic_nouns", []))
