"""Every claim's relevance features as columns, so `/stance` scores thousands of candidates
with a few array operations instead of a Python loop per claim.

``relevance()`` in ``bot.relevance`` is the definition, and what stores without a table
(PostgreSQL) use; this module computes the same numbers for many claims at once, branch
by branch.  ``tests/test_relevance_table.py`` checks that the two give the same answers.

The table is built from the store once (``RelevanceTable.sync``, at start-up: 3-5 s and
~17 MB at 100k claims) and then follows the store's change feed
(``IndexedStore.claim_feed``): a changed claim gets a new row and its old row is marked
dead, so an ingest batch costs the new claims only.  Stores without a feed (PostgreSQL,
whose candidates come from SQL) and stores read cold (one-shot commands) keep the
per-claim loop.

Row layout: each claim is one row; postings map a word (or topic, or actor) to the sorted
rows that have it, as ``array('i')`` that grow in place and are viewed as numpy arrays
without copying.  A full build adds the claims actor by actor, so the postings' part for
one actor is a slice (claims changed since go after every actor's run: the tail).  A
claim's targets are contiguous rows of a second, target-level table; an article's words
are postings of article codes.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

from bot.extract.actors import Gazetteer
from bot.extract.topics import STOPWORDS, TopicIndex
from bot.relevance import (
    FEATURES_VERSION,
    STANCE_CODES,
    STANCE_NAMES,
    Query,
    Tally,
    features,
    fsum,
    tally,
    vague_object,
)
from store.base import Record
from store.index import claim_words, query_terms

_EMPTY = np.zeros(0, dtype=np.int32)


class _Postings(defaultdict[str, "array[int]"]):
    """key -> sorted rows (appended in row order, so always sorted)."""

    def __init__(self) -> None:
        super().__init__(partial(array, "i"))

    def add(self, keys: Iterable[str], row: int) -> None:
        for k in keys:
            self[k].append(row)

    def rows(self, key: str | None) -> np.ndarray:
        p = self.get(key) if key is not None else None  # (get: never adds a key)
        return np.frombuffer(p, dtype=np.int32) if p else _EMPTY


def _membership(size: int, sorted_postings: bool = True) -> Callable[[Iterable[np.ndarray], np.ndarray], np.ndarray]:
    """``has(postings, rows)``: for each of ``rows`` (< ``size``), is it in any of ``postings``?

    Few rows against long postings: a binary search of each row (postings and rows sorted);
    else a scratch mask over ``size``, set from the postings and cleared after the test.
    """
    mark = np.zeros(size, dtype=np.bool_)

    def has(postings: Iterable[np.ndarray], rows: np.ndarray) -> np.ndarray:
        if sorted_postings and len(rows):
            # only the part of each posting between the first and the last of ``rows``
            first, last = rows[0], rows[-1]
            postings = [p[p.searchsorted(first):p.searchsorted(last, "right")] for p in postings]
        postings = [p for p in postings if len(p)]
        if not postings:
            return np.zeros(len(rows), np.bool_)
        if sorted_postings and sum(map(len, postings)) > 8 * len(rows):
            out = np.zeros(len(rows), np.bool_)
            for p in postings:
                at = np.searchsorted(p, rows)
                np.minimum(at, len(p) - 1, out=at)
                out |= p[at] == rows
            return out
        for p in postings:
            mark[p] = True
        out = mark[rows]
        for p in postings:
            mark[p] = False
        return out
    return has


def _date_number(value: Any) -> int:
    """"2025-03-01" -> 20250301 (the same order as the strings); -1 for anything else."""
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        digits = value[:4] + value[5:7] + value[8:]
        if digits.isascii() and digits.isdigit():
            return int(digits)
    return -1


def _actor(claim: Record) -> str:
    actor = claim.get("actor")
    return actor if type(actor) is str else ""


def _score(q: Query, pairs: tuple[tuple[str, str | None], ...], word: Callable[[list[str]], np.ndarray],
           n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``Query._score`` for ``n`` texts at once, ``word(ws)`` telling which have any of the
    words ``ws``: (head present, share of modifiers present, any synonym of the head present)."""
    tq = q.tq
    alts = word(sorted(tq.head_alts))
    if not pairs:
        return alts, np.ones(n), alts
    hits = np.zeros(n, dtype=np.int64)
    for w, actor in pairs:
        hits += word([w, actor] if actor else [w])
    cov = hits / len(pairs)
    bare = word([tq.head]) if len(pairs) <= 2 else np.zeros(n, np.bool_)
    return np.where(hits == 0, bare, alts), cov, alts


