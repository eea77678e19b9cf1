"""Synthetic data for the benchmarks, all from a seeded RNG (same seed, same data).

- ``make_tables(n_claims)``: store tables (articles, claims, events) shaped like what
  ``Service.ingest`` writes: ~20 claims per article, actors drawn zipfian from ~60 actor
  ids of the gazetteer (the beat first: japan, china, us, south-korea, eu ...), topics
  zipfian over ``bot/data/topics.json`` (named by their synonyms in the text) plus free
  words, sentences with quotes, targets, speakers, offsets into the article text, and
  the stemmed ``words`` field the service adds; each claim ``kind`` "statement", with the
  sentence before (``context``) and a sentence vector (``vec``, see below). Besides, about
  0.3 records of kind "action" per statement (``actions``; they count in ``n_claims``, ~23%
  of the records): a sentence of their own naming an actor doing something, with no
  speaker, as ``bot.extract.claims`` keeps them for ``/stance``.
- sentence vectors: the distinct phrases the vocabulary puts in targets (topic labels and
  synonyms, free words: a few hundred) are embedded once per process with the MiniLM of
  ``bot.extract.encoder``; a record's ``vec`` is ``pack(normalise(v + noise))``, ``v`` its
  target phrase's vector (the mean of its two free words' when it names no topic), the
  noise Gaussian (std ``VEC_NOISE`` per dimension) from a seeded numpy RNG. Embedding every
  sentence as ingest does would take ~5 ms a sentence (8 minutes at 100k).
- ``make_queries(n)``: ``/stance`` queries (actor, topic) drawn the same way: actors by
  id or by name, topics by id, by synonym, or by free words.
- ``vary_seeds(seed_dir, n)``: ``n`` articles made from the seed articles with their
  paragraphs shuffled and country names (with demonyms and capitals) swapped, so every
  article has its own content hash.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from bot.domain import content_hash, stable_id
from bot.extract.actors import gazetteer
from bot.extract.topics import topic_index
from bot.relevance import analyse, index_claim

Record = dict[str, Any]

N_ACTORS = 60
ZIPF_S = 1.07
CLAIMS_PER_ARTICLE = 20
EXTRACTOR = "claimbot-extract/0.1"
ACTION_SHARE = 0.3  # action records per statement (on average)
VEC_NOISE = 0.04  # std of the Gaussian noise added to each dimension of a phrase's unit vector

# The beat first (they get the zipfian head), then the rest of the gazetteer in its order.
BEAT_ACTORS = (
    "japan", "china", "us", "south-korea", "eu", "taiwan", "india", "australia", "germany", "uk",
    "russia", "vietnam", "asean", "g7", "wto", "canada", "france", "indonesia", "philippines",
    "north-korea", "singapore", "malaysia", "thailand", "brazil", "mexico", "imf", "g20", "apec",
    "nato", "un", "world-bank", "saudi-arabia", "uae", "turkey", "italy", "netherlands",
    "new-zealand", "hong-kong", "mongolia", "cambodia", "myanmar", "pakistan", "iran", "israel",
    "south-africa", "argentina", "chile", "peru", "poland", "ukraine", "spain", "sweden",
    "switzerland", "norway", "kazakhstan", "oecd", "brics", "laos", "bangladesh", "nigeria",
)

# Words of the beat that are not topic synonyms: the "free words" of claims and queries.
FREE_WORDS = """
shipbuilding fishing nuclear drones tourism visas hydrogen batteries lithium cobalt nickel
graphite gallium germanium solar wind coal lng pipelines ports shipping railways aviation
satellites cyber espionage students universities research pharmaceuticals vaccines pandemic
food rice beef pork soybeans wheat seafood whaling water dams refugees migration labour
workers wages unions pensions inflation interest rates bonds yen yuan won dollar euro debt
loans aid infrastructure belt road highways bridges airports telecommunications cables
undersea quantum ai robotics automobiles cars trucks chips foundries lithography wafers
patents copyright software data privacy platforms tiktok social media censorship journalists
elections parliament coalition constitution referendum military drills missiles bases troops
alliance coast guard islands fishermen airspace navy exercises deterrence nuclear weapons
reactors uranium gas oil refineries crude carbon emissions forests plastics recycling
healthcare ageing population fertility childcare housing property developers banks insurance
stocks exchanges listings delisting audits accounting bankruptcy mergers acquisitions
takeovers joint ventures factories manufacturing relocation reshoring diversification
logistics warehouses inventories shortages prices consumers retail exports imports growth
recession stimulus budget taxes spending austerity reform deregulation privatisation
""".split()

ACTOR_VERBS = {
    "support": ("supports", "welcomed", "backs", "pushed for", "endorsed", "will expand", "called for"),
    "oppose": ("opposes", "rejected", "criticised", "warned against", "resisted", "condemned", "will curb"),
    "neutral": ("discussed", "is reviewing", "will consider", "raised", "noted", "is studying", "addressed"),
}
CUES = ("say", "tell", "urge", "warn", "call", "oppose", "support", "plan", "accuse", "vow")
TITLES = ("Trade Minister", "Foreign Minister", "Prime Minister", "President", "spokesperson",
          "Economy Minister", "ambassador", "Deputy Minister", "chief negotiator", "Finance Minister")
GIVEN = ("Aiko", "Wei", "Min-jun", "Sarah", "Hiroshi", "Li", "Ji-woo", "David", "Yuki", "Chen", "Anna",
         "Kenji", "Hana", "Rahul", "Olaf", "Marie", "Tran", "Kevin", "Mei", "Sung-ho")
FAMILY = ("Tanaka", "Zhang", "Kim", "Miller", "Sato", "Wang", "Park", "Smith", "Suzuki", "Liu", "Lee",
          "Watanabe", "Chen", "Sharma", "Schmidt", "Dupont", "Nguyen", "Brown", "Ito", "Choi")
SOURCES = ("a diplomatic source", "analysts", "a senior official", "people familiar with the matter",
           "industry executives", "a government spokesperson", "economists")
OUTLETS = ("Kyodo", "Reuters", "Nikkei Asia", "South China Morning Post", "The Japan Times",
           "Yonhap", "Bloomberg", "Associated Press", "Financial Times", "Mint")
CONNECTORS = ("amid", "as talks on", "despite concerns over", "while pressing on", "alongside", "ahead of talks on")
FILLER = ("The ministry did not respond to a request for comment.", "Talks are expected to continue next month.",
          "Officials gave no timetable.", "Markets in the region were little changed on the news.",
          "The two sides last met in the spring.", "Details of the plan were not disclosed.")
# what a state is reported doing (records of kind "action"), by the stance it shows
ACTION_VERBS = {
    "support": ("approved", "expanded", "signed a deal on", "increased funding for", "eased rules on"),
    "oppose": ("suspended", "banned", "restricted", "imposed curbs on", "cut back"),
    "neutral": ("held talks on", "published a report on", "set up a panel on", "reviewed"),
}
WHEN = ("on Monday", "on Tuesday", "last week", "this month", "earlier this year")
EVENT_KINDS = ("dialogue", "summit", "meeting", "visit", "negotiation", "policy", "deadline")


def _data(name: str) -> Any:
    return json.loads(resources.files("bot").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def zipf_weights(n: int, s: float = ZIPF_S) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


@dataclass(frozen=True)
class Vocabulary:
    actors: tuple[str, ...]  # ~60 actor ids, most frequent first
    names: dict[str, str]  # actor id -> name in text
    topics: tuple[str, ...]  # topic ids, most frequent first
    phrases: dict[str, tuple[str, ...]]  # topic id -> label and synonyms

    @property
    def actor_weights(self) -> list[float]:
        return zipf_weights(len(self.actors))

    @property
    def topic_weights(self) -> list[float]:
        return zipf_weights(len(self.topics), 0.9)


def vocabulary(n_actors: int = N_ACTORS) -> Vocabulary:
    """The actors and topics the synthetic data draws from (from bot/data)."""
    gaz = {a["id"]: a for a in _data("gazetteer.json")["actors"]}
    ids = [a for a in BEAT_ACTORS if a in gaz]
    ids += [a for a in gaz if a not in ids]
    ids = ids[:n_actors]
    names = {a: gaz[a].get("name", a) for a in ids}
    topics = _data("topics.json")["topics"]
    # the beat's topics lead; the list's own order otherwise (deterministic)
    lead = ("tariffs", "relations", "trade-agreement", "semiconductors", "export-controls", "critical-minerals",
            "rare-earths", "security", "trade-war", "supply-chains")
    order = [t for t in lead if any(x["id"] == t for x in topics)]
    order += [t["id"] for t in topics if t["id"] not in order]
    phrases = {t["id"]: tuple(dict.fromkeys([t["label"], *t.get("synonyms", [])])) for t in topics}
    return Vocabulary(tuple(ids), names, tuple(order), phrases)


# -- store tables -----------------------------------------------------------------------------

def make_tables(n_claims: int, seed: int = 7, per_article: int = CLAIMS_PER_ARTICLE,
                actions: float = ACTION_SHARE, vectors: bool = True) -> dict[str, list[Record]]:
    """Tables of a store whose claims table holds exactly ``n_claims`` records: statements,
    and about ``actions`` action records per statement (0.3: ~23% of the records).
    ``vectors=False``: no ``vec`` (no model is loaded)."""
    rng = random.Random(seed)
    arng = random.Random(seed * 7919 + 1)  # the actions' own stream: the statements do not depend on them
    voc = vocabulary()
    aw, tw = voc.actor_weights, voc.topic_weights
    articles: list[Record] = []
    claims: list[Record] = []
    events: list[Record] = []
    day0 = dt.date(2018, 1, 1).toordinal()
    n_art = 0
    while len(claims) < n_claims:
        n_art += 1
        aid = f"s{n_art:06d}"
        published = dt.date.fromordinal(day0 + rng.randrange(8 * 365)).isoformat()
        cast = list(dict.fromkeys(rng.choices(voc.actors, aw, k=3)))
        themes = list(dict.fromkeys(rng.choices(voc.topics, tw, k=2)))
        outlet = rng.choice(OUTLETS)
        title = (f"{voc.names[cast[0]]} and {voc.names[cast[-1]]} at odds over "
                 f"{rng.choice(voc.phrases[themes[0]])} and {rng.choice(FREE_WORDS)}")
        url = f"https://news.example/{published}/{aid}"
        room = n_claims - len(claims)
        k = min(room, max(1, round(rng.gauss(per_article, 4))))
        paragraphs: list[str] = [title]
        offset = len(title) + 2
        before = title  # the sentence before the next one (what the extractor keeps as context)
        article_claims: list[Record] = []
        for i in range(k):
            if len(article_claims) >= room:  # (the actions took the last places)
                break
            claim, sentence = _claim(rng, voc, aid, i, published, cast, themes, aw, tw, before)
            para = sentence
            if rng.random() < 0.3:
                para = f"{sentence} {rng.choice(FILLER)}"
            claim["start"], claim["end"] = offset, offset + len(sentence)
            paragraphs.append(para)
            offset += len(para) + 2
            before = para[len(sentence) + 1:] or sentence
            article_claims.append(claim)
            if actions > 0 and arng.random() < actions and len(article_claims) < room:
                action = _action(arng, voc, aid, published, cast, themes, claim["actor"], offset, before)
                paragraphs.append(action["sentence"])
                offset += len(action["sentence"]) + 2
                before = action["sentence"]
                article_claims.append(action)
        for claim in article_claims:
            claim["source_title"], claim["source_url"], claim["outlet"] = title, url, outlet
        text = "\n\n".join(paragraphs)
        articles.append({"id": aid, "title": title, "published": published, "text": text, "outlet": outlet,
                         "url": url, "file": f"{aid}.txt", "hash": content_hash(text),
                         "words": analyse(text, gazetteer())})
        claims.extend(article_claims)
        if rng.random() < 0.3:
            events.append(_event(rng, voc, aid, published, cast, title))
    if vectors:
        attach_vectors(claims, seed)
    return {"articles": articles, "claims": claims, "events": events}


def _claim(rng: random.Random, voc: Vocabulary, aid: str, i: int, published: str, cast: list[str],
           themes: list[str], aw: Sequence[float], tw: Sequence[float], context: str = "") -> tuple[Record, str]:
    r = rng.random()
    actor = rng.choice(cast) if r < 0.8 else ("" if r < 0.9 else rng.choices(voc.actors, aw)[0])
    # topics: mostly the article's themes; a quarter of claims name no listed topic
    r = rng.random()
    n_topics = 0 if r < 0.25 else 1 if r < 0.75 else 2 if r < 0.95 else 3
    topics: list[str] = []
    for _ in range(n_topics):
        topics.append(rng.choice(themes) if rng.random() < 0.7 else rng.choices(voc.topics, tw)[0])
    topics = list(dict.fromkeys(topics))
    stance = rng.choices(("support", "oppose", "neutral"), (0.4, 0.3, 0.3))[0]
    free = rng.sample(FREE_WORDS, 3)
    target = f"the {rng.choice(voc.phrases[topics[0]])}" if topics else f"{free[0]} {free[1]}"
    other = rng.choice([voc.names[c] for c in cast]) if cast and rng.random() < 0.5 else "its partners"
    actor_ref = voc.names[actor] if actor else "the government"
    quote = (f"{actor_ref} {rng.choice(ACTOR_VERBS[stance])} {target} "
             f"{rng.choice(CONNECTORS)} {free[2]} with {other}")
    kind = rng.choices(("person", "body", "source"), (0.6, 0.25, 0.15))[0]
    if kind == "person":
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        title = rng.choice(TITLES)
        speaker = {"name": name, "mention": f"{title} {name}", "kind": kind}
    elif kind == "body":
        body = f"{voc.names[actor] if actor else 'The'} {rng.choice(('foreign ministry', 'trade ministry', 'cabinet'))}"
        speaker = {"name": body, "mention": body, "kind": kind}
    else:
        src = rng.choice(SOURCES)
        speaker = {"name": src.capitalize(), "mention": src, "kind": kind}
    mention = speaker["mention"]
    sentence = (f"{mention[0].upper()}{mention[1:]} said {quote}, "
                f"{rng.choice(('according to a statement', 'in a briefing', 'on Tuesday', 'in an interview'))}.")
    targets = [{"text": target, "stance": stance}]
    if rng.random() < 0.4:
        targets.append({"text": f"{free[2]} with {other}", "stance": "neutral"})
    claim: Record = {
        "id": stable_id("c", aid, i), "actor": actor, "cue": rng.choice(CUES), "quote": quote,
        "sentence": sentence, "start": 0, "end": 0, "article": aid, "published": published,
        "stance": stance, "target": target, "topics": topics, "targets": targets, "context": context[:400],
        "speaker": speaker,
        "confidence": rng.choice((0.4, 0.5, 0.6, 0.7, 0.8)), "extractor": EXTRACTOR, "origin": "extracted",
        "retracted": False, "retract_reason": "", "kind": "statement",
    }
    if rng.random() < 0.003:
        claim["retracted"], claim["retract_reason"] = True, "misattributed"
    # what Service._with_source adds
    index_claim(claim, gazetteer(), topic_index())  # the words and relevance features ingest stores
    return claim, sentence


def _action(rng: random.Random, voc: Vocabulary, aid: str, published: str, cast: list[str], themes: list[str],
            actor: str, start: int, context: str) -> Record:
    """A record of kind "action": a sentence of its own naming ``actor`` (else one of the
    cast) doing something about one of the article's themes (or about free words)."""
    actor = actor or rng.choice(cast)
    stance = rng.choices(("support", "oppose", "neutral"), (0.35, 0.35, 0.3))[0]
    verb = rng.choice(ACTION_VERBS[stance])
    free = rng.sample(FREE_WORDS, 3)
    topics = [rng.choice(themes)] if rng.random() < 0.7 else []
    target = f"the {rng.choice(voc.phrases[topics[0]])}" if topics else f"{free[0]} {free[1]}"
    sentence = f"{voc.names[actor]} {verb} {target} {rng.choice(CONNECTORS)} {free[2]} {rng.choice(WHEN)}."
    record: Record = {
        "id": stable_id("a", aid, start, actor), "actor": actor, "cue": verb.split()[0], "quote": sentence,
        "sentence": sentence, "start": start, "end": start + len(sentence), "article": aid, "published": published,
        "stance": stance, "target": target, "topics": topics, "targets": [], "context": context[:400],
        "speaker": None, "confidence": 0.3, "extractor": EXTRACTOR, "origin": "extracted",
        "retracted": False, "retract_reason": "", "kind": "action",
    }
    index_claim(record, gazetteer(), topic_index())
    return record


