"""In-memory tables and indexes shared by the TinyDB and in-memory backends.

``Index`` holds every record of every table (by id, in the order the ids were first
stored) and the secondary indexes the queries answer from:

- claims by actor, topic, actor and topic, and article: sets of *sequence numbers* (small
  ints: each record gets one when its id is first stored; replacing a record keeps it).
  Sorting a result by sequence number gives the stored order without comparing strings;
  ``claims(actor=, topics=)``, the /stance query, is a union of a few (actor, topic) sets;
- claims by word: one sorted list of sequence numbers per word (about 30 distinct words
  per claim: sets would cost ~10x the memory).  Built on the first ``words=`` query
  (about 1 s at 100k claims, more than all the other indexes together, and most
  processes never ask), then kept up to date by every write like the others;
- counts of non-retracted claims per actor and per topic, kept up to date on every write;
- events by start: a sorted list of ``(start, seq)`` keys, bisected for date ranges;
- articles by content hash.

``IndexedStore`` implements the whole ``Store`` protocol over an ``Index``; a backend adds
only how a batch of changes is made durable (``_commit``) and how it notices other
writers (``_refresh``).

Records handed out by list queries (``claims()``, ``events()``, ``articles()``, ``dump()``
...) are the store's own objects: read-only, copy before changing.  ``get_*`` return a
private deep copy, since get-change-put is the usual way to edit one record.  Every write
method deep-copies its input records (checking they are JSON data), so a caller cannot
change stored records or indexes behind the store's back.
"""
from __future__ import annotations

import gc
import re
import threading
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from itertools import islice, repeat
from typing import Any

from store.base import TABLES, Bundle, Record

_WORD = re.compile(r"\w+")
_TOP = "\U0010ffff"  # sorts after every character: ``start_to`` + _TOP bounds a prefix
_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))
_STR_ONLY = frozenset((str,))
CLAIM_LOG_MAX = 1_000_000


# -- words ------------------------------------------------------------------------------

def claim_words(claim: Mapping[str, Any]) -> set[str]:
    """The lower-cased word forms a ``words=`` query matches: those of the quote, target,
    sentence and topic ids, and the claim's own ``words`` list if it has one (the service
    stores stemmed content words there, and queries with stems), all split into runs of
    letters and digits ("rare-earths" -> rare, earths).

    Public so that other backends (PostgreSQL) index exactly the same words.
    """
    text = _text(claim.get("sentence"))
    for name in ("quote", "target"):
        value = _text(claim.get(name))
        if value and value not in text:  # a quote is usually part of its sentence
            text = f"{text} {value}"
    topics = _topics(claim)
    if topics:
        text = f"{text} {' '.join(topics)}"
    own = claim.get("words")
    if type(own) is list and own:
        text = f"{text} {' '.join(w for w in own if type(w) is str)}"
    return set(_WORD.findall(text.lower()))


def query_terms(words: Iterable[str]) -> list[tuple[str, ...]]:
    """Split each query word the way claims are indexed.

    A claim matches a query word when it has every word form of it ("rare-earth" needs
    both "rare" and "earth"); it matches the query when it matches any query word.
    """
    if isinstance(words, str):
        words = [words]
    terms = []
    for word in words:
        forms = tuple(dict.fromkeys(_WORD.findall(str(word).lower())))
        if forms:
            terms.append(forms)
    return terms


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _topics(claim: Mapping[str, Any]) -> list[str]:
    """The claim's distinct topic ids (tolerating a bare string or junk items)."""
    topics = claim.get("topics")
    if type(topics) is list and all(type(t) is str for t in topics):
        return topics if len(set(topics)) == len(topics) else list(dict.fromkeys(topics))
    if isinstance(topics, str):
        return [topics]
    if not isinstance(topics, list | tuple):
        return []
    return list(dict.fromkeys(t for t in topics if isinstance(t, str)))


