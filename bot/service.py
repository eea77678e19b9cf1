"""Use cases over a Store: the only place that combines extraction and storage.

Everything a chat command or the CLI does goes through ``Service``; it knows nothing of
Slack, Discord or terminals.  Expected failures raise ``CommandError`` with a message for
the user; nothing is written unless the whole change is valid.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain import Article, Claim, Event, Person, stable_id
from bot.errors import CommandError
from bot.extract.actors import gazetteer
from bot.extract.people import (
    PeopleDirectory,
    PersonEntry,
    directory_with,
    fold_name,
    person_id,
    strip_honorifics,
)
from bot.extract.text import BadInput, clean_text, decode_article
from bot.extract.topics import TopicQuery, content_words, topic_index
from bot.names import Who, closest, did_you_mean, find_person, spoke
from bot.relevance import Query, analyse, index_claim, relevance, tally
from store.base import Record, Store

STANCES = ("support", "oppose", "neutral")
EVENT_KINDS = ("dialogue", "summit", "meeting", "visit", "election", "negotiation", "policy", "deadline", "other")
MIXED_SHARE = 0.35  # "mixed" only when the weaker side holds this share of the weight
MIN_RELEVANCE = 0.5
SHORTLIST = 64  # candidates nearest the topic in meaning that are scored in full
READINGS_CACHE = 20000  # stance-model readings kept per process
MODEL_CANDIDATES = 8  # the best-ranked candidates the stance model reads
MIN_RETRIEVAL = 0.25  # a candidate ranked below this is not about the topic (bot.evidence scores)
ON_RECORD = 0.5  # a reading counts when the model gives one side at least this probability
ON_TOPIC = 0.6  # a candidate this much about the topic puts a neutral reading on record (see weigh)
TAU = 0.2  # retrieval scores this far below the best weigh 1/e as much
CONFIDENT = 0.6  # each side of a "mixed" answer needs one reading this sure
NO_STATE_WORDS = ("none", "no state", "nobody", "-", "stateless")  # /person set NAME none
ARTICLE_CACHE = 512  # articles whose analysed words /stance keeps (a few hundred words each)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # article ids
    skipped: list[str] = field(default_factory=list)  # already stored (same content)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    claims: int = 0
    events: int = 0


@dataclass
class StanceAnswer:
    actor: str
    actor_label: str
    topic: str
    stance: str  # support | oppose | mixed | none
    claims: list[dict[str, Any]]
    counts: dict[str, int]
    person: str = ""  # when the query named a person: only their statements

    def to_dict(self) -> dict[str, Any]:
        out = {"actor": self.actor, "actor_label": self.actor_label, "topic": self.topic,
               "stance": self.stance, "counts": self.counts, "claims": self.claims}
        if self.person:
            out["person"] = self.person
        return out


@dataclass
class Reading:
    """One candidate as the stance model read it."""

    candidate: Any  # bot.evidence.Candidate
    probs: dict[str, float]  # support, oppose, neutral, unrelated

    @property
    def side(self) -> str:
        """support, oppose or neutral: the likeliest of the three."""
        return max(STANCES, key=lambda k: self.probs.get(k, 0.0))


def weigh(readings: list[Reading]) -> tuple[str, list[Reading]]:
    """One label from the readings, and the readings to cite, best first.

    A reading shows a position when support or oppose is at least ON_RECORD; each weighs
    its side's probability times its retrieval weight, exp((score - best score) / TAU): a
    candidate much less about the topic than the best counts for little. No position at
    all: "none", unless a reading clearly about the topic (ON_TOPIC) puts the actor on record
    with no position, which leans "support" (worded as no clear position). Both sides with a confident reading and the weaker side at
    least MIXED_SHARE of the weight: "mixed". The cited readings are those the model does not
    call unrelated, ordered by rank weight times how much they bear on the actor's stance."""
    weights = {"support": 0.0, "oppose": 0.0}
    sure = {"support": 0.0, "oppose": 0.0}
    best = max((r.candidate.score for r in readings), default=0.0)
    for r in readings:
        if max(r.probs.get("support", 0.0), r.probs.get("oppose", 0.0)) < ON_RECORD:
            continue
        w = math.exp((r.candidate.score - best) / TAU)
        for k in weights:
            weights[k] += w * r.probs.get(k, 0.0)
            sure[k] = max(sure[k], r.probs.get(k, 0.0))
    total = weights["support"] + weights["oppose"]
    if total == 0 and any(r.probs.get("neutral", 0.0) >= ON_RECORD and r.candidate.score >= ON_TOPIC for r in readings):
        # on record about the topic with no position either way ("will hold talks on it"): an
        # actor that takes part leans toward support, weakly; bot/verdict.py words this as
        # "no clear position (N mentions)", since no cited claim supports or opposes
        label = "support"
    elif total == 0:
        label = "none"
    elif min(weights.values()) / total >= MIXED_SHARE and min(sure.values()) >= CONFIDENT:
        label = "mixed"
    else:
        label = max(weights, key=lambda k: weights[k])
    def bearing(r: Reading) -> float:
        return -(1.0 - r.probs.get("unrelated", 0.0)) * math.exp((r.candidate.score - best) / TAU)
    cited = sorted((r for r in readings if r.probs.get("unrelated", 0.0) < 0.5), key=bearing)
    return label, cited


@dataclass
class PendingArticle:
    """An article read from disk or chat, not yet extracted."""

    name: str
    text: str
    published: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    id: str = ""


def _iso_date(value: str, what: str = "date") -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError as e:
        raise CommandError(f"{what} {value!r} is not a date like 2024-05-27") from e