# -- sentence vectors ----------------------------------------------------------------------------

@cache
def phrase_vectors() -> dict[str, np.ndarray]:
    """MiniLM unit vectors of every phrase a synthetic target is made of (once per process)."""
    from bot.extract.encoder import Encoder

    voc = vocabulary()
    texts = sorted({p for forms in voc.phrases.values() for p in forms} | set(FREE_WORDS))
    return dict(zip(texts, Encoder.shared().embed(texts), strict=True))


def _target_phrases(record: Record) -> list[str]:
    """The phrases of the record's target: a topic's form ("the X") or two free words."""
    target = str(record.get("target") or "")
    return [target[4:]] if record.get("topics") and target.startswith("the ") else target.split()


def attach_vectors(records: list[Record], seed: int, noise: float = VEC_NOISE, chunk: int = 4096) -> None:
    """Give each record a ``vec``: its target phrase's vector plus seeded Gaussian noise,
    normalised, packed as ingest stores it (``bot.extract.encoder.pack``); and a ``cvec``
    (its context's vector)."""
    from bot.extract.encoder import DIM, pack

    table = phrase_vectors()
    rng = np.random.default_rng(seed)
    for at in range(0, len(records), chunk):
        part = records[at:at + chunk]
        base = np.zeros((len(part), DIM), dtype=np.float32)
        for row, record in enumerate(part):
            vecs = [table[p] for p in _target_phrases(record) if p in table]
            if vecs:
                base[row] = np.mean(vecs, axis=0)
        base /= np.maximum(np.linalg.norm(base, axis=1, keepdims=True), 1e-9)
        base += rng.normal(0.0, noise, size=base.shape).astype(np.float32)
        base /= np.linalg.norm(base, axis=1, keepdims=True)
        for record, vec in zip(part, base, strict=True):
            record["vec"] = pack(vec)
    # the context's vector (``cvec``, stored at ingest): the sentence before is the record
    # before in the same article; the first record's context (the title) takes its own
    prev: Record | None = None
    for record in records:
        if record.get("context"):
            same = prev is not None and prev.get("article") == record.get("article")
            record["cvec"] = prev["vec"] if same else record["vec"]
        prev = record