def _as_list(values: Iterable[str] | None) -> list[str]:
    """A filter argument as a list; a bare string is one value, not its characters."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return list(values)


# -- copying input ------------------------------------------------------------------------

def copy_record(record: Mapping[str, Any], table: str) -> Record:
    """A deep copy of ``record`` made of JSON types only, with a non-empty string ``id``.

    Raises ``ValueError`` for anything a JSON file could not hold, before any change.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"{table} record must be a mapping, not {type(record).__name__}")
    out = dict(record)
    rid = out.get("id")
    if not isinstance(rid, str) or not rid:
        raise ValueError(f"{table} record needs a non-empty string 'id' (got {rid!r})")
    # The checks run in C (map/issuperset) and fall back to a Python loop only for the
    # few values that are not scalars (a claim's topics and speaker).
    if not _STR_ONLY.issuperset(map(type, out)):
        bad = next(k for k in out if type(k) is not str)
        raise ValueError(f"{table} record {rid!r}: key {bad!r} is not a string")
    if not _SCALAR_TYPES.issuperset(map(type, out.values())):
        for key, value in out.items():
            if type(value) not in _SCALAR_TYPES:
                out[key] = _copy_value(value, f"{table} record {rid!r}, field {key!r}")
    return out


def _copy_value(value: Any, where: str) -> Any:
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return value
    if kind is list or kind is tuple:
        if _SCALAR_TYPES.issuperset(map(type, value)):
            return list(value)
        return [_copy_value(item, where) for item in value]
    if kind is dict and _STR_ONLY.issuperset(map(type, value)) \
            and _SCALAR_TYPES.issuperset(map(type, value.values())):
        return dict(value)  # the usual nested record (a speaker, a source): all in C
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: key {key!r} is not a string")
            out[str(key)] = _copy_value(item, where)
        return out
    # subclasses of JSON scalars (StrEnum, IntEnum...) are stored as the plain value
    for base in (bool, str, int, float):
        if isinstance(value, base):
            return base(value) if base is not str else str.__str__(value)
    raise ValueError(f"{where}: {type(value).__name__} value {value!r} is not JSON data")


def bundle_records(bundle: Bundle | tuple[Record, list[Record], list[Record]]) -> tuple[str, list[tuple[str, Record]]]:
    """An article bundle checked and copied: its content hash, and ``(table, record)``
    pairs (the article first).  Raises ``ValueError`` for bad input, changing nothing."""
    if not isinstance(bundle, tuple | list) or len(bundle) not in (3, 4):
        raise ValueError("a bundle is a tuple (article, claims, events, audit or None)")
    article, claims, events = bundle[0], bundle[1], bundle[2]
    audit = bundle[3] if len(bundle) == 4 else None
    art = copy_record(article, "articles")
    digest = art.get("hash")
    if not isinstance(digest, str) or not digest:
        raise ValueError(f"article {art['id']!r} needs a non-empty string 'hash'")
    records = [("articles", art)]
    records.extend(("claims", copy_record(claim, "claims")) for claim in claims)
    records.extend(("events", copy_record(event, "events")) for event in events)
    if audit is not None:
        records.append(("audit", copy_record(audit, "audit")))
    return digest, records


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers at once.

    Loading 100k claims allocates about a million dicts, lists and sets, none in a
    cycle; with the collector on, its repeated full passes double the load time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_loaded() -> None:
    """Put every object alive now out of the cyclic collector's reach (``gc.freeze``).

    Called after a store is loaded: its ~3 million dicts, lists and sets (at 100k claims)
    are data without cycles, freed by reference counting when replaced, yet the
    collector would walk all of them, once per full collection, ~1 s at 100k claims,
    which lands inside a query.  Objects frozen with them that later become cyclic
    garbage are never collected: few exist right after a load.
    """
    gc.freeze()


# -- a batch of changes -------------------------------------------------------------------