class _Column:
    """A growable numpy column.  Values appended go to a Python list first (a numpy
    element assignment costs ~1 µs, a list append ~30 ns) and into the array the next
    time ``data`` is read."""

    def __init__(self, dtype: Any) -> None:
        self._data = np.zeros(16, dtype=dtype)
        self._used = 0
        self._pending: list[Any] = []
        self.append = self._pending.append

    @property
    def n(self) -> int:
        return self._used + len(self._pending)

    @property
    def data(self) -> np.ndarray:
        """The values (the array may be longer than ``n``: index it with rows only)."""
        if self._pending:
            self.extend(self._pending)
            self._pending.clear()
        return self._data

    def trim(self) -> None:
        data = self.data
        self._data = data[:max(self._used, 16)].copy()

    def extend(self, values: list[Any]) -> None:
        if self._pending and values is not self._pending:
            _ = self.data
        need = self._used + len(values)
        if need > len(self._data):
            size = len(self._data)
            while size < need:
                size += size // 2 + 16
            grown = np.zeros(size, dtype=self._data.dtype)
            grown[:self._used] = self._data[:self._used]
            self._data = grown
        self._data[self._used:need] = values
        self._used = need


class RelevanceTable:
    """Claims as columns for vectorised relevance (see the module doc)."""

    def __init__(self, gaz: Gazetteer, topics: TopicIndex) -> None:
        self.gaz, self.topics = gaz, topics
        self.token: object | None = None
        self._reset()

    def _reset(self) -> None:
        self.records: list[Record] = []
        self.row_of_key = _Column(np.int32)  # the store's key for a claim -> its row (-1: none)
        self.alive = _Column(np.bool_)  # the claim's current row, and not retracted
        self.retracted = _Column(np.bool_)  # the claim's current row, retracted
        self.key_of_row = _Column(np.int64)  # the store's key (its order)
        self.published = _Column(np.int32)  # YYYYMMDD, or -1 when not a plain YYYY-MM-DD
        self.confidence = _Column(np.float64)
        self.stance = _Column(np.int8)
        self.vague_ctx = _Column(np.bool_)  # a bare position with a sentence before it
        self.article = _Column(np.int32)  # index into article_ids
        self.article_ids: list[str] = []
        self.article_code: dict[str, int] = {}
        self.article_seen = _Column(np.bool_)  # its words are in art_by_word
        self.art_by_word = _Postings()  # word -> article codes (in the order they were indexed)
        self.has_targets = _Column(np.bool_)
        self.t_first = _Column(np.int32)  # first target row
        self.t_count = _Column(np.int32)
        self.t_stance = _Column(np.int8)
        self.t_depth = _Column(np.int16)
        self.by_actor = _Postings()
        self.actor_code = _Column(np.int32)  # index into actor_codes' order
        self.actor_codes: dict[str, int] = {}
        self.by_topic = _Postings()
        # the words a store's ``words=`` query matches (store.index.claim_words), kept as
        # how they differ from by_text, which holds most of them: (by_text - text_only) | extra_words,
        # stopwords left out (no query word is one; a query form that is, reads the claims)
        self.extra_words = _Postings()
        self.text_only = _Postings()
        self.by_text = _Postings()  # relevance features: analysed words of the claim
        self.by_context = _Postings()  # ... and of the sentence before it
        self.t_by_word = _Postings()
        self.t_by_topic = _Postings()
        # a full build adds the claims actor by actor, so each actor's rows up to ``built`` are
        # one run, ``span[actor code]``: narrowing a posting to an actor's claims is then two
        # binary searches and a slice, plus a filter of the rows added since (the tail)
        self.built = 0
        self.span: dict[int, tuple[int, int]] = {}

    # -- keeping in step with the store -----------------------------------------------------
    def sync(self, feed: Callable[[object | None], tuple[
            object, list[tuple[int, Record]] | None, list[tuple[int, Record | None]]]]) -> bool:
        """Catch up with the store (``IndexedStore.claim_feed``): ``feed(token)`` gives a new
        token and either every (key, claim) (a fresh start) or the claims changed since
        ``token`` (``None``: deleted).  True when the table was built afresh."""
        token, full, changes = feed(self.token)
        if full is not None:
            self._reset()
            self.row_of_key.extend([-1] * (max((k for k, _ in full), default=-1) + 1))
            for i, (key, claim) in enumerate(sorted(full, key=lambda kc: _actor(kc[1])), 1):  # (stable)
                self._add(key, claim)
                if not i % 4096:
                    self._flush()  # few Python objects alive at once: they would stay in RSS
            self._trim()
            self.built = len(self.records)
            self.span = {self.actor_codes[a]: (p[0], p[-1] + 1) for a, p in self.by_actor.items()}
        keys = self.row_of_key
        for key, claim in changes:
            if key < keys.n and keys.data[key] >= 0:
                self.alive.data[keys.data[key]] = False
                self.retracted.data[keys.data[key]] = False
                keys.data[key] = -1
            if claim is not None:
                self._add(key, claim)
        self.token = token
        return full is not None

    def _flush(self) -> None:
        for col in vars(self).values():
            if isinstance(col, _Column):
                _ = col.data

    def _trim(self) -> None:
        """Give back what growing by doubling reserved (after a full build)."""
        for postings in (self.by_actor, self.by_topic, self.extra_words, self.text_only, self.by_text,
                         self.by_context, self.t_by_word, self.t_by_topic):
            for k, p in postings.items():
                postings[k] = array("i", p)
        for col in vars(self).values():
            if isinstance(col, _Column):
                col.trim()

    def index_articles(self, articles: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Index the analysed words of these (article id, words) now, rather than when one
        of their claims first needs them."""
        for article_id, words in articles:
            code = self.article_code.get(article_id)
            if code is not None and not self.article_seen.data[code]:
                self.article_seen.data[code] = True
                self.art_by_word.add(set(words), code)

    def _add(self, key: int, claim: Record) -> None:
        row = len(self.records)
        f = claim.get("rel")
        if not f or f.get("v") != FEATURES_VERSION:
            f = features(claim, self.gaz, self.topics)
        self.records.append(claim)
        keys = self.row_of_key
        if key >= keys.n:
            keys.extend([-1] * (key + 1 - keys.n))
        keys.data[key] = row
        self.alive.append(not claim.get("retracted"))
        self.retracted.append(bool(claim.get("retracted")))
        self.key_of_row.append(key)
        self.published.append(_date_number(claim.get("published")))
        self.confidence.append(float(claim.get("confidence", 0.5)))
        self.stance.append(STANCE_CODES.get(claim.get("stance", "neutral"), 0))
        self.vague_ctx.append(bool(f["context"]) and vague_object(claim))
        actor = _actor(claim)
        self.by_actor.add((actor,), row)
        self.actor_code.append(self.actor_codes.setdefault(actor, len(self.actor_codes)))
        topics = claim.get("topics", [])
        self.by_topic.add(set(topics) if isinstance(topics, list) else (), row)
        text = f["text"]
        self.by_text.add(text, row)
        words = claim_words(claim)
        self.extra_words.add(words.difference(text).difference(STOPWORDS), row)
        self.text_only.add(set(text).difference(words), row)
        self.by_context.add(f["context"], row)
        article = claim.get("article", "")
        code = self.article_code.get(article)
        if code is None:
            code = self.article_code[article] = len(self.article_ids)
            self.article_ids.append(article)
            self.article_seen.append(False)
        self.article.append(code)
        targets = list(zip(claim.get("targets", []), f["targets"], strict=False))
        self.has_targets.append(bool(claim.get("targets")))
        self.t_first.append(self.t_stance.n)
        self.t_count.append(len(targets))
        for t, tf in targets:
            trow = self.t_stance.n
            self.t_stance.append(STANCE_CODES.get(t.get("stance", "neutral"), 0))
            self.t_depth.append(min(max(int(t.get("depth", 1)), -9999), 9999))  # (int16)
            self.t_by_word.add(tf["words"], trow)
            self.t_by_topic.add(set(tf["topics"]), trow)

    # -- the query ---------------------------------------------------------------------------
    def score(self, actor: str, q: Query, article_words: Callable[[str], set[str]],
              min_relevance: float, limit: int) -> Tally:
        """The tally of ``actor``'s claims relevant to ``q``: what ``tally()`` gives for the
        claims the per-claim path would find and score.  ``article_words(article id)`` is
        an article's analysed words (read once per article)."""
        tq = q.tq
        has = _membership(len(self.records))  # over claim rows
        t_has = _membership(self.t_stance.n)  # over target rows

        # candidates: the actor's live claims filed under a topic the query names, or with
        # any query word (a word of several forms needs all of them), as Store.claims finds them
        code = self.actor_codes.get(actor)
        if code is None:
            return tally(())
        lo, hi = self.span.get(code, (0, 0))
        built = self.built
        mine = self.by_actor.rows(actor)
        tail = mine[mine.searchsorted(built):]  # the actor's rows added since the build

        def actors_own(p: np.ndarray) -> np.ndarray:
            """The part of ``p`` that can hold the actor's rows (every use tests rows of the actor)."""
            own = p[p.searchsorted(lo):p.searchsorted(hi)]
            return np.concatenate((own, p[p.searchsorted(built):])) if len(tail) else own
        # the postings narrowed to the actor's rows, once per query (every row below is one)
        topics = {t: actors_own(self.by_topic.rows(t)) for t in tq.ids | tq.head_topics}
        texts: dict[str, np.ndarray] = {}

        def text_rows(w: str) -> np.ndarray:
            found = texts.get(w)
            if found is None:
                found = texts[w] = actors_own(self.by_text.rows(w))
            return found
        found = [topics[t] for t in sorted(tq.ids)]
        other: list[tuple[str, ...]] = []
        terms = query_terms(sorted(set(tq.words) | tq.head_alts))
        single = {forms[0] for forms in terms if len(forms) == 1}
        for forms in terms:
            if len(forms) > 1 and not single.isdisjoint(forms):
                continue  # "counter-tariff" needs "tariff", a term of its own: found with it
            if self._plain(forms):
                found += [text_rows(forms[0]), actors_own(self.extra_words.rows(forms[0]))]
            else:
                other.append(forms)
        if other:
            found.append(mine[self._has_terms(other, mine, has, actors_own)])
        union = np.zeros(len(self.records), np.bool_)
        for p in found:
            union[p] = True
        rows = (np.flatnonzero(union[lo:hi]) + lo).astype(np.int32)
        if len(tail):
            rows = np.concatenate((rows, tail[union[tail]]))
        rows = rows[self.alive.data[rows]]
        if not len(rows):
            return tally(())

        # the claim's analysed words: Query._score, vectorised
        _, pairs = q._modifiers(actor)

        memo: dict[tuple[str, ...], np.ndarray] = {}

        def in_text(ws: list[str]) -> np.ndarray:
            key = tuple(ws)
            found = memo.get(key)
            if found is None:
                found = memo[key] = has([text_rows(w) for w in ws], rows)
            return found
        head, cov, alts = _score(q, pairs, in_text, len(rows))
        topic_hit = has([topics[t] for t in tq.ids], rows) if tq.ids else np.zeros(len(rows), np.bool_)
        if tq.head_topics:
            by_head_topic = ~head & has([topics[t] for t in tq.head_topics], rows)
            head |= by_head_topic
            cov = np.where(by_head_topic, np.maximum(cov, 0.5), cov)
        base = np.full(len(rows), 0.5)
        if pairs:
            # a synonym of the head, and the article names most of the query's other words:
            # "the accord" in an article about the deal the query names
            ask = ~head & alts
            if ask.any():
                in_article = self._in_article(rows, ask, article_words)
                art_head, art_cov, _ = _score(q, pairs, lambda ws: in_text(ws) | in_article(ws), len(rows))
                took = ask & art_head & (art_cov >= 0.5)
                head |= took
                cov = np.where(took, 0.0, cov)
        passed = head | (topic_hit & (cov >= 0.5))
        # a bare position ("Paris remains opposed") is about what the sentence before was
        # about, or else what its article is about
        ask = ~passed & self.vague_ctx.data[rows]
        if ask.any():
            ctx_head, ctx_cov, _ = _score(q, pairs, lambda ws: has([self.by_context.rows(w) for w in ws], rows),
                                                len(rows))
            by_context = ask & ctx_head
            ask &= ~ctx_head
            art_head, art_cov, _ = _score(q, pairs, self._in_article(rows, ask, article_words), len(rows))
            by_article = ask & art_head & (art_cov >= 0.5)
            base = np.where(by_context, 0.4, np.where(by_article, 0.35, base))
            cov = np.where(by_context, ctx_cov, np.where(by_article, art_cov, cov))
            passed |= by_context | by_article
        fast = passed
        rel = base + 0.5 * cov + np.where(topic_hit, 0.3, 0.0)

        # the stance toward the target that best matches the query (relevance()'s loop)
        stance = self.stance.data[rows].astype(np.int8)
        f_rows = rows[fast]
        f_rel = rel[fast]
        f_stance = stance[fast]
        counts = self.t_count.data[f_rows]
        has_best = np.zeros(len(f_rows), np.bool_)
        best_stance = np.zeros(len(f_rows), np.int8)
        if counts.any():
            owner = np.repeat(np.arange(len(f_rows)), counts)
            starts = np.repeat(self.t_first.data[f_rows] - np.cumsum(counts) + counts, counts)
            trows = starts + np.arange(len(owner))
            def in_target(ws: list[str]) -> np.ndarray:
                return t_has([self.t_by_word.rows(w) for w in ws], trows)
            t_head, t_cov, _ = _score(q, pairs, in_target, len(trows))
            if tq.ids:
                t_head |= topic_hit[fast][owner] & t_has([self.t_by_topic.rows(t) for t in tq.ids], trows)
            t_stance = self.t_stance.data[trows]
            # each claim's best target by (coverage, not neutral, -depth), the first of equals:
            # one integer key, its maximum per claim's run of targets, the first that has it
            hits = np.rint(t_cov * len(pairs)).astype(np.int64) if pairs else np.zeros(len(trows), np.int64)
            depth = self.t_depth.data[trows].astype(np.int64)
            key = np.where(t_head, ((hits * 2 + (t_stance != 0)) << 16) + (20000 - depth), -1)
            some = counts > 0
            run_max = np.maximum.reduceat(key, (np.cumsum(counts) - counts)[some])
            at = np.flatnonzero(key == np.repeat(run_max, counts[some]))
            owners = owner[at]
            first = at[np.r_[True, owners[1:] != owners[:-1]]]
            best = first[key[first] >= 0]
            has_best[owner[best]] = True
            best_stance[owner[best]] = t_stance[best]
        took = has_best & (best_stance != 0)
        f_rel = np.where(took, f_rel + 0.2, f_rel)
        # a claim whose stance is toward an object that is not this topic: neutral toward it
        f_stance = np.where(took, best_stance, np.where(~has_best & self.has_targets.data[f_rows], 0, f_stance))
        keep = f_rel >= min_relevance
        f_rows, f_rel, f_stance = f_rows[keep], f_rel[keep], f_stance[keep]

        return self._tally(f_rows, f_rel, f_stance, limit)

    def find(self, actor: str | None = None, topics: list[str] | None = None, words: list[str] | None = None,
             include_retracted: bool = False) -> list[Record]:
        """What ``Store.claims(actor=, topics=, words=, include_retracted=)`` gives, in the
        store's order, from the columns (so the store needs no word index of its own)."""
        if actor is not None:
            rows = self.by_actor.rows(actor)
        else:
            rows = np.arange(len(self.records), dtype=np.int32)
        live = self.alive.data[rows]
        if include_retracted:
            live |= self.retracted.data[rows]
        rows = rows[live]
        has = _membership(len(self.records))
        if topics:
            rows = rows[has([self.by_topic.rows(t) for t in dict.fromkeys(topics)], rows)]
        if words:
            rows = rows[self._has_terms(query_terms(words), rows, has)]
        rows = rows[np.argsort(self.key_of_row.data[rows], kind="stable")]
        return [self.records[r] for r in rows.tolist()]

    def _has_terms(self, terms: list[tuple[str, ...]], rows: np.ndarray,
                   has: Callable[[Iterable[np.ndarray], np.ndarray], np.ndarray],
                   narrow: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Which of ``rows`` a store's ``claims(words=)`` finds for these query terms: any
        term, all forms of a term.  Words plain in the postings are tested in one pass.
        ``narrow(postings)``: the postings cut down to a set holding ``rows`` (cheaper tests)."""
        plain: list[np.ndarray] = []
        sel = np.zeros(len(rows), np.bool_)
        for forms in terms:
            if self._plain(forms):
                plain += [self.by_text.rows(forms[0]), self.extra_words.rows(forms[0])]
                continue
            term = np.ones(len(rows), np.bool_)
            for form in forms:
                term &= self._has_word(form, rows, has, narrow)
            sel |= term
        if plain:
            sel |= has([narrow(p) for p in plain] if narrow else plain, rows)
        return sel

    def _plain(self, forms: tuple[str, ...]) -> bool:
        """A query term that is one word, found in by_text | extra_words alone."""
        return len(forms) == 1 and forms[0] not in STOPWORDS and not self.text_only.get(forms[0])

    def _has_word(self, form: str, rows: np.ndarray, has: Callable[[Iterable[np.ndarray], np.ndarray], np.ndarray],
                  narrow: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Which of ``rows`` a store's ``claims(words=[form])`` would find."""
        if form in STOPWORDS:  # not indexed: read the claims (no query made of words asks)
            records = self.records
            return np.fromiter((form in claim_words(records[r]) for r in rows.tolist()), np.bool_, len(rows))
        cut = narrow or (lambda p: p)
        extra = cut(self.extra_words.rows(form))
        found = has([cut(self.by_text.rows(form)), extra], rows)
        if self.text_only.get(form):
            found &= ~has([cut(self.text_only.rows(form))], rows) | has([extra], rows)
        return found

    def _in_article(self, rows: np.ndarray, ask: np.ndarray,
                    article_words: Callable[[str], Iterable[str]]) -> Callable[[list[str]], np.ndarray]:
        """``in_article(ws)``: which of ``rows`` (among those in ``ask``) have an article with
        any of the analysed words ``ws``.  An article's words are indexed the first time a claim asks."""
        arts = self.article.data[rows[ask]]
        for code in dict.fromkeys(arts[~self.article_seen.data[arts]].tolist()):
            self.article_seen.data[code] = True
            self.art_by_word.add(set(article_words(self.article_ids[code])), code)
        art_has = _membership(len(self.article_ids), sorted_postings=False)  # codes in indexing order
        at = np.flatnonzero(ask)

        def in_article(ws: list[str]) -> np.ndarray:
            out = np.zeros(len(rows), np.bool_)
            if len(at):
                out[at] = art_has([self.art_by_word.rows(w) for w in ws if w], arts)
            return out
        return in_article

    def _tally(self, rows: np.ndarray, rel: np.ndarray, stance: np.ndarray, limit: int) -> Tally:
        conf = self.confidence.data[rows]
        counts = np.bincount(stance, minlength=3)
        out_counts = {s: int(counts[STANCE_CODES[s]]) for s in ("support", "oppose", "neutral")}
        weights = dict(zip(STANCE_NAMES, exact_sums(rel * rel * conf, stance, len(STANCE_NAMES)), strict=True))
        rank = rel + np.where(stance != 0, 0.25, 0.0)
        # the service's order: rank, confidence (both down), publication date (up); the date
        # as a number where every one of these is a plain YYYY-MM-DD
        if 0 <= limit < len(rows):
            pub = self.published.data[rows]
            later = -pub if (pub >= 0).all() else np.zeros(len(rows), np.int32)
            picked = best_rows((rank, conf, later), limit)
        else:
            picked = np.arange(len(rows))
        records = self.records
        top = [(float(rank[i]), records[rows[i]], STANCE_NAMES[stance[i]]) for i in picked.tolist()]
        return Tally(out_counts, weights, top)


def best_rows(keys: tuple[np.ndarray, ...], limit: int) -> np.ndarray:
    """The rows among the first ``limit`` by ``keys`` (each: greater is better; the next key
    breaks ties of the one before), and every row tied on all keys with the last of them:
    the caller's full ordering decides among those.  A partition per key, no sort."""
    rows = np.arange(len(keys[0]))
    picked = []
    need = limit
    for key in keys:
        if need <= 0 or len(rows) <= need:
            break
        values = key[rows]
        kth = np.partition(values, len(values) - need)[len(values) - need]  # the need-th greatest
        above = values > kth  # fewer than ``need``: all in
        picked.append(rows[above])
        need -= len(picked[-1])
        rows = rows[values == kth]
    if need > 0:
        picked.append(rows)
    return np.concatenate(picked) if picked else rows[:0]


def exact_sums(values: np.ndarray, groups: np.ndarray, n: int) -> list[float]:
    """The correctly rounded sum of the ``values`` of each group ``0..n-1``: ``math.fsum`` of
    each group's values, to the bit, with no Python loop over the values.

    Each finite value is ``m * 2**(e - 53)`` with a 53-bit integer ``m``; ``m``'s two 26-bit
    halves are summed per (group, exponent) by ``np.bincount`` in float64, which adds
    integers below 2**53 without rounding, and the few partial sums are put together as
    Python integers and divided once (correctly rounded)."""
    if not len(values) or not np.isfinite(values).all():
        return [fsum(values[groups == g].tolist()) for g in range(n)]
    mant, exp = np.frexp(values)
    m = (mant * float(1 << 53)).astype(np.int64)
    e0 = int(exp.min())
    span = int(exp.max()) - e0 + 1
    slot = groups.astype(np.int64) * span + (exp - e0)
    high = np.bincount(slot, weights=(m >> 26).astype(np.float64), minlength=n * span)
    low = np.bincount(slot, weights=(m & ((1 << 26) - 1)).astype(np.float64), minlength=n * span)
    out = []
    for g in range(n):
        total = 0
        for k in range(span):
            h, lo = high[g * span + k], low[g * span + k]
            if h or lo:
                total += ((int(h) << 26) + int(lo)) << k
        shift = e0 - 53  # total * 2**shift is the exact sum
        out.append(float(total << shift) if shift >= 0 else total / (1 << -shift))
    return out