def _event(rng: random.Random, voc: Vocabulary, aid: str, published: str, cast: list[str], title: str) -> Record:
    start = dt.date.fromisoformat(published) + dt.timedelta(days=rng.randrange(1, 120))
    kind = rng.choice(EVENT_KINDS)
    evidence = f"{voc.names[cast[0]]} will hold a {kind} on {start:%B %d}."
    return {"id": stable_id("e", aid, kind, start), "title": f"{voc.names[cast[0]]} {kind}", "kind": kind,
            "start": start.isoformat(), "end": None, "precision": "day", "article": aid, "evidence": evidence,
            "place": "", "participants": cast, "upcoming": True, "status": "scheduled", "origin": "extracted",
            "extractor": EXTRACTOR, "timex": start.isoformat(),
            "sources": [{"article": aid, "sentence": evidence, "start": 0, "end": len(evidence),
                         "published": published}]}


# -- queries ------------------------------------------------------------------------------------

def make_queries(n: int, seed: int = 11) -> list[tuple[str, str]]:
    """``n`` (actor, topic) queries: popular actors asked about more, as users do."""
    rng = random.Random(seed)
    voc = vocabulary()
    out = []
    for _ in range(n):
        actor = rng.choices(voc.actors, voc.actor_weights)[0]
        actor_q = actor if rng.random() < 0.7 else voc.names[actor]
        r = rng.random()
        topic = rng.choices(voc.topics, voc.topic_weights)[0]
        if r < 0.6:
            topic_q = topic
        elif r < 0.85:
            topic_q = rng.choice(voc.phrases[topic])
        else:
            topic_q = " ".join(rng.sample(FREE_WORDS, rng.choice((1, 1, 2))))
        out.append((actor_q, topic_q))
    return out