class Batch:
    """The changes one write method makes: records to insert or replace (by id) and ids
    to delete, per table.  Later changes to the same id win."""

    def __init__(self) -> None:
        self.puts: dict[str, dict[str, Record]] = {}
        self.deletes: dict[str, set[str]] = {}

    def put(self, table: str, record: Record) -> None:
        self.puts.setdefault(table, {})[record["id"]] = record
        self.deletes.get(table, set()).discard(record["id"])

    def delete(self, table: str, record_id: str) -> None:
        self.puts.get(table, {}).pop(record_id, None)
        self.deletes.setdefault(table, set()).add(record_id)

    def __bool__(self) -> bool:
        return any(self.puts.values()) or any(self.deletes.values())


# -- the index ------------------------------------------------------------------------------

class Index:
    """Every record of every table, and the secondary indexes (see the module doc)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Record]] = {t: {} for t in TABLES}  # id -> record
        self.seqs: dict[str, dict[str, int]] = {t: {} for t in TABLES}  # id -> seq
        self.next_seq: dict[str, int] = dict.fromkeys(TABLES, 1)
        # claims (defaultdicts: queries use .get(), which never adds a key)
        self.claim_at: dict[int, Record] = {}
        self.by_actor: defaultdict[str, set[int]] = defaultdict(set)
        self.by_topic: defaultdict[str, set[int]] = defaultdict(set)
        self.by_article: defaultdict[str, set[int]] = defaultdict(set)
        self.retracted: set[int] = set()
        self.actor_n: defaultdict[str, int] = defaultdict(int)  # non-retracted claims
        self.topic_n: defaultdict[str, int] = defaultdict(int)
        self._by_word: defaultdict[str, array[int]] | None = None  # built when it pays (see _match_terms)
        self._word_scans = 0  # claims whose words were read instead, while there is no word index
        # events and articles
        self.event_keys: list[tuple[str, int]] = []  # sorted (start, seq)
        self.event_at: dict[int, Record] = {}
        self.article_by_hash: dict[str, str] = {}
        # the seqs of claims put or deleted, in order, for readers that keep their own
        # derived copy (``IndexedStore.claim_feed``); a new epoch tells them to start over
        self.epoch = object()
        self.claim_log = array("q")

    # -- building and changing -------------------------------------------------------------
    def seq_of(self, table: str, record_id: str) -> int | None:
        return self.seqs[table].get(record_id)

    def put(self, table: str, seq: int, record: Record) -> None:
        """Insert ``record`` (stored as is: pass a copy) or replace the one with its id.

        A new id must come with a seq at least ``next_seq[table]``, which keeps ``rows``
        in seq order; a replaced record keeps its seq.
        """
        rid = record["id"]
        rows = self.rows[table]
        old = rows.get(rid)
        newest = False
        if old is not None:
            seq = self.seqs[table][rid]
            self._unindex(table, seq, old)
        else:
            self.seqs[table][rid] = seq
            if seq >= self.next_seq[table]:
                self.next_seq[table] = seq + 1
                newest = True
        rows[rid] = record
        if table == "claims":
            self._index_claim(seq, record, newest)
            self._log_claim(seq)
        elif table == "events":
            self.event_at[seq] = record
            insort(self.event_keys, (_start(record), seq))
        elif table == "articles":
            digest = record.get("hash")
            if isinstance(digest, str) and digest:
                self.article_by_hash[digest] = rid

    def delete(self, table: str, record_id: str) -> bool:
        old = self.rows[table].pop(record_id, None)
        if old is None:
            return False
        seq = self.seqs[table].pop(record_id)
        self._unindex(table, seq, old)
        if table == "claims":
            self._log_claim(seq)
        return True

    def built(self) -> None:
        """Say that the index was just built from scratch: its readers start over anyway
        (a new epoch), so the log of the build's claims is dropped."""
        self.claim_log = array("q")

    def _log_claim(self, seq: int) -> None:
        log = self.claim_log
        if len(log) >= CLAIM_LOG_MAX:
            # readers further behind than this rebuild from scratch, which costs about as much
            self.epoch = object()
            log = self.claim_log = array("q")
        log.append(seq)

    def _unindex(self, table: str, seq: int, record: Record) -> None:
        if table == "claims":
            self._unindex_claim(seq, record)
        elif table == "events":
            del self.event_at[seq]
            key = (_start(record), seq)
            i = bisect_left(self.event_keys, key)
            if i < len(self.event_keys) and self.event_keys[i] == key:
                del self.event_keys[i]
        elif table == "articles":
            digest = record.get("hash")
            if isinstance(digest, str) and self.article_by_hash.get(digest) == record["id"]:
                del self.article_by_hash[digest]

    def _index_claim(self, seq: int, claim: Record, newest: bool) -> None:
        self.claim_at[seq] = claim
        actor = claim.get("actor")
        if type(actor) is not str:
            actor = ""
        article = claim.get("article")
        topics = _topics(claim)
        self.by_actor[actor].add(seq)
        self.by_article[article if type(article) is str else ""].add(seq)
        by_topic = self.by_topic
        for topic in topics:
            by_topic[topic].add(seq)
        if claim.get("retracted"):
            self.retracted.add(seq)
        else:
            self.actor_n[actor] += 1
            topic_n = self.topic_n
            for topic in topics:
                topic_n[topic] += 1
        if self._by_word is not None:
            _add_postings(self._by_word, claim_words(claim), seq, newest)

    def _unindex_claim(self, seq: int, claim: Record) -> None:
        del self.claim_at[seq]
        actor = _text(claim.get("actor"))
        topics = _topics(claim)
        _discard(self.by_actor, actor, seq)
        _discard(self.by_article, _text(claim.get("article")), seq)
        for topic in topics:
            _discard(self.by_topic, topic, seq)
        if seq in self.retracted:
            self.retracted.discard(seq)
        else:
            _decrement(self.actor_n, actor)
            for topic in topics:
                _decrement(self.topic_n, topic)
        by_word = self._by_word
        if by_word is None:
            return
        for word in claim_words(claim):
            postings = by_word.get(word)
            if postings is None:
                continue
            i = bisect_left(postings, seq)
            if i < len(postings) and postings[i] == seq:
                del postings[i]
                if not postings:
                    del by_word[word]

    @property
    def by_word(self) -> defaultdict[str, array[int]]:
        """Word -> sorted seqs of the claims with that word (packed arrays: half the memory
        of lists); built on first use."""
        if self._by_word is None:
            # 4-byte seqs while they fit with room to spare (they grow by one per new record)
            code = "I" if self.next_seq["claims"] < 2**32 - 2**24 else "q"
            by_word: defaultdict[str, array[int]] = defaultdict(partial(array, code))
            claim_at = self.claim_at
            with gc_paused():
                for seq in sorted(claim_at):
                    _add_postings(by_word, claim_words(claim_at[seq]), seq, True)
            self._by_word = by_word
        return self._by_word

    # -- queries -----------------------------------------------------------------------------
    def find_claims(self, actor: str | None, topics: Iterable[str] | None, words: Iterable[str] | None,
                    article: str | None, include_retracted: bool) -> list[Record]:
        # Index sets are never changed here: ``&``, ``|`` and ``-`` make new sets.
        narrow: list[set[int]] = []  # every result is in each of these
        wanted = list(dict.fromkeys(_as_list(topics)))
        if actor is not None:
            narrow.append(self.by_actor.get(actor) or set())
        if article is not None:
            narrow.append(self.by_article.get(article) or set())
        topic_sets = [self.by_topic[t] for t in wanted if t in self.by_topic]
        if wanted and not topic_sets:
            return []
        word_list = _as_list(words)
        terms = query_terms(word_list)
        if word_list and not terms:
            return []  # only punctuation: no claim has such a word
        if not narrow and not topic_sets and not terms:
            rows = self.rows["claims"].values()
            if include_retracted or not self.retracted:
                return list(rows)
            return [c for c in rows if not c.get("retracted")]
        result: set[int] | None = None
        if narrow:
            narrow.sort(key=len)
            result = narrow[0]
            for other in narrow[1:]:
                result = result & other
        if topic_sets:
            if result is None:
                result = topic_sets[0] if len(topic_sets) == 1 else set().union(*topic_sets)
            else:
                # (A & T1) | (A & T2): each "&" walks the smaller set, unlike A & (T1 | T2)
                # which first builds the whole union of the (often large) topic sets
                within = result
                result = set()
                for topic_set in topic_sets:
                    result |= within & topic_set
        if terms:
            result = self._match_terms(terms, result)
        assert result is not None
        if not include_retracted and self.retracted:
            result = result - self.retracted
        return list(map(self.claim_at.__getitem__, sorted(result)))

    def _match_terms(self, terms: list[tuple[str, ...]], within: set[int] | None) -> set[int]:
        """Seqs (within ``within`` if given) matching any term; a term needs all its forms.

        Without a word index, the candidates' own words are read instead, until the claims
        read so add up to the number of claims: building the index costs about that, and
        a process that asks once or twice (the CLI) never pays for it.
        """
        if self._by_word is None and within is not None \
                and self._word_scans + len(within) <= len(self.claim_at):
            self._word_scans += len(within)
            claim_at = self.claim_at
            return {seq for seq in within if _has_term(claim_words(claim_at[seq]), terms)}
        by_word = self.by_word
        matched: set[int] = set()
        for forms in terms:
            lists = [by_word.get(f) or [] for f in forms]
            lists.sort(key=len)
            hits = within
            for postings in lists:
                hits = _intersect(hits, postings)
                if not hits:
                    break
            if hits:
                matched |= hits
        return matched

    def find_events(self, start_from: str | None, start_to: str | None,
                    include_cancelled: bool) -> list[Record]:
        keys = self.event_keys
        lo = 0 if start_from is None else bisect_left(keys, (start_from,))
        hi = len(keys) if start_to is None else bisect_right(keys, (start_to + _TOP,))
        event_at = self.event_at
        found = [event_at[seq] for _, seq in keys[lo:hi]]
        if not include_cancelled:
            found = [e for e in found if e.get("status") != "cancelled"]
        return found

    def newest(self, table: str, limit: int | None) -> list[Record]:
        rows = self.rows[table].values()
        if limit is None:
            return list(rows)
        if limit <= 0:
            return []
        newest = list(islice(reversed(rows), limit))
        newest.reverse()
        return newest


