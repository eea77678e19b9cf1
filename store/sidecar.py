"""The claims, articles and events of a TinyDB store, indexed on disk: ``FILE.index``
(SQLite) beside ``FILE``.

A process that asks one question of a large store (``claimbot stance ...``) should not
parse the whole JSON file (~2.5 s at 100k claims) to answer it.  The sidecar holds the
JSON text of each claim, article and event, and the indexes ``store.index.Index`` keeps
in memory (claims by actor, by (topic, actor), by article, by word, retracted; articles
by id and hash; events by start), so ``claims(...)``, ``get_claim``, ``actor_counts``,
``topic_counts``, ``has_article``, ``get_article``, ``articles`` and ``events(...)`` read
only what they return.  (Subscriptions, deliveries and the audit log are not in it: a
process that needs them loads the file.)

The JSON file stays the source of truth; the sidecar is derived from it and is trusted
only when it says it was made from the very file version on disk:

- ``meta`` holds the format and the JSON file's signature ``(st_mtime_ns, st_size,
  st_ino)`` the contents match.  A reader compares it with ``os.stat`` of the JSON file
  inside the SQLite read transaction it answers from, so the answer is that of one file
  version; a missing, unreadable, other-format or mismatching sidecar is *stale* and
  never used;
- every write of the JSON file (under the store's write lock) updates the sidecar after
  the rename, in one SQLite transaction that checks the old signature and stores the
  new one.  A crash between the rename and that commit leaves the old signature
  against a new file: stale, rebuilt by the next process that loads the JSON.  (The
  new file cannot carry the old signature: its temp file was created while the old
  file existed, so its inode differs.)  A writer that finds the sidecar stale deletes
  it *before* renaming its own JSON, so a stale signature never outlives the next file
  version, whose inode may be the reused inode of the version it names;
- a full build (a stale sidecar, a bulk ``load``) writes a temp file and renames it
  into place, always under the store's write lock.

Word postings are stored in blocks of 4,096 sequence numbers per word (a packed array
per ``(word, block)`` row): appending claims rewrites only the last block of each of
their words, and a full build is one insert per block rather than per posting.

Costs at 100k claims (synthetic, ~110 MB JSON, 2-core machine): the file is ~130 MB; a
full build ~3–4 s (JSON encoding of every claim and the word postings); a write of one
article's claims a few ms; ``claims(actor=, topics=)`` with ~1.4k results ~20–30 ms
(mostly ``json.loads`` of the results).
"""
from __future__ import annotations

import errno
import json
import os
import secrets
import sqlite3
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import groupby
from typing import Any, TypeVar

from store.base import Record
from store.index import Index, _as_list, _topics, claim_words, query_terms

Signature = tuple[int, int, int]  # (st_mtime_ns, st_size, st_ino) of the JSON file
Change = tuple[int, "Record | None", "Record | None"]  # (seq, record before or None, after or None)
T = TypeVar("T")

FORMAT = f"claimbot-sidecar-2-{sys.byteorder}"
TABLES = ("claims", "articles", "events")  # the store tables the sidecar holds
SUFFIX = ".index"
_BLOCK_BITS = 12  # 4,096 seqs per (word, block) row
_CHUNK = 900  # values per IN (...) list: under SQLite's limit of 999 on older builds
_TOP = "\U0010ffff"  # as in store.index: start_to + _TOP bounds a prefix

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE claims (
    seq INTEGER PRIMARY KEY,          -- the TinyDB document id (the store's seq)
    id TEXT NOT NULL,
    actor TEXT NOT NULL,              -- '' when not a string, as in store.index
    article TEXT NOT NULL,
    retracted INTEGER NOT NULL,
    doc TEXT NOT NULL                 -- the record as JSON
);
CREATE TABLE claim_topics (
    topic TEXT NOT NULL, actor TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (topic, actor, seq)
) WITHOUT ROWID;
CREATE TABLE claim_words (
    word TEXT NOT NULL, block INTEGER NOT NULL, seqs BLOB NOT NULL,  -- array('I') of sorted seqs
    PRIMARY KEY (word, block)
) WITHOUT ROWID;
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
    hash TEXT,                        -- NULL unless a non-empty string, as in store.index
    doc TEXT NOT NULL
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL,
    start TEXT NOT NULL,              -- '' when not a string, as in store.index
    cancelled INTEGER NOT NULL,
    doc TEXT NOT NULL
);
"""
INDEXES = """
CREATE UNIQUE INDEX claims_id ON claims (id);
CREATE INDEX claims_actor ON claims (actor, seq);
CREATE INDEX claims_article ON claims (article, seq);
CREATE INDEX claims_retracted ON claims (seq) WHERE retracted;
CREATE UNIQUE INDEX articles_id ON articles (id);
CREATE INDEX articles_hash ON articles (hash);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_start ON events (start, seq);
"""

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


class Stale(Exception):
    """The sidecar does not match the JSON file (or cannot be read): do not use it."""


def sidecar_path(json_path: str) -> str:
    return json_path + SUFFIX


def _sig_text(sig: Signature) -> str:
    return ":".join(map(str, sig))


def json_signature(path: str) -> Signature | None:
    """The JSON file's signature now; None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