class Service:
    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self.gaz = gazetteer()
        self.topics = topic_index()
        self.listeners: list[Callable[[str], None]] = []  # told "events" / "subscriptions" on change
        self._table: Any = None  # bot.relevance_table.RelevanceTable, built by warm()
        self._columns = False  # warm() was called: a long-running process, worth the columns
        self._table_lock = threading.RLock()
        self._retriever: Any = None  # bot.evidence.Retriever, made on the first /stance
        self._vec_cache: dict[str, tuple[list[Record], Any]] = {}  # actor -> records, vectors (warm only)
        self._vec_token: object | None = None
        # (actor label, topic, sentence, mention) -> the stance model's probabilities
        self._readings: OrderedDict[tuple[str, str, str, str], dict[str, float]] = OrderedDict()

    def _changed(self, what: str) -> None:
        for listener in self.listeners:
            listener(what)

    # -- reading articles ---------------------------------------------------------------------
    def read_paths(self, paths: Iterable[str | Path], published: str | None = None) -> tuple[
            list[PendingArticle], list[tuple[str, str]]]:
        """Articles from files, folders, or folders with manifest.json; bad ones reported, not fatal."""
        pending: list[PendingArticle] = []
        failed: list[tuple[str, str]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                manifest = path / "manifest.json"
                if manifest.is_file():
                    self._read_manifest(manifest, published, pending, failed)
                else:
                    for f in sorted(path.iterdir()):
                        if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in (".txt", ".html", ".htm", ".md", ""):
                            self._read_file(f, published, pending, failed)
            elif path.is_file():
                self._read_file(path, published, pending, failed)
            else:
                failed.append((str(path), "no such file or folder"))
        return pending, failed

    def _read_manifest(self, manifest: Path, published: str | None, pending: list[PendingArticle],
                       failed: list[tuple[str, str]]) -> None:
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(entries, list):
                raise ValueError("a manifest must be a JSON list")
        except (ValueError, UnicodeDecodeError) as e:
            failed.append((str(manifest), f"unreadable manifest: {e}"))
            return
        for entry in entries:
            if not isinstance(entry, dict) or "file" not in entry:
                failed.append((str(manifest), f"manifest entry without a file: {entry!r}"[:200]))
                continue
            f = manifest.parent / entry["file"]
            try:
                date = _iso_date(entry.get("published") or published or "", "published")
            except CommandError as e:
                failed.append((str(f), e.message))
                continue
            self._read_file(f, date, pending, failed, meta=entry)

    def _read_file(self, f: Path, published: str | None, pending: list[PendingArticle],
                   failed: list[tuple[str, str]], meta: dict[str, Any] | None = None) -> None:
        meta = meta or {}
        try:
            data = f.read_bytes()
        except OSError as e:
            failed.append((str(f), f"cannot read: {e.strerror or e}"))
            return
        try:
            text = decode_article(data, f.name)
        except BadInput as e:
            failed.append((str(f), str(e)))
            return
        if not published:
            failed.append((str(f), "no publication date: give --published DATE or a manifest.json"))
            return
        pending.append(PendingArticle(
            name=str(f), text=text, published=published, title=meta.get("title") or _first_line(text),
            outlet=meta.get("outlet", ""), url=meta.get("url", ""), id=str(meta.get("id") or f.stem)))

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, pending: list[PendingArticle], who: str | None = None,
               progress: Callable[[int], None] | None = None, batch_size: int = 16) -> IngestReport:
        """Extract and store articles; each article is stored whole or not at all."""
        from bot.extract.pipeline import extract_many

        report = IngestReport()
        fresh: list[Article] = []
        seen_hashes: set[str] = set()
        for p in pending:
            art = Article(id=p.id or stable_id("a", p.text)[:12], title=p.title, published=p.published,
                          text=p.text, outlet=p.outlet, url=p.url, file=Path(p.name).name)
            if self.store.has_article(art.hash) or art.hash in seen_hashes:
                report.skipped.append(art.id)
                if progress:
                    progress(1)
                continue
            existing = self.store.get_article(art.id)
            if existing is not None:
                art.id = f"{art.id}-{art.hash[:6]}"  # same name, other content: keep both
            seen_hashes.add(art.hash)
            fresh.append(art)
        batch: list[tuple[Record, list[Record], list[Record], Record | None]] = []
        batch_events: dict[str, Record] = {}  # events of this batch, not yet in the store
        batch_people: dict[str, list[PersonEntry]] = {}  # article id -> the people it introduced
        directory = self.people_directory() if fresh else None

        def flush() -> None:
            if not batch:
                return
            if hasattr(self.store, "add_article_bundles"):
                stored = self.store.add_article_bundles(batch)  # one write for the batch
            else:
                stored = [self.store.add_article_bundle(*bundle) for bundle in batch]
            met: list[tuple[str, list[PersonEntry]]] = []
            for (art_rec, claims, events, _), ok in zip(batch, stored, strict=True):
                if ok:
                    report.added.append(art_rec["id"])
                    report.claims += len(claims)
                    report.events += len(events)
                    met.append((art_rec["id"], batch_people.get(art_rec["id"], [])))
                else:
                    report.skipped.append(art_rec["id"])
            self._keep_people(met)
            if progress:
                progress(len(batch))
            batch.clear()
            batch_events.clear()
            batch_people.clear()

        for ex in extract_many(fresh, batch_size=batch_size, people=directory):
            batch_people[ex.article.id] = ex.people
            art = ex.article
            claims = [self._with_source(c.to_dict(), art) for c in ex.claims]
            events = self._merge_events([e.to_dict() for e in ex.events], batch_events)
            batch_events.update((e["id"], e) for e in events)
            audit = self._audit(who, "ingest", "article", art.id, None, {"title": art.title, "claims": len(claims),
                                                                          "events": len(events)}) if who else None
            art_rec = art.to_dict()
            art_rec["words"] = analyse(art.text, self.gaz)  # what the article is about, for relevance
            batch.append((art_rec, claims, events, audit))
            if len(batch) >= batch_size:
                flush()
        flush()
        if report.events:
            self._changed("events")
        return report

    def ingest_text(self, text: str, published: str, title: str = "", url: str = "", who: str | None = None,
                    name: str = "pasted text") -> IngestReport:
        published = _iso_date(published, "publication date")
        try:
            clean = clean_text(text, name)
        except BadInput as e:
            raise CommandError(str(e)) from e
        pending = PendingArticle(name=name, text=clean, published=published, title=title or _first_line(clean),
                                 url=url, id=stable_id("a", clean))
        return self.ingest([pending], who=who)

    def ingest_bytes(self, data: bytes, published: str, name: str, who: str | None = None) -> IngestReport:
        published = _iso_date(published, "publication date")
        try:
            text = decode_article(data, name)
        except BadInput as e:
            raise CommandError(str(e)) from e
        return self.ingest([PendingArticle(name=name, text=text, published=published, title=_first_line(text),
                                           id=stable_id("a", text))], who=who)

    def _with_source(self, claim: Record, art: Article) -> Record:
        claim["source_title"] = art.title
        claim["source_url"] = art.url
        claim["outlet"] = art.outlet
        return self._indexed(claim)

    def _indexed(self, claim: Record) -> Record:
        return index_claim(claim, self.gaz, self.topics)

    def _merge_events(self, events: list[Record], pending: dict[str, Record] | None = None) -> list[Record]:
        """The same event named in several articles is one event with all its sources."""
        out = []
        for ev in events:
            same = self._same_event(ev, pending or {})
            for _ in range(5):  # an admin merged it into another: the sources go to that one
                if same is None or not same.get("merged_into"):
                    break
                same = self.store.get_event(same["merged_into"])
            if same is not None:
                merged = dict(same)
                known = {(s["article"], s["start"]) for s in merged.get("sources", [])}
                merged["sources"] = list(merged.get("sources", [])) + [
                    s for s in ev.get("sources", []) if (s["article"], s["start"]) not in known]
                merged["participants"] = sorted(set(merged.get("participants", [])) | set(ev.get("participants", [])))
                if not merged.get("place") and ev.get("place"):
                    merged["place"] = ev["place"]
                if _span_days(ev) < _span_days(merged) and _within(ev, merged):
                    # a later article names the day of what an earlier one put in a week or a
                    # window: the event takes the narrower time (and is reminded at it)
                    for key in ("start", "end", "precision", "approx", "timex"):
                        merged[key] = ev.get(key)
                out.append(merged)
            else:
                out.append(ev)
        return out

    def _same_event(self, ev: Record, pending: dict[str, Record]) -> Record | None:
        if not ev.get("start"):
            return None
        day = ev["start"][:10]
        stored = {e["id"]: e for e in self.store.events(start_from=day, start_to=day)}
        stored.update((i, e) for i, e in pending.items() if e.get("start", "")[:10] == day)
        for other in stored.values():
            if other["id"] == ev["id"]:
                return other
        # the same event in a wider or narrower time: "talks next week" and "talks on Tuesday"
        lo = (dt.date.fromisoformat(day) - dt.timedelta(days=MAX_EVENT_SPAN)).isoformat()
        nearby = {e["id"]: e for e in self.store.events(start_from=lo, start_to=_last_iso(ev))}
        nearby.update((i, e) for i, e in pending.items() if lo <= e.get("start", "")[:10] <= _last_iso(ev))
        for other in list(stored.values()) + [e for i, e in nearby.items() if i not in stored]:
            if other.get("status") == "cancelled" and not other.get("merged_into"):
                continue
            if other["kind"] != ev["kind"] or not (_within(ev, other) or _within(other, ev)):
                continue
            if other.get("precision") == ev.get("precision") and other["start"][:10] != day:
                continue
            shared = set(other.get("participants", [])) & set(ev.get("participants", []))
            title_overlap = set(content_words(other["title"])) & set(content_words(ev["title"]))
            if shared and (len(title_overlap) >= 2 or (other.get("place") and other.get("place") == ev.get("place"))):
                return other
        return None

    # -- queries ----------------------------------------------------------------------------------
    def resolve_actor(self, query: str) -> str:
        """The actor id a query names; a person names the actor they speak for."""
        actor = self.gaz.resolve(query)
        if actor is None:
            actor = self.resolve_who(query).actor  # raises the message with its suggestions
        return actor

    # people and names: what a user meant (bot/names.py) ------------------------------------------
    def people_as_actors(self) -> list[PersonEntry]:
        """Everyone who can stand for an actor: the people directory (admins' corrections, the
        curated office holders and the gazetteer's people, the people learned from articles)
        with the state or bloc each speaks for."""
        return [p for p in self.people_directory() if p.actor]

    def resolve_who(self, query: str) -> Who:
        """An actor ("japan", "Tokyo") or a person ("Xi Jinping", "trump"): a person answers
        with their own statements, labelled with their country."""
        actor = self.gaz.resolve(query)
        if actor is not None:
            return Who(actor, self.gaz.label(actor))
        person = find_person(query, self.people_directory())
        if person is not None and person.actor:
            return Who(person.actor, f"{person.name} ({self.gaz.label(person.actor)})", person)
        if person is not None:
            raise CommandError(f"{person.name} speaks for no state I know of, so there is no actor to answer for. "
                               "`/actors` lists the people quoted; an admin can give a country with /person set.")
        raise CommandError(self.unknown_actor_message(query))

    def unknown_actor_message(self, query: str) -> str:
        hint = did_you_mean(self.suggest_actors(query))
        return (f"I don't know the actor {query!r}. " + (hint + " " if hint else "")
                + "Try a country, capital, bloc or person (japan, Tokyo, eu, Xi Jinping): "
                "`/help actors` lists them.")

    def suggest_actors(self, query: str, n: int = 3) -> list[str]:
        """Actor and people names close to a mistyped ``query``, those with claims first."""
        choices: dict[str, str] = {}
        for aid, a in self.gaz.actors.items():
            label = a.get("name", aid)
            for form in (aid, aid.replace("-", " "), label, *a.get("aliases", []), *a.get("capitals", []),
                         *a.get("demonyms", [])):
                choices.setdefault(form, label)
        for p in self.people_as_actors():
            for form in (p.name, *p.all_forms()):  # "Lee" of "Lee Jae-myung", not "Jae-myung"
                choices.setdefault(form, p.name)
        with_claims = [self.gaz.label(a) for a in self.store.actor_counts()]
        return closest(query, choices, n=n, prefer=with_claims)

    def suggest_topics(self, query: str, n: int = 3) -> list[str]:
        """Topic names close to a mistyped ``query``, those with claims first."""
        choices: dict[str, str] = {}
        for t in self.topics.topics.values():
            for form in (t.id, t.id.replace("-", " "), t.label, *t.synonyms):
                choices.setdefault(form, t.label)
        counts = self.store.topic_counts()
        with_claims = [t.label for t in self.topics.topics.values() if counts.get(t.id)]
        return closest(query, choices, n=n, prefer=with_claims)

    def stance(self, actor_query: str, topic_query: str, limit: int = 10) -> StanceAnswer:
        """The actor's stance on the topic: its records ranked by meaning and words
        (bot.evidence), the best few read by the stance model (bot.stance_model), the
        readings weighed into one label (``weigh``)."""
        if not topic_query.strip():
            raise CommandError("Which topic? For example: `/stance japan rare-earths`")
        who = self.resolve_who(actor_query)
        actor = who.actor
        tq = self.topics.query(topic_query)
        if not tq.words and not tq.ids:
            raise CommandError(f"{topic_query!r} has no words I can search for.")
        records, matrix = self._candidates(actor)
        if who.person is not None:  # a person's own statements
            keep = [i for i, c in enumerate(records)
                    if spoke(who.person, str((c.get("speaker") or {}).get("name") or ""))]
            records, matrix = [records[i] for i in keep], matrix[keep]
        # the records nearest the topic in meaning, and those its words or topic ids find
        near = set(self.retriever.shortlist(topic_query, matrix, SHORTLIST))
        ids = {c["id"]: i for i, c in enumerate(records)}
        lexical_of = self._lexical(actor, tq)
        near.update(i for i in (ids.get(cid) for cid in lexical_of) if i is not None)
        pick = sorted(near)
        records, matrix = [records[i] for i in pick], matrix[pick]
        lexical = [lexical_of.get(c["id"], 0.0) for c in records]
        filed = [bool(tq.ids & set(c.get("topics") or ())) for c in records]
        titles = [self._title_of(c) for c in records]
        ranked = [c for c in self.retriever.rank(topic_query, records, lexical, filed, titles, matrix)[:MODEL_CANDIDATES]
                  if c.score >= MIN_RETRIEVAL]
        readings = self._read(who.label if who.person is None else self.gaz.label(actor), topic_query, ranked)
        label, cited = weigh(readings)
        counts = {k: sum(1 for r in cited if r.side == k) for k in STANCES}
        shown = [self._cite(r.candidate.record, r.side, r, topic_query) for r in cited[:limit if limit >= 0 else None]] \
            if label != "none" else []
        return StanceAnswer(actor, who.label, topic_query, label, shown, counts,
                            person=who.person.name if who.person else "")

    @property
    def retriever(self) -> Any:
        if self._retriever is None:
            from bot.evidence import Retriever  # onnxruntime: loaded on the first /stance
            self._retriever = Retriever()
        return self._retriever

    def _lexical(self, actor: str, tq: TopicQuery) -> dict[str, float]:
        """Claim id -> lexical relevance (bot.relevance) of the actor's records that reach
        MIN_RELEVANCE: from the columns in a warm process (bot.relevance_table, the same
        numbers for thousands of candidates at once), else claim by claim."""
        table = self._relevance_table()
        if table is not None:
            with self._table_lock:
                top = table.score(actor, Query.prepare(tq, self.gaz), self._article_words, MIN_RELEVANCE, -1).top
        else:
            top = tally(self._relevant(actor, tq)).top
        # the rank of bot.relevance.tally: relevance, plus 0.25 when the rules read a stance
        return {c["id"]: rank for rank, c, _ in top}

    def _relevant(self, actor: str, tq: TopicQuery) -> list[tuple[float, Record, str]]:
        """The loop that defines lexical relevance: candidates from the store's topic and word
        indexes, each scored by ``bot.relevance.relevance``; those below MIN_RELEVANCE dropped."""
        cands: dict[str, Record] = {}
        if tq.ids:
            for c in self.store.claims(actor=actor, topics=sorted(tq.ids)):
                cands[c["id"]] = c
        words = sorted(set(tq.words) | tq.head_alts)
        if words:
            for c in self.store.claims(actor=actor, words=words):
                cands[c["id"]] = c
        out = []
        q = Query.prepare(tq, self.gaz)
        for c in cands.values():
            rel, stance = relevance(c, q, self.gaz, self.topics, self._article_words)
            if rel >= MIN_RELEVANCE:
                out.append((rel, c, stance))
        return out

    def _candidates(self, actor: str) -> tuple[list[Record], Any]:
        """The actor's stored records (not retracted) and their vectors as one matrix. A
        long-running process (``warm()``) keeps them per actor while the store's claims do
        not change (``claim_feed``); one-shot commands read them from the store."""
        feed = getattr(self.store, "claim_feed", None)
        if not self._columns or feed is None or not getattr(self.store, "loaded", True):
            records = self.store.claims(actor=actor)
            return records, self.retriever.record_vectors(records)
        with self._table_lock:
            token, full, changes = feed(self._vec_token)
            if full is not None or changes:
                self._vec_cache.clear()
            self._vec_token = token
            hit = self._vec_cache.get(actor)
            if hit is None:
                records = self.store.claims(actor=actor)
                hit = self._vec_cache[actor] = (records, self.retriever.record_vectors(records))
            return hit

    def _read(self, actor_label: str, topic: str, ranked: list[Any]) -> list[Reading]:
        """The stance model's reading of each candidate; an admin's claim keeps the stance
        the admin gave it."""
        model_items, at = [], []
        out: list[Reading] = []
        for c in ranked:
            rec = c.record
            if rec.get("origin") == "admin":
                side = rec.get("stance") if rec.get("stance") in STANCES else "neutral"
                out.append(Reading(c, {k: float(k == side) for k in (*STANCES, "unrelated")}))
                continue
            at.append(len(out))
            out.append(Reading(c, {}))
            model_items.append((actor_label, topic, str(rec.get("sentence") or rec.get("quote") or ""),
                                self._mention_of(rec)))
        if model_items:
            from bot.stance_model import LABELS, StanceModel
            cache = self._readings
            keys = [(a, t.lower(), sent, m) for a, t, sent, m in model_items]
            todo = [k for k in dict.fromkeys(keys) if k not in cache]
            if todo:
                for k, row in zip(todo, StanceModel.shared().probs(todo), strict=True):
                    cache[k] = {lab: float(p) for lab, p in zip(LABELS, row, strict=True)}
                while len(cache) > READINGS_CACHE:
                    cache.popitem(last=False)
            stack = StanceModel.shared().stack
            for i, k in zip(at, keys, strict=True):
                probs = cache[k]
                if stack is not None:  # weighed with the extractor's own reading of the record
                    rec = out[i].candidate.record
                    row = stack.probs([probs[lab] for lab in LABELS],
                                      {"stance": rec.get("stance"), "kind": rec.get("kind", "statement")})
                    probs = {lab: float(p) for lab, p in zip(LABELS, row, strict=True)}
                out[i].probs = probs
        return out

    def _mention_of(self, rec: Record) -> str:
        """The words of the sentence that stand for the actor: the speaker's mention, else
        the first name of the actor the gazetteer finds."""
        sentence = str(rec.get("sentence") or "")
        mention = str((rec.get("speaker") or {}).get("mention") or "")
        if mention and mention in sentence:
            return mention
        for m in self.gaz.find(sentence):
            if m.actor == rec.get("actor"):
                return m.text
        return ""

    def _title_of(self, rec: Record) -> str:
        title = rec.get("source_title")
        if title:
            return str(title)
        cache: OrderedDict[str, str] = self.__dict__.setdefault("_title_cache", OrderedDict())
        art_id = str(rec.get("article") or "")
        if art_id not in cache:
            cache[art_id] = str((self.store.get_article(art_id) or {}).get("title") or "") if art_id else ""
            if len(cache) > ARTICLE_CACHE:
                cache.popitem(last=False)
        return cache[art_id]

    def _relevance_table(self) -> Any:
        """The claims as columns (bot.relevance_table), in step with the store, in a process
        that called ``warm()`` (building them costs more than a few queries: not for one-shot
        commands), when the store holds its claims in memory and has a change feed; else
        None (score claim by claim)."""
        feed = getattr(self.store, "claim_feed", None)
        if not self._columns or feed is None or not getattr(self.store, "loaded", True):
            return None
        with self._table_lock:
            if self._table is None:
                from bot.relevance_table import RelevanceTable  # numpy: not for one-shot commands
                self._table = RelevanceTable(self.gaz, self.topics)
            if self._table.sync(feed):
                self._table.index_articles(
                    (a["id"], a["words"] if a.get("words") is not None else analyse(a.get("text", ""), self.gaz))
                    for a in self.store.articles())
            return self._table

    def warm(self) -> None:
        """Build what queries need now, and keep it up to date from then on (a long-running
        process calls this at start-up, after ``store.preload()``)."""
        self._columns = True
        self._relevance_table()
        from bot.stance_model import StanceModel
        StanceModel.shared()  # the models load at start-up, not on the first /stance (~0.6 s)

    def _article_words(self, article_id: str) -> set[str]:
        """The analysed words of a stored article (older stores: analysed here); the last
        ARTICLE_CACHE articles asked for are kept."""
        cache: OrderedDict[str, set[str]] = self.__dict__.setdefault("_aw_cache", OrderedDict())
        words = cache.get(article_id)
        if words is not None:
            cache.move_to_end(article_id)
            return words
        art = self.store.get_article(article_id) or {}
        found = art.get("words")
        words = cache[article_id] = set(found if found is not None else analyse(art.get("text", ""), self.gaz))
        if len(cache) > ARTICLE_CACHE:
            cache.popitem(last=False)
        return words

    def _cite(self, claim: Record, stance: str, reading: Reading | None = None, topic: str = "") -> dict[str, Any]:
        out = {
            "id": claim["id"], "actor": claim["actor"], "stance": stance, "claim_stance": claim.get("stance"),
            "quote": claim.get("quote", ""), "text": claim.get("quote", ""), "sentence": claim.get("sentence", ""),
            "speaker": claim.get("speaker"), "role": claim.get("role", ""), "cue": claim.get("cue"), "target": claim.get("target", ""),
            "topics": claim.get("topics", []), "article": claim.get("article"), "published": claim.get("published"),
            "title": claim.get("source_title", ""), "outlet": claim.get("outlet", ""), "url": claim.get("source_url", ""),
            "confidence": claim.get("confidence"), "origin": claim.get("origin", "extracted"),
            "kind": claim.get("kind", "statement"),
        }
        if reading is not None:
            # how sure the stance model is of this claim's side, and what it read (an admin's
            # claim keeps the confidence the admin gave it)
            if claim.get("origin") != "admin":
                out["confidence"] = round(reading.probs.get(stance, 0.0), 3)
            out["probabilities"] = {k: round(v, 3) for k, v in reading.probs.items()}
            out["relevance"] = round(reading.candidate.score, 3)
            # the side is the model's reading toward the topic asked, not toward the claim's
            # own object phrase (kept as claim_target)
            out["claim_target"], out["target"] = out["target"], " ".join(topic.replace("-", " ").split())
        return out

    def claims(self, actor: str | None = None, topic: str | None = None, text: str | None = None,
               include_retracted: bool = False, limit: int | None = None, kind: str = "statement") -> list[Record]:
        """Claims by ``actor``, on ``topic``, saying ``text``; the one to show first comes last.

        ``text``: words the quote or sentence holds.  A store with a full-text search of
        its own (``store.base.SearchableStore``: PostgreSQL) answers it, stemming and
        ranking as it does: the list runs from the weakest match to the best.  Elsewhere
        every content word of ``text`` must be among the claim's indexed words, and the
        list is by date, oldest first, as it is without ``text``.  Either way the chat
        command lists it from the end (newest, or best, first).  ``limit``: only the
        last ``limit`` (the newest, or the best matches).  ``kind``: "statement" (what a
        speaker said: the default), "action" (a sentence naming the actor, kept as /stance
        evidence) or "all".
        """
        found = self._claims(actor, topic, text, include_retracted, None)
        if kind != "all":
            found = [c for c in found if c.get("kind", "statement") == kind]
        return found if limit is None else found[-limit:] if limit > 0 else []

    def _claims(self, actor: str | None, topic: str | None, text: str | None, include_retracted: bool,
                limit: int | None) -> list[Record]:
        who = self.resolve_who(actor) if actor else None
        actor_id = who.actor if who else None
        topics = None
        words = None
        if topic:
            tq = self.topics.query(topic)
            topics = sorted(tq.ids) or None
            words = None if topics else tq.words
        if limit is not None and limit <= 0:
            return []
        if text:
            self._check_search_text(text)
            search = getattr(self.store, "search_claims", None)
            if search is not None:
                if who is not None and who.person is not None:  # the best of that person's own
                    ranked = _by_person(search(text, actor_id, None, include_retracted, topics=topics,
                                               words=words), who)
                    ranked = ranked if limit is None else ranked[:limit]
                else:
                    ranked = search(text, actor_id, limit, include_retracted, topics=topics, words=words)
                return ranked[::-1]
        need = set(content_words(text)) if text else set()
        # the topic's words (when it names no topic id) still filter, as without text
        found = self._find_claims(actor_id, topics, words or sorted(need) or None, include_retracted)
        if need:
            found = [c for c in found if need <= set(c.get("words", []))]
        found = _by_person(found, who)
        found = sorted(found, key=lambda c: (c.get("published", ""), c.get("article", ""), c.get("start", 0)))
        return found if limit is None else found[-limit:]

    def _find_claims(self, actor: str | None, topics: list[str] | None, words: Iterable[str] | None,
                     include_retracted: bool) -> list[Record]:
        """``Store.claims``, answered from the /stance columns when there are some (word
        queries then need no word index in the store)."""
        table = self._relevance_table() if words else None
        if table is None:
            return self.store.claims(actor=actor, topics=topics, words=words, include_retracted=include_retracted)
        with self._table_lock:
            return table.find(actor, topics, list(words or ()), include_retracted)

    #: the longest ``/claims`` text searched for (a few words of a quote, not an article)
    SEARCH_TEXT_MAX = 500

    def _check_search_text(self, text: str) -> None:
        """Refuse, with a message, text that cannot be searched for: every backend then
        answers the same (a search of no words would match nothing on one, all on another)."""
        if len(text) > self.SEARCH_TEXT_MAX:
            raise CommandError(f"That text is too long to search for ({len(text)} characters): give a few "
                               f"words of the quote or sentence, at most {self.SEARCH_TEXT_MAX} characters.")
        if not content_words(text):
            raise CommandError(f"{text!r} has no words I can search for: give a word or two of the quote "
                               "or sentence, e.g. `/claims text=tariffs`.")

    def events(self, scope: str = "upcoming", actor: str | None = None, kind: str | None = None,
               today: dt.date | None = None, after: str | None = None) -> list[Record]:
        today = today or self.clock().date()
        if kind and kind not in EVENT_KINDS:
            raise CommandError(f"unknown event kind {kind!r}; one of: {', '.join(EVENT_KINDS)}")
        if scope not in ("upcoming", "past", "all"):
            raise CommandError(f"the scope is upcoming, past or all, not {scope!r}")
        actor_id = self.resolve_who(actor).actor if actor else None
        start_from = after or (today.isoformat() if scope == "upcoming" else None)
        start_to = (today - dt.timedelta(days=1)).isoformat() if scope == "past" else None
        evs = self.store.events(start_from=start_from, start_to=start_to, include_cancelled=scope != "upcoming")
        if scope == "past":
            # what is over: a range or month that has begun but not ended is still coming up
            evs = [e for e in evs if _last_iso(e) < today.isoformat()]
        if scope == "upcoming":
            # a range or month that has begun but not ended is still coming up
            evs = evs + [e for e in self.store.events(start_to=today.isoformat(), include_cancelled=False)
                         if e.get("end") and e["end"][:10] >= today.isoformat() and e not in evs]
            evs = [e for e in evs if e.get("status") != "cancelled"]
        if actor_id:
            evs = [e for e in evs if actor_id in e.get("participants", [])]
        if kind:
            evs = [e for e in evs if e.get("kind") == kind]
        evs = sorted(evs, key=lambda e: (e.get("start", ""), e.get("title", "")))
        return evs[::-1] if scope == "past" else evs  # the latest past event first

    def sources(self) -> list[Record]:
        return sorted(self.store.articles(), key=lambda a: (a.get("published", ""), a.get("id", "")))

    def actors(self) -> list[dict[str, Any]]:
        counts = self.store.actor_counts()
        return sorted(({"id": a, "name": self.gaz.label(a), "claims": n} for a, n in counts.items() if a),
                      key=lambda x: (-x["claims"], x["id"]))

    def topic_list(self) -> list[dict[str, Any]]:
        counts = self.store.topic_counts()
        return [{"id": t.id, "label": t.label, "claims": counts.get(t.id, 0)} for t in self.topics.topics.values()]

    # -- people -------------------------------------------------------------------------------------
    def people_directory(self) -> PeopleDirectory:
        """The curated office holders with the people of the store (learned, corrected by admins)."""
        return directory_with(self.store.people())

    def _keep_people(self, met: list[tuple[str, list[PersonEntry]]]) -> None:
        """Store the people stored articles introduced: a later article reuses them.  What an
        admin set is kept; a country read from a title replaces one read before."""
        if not any(found for _, found in met):
            return
        stored = {p["id"]: p for p in self.store.people()}
        changed: dict[str, Record] = {}
        now = self.clock().isoformat()
        for article, found in met:
            for entry in found:
                pid = entry.id
                old = changed.get(pid) or stored.get(pid)
                rec = dict(old) if old else Person(id=pid, name=entry.name, actor=entry.actor, role=entry.role,
                                                   source="learned", evidence=entry.evidence).to_dict()
                if old and rec.get("source") != "admin" and entry.evidence and (entry.actor or not rec.get("actor")):
                    rec.update(actor=entry.actor, evidence=entry.evidence)
                if entry.role and (not rec.get("role") or rec.get("source") != "admin"):
                    rec["role"] = entry.role
                arts = list(rec.get("articles") or [])
                if article not in arts:
                    arts.append(article)
                rec["articles"] = arts
                rec["updated"] = now
                changed[pid] = rec
        self.store.put_people(list(changed.values()))

    def people(self, query: str | None = None) -> list[dict[str, Any]]:
        """The people the store knows, with their country and title; ``query`` filters by a
        country ("japan") or by words of the name."""
        rows = self.store.people()
        q = (query or "").strip()
        if q:
            actor = self.gaz.resolve(q)
            key = fold_name(q)
            if actor:
                rows = [r for r in rows if r.get("actor") == actor]
            else:
                rows = [r for r in rows if key in fold_name(str(r.get("name", "")))]
        out = [{"id": r["id"], "name": r.get("name", ""), "actor": r.get("actor", ""),
                "actor_label": self.gaz.label(r["actor"]) if r.get("actor") else "",
                "role": r.get("role", ""), "source": r.get("source", "learned"), "evidence": r.get("evidence", ""),
                "articles": len(r.get("articles") or [])} for r in rows]
        return sorted(out, key=lambda r: (-r["articles"], r["name"]))

    def set_person(self, name: str, country: str, who: str) -> dict[str, Any]:
        """An admin's correction of the state a person speaks for ("none": no state); applied
        to the claims already stored and to every later article."""
        name = " ".join(strip_honorifics(name.strip()).split())
        if not name or len(name) > 120:
            raise CommandError("give the person's name, e.g. /person set \"Anna Berg\" netherlands")
        low = country.strip().lower()
        actor = "" if low in NO_STATE_WORDS else self.resolve_actor(country)
        stored = {p["id"]: p for p in self.store.people()}
        known = self.people_directory().find(name)
        canonical = known.name if known is not None else name
        pid = person_id(canonical)
        before = stored.get(pid)
        rec = dict(before) if before else Person(id=pid, name=canonical, actor=actor,
                                                 role=known.role if known else "").to_dict()
        rec.update(actor=actor, source="admin", evidence="admin", updated=self.clock().isoformat())
        claims = self._claims_of_person(canonical, rec.get("articles") or [])
        changed = []
        for c in claims:
            if c.get("actor") != actor or c.get("actor_evidence") != "admin":
                after = dict(c, actor=actor, actor_evidence="admin")
                changed.append(self._indexed(after))
        audit = self._audit(who, "person.set", "person", pid, before,
                            {"person": rec, "claims": [c["id"] for c in changed]})
        self.store.put_people([rec], changed, audit)
        return {"person": rec, "claims": len(changed), "label": self.gaz.label(actor) if actor else "no state"}

    def _claims_of_person(self, name: str, articles: Iterable[str]) -> list[Record]:
        """The claims whose speaker is ``name``: found by the articles the person was met in
        (indexed), so a correction never scans the whole store."""
        key = fold_name(name)
        out = []
        for art in dict.fromkeys(articles):
            for c in self.store.claims(article=art, include_retracted=True):
                sp = c.get("speaker") or {}
                if isinstance(sp, dict) and sp.get("kind", "person") == "person" and fold_name(str(sp.get("name", ""))) == key:
                    out.append(c)
        return out

    # -- admin --------------------------------------------------------------------------------------
    def _audit(self, who: str | None, action: str, kind: str, target: str, before: Any, after: Any) -> Record:
        now = self.clock().isoformat()
        return {"id": stable_id("audit", now, who, action, target, os.urandom(4).hex()), "at": now,
                "who": who or "system", "action": action, "kind": kind, "target": target,
                "before": before, "after": after}

    # -- the review queue: readers flag claims, admins fix them or dismiss the flag ------------------
    FLAG_REASON_MAX = 500

    def flag_claim(self, claim_id: str, who: str, reason: str = "") -> Record:
        """File a reader's report that a claim is wrong: an audit record ``claim.flag`` (the
        review queue), never a change to the claim, whoever flags it."""
        claim = self.store.get_claim(claim_id)
        if claim is None:
            raise CommandError(f"There is no claim {claim_id!r}.")
        if claim.get("retracted"):
            raise CommandError("That claim is retracted already.")
        if any(r["who"] == who for r in self.flags().get(claim_id, [])):
            raise CommandError("You flagged this claim already; an admin will look at it.")
        reason = " ".join(reason.split())[:self.FLAG_REASON_MAX]
        record = self._audit(who, "claim.flag", "claim", claim_id, None,
                             {"reason": reason, "quote": str(claim.get("quote") or "")[:200]})
        self.store.add_audit(record)
        return record

    def flags(self) -> dict[str, list[Record]]:
        """Open flags by claim id, oldest claim first: a flag is closed by an admin's edit or
        retraction of the claim after it, or by dismissing it."""
        open_flags: dict[str, list[Record]] = {}
        for rec in self.store.audit_log():
            action, target = rec.get("action"), rec.get("target")
            if action == "claim.flag":
                open_flags.setdefault(target, []).append(rec)
            elif action in ("claim.edit", "claim.retract", "claim.flag.dismiss"):
                open_flags.pop(target, None)
        return open_flags

    def flag_counts(self) -> dict[str, int]:
        return {cid: len(recs) for cid, recs in self.flags().items()}

    def dismiss_flags(self, claim_id: str, who: str, reason: str = "") -> int:
        """Close a claim's open flags (the claim is right as it is); how many were open."""
        recs = self.flags().get(claim_id, [])
        if not recs:
            raise CommandError(f"Claim {claim_id!r} has no open flags.")
        self.store.add_audit(self._audit(who, "claim.flag.dismiss", "claim", claim_id, None,
                                         {"reason": " ".join(reason.split())[:self.FLAG_REASON_MAX],
                                          "flags": len(recs)}))
        return len(recs)

    def add_claim(self, fields: dict[str, Any], who: str) -> Record:
        actor = self.resolve_actor(str(fields.get("actor", "")))
        topic = str(fields.get("topic", "")).strip()
        statement = str(fields.get("statement", "")).strip()
        stance = str(fields.get("stance", "")).strip().lower()
        if stance not in STANCES:
            raise CommandError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
        if not topic or not statement:
            raise CommandError("a claim needs a topic and a statement")
        date = _iso_date(fields.get("date") or self.clock().date().isoformat())
        speaker = str(fields.get("speaker", "")).strip()
        tq = self.topics.query(topic)
        claim = Claim(
            id=stable_id("c", "admin", actor, topic, statement, date), actor=actor, cue="stated",
            quote=statement, sentence=statement, start=0, end=len(statement),
            article=str(fields.get("source_title") or "admin"), published=date, stance=stance,  # type: ignore[arg-type]
            target=topic, topics=sorted(set(tq.ids) | set(self.topics.match(statement))),
            targets=[{"text": topic, "stance": stance}],
            speaker={"name": speaker, "mention": speaker, "kind": "person"} if speaker else None,
            confidence=0.9, extractor="admin", origin="admin",
            source_title=str(fields.get("source_title", "")), source_url=str(fields.get("source_url", "")),
        ).to_dict()
        self._indexed(claim)
        if self.store.get_claim(claim["id"]) is not None:
            raise CommandError(f"that claim exists already as {claim['id']}")
        self.store.put_claim(claim, self._audit(who, "claim.add", "claim", claim["id"], None, claim))
        return claim

    def edit_claim(self, claim_id: str, changes: dict[str, Any], who: str) -> Record:
        before = self.store.get_claim(claim_id)
        if before is None:
            raise CommandError(f"no claim {claim_id!r}")
        allowed = {"actor", "topic", "stance", "statement", "speaker", "source_title", "source_url", "date"}
        unknown = set(changes) - allowed
        if unknown:
            raise CommandError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(sorted(allowed))}")
        after = dict(before)
        if "actor" in changes:
            after["actor"] = self.resolve_actor(str(changes["actor"]))
        if "stance" in changes:
            s = str(changes["stance"]).lower()
            if s not in STANCES:
                raise CommandError(f"stance must be one of {', '.join(STANCES)}")
            after["stance"] = s
            after["targets"] = [dict(t, stance=s) for t in after.get("targets", [])] or [{"text": after.get("target", ""), "stance": s}]
        if "statement" in changes:
            after["quote"] = str(changes["statement"])
        if "topic" in changes:
            after["target"] = str(changes["topic"])
            after["topics"] = sorted(self.topics.query(after["target"]).ids)
        if "speaker" in changes:
            after["speaker"] = {"name": changes["speaker"], "mention": changes["speaker"], "kind": "person"}
        if "date" in changes:
            after["published"] = _iso_date(str(changes["date"]))
        for k in ("source_title", "source_url"):
            if k in changes:
                after[k] = str(changes[k])
        self._indexed(after)
        after["edited_by"] = who
        self.store.put_claim(after, self._audit(who, "claim.edit", "claim", claim_id, before, after))
        return after

    def retract_claim(self, claim_id: str, reason: str, who: str) -> Record:
        before = self.store.get_claim(claim_id)
        if before is None:
            raise CommandError(f"no claim {claim_id!r}")
        if not reason.strip():
            raise CommandError("say why the claim is retracted: `/claim retract ID REASON`")
        if before.get("retracted"):
            raise CommandError(f"claim {claim_id} is already retracted")
        after = dict(before, retracted=True, retract_reason=reason.strip())
        self.store.put_claim(after, self._audit(who, "claim.retract", "claim", claim_id, before, after))
        return after

    def add_event(self, fields: dict[str, Any], who: str) -> Record:
        title = str(fields.get("title", "")).strip()
        if not title:
            raise CommandError("an event needs a title")
        kind = str(fields.get("kind") or "other").lower()
        if kind not in EVENT_KINDS:
            raise CommandError(f"kind must be one of {', '.join(EVENT_KINDS)}")
        when = str(fields.get("start") or fields.get("date") or "")
        end = None
        approx = ""
        window = _window_of(when)
        if window is not None:
            start, end, approx = window
            precision = "window"
        else:
            start, precision = _parse_when(when)
        if window is None and fields.get("end"):
            end, _ = _parse_when(str(fields["end"]))
            if end < start:
                raise CommandError("the event ends before it starts")
        participants = [self.resolve_actor(a) for a in _split_list(fields.get("participants") or fields.get("actors"))]
        ev = Event(id=stable_id("e", "admin", title, start), title=title, kind=kind, start=start, end=end,
                   precision=precision, article=str(fields.get("source_title") or "admin"), evidence=title,
                   place=str(fields.get("place", "")), participants=participants,
                   sources=[{"article": "admin", "sentence": title, "start": 0, "end": 0,
                             "published": self.clock().date().isoformat(), "url": fields.get("source_url", "")}],
                   upcoming=start >= self.clock().date().isoformat(), origin="admin", extractor="admin",
                   approx=approx).to_dict()
        self.store.put_event(ev, self._audit(who, "event.add", "event", ev["id"], None, ev))
        self._changed("events")
        return ev

    def edit_event(self, event_id: str, changes: dict[str, Any], who: str) -> Record:
        before = self.store.get_event(event_id)
        if before is None:
            raise CommandError(f"no event {event_id!r}")
        allowed = {"title", "kind", "start", "end", "place", "participants"}
        unknown = set(changes) - allowed
        if unknown:
            raise CommandError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(sorted(allowed))}")
        after = dict(before)
        if "title" in changes:
            after["title"] = str(changes["title"])
        if "kind" in changes:
            if changes["kind"] not in EVENT_KINDS:
                raise CommandError(f"kind must be one of {', '.join(EVENT_KINDS)}")
            after["kind"] = changes["kind"]
        if "start" in changes:
            window = _window_of(str(changes["start"]))
            if window is not None:
                after["start"], after["end"], after["approx"] = window
                after["precision"] = "window"
            else:
                after["start"], after["precision"] = _parse_when(str(changes["start"]))
                after["approx"] = ""
                if after.get("precision") != "day" and "end" not in changes:
                    after["end"] = None  # a month or a week has no end of its own
        if "end" in changes:
            after["end"] = _parse_when(str(changes["end"]))[0] if changes["end"] else None
        if after.get("end") and after["end"] < after["start"]:
            raise CommandError("the event ends before it starts")
        if "place" in changes:
            after["place"] = str(changes["place"])
        if "participants" in changes:
            after["participants"] = [self.resolve_actor(a) for a in _split_list(changes["participants"])]
        after["edited_by"] = who
        self.store.put_event(after, self._audit(who, "event.edit", "event", event_id, before, after))
        self._changed("events")
        return after

    def merge_events(self, keep_id: str, other_id: str, who: str) -> Record:
        """Two records of one event: KEEP takes OTHER's sources and parties, OTHER is closed
        as merged into KEEP (kept, and in the audit log, like a cancelled event)."""
        if keep_id == other_id:
            raise CommandError("give two different events: `/event merge KEEP OTHER`")
        keep, other = self.store.get_event(keep_id), self.store.get_event(other_id)
        for eid, ev in ((keep_id, keep), (other_id, other)):
            if ev is None:
                raise CommandError(f"no event {eid!r}")
            if ev.get("merged_into"):
                raise CommandError(f"event {eid} was merged into {ev['merged_into']} already")
        assert keep is not None and other is not None
        if keep.get("status") == "cancelled":
            raise CommandError(f"event {keep_id} is cancelled: keep the other one, `/event merge {other_id} {keep_id}`")
        after = dict(keep)
        def key(src: Record) -> tuple[Any, ...]:
            return src.get("article"), src.get("start"), src.get("sentence")

        known = {key(src) for src in keep.get("sources", [])}
        after["sources"] = list(keep.get("sources", [])) + [
            src for src in other.get("sources", []) if key(src) not in known]
        after["participants"] = sorted(set(keep.get("participants", [])) | set(other.get("participants", [])))
        if not after.get("place") and other.get("place"):
            after["place"] = other["place"]
        after["merged_from"] = sorted(set(keep.get("merged_from", [])) | {other_id})
        after["edited_by"] = who
        closed = dict(other, status="cancelled", merged_into=keep_id, cancel_reason=f"merged into {keep_id}",
                      edited_by=who)
        # KEEP first: were the second write lost, merging again finds OTHER open and adds nothing twice
        self.store.put_event(after, self._audit(who, "event.merge", "event", keep_id, keep, after))
        self.store.put_event(closed, self._audit(who, "event.merge", "event", other_id, other, closed))
        self._changed("events")
        return after

    def cancel_event(self, event_id: str, reason: str, who: str) -> Record:
        before = self.store.get_event(event_id)
        if before is None:
            raise CommandError(f"no event {event_id!r}")
        if before.get("status") == "cancelled":
            raise CommandError(f"event {event_id} is already cancelled")
        after = dict(before, status="cancelled", cancel_reason=reason.strip())
        self.store.put_event(after, self._audit(who, "event.cancel", "event", event_id, before, after))
        self._changed("events")
        return after