# -- an ingest corpus from the seeds --------------------------------------------------------------

# name, demonym, capital: swapped as a group, so "Japanese" follows "Japan"
NAME_GROUPS = (
    ("Japan", "Japanese", "Tokyo"), ("China", "Chinese", "Beijing"), ("South Korea", "South Korean", "Seoul"),
    ("India", "Indian", "New Delhi"), ("Germany", "German", "Berlin"), ("France", "French", "Paris"),
    ("Vietnam", "Vietnamese", "Hanoi"), ("Australia", "Australian", "Canberra"),
    ("Canada", "Canadian", "Ottawa"), ("Indonesia", "Indonesian", "Jakarta"),
    ("Brazil", "Brazilian", "Brasilia"), ("Thailand", "Thai", "Bangkok"),
)
_NAME_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(f) for g in NAME_GROUPS for f in g),
                                                  key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class SeedArticle:
    name: str
    text: str
    published: str
    title: str
    outlet: str
    url: str
    id: str


def vary_seeds(seed_dir: str | Path, n: int, seed: int = 5) -> list[SeedArticle]:
    """``n`` distinct articles varied from the seed articles (see the module doc)."""
    seed_dir = Path(seed_dir)
    manifest = json.loads((seed_dir / "manifest.json").read_text(encoding="utf-8"))
    bases = [(m, (seed_dir / m["file"]).read_text(encoding="utf-8")) for m in manifest]
    rng = random.Random(seed)
    out: list[SeedArticle] = []
    seen: set[str] = set()
    while len(out) < n:
        meta, text = bases[len(out) % len(bases)]
        perm = list(range(len(NAME_GROUPS)))
        rng.shuffle(perm)
        swap = {form: NAME_GROUPS[perm[g]][k] for g, group in enumerate(NAME_GROUPS) for k, form in enumerate(group)}

        def sub(s: str, swap: dict[str, str] = swap) -> str:
            return _NAME_RE.sub(lambda m: swap[m.group(1)], s)

        paras = [p for p in text.split("\n\n") if p.strip()]
        head, body = paras[:1], paras[1:]
        rng.shuffle(body)
        varied = sub("\n\n".join(head + body))
        digest = content_hash(varied)
        if digest in seen:
            continue
        seen.add(digest)
        published = (dt.date.fromisoformat(meta["published"]) + dt.timedelta(days=rng.randrange(0, 365))).isoformat()
        i = len(out)
        out.append(SeedArticle(name=f"synthetic/{i:04d}_{meta['file']}", text=varied, published=published,
                               title=sub(meta.get("title", "")), outlet=meta.get("outlet", ""),
                               url=f"{meta.get('url') or 'https://news.example/seed'}#v{i}", id=f"v{i:04d}"))
    return out