# -- a claim as sidecar rows -------------------------------------------------------------------

def _str(value: Any) -> str:
    return value if type(value) is str else ""


def _claim_row(seq: int, claim: Record) -> tuple[int, str, str, str, int, str]:
    return (seq, claim["id"], _str(claim.get("actor")), _str(claim.get("article")),
            1 if claim.get("retracted") else 0, _encode(claim))


def _article_row(seq: int, article: Record) -> tuple[int, str, str | None, str]:
    digest = article.get("hash")
    return (seq, article["id"], digest if type(digest) is str and digest else None, _encode(article))


def _event_row(seq: int, event: Record) -> tuple[int, str, str, int, str]:
    return (seq, event["id"], _str(event.get("start")), 1 if event.get("status") == "cancelled" else 0,
            _encode(event))


def _pack(seqs: Iterable[int]) -> bytes:
    return array("I", seqs).tobytes()


def _unpack(blob: bytes) -> array:
    out = array("I")
    out.frombytes(blob)
    return out


class Sidecar:
    """The sidecar of the TinyDB file at ``json_path``.

    One object per store object; not thread-safe by itself (the store's mutex guards it)
    and never used across ``fork`` (connections are reopened in a child).
    """

    def __init__(self, json_path: str) -> None:
        self.json_path = json_path
        self.path = sidecar_path(json_path)
        self.directory, self.name = os.path.split(self.path)
        self._open: dict[str, tuple[sqlite3.Connection, int]] = {}  # mode (ro, rw) -> (connection, inode)
        self._pid = os.getpid()

    # -- connections ------------------------------------------------------------------------
    def _forked(self) -> None:
        if self._pid != os.getpid():  # a connection must not cross a fork: drop, never close
            self._open = {}
            self._pid = os.getpid()

    def _connect(self, mode: str) -> tuple[sqlite3.Connection, int]:
        """A connection to the sidecar file as it is now, and that file's inode."""
        for _ in range(3):
            try:
                before = os.stat(self.path).st_ino
            except FileNotFoundError:
                raise Stale("no sidecar") from None
            except OSError as e:
                raise Stale(str(e)) from e
            try:
                con = sqlite3.connect(f"file:{_quote(self.path)}?mode={mode}", uri=True, timeout=10.0,
                                      isolation_level=None, check_same_thread=False)
            except sqlite3.Error as e:
                raise Stale(str(e)) from e
            try:
                after = os.stat(self.path).st_ino
            except OSError:
                after = None
            if after == before:
                return con, before
            con.close()  # replaced while connecting: once more
        raise Stale("the sidecar keeps being replaced")

    def _connection(self, mode: str) -> sqlite3.Connection:
        """The open ``mode`` ("ro" or "rw") connection, reopened when the sidecar file was
        replaced (another inode) since it was opened."""
        self._forked()
        try:
            ino = os.stat(self.path).st_ino
        except OSError:
            self.close()
            raise Stale("no sidecar") from None
        found = self._open.get(mode)
        if found is not None and found[1] == ino:
            return found[0]
        if found is not None:
            del self._open[mode]
            found[0].close()
        con, ino = self._open[mode] = self._connect(mode)
        if mode == "rw":
            con.execute("PRAGMA synchronous=FULL")
        return con

    def close(self) -> None:
        self._forked()
        for con, _ in self._open.values():
            try:
                con.close()
            except sqlite3.Error:
                pass
        self._open = {}

    # -- reading ----------------------------------------------------------------------------
    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(connection)`` inside one read transaction, if the sidecar matches the JSON
        file as it is now; raises ``Stale`` otherwise (or when SQLite fails)."""
        try:
            con = self._connection("ro")
            con.execute("BEGIN")
            try:
                if not self._matches(con, json_signature(self.json_path)):
                    raise Stale("the sidecar does not match the JSON file")
                return fn(con)
            finally:
                con.execute("ROLLBACK")
        except (sqlite3.Error, ValueError) as e:  # ValueError: a record that is not JSON
            # (a connection may not roll back a crashed writer's hot journal: it refuses to
            # read, SQLITE_READONLY_ROLLBACK, and the store loads the file instead)
            self.close()
            raise Stale(f"cannot read the sidecar: {e}") from e

    @staticmethod
    def _matches(con: sqlite3.Connection, sig: Signature | None) -> bool:
        if sig is None:
            return False
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('format', 'json')"))
        return meta.get("format") == FORMAT and meta.get("json") == _sig_text(sig)

    def matches(self, sig: Signature | None) -> bool:
        """Whether the sidecar was made from the JSON file version ``sig`` (for writers,
        which hold the write lock)."""
        if sig is None:
            return False
        try:
            con = self._connection("rw")
            return self._matches(con, sig)
        except (Stale, sqlite3.Error):
            self.close()
            return False

    # -- queries (inside ``read``) -------------------------------------------------------------
    @staticmethod
    def find_claims(con: sqlite3.Connection, actor: str | None, topics: Iterable[str] | None,
                    words: Iterable[str] | None, article: str | None, include_retracted: bool) -> list[Record]:
        """``Index.find_claims`` over the sidecar: same filters, same results, same order."""
        narrow: list[set[int]] = []
        wanted = list(dict.fromkeys(_as_list(topics)))
        if actor is not None and wanted:
            found = _seqs(con, "SELECT seq FROM claim_topics WHERE actor = ? AND topic IN ({})", wanted, actor)
            if not found:
                return []
            narrow.append(found)
            wanted = []
        elif actor is not None:
            narrow.append(_seqs(con, "SELECT seq FROM claims WHERE actor = ?", [], actor))
        if article is not None:
            narrow.append(_seqs(con, "SELECT seq FROM claims WHERE article = ?", [], article))
        topic_set: set[int] | None = None
        if wanted:
            topic_set = _seqs(con, "SELECT seq FROM claim_topics WHERE topic IN ({})", wanted)
            if not topic_set:
                return []
        word_list = _as_list(words)
        terms = query_terms(word_list)
        if word_list and not terms:
            return []
        if not narrow and topic_set is None and not terms:
            where = "" if include_retracted else " WHERE NOT retracted"
            return [json.loads(doc) for (doc,) in con.execute(f"SELECT doc FROM claims{where} ORDER BY seq")]
        result: set[int] | None = None
        if narrow:
            narrow.sort(key=len)
            result = narrow[0]
            for other in narrow[1:]:
                result = result & other
        if topic_set is not None:
            result = topic_set if result is None else result & topic_set
        if terms:
            result = _match_terms(con, terms, result)
        assert result is not None
        return _docs(con, sorted(result), include_retracted)

    @staticmethod
    def get_claim(con: sqlite3.Connection, claim_id: str) -> Record | None:
        row = con.execute("SELECT doc FROM claims WHERE id = ?", (claim_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    @staticmethod
    def get_article(con: sqlite3.Connection, article_id: str) -> Record | None:
        row = con.execute("SELECT doc FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    @staticmethod
    def has_article(con: sqlite3.Connection, content_hash: str) -> bool:
        return con.execute("SELECT 1 FROM articles WHERE hash = ? LIMIT 1", (content_hash,)).fetchone() is not None

    @staticmethod
    def articles(con: sqlite3.Connection) -> list[Record]:
        return [json.loads(doc) for (doc,) in con.execute("SELECT doc FROM articles ORDER BY seq")]

    @staticmethod
    def events(con: sqlite3.Connection, start_from: str | None, start_to: str | None,
               include_cancelled: bool) -> list[Record]:
        """``Index.find_events``: by (start, seq); ``start_to`` includes the starts it prefixes."""
        where, values = [], []
        if start_from is not None:
            where.append("start >= ?")
            values.append(start_from)
        if start_to is not None:
            where.append("start < ?")  # UTF-8 sorts as code points do: the same order as Python's
            values.append(start_to + _TOP)
        if not include_cancelled:
            where.append("NOT cancelled")
        sql = "SELECT doc FROM events" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY start, seq"
        return [json.loads(doc) for (doc,) in con.execute(sql, values)]

    @staticmethod
    def actor_counts(con: sqlite3.Connection) -> dict[str, int]:
        return dict(con.execute("SELECT actor, count(*) FROM claims WHERE NOT retracted GROUP BY actor"))

    @staticmethod
    def topic_counts(con: sqlite3.Connection) -> dict[str, int]:
        return dict(con.execute(
            "SELECT topic, count(*) FROM claim_topics "
            "WHERE seq NOT IN (SELECT seq FROM claims WHERE retracted) GROUP BY topic"))

    # -- writing (the caller holds the store's write lock) ---------------------------------------
    def discard(self) -> None:
        """Delete the sidecar (and a journal a crashed transaction left); missing is fine."""
        self.close()
        for path in (self.path, self.path + "-journal"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as e:
                if e.errno != errno.ENOENT:
                    raise

    def build(self, ix: Index, sig: Signature) -> None:
        """Write a new sidecar from ``ix`` (the contents of JSON version ``sig``) to a
        temp file and rename it into place.  Builds ``ix``'s word index if it has none."""
        tmp = os.path.join(self.directory, f".{self.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                # a temp file nobody reads until it is complete: no journal, no syncs (one
                # fsync of the whole file before the rename)
                con.execute("PRAGMA journal_mode=OFF")
                con.execute("PRAGMA synchronous=OFF")
                con.execute("PRAGMA cache_size=-65536")
                con.executescript(SCHEMA)
                con.execute("BEGIN")
                claim_at = ix.claim_at
                con.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)",
                                (_claim_row(seq, claim_at[seq]) for seq in sorted(claim_at)))
                con.executemany("INSERT INTO claim_topics VALUES (?, ?, ?)",
                                ((topic, _str(claim_at[seq].get("actor")), seq)
                                 for seq in sorted(claim_at) for topic in _topics(claim_at[seq])))
                by_word = ix.by_word
                con.executemany("INSERT INTO claim_words VALUES (?, ?, ?)", _word_blocks(by_word))
                seqs = ix.seqs["articles"]
                con.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)",
                                (_article_row(seqs[rid], a) for rid, a in ix.rows["articles"].items()))
                con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                                (_event_row(seq, e) for seq, e in ix.event_at.items()))
                con.execute("INSERT INTO meta VALUES ('format', ?), ('json', ?)", (FORMAT, _sig_text(sig)))
                con.execute("COMMIT")
                con.executescript(INDEXES)
            finally:
                con.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            # a journal left at the final path would be applied to the new file: delete it first
            try:
                os.unlink(self.path + "-journal")
            except FileNotFoundError:
                pass
            self.close()
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        fsync_directory(self.directory)

    def apply(self, changes: Mapping[str, list[Change]], old: Signature, new: Signature) -> None:
        """Bring a sidecar made from JSON version ``old`` to version ``new``: ``changes``
        are, per table of ``TABLES``, ``(seq, old record or None, new record or None)``
        for every record of it the write changed.  One transaction; raises ``Stale``
        (changing nothing) when the sidecar is not at ``old``."""
        try:
            con = self._connection("rw")
            con.execute("BEGIN IMMEDIATE")
            try:
                if not self._matches(con, old):
                    raise Stale("the sidecar is not at the version this write started from")
                self._apply(con, changes)
                con.execute("UPDATE meta SET value = ? WHERE key = 'json'", (_sig_text(new),))
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.Error as e:
            self.close()
            raise Stale(f"cannot update the sidecar: {e}") from e

    @staticmethod
    def _apply(con: sqlite3.Connection, changes: Mapping[str, list[Change]]) -> None:
        for table, row in (("articles", _article_row), ("events", _event_row)):
            width = 4 if table == "articles" else 5
            con.executemany(f"DELETE FROM {table} WHERE seq = ?",
                            [(seq,) for seq, _, after in changes.get(table, ()) if after is None])
            con.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({', '.join('?' * width)})",
                            [row(seq, after) for seq, _, after in changes.get(table, ()) if after is not None])
        word_adds: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
        word_drops: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
        topic_drops: list[tuple[str, str, int]] = []
        topic_adds: list[tuple[str, str, int]] = []
        deleted: list[tuple[int]] = []
        upserts = []
        for seq, before, after in changes.get("claims", ()):
            block = seq >> _BLOCK_BITS
            old_words = claim_words(before) if before is not None else set()
            new_words = claim_words(after) if after is not None else set()
            for word in old_words - new_words:
                word_drops[(word, block)].add(seq)
            for word in new_words - old_words:
                word_adds[(word, block)].add(seq)
            if before is not None:
                actor = _str(before.get("actor"))
                topic_drops.extend((t, actor, seq) for t in _topics(before))
            if after is not None:
                actor = _str(after.get("actor"))
                topic_adds.extend((t, actor, seq) for t in _topics(after))
                upserts.append(_claim_row(seq, after))
            else:
                deleted.append((seq,))
        con.executemany("DELETE FROM claim_topics WHERE topic = ? AND actor = ? AND seq = ?", topic_drops)
        con.executemany("INSERT OR IGNORE INTO claim_topics VALUES (?, ?, ?)", topic_adds)
        con.executemany("DELETE FROM claims WHERE seq = ?", deleted)
        con.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?, ?)", upserts)
        keys = sorted(word_adds.keys() | word_drops.keys())
        stored: dict[tuple[str, int], bytes] = {}
        for i in range(0, len(keys), _CHUNK // 2):  # the blocks these words have now, a few queries
            part = keys[i:i + _CHUNK // 2]
            pairs = ",".join(["(?, ?)"] * len(part))
            stored.update(((word, block), blob) for word, block, blob in con.execute(
                f"SELECT word, block, seqs FROM claim_words WHERE (word, block) IN (VALUES {pairs})",
                [v for key in part for v in key]))
        upserts, emptied = [], []
        for key in keys:
            blob = stored.get(key)
            seqs = set(_unpack(blob)) if blob is not None else set()
            seqs -= word_drops.get(key, set())
            seqs |= word_adds.get(key, set())
            if seqs:
                upserts.append((*key, _pack(sorted(seqs))))
            elif blob is not None:
                emptied.append(key)
        con.executemany("INSERT OR REPLACE INTO claim_words VALUES (?, ?, ?)", upserts)
        con.executemany("DELETE FROM claim_words WHERE word = ? AND block = ?", emptied)


# -- helpers --------------------------------------------------------------------------------------

def _quote(path: str) -> str:
    """``path`` for a ``file:`` URI."""
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _seqs(con: sqlite3.Connection, sql: str, values: list[str], *first: Any) -> set[int]:
    """The seqs ``sql`` selects; ``{}`` in it takes ``values`` as an IN list (chunked)."""
    if "{}" not in sql:
        return {seq for (seq,) in con.execute(sql, first)}
    out: set[int] = set()
    for i in range(0, len(values), _CHUNK):
        part = values[i:i + _CHUNK]
        out.update(seq for (seq,) in con.execute(sql.format(",".join("?" * len(part))), (*first, *part)))
    return out


def _postings(con: sqlite3.Connection, word: str) -> set[int]:
    out: set[int] = set()
    for (blob,) in con.execute("SELECT seqs FROM claim_words WHERE word = ?", (word,)):
        out.update(_unpack(blob))
    return out


def _match_terms(con: sqlite3.Connection, terms: list[tuple[str, ...]], within: set[int] | None) -> set[int]:
    """As ``Index._match_terms``: seqs (within ``within``) having every form of some term."""
    cache: dict[str, set[int]] = {}
    matched: set[int] = set()
    for forms in terms:
        hits = within
        for form in forms:
            postings = cache.get(form)
            if postings is None:
                postings = cache[form] = _postings(con, form)
            hits = set(postings) if hits is None else hits & postings
            if not hits:
                break
        if hits:
            matched |= hits
    return matched


def _docs(con: sqlite3.Connection, seqs: list[int], include_retracted: bool) -> list[Record]:
    """The claims with these seqs (sorted), in that order."""
    out: list[Record] = []
    where = "" if include_retracted else " AND NOT retracted"
    for i in range(0, len(seqs), _CHUNK):
        part = seqs[i:i + _CHUNK]
        sql = f"SELECT doc FROM claims WHERE seq IN ({','.join('?' * len(part))}){where} ORDER BY seq"
        out.extend(json.loads(doc) for (doc,) in con.execute(sql, part))
    return out


def _word_blocks(by_word: Mapping[str, list[int]]) -> Iterator[tuple[str, int, bytes]]:
    for word in sorted(by_word):
        for block, seqs in groupby(by_word[word], key=lambda s: s >> _BLOCK_BITS):
            yield word, block, _pack(seqs)


def fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable.  Failing here changes nothing: the new file
    is in place and complete either way, so the error is not reported as a failed write."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