def _by_person(claims: list[Record], who: Who | None) -> list[Record]:
    """Only the claims a person made, when the query named one."""
    if who is None or who.person is None:
        return claims
    person = who.person
    return [c for c in claims if spoke(person, str((c.get("speaker") or {}).get("name") or ""))]


MAX_EVENT_SPAN = 366  # the widest time an event is given (a year), for finding one that holds another


def _last_iso(ev: Record) -> str:
    """The last day an event's time covers (its end, or the end of its week, month ...)."""
    from bot.extract.event_dates import date_of

    start = str(ev.get("start") or "")[:10]
    if ev.get("end"):
        return str(ev["end"])[:10]
    precision = ev.get("precision") or "day"
    value = {"week": None, "month": start[:7], "year": start[:4]}.get(precision, start)
    if precision == "week":
        d = dt.date.fromisoformat(start)
        return (d + dt.timedelta(days=6 - d.weekday())).isoformat()
    if precision == "quarter":
        d = dt.date.fromisoformat(start)
        value = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    parsed = date_of(value or start)
    return parsed[2].isoformat() if parsed else start


def _span_days(ev: Record) -> int:
    try:
        return (dt.date.fromisoformat(_last_iso(ev)) - dt.date.fromisoformat(str(ev["start"])[:10])).days
    except (KeyError, ValueError):
        return 0