def _start(event: Record) -> str:
    start = event.get("start")
    return start if isinstance(start, str) else ""


def _add_postings(by_word: defaultdict[str, array[int]], words: Iterable[str], seq: int,
                  newest: bool) -> None:
    if newest:
        # seq is above every posting: append, with the loop in C (this runs ~30 times
        # per claim, 3 million times for 100k claims)
        deque(map(array.append, map(by_word.__getitem__, words), repeat(seq)), 0)
    else:
        for word in words:
            insort(by_word[word], seq)


def _has_term(words: set[str], terms: list[tuple[str, ...]]) -> bool:
    return any(words.issuperset(forms) for forms in terms)


def _discard(index: dict[str, set[int]], key: str, seq: int) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(seq)
        if not members:
            del index[key]


def _decrement(counts: dict[str, int], key: str) -> None:
    n = counts.get(key, 0) - 1
    if n > 0:
        counts[key] = n
    else:
        counts.pop(key, None)


def _intersect(within: set[int] | None, postings: Sequence[int]) -> set[int]:
    """``within`` & ``postings`` (sorted); bisects when ``within`` is much smaller."""
    if within is None:
        return set(postings)
    if len(within) * 16 < len(postings):
        n = len(postings)
        hits = set()
        for seq in within:
            i = bisect_left(postings, seq)
            if i < n and postings[i] == seq:
                hits.add(seq)
        return hits
    return within.intersection(postings)


# -- the Store protocol over an Index ------------------------------------------------------

class IndexedStore:
    """Every ``Store`` method, answered from an ``Index``.

    Subclasses provide ``_commit(batch)`` (make the batch durable, then apply it to
    ``self._ix``: all or nothing), and may override ``_refresh()`` (reload when another
    process changed the data) and ``_exclusive()`` (hold a cross-process write lock).
    Every public method holds ``self._mutex``, so one store object may be shared by
    threads (e.g. an executor running store calls off the event loop).
    """

    def __init__(self) -> None:
        self._ix = Index()
        self._mutex = threading.RLock()

    # -- backend hooks ------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Make ``self._ix`` reflect the latest committed data."""

    def preload(self) -> None:
        """Read and index everything now (a long-running process calls this at start-up,
        so that no query pays for it).  Not the word index: the bot's service answers
        word queries from its own columns (bot/relevance_table.py), and anyone else
        builds it on first use."""
        with self._reading():
            pass

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Exclude other writers (other processes) for one read-modify-write."""
        yield

    def _commit(self, batch: Batch) -> None:
        raise NotImplementedError

    @contextmanager
    def _reading(self) -> Iterator[Index]:
        with self._mutex:
            self._refresh()
            yield self._ix

    @contextmanager
    def _writing(self) -> Iterator[Index]:
        with self._mutex, self._exclusive():
            self._refresh()
            yield self._ix

    def _write(self, batch: Batch) -> None:
        if batch:
            self._commit(batch)

    # -- articles -------------------------------------------------------------------------------
    def has_article(self, content_hash: str) -> bool:
        with self._reading() as ix:
            return content_hash in ix.article_by_hash

    def articles(self) -> list[Record]:
        with self._reading() as ix:
            return list(ix.rows["articles"].values())

    def get_article(self, article_id: str) -> Record | None:
        return self._get("articles", article_id)

    def add_article_bundle(self, article: Record, claims: list[Record], events: list[Record],
                           audit: Record | None = None) -> bool:
        return self._add_bundles([(article, claims, events, audit)])[0]

    def add_article_bundles(self, bundles: Sequence[Bundle]) -> list[bool]:
        return self._add_bundles(bundles)

    def _add_bundles(self, bundles: Iterable[Bundle]) -> list[bool]:
        prepared = [bundle_records(bundle) for bundle in bundles]  # checked and copied
        if not prepared:
            return []
        taken: list[bool] = []
        with gc_paused(), self._writing() as ix:
            batch = Batch()
            seen: set[str] = set()
            for digest, records in prepared:
                if digest in ix.article_by_hash or digest in seen:
                    taken.append(False)
                    continue
                seen.add(digest)
                for table, record in records:
                    batch.put(table, record)
                taken.append(True)
            self._write(batch)
        return taken

    # -- claims -----------------------------------------------------------------------------------
    def claims(self, *, actor: str | None = None, topics: Iterable[str] | None = None,
               words: Iterable[str] | None = None, article: str | None = None,
               include_retracted: bool = False) -> list[Record]:
        with self._reading() as ix:
            return ix.find_claims(actor, topics, words, article, include_retracted)

    def get_claim(self, claim_id: str) -> Record | None:
        return self._get("claims", claim_id)

    def claim_feed(self, token: object | None) -> tuple[object, list[tuple[int, Record]] | None,
                                                        list[tuple[int, Record | None]]]:
        """For a reader that keeps a derived copy of the claims (the service's relevance
        table).  Each claim comes with its key, a small int that stays the claim's while it
        is stored (a replaced claim keeps it).  Returns ``(token, every (key, claim), [])``
        the first time or when the reader must start over (another process's write
        reloaded the store), else ``(token, None, changes)``: ``(key, claim, or None if
        deleted)`` for each claim changed since ``token``.  Records are the store's own
        (read-only); retracted claims are included.
        """
        with self._reading() as ix:
            log = ix.claim_log
            now = (ix.epoch, len(log))
            if not (isinstance(token, tuple) and len(token) == 2 and token[0] is ix.epoch and token[1] <= len(log)):
                return now, list(ix.claim_at.items()), []
            claim_at = ix.claim_at
            return now, None, [(seq, claim_at.get(seq)) for seq in dict.fromkeys(log[token[1]:])]

    def put_claim(self, claim: Record, audit: Record | None = None) -> None:
        self._put_one("claims", claim, audit)

    def actor_counts(self) -> dict[str, int]:
        with self._reading() as ix:
            return dict(ix.actor_n)

    def topic_counts(self) -> dict[str, int]:
        with self._reading() as ix:
            return dict(ix.topic_n)

    # -- events ---------------------------------------------------------------------------------------
    def events(self, *, start_from: str | None = None, start_to: str | None = None,
               include_cancelled: bool = True) -> list[Record]:
        with self._reading() as ix:
            return ix.find_events(start_from, start_to, include_cancelled)

    def get_event(self, event_id: str) -> Record | None:
        return self._get("events", event_id)

    def put_event(self, event: Record, audit: Record | None = None) -> None:
        self._put_one("events", event, audit)

    # -- subscriptions and the delivery ledger ---------------------------------------------------------
    def subscriptions(self) -> list[Record]:
        with self._reading() as ix:
            return list(ix.rows["subscriptions"].values())

    def put_subscription(self, sub: Record, audit: Record | None = None) -> None:
        self._put_one("subscriptions", sub, audit)

    def delete_subscription(self, sub_id: str, audit: Record | None = None) -> bool:
        batch = Batch()
        batch.delete("subscriptions", sub_id)
        if audit is not None:
            batch.put("audit", copy_record(audit, "audit"))
        with self._writing() as ix:
            if sub_id not in ix.rows["subscriptions"]:
                return False
            self._write(batch)
        return True

    def claim_delivery(self, delivery: Record) -> bool:
        batch = Batch()
        record = copy_record(delivery, "deliveries")
        batch.put("deliveries", record)
        with self._writing() as ix:
            if record["id"] in ix.rows["deliveries"]:
                return False
            self._write(batch)
        return True

    def update_delivery(self, delivery: Record) -> None:
        self._put_one("deliveries", delivery, None)

    def deliveries(self) -> list[Record]:
        with self._reading() as ix:
            return list(ix.rows["deliveries"].values())

    # -- people ---------------------------------------------------------------------------------------
    def people(self) -> list[Record]:
        with self._reading() as ix:
            return list(ix.rows["people"].values())

    def put_people(self, people: Sequence[Record], claims: Sequence[Record] = (),
                   audit: Record | None = None) -> None:
        batch = Batch()
        for record in people:
            batch.put("people", copy_record(record, "people"))
        for record in claims:
            batch.put("claims", copy_record(record, "claims"))
        if audit is not None:
            batch.put("audit", copy_record(audit, "audit"))
        with self._writing():
            self._write(batch)

    # -- audit ----------------------------------------------------------------------------------------
    def audit_log(self, limit: int | None = None) -> list[Record]:
        with self._reading() as ix:
            return ix.newest("audit", limit)

    def add_audit(self, record: Record) -> None:
        self._put_one("audit", record, None)

    # -- bulk -----------------------------------------------------------------------------------------
    def dump(self) -> dict[str, list[Record]]:
        with self._reading() as ix:
            return {table: list(ix.rows[table].values()) for table in TABLES}

    def load(self, tables: dict[str, list[Record]]) -> None:
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; the store has {list(TABLES)}")
        with gc_paused():
            batch = Batch()
            for table, records in tables.items():
                for record in records:
                    batch.put(table, copy_record(record, table))
            with self._writing():
                self._write(batch)

    def close(self) -> None:
        """Release files and locks; the object must not be used afterwards."""

    def __enter__(self) -> IndexedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------------------------
    def _get(self, table: str, record_id: str) -> Record | None:
        with self._reading() as ix:
            record = ix.rows[table].get(record_id)
            return None if record is None else copy_record(record, table)

    def _put_one(self, table: str, record: Record, audit: Record | None) -> None:
        batch = Batch()
        batch.put(table, copy_record(record, table))
        if audit is not None:
            batch.put("audit", copy_record(audit, "audit"))
        with self._writing():
            self._write(batch)