def _within(a: Record, b: Record) -> bool:
    """a's time lies within b's."""
    return str(b["start"])[:10] <= str(a["start"])[:10] and _last_iso(a) <= _last_iso(b)


def _parse_when(value: str) -> tuple[str, str]:
    """An admin-typed date: 2025-06-15 (day), 2025-06 (month), 2025-W24 (week), 2025 (year)."""
    v = value.strip()
    try:
        if len(v) == 10:
            return dt.date.fromisoformat(v).isoformat(), "day"
        if len(v) == 7 and v[4] == "-":
            return dt.date(int(v[:4]), int(v[5:]), 1).isoformat(), "month"
        if len(v) in (8, 7) and "-W" in v:
            y, w = v.split("-W")
            return dt.date.fromisocalendar(int(y), int(w), 1).isoformat(), "week"
        if len(v) == 4 and v.isdigit():
            return dt.date(int(v), 1, 1).isoformat(), "year"
        if "T" in v:
            return dt.datetime.fromisoformat(v).isoformat(), "day"
    except ValueError:
        pass
    raise CommandError(f"{value!r} is not a date I can use: 2025-06-15, 2025-06, mid-2025-06, 2025-W24 or 2025")


_WINDOW = re.compile(r"^(early|mid|late)-(\d{4})-(\d{2})$")


def _window_of(value: str) -> tuple[str, str, str] | None:
    """An admin-typed window: early-2025-06, mid-2025-06, late-2025-06 (first, middle, last
    ten days or so of the month) -> (start, end, words)."""
    m = _WINDOW.match(value.strip().lower())
    if not m:
        return None
    try:
        first = dt.date(int(m.group(2)), int(m.group(3)), 1)
    except ValueError:
        return None
    from bot.extract.event_dates import narrowed

    words = {"early": "early", "mid": "mid", "late": "late"}[m.group(1)]
    text = f"{words}-{m.group(2)}-{m.group(3)}"  # as "mid-June": the part word heads the period
    w = narrowed(text, 0, len(text), f"{m.group(2)}-{m.group(3)}", first - dt.timedelta(days=1))
    if w is None or w.end is None:
        return None
    return w.start.isoformat(), w.end.isoformat(), w.approx


def _split_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [p.strip() for p in str(value).split(",") if p.strip()]


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip()
    return line[:140]


def batched(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]
