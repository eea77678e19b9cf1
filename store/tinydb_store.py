"""The embedded default backend: one TinyDB JSON file (``data/claimbot.json``).

TinyDB is the engine (its tables, documents and file format) over ``AtomicJSONStorage``,
a storage that keeps the database in memory and writes the file atomically:

- a write goes to a temporary file in the same directory, is flushed and fsynced, then
  ``os.replace``-d over the old file and the directory is fsynced: a crash at any moment
  leaves the last complete file;
- one store method is one file write: TinyDB's table operations inside
  ``AtomicJSONStorage.deferred()`` change memory only (TinyDB's own one-at-a-time writes
  would rewrite the whole file per document);
- every write method holds an exclusive ``flock`` on ``FILE.lock`` for its whole
  read-modify-write, so the CLI and a running bot can both write;
- before answering, a store checks the file's (mtime_ns, size, inode) and reloads when
  another process replaced it.

Queries never go through TinyDB's ``Query`` (a scan: ~0.3 s at 100k claims): they are
answered from the in-memory indexes in ``store.index``, kept in step with every write,
or, by a store opened *cold* (the default), from the on-disk index sidecar ``FILE.index``
(``store.sidecar``: SQLite), which every write keeps in step with the file inside the
same lock, after the rename.  A cold store answers the queries on claims, articles and
events without reading the file (``claimbot stance`` at 100k claims: ~0.3 s instead of ~4 s);
anything else, any write, a stale sidecar, or enough cold queries to have paid for a
load, loads the file.  Long-running processes call ``preload()`` (or open with
``preload=True``) so that no query pays for loading.

Costs at 100k claims (~115 MB file, measured on a 2-core machine): a query from memory
~0.4 ms (p99 ~3 ms), from the sidecar ~5-30 ms; opening cold ~1 ms; loading or reloading
~2.5 s and ~320 MB; every write rewrites the whole file, ~1 s (the JSON encoding), so an
asyncio caller should run writes in an executor (a store object may be shared by
threads), and a write of many articles should be one ``add_article_bundles`` call.
Each open store keeps the file version it read open, so a version replaced under a
process that has not looked since still takes disk space.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from sys import intern
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from store.base import DEFAULT_DB, TABLES, Record, StoreError
from store.index import Batch, Index, IndexedStore, _as_list, freeze_loaded, gc_paused
from store.sidecar import TABLES as SIDECAR_TABLES
from store.sidecar import Change, Sidecar, Stale, fsync_directory, json_signature

Signature = tuple[int, int, int]  # (st_mtime_ns, st_size, st_ino)
T = TypeVar("T")

log = logging.getLogger(__name__)

_CHUNK = 2000  # documents per json.dumps call when writing (bounds the memory of a write)
_LOAD_BYTES_PER_S = 40e6  # how fast a file is read and indexed (~35-45 MB/s measured)
_REBUILD_SHARE = 4  # a write changing more than 1/4 of the claims rebuilds the sidecar


def _signature(st: os.stat_result) -> Signature:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class AtomicJSONStorage(Storage):
    """A TinyDB storage: the database lives in ``self.data``; the file is read when
    opened (and by ``reload()``), and replaced atomically by every ``write`` outside
    ``deferred()``, or once at the end of it.

    ``signature`` identifies the file version ``data`` came from.  The storage keeps
    that version open: a file that is open cannot be freed, so its inode cannot be
    reused by a later version, and a changed inode always means a changed file.
    """

    def __init__(self, path: str | os.PathLike[str], lazy: bool = False) -> None:
        super().__init__()
        self.path = os.path.abspath(os.fspath(path))
        self.directory, self.name = os.path.split(self.path)
        self.data: dict[str, dict[str, Any]] = {}
        self.signature: Signature | None = None
        self._pin: int | None = None
        self._deferred = 0
        self._dirty = False
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the directory {self.directory} for the store "
                             f"{self.path}: {e.strerror}") from e
        if not lazy:  # lazy: empty until ``reload()`` (``changed()`` is True for an existing file)
            self.reload()

    # -- TinyDB's storage contract ------------------------------------------------------------
    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        if self._deferred:
            self._dirty = True
        else:
            self.flush()

    def close(self) -> None:
        self._set_pin(None)

    # -- batching, loading, writing ---------------------------------------------------------------
    @contextmanager
    def deferred(self) -> Iterator[None]:
        """TinyDB writes inside the block change ``data`` only; the file is written once
        when the block ends without an exception (and not at all when it raises)."""
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            if not self._deferred:
                self._dirty = False
            raise
        self._deferred -= 1
        if not self._deferred and self._dirty:
            self._dirty = False
            self.flush()

    def changed(self) -> bool:
        """Whether the file is not the version ``data`` came from."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return self.signature is not None
        except OSError as e:
            raise StoreError(f"cannot read the store {self.path}: {e.strerror}") from e
        return _signature(st) != self.signature

    def reload(self) -> None:
        """Read the file into ``data``; a missing or empty file is an empty database.

        A file that is not a TinyDB JSON database raises ``StoreError`` and changes
        nothing, in memory or on disk.
        """
        try:
            handle = open(self.path, encoding="utf-8")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            self.data, self.signature = {}, None
            self._set_pin(None)
            return
        except OSError as e:
            raise StoreError(f"cannot read the store {self.path}: {e.strerror}") from e
        with handle:
            signature = _signature(os.fstat(handle.fileno()))
            try:
                data = _read_tables(handle)
            except UnicodeDecodeError as e:
                raise self._corrupt(f"it is not UTF-8 text (byte {e.start})") from None
            except OSError as e:
                raise StoreError(f"cannot read the store {self.path}: {e.strerror}") from e
            except (json.JSONDecodeError, _NotTinyDB) as e:
                raise self._corrupt(self._explain(e)) from None
            pin = os.dup(handle.fileno())
        self.data, self.signature = data, signature
        self._set_pin(pin)

    def _explain(self, error: Exception) -> str:
        """Why the file is unreadable, in the words of a plain ``json.load`` if it fails."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                json.load(handle)
        except json.JSONDecodeError as e:
            return f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        except (OSError, UnicodeDecodeError):
            pass
        return str(error) if isinstance(error, _NotTinyDB) else f"invalid JSON: {error}"

    def flush(self) -> None:
        """Replace the file with ``data``: temp file, fsync, rename, fsync the directory."""
        tmp = os.path.join(self.directory, f".{self.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        pin = None
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            try:
                out = open(fd, "w", encoding="utf-8")  # noqa: SIM115 - closed by the with below
            except BaseException:
                os.close(fd)
                raise
            with out:
                try:
                    os.fchmod(fd, os.stat(self.path).st_mode & 0o7777)  # keep the file's mode
                except FileNotFoundError:
                    pass
                _write_tables(out, self.data)
                out.flush()
                os.fsync(fd)
                signature = _signature(os.fstat(fd))
                pin = os.dup(fd)
            os.replace(tmp, self.path)
        except BaseException as e:
            if pin is not None:
                os.close(pin)
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(e, OSError):
                raise StoreError(f"could not write the store {self.path} ({e}); "
                                 "the file was left as it was") from e
            raise
        self.signature = signature
        self._set_pin(pin)
        fsync_directory(self.directory)

    def remove_stale_temps(self) -> None:
        """Delete temporary files left by a writer that died before its rename.

        Only call this while holding the write lock: then no writer is mid-write.
        """
        prefix = f".{self.name}."
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name.startswith(prefix) and name.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(self.directory, name))
                except OSError:
                    pass

    def _set_pin(self, fd: int | None) -> None:
        if self._pin is not None:
            os.close(self._pin)
        self._pin = fd

    def _corrupt(self, why: str) -> StoreError:
        return StoreError(f"the store file {self.path} is unreadable: {why}. It was left as it "
                          "is; fix it, or move it away to start an empty store.")


# -- reading a TinyDB file a document at a time -------------------------------------------------

_BLOCK = 1 << 20  # characters read at a time
_MANY = 1 << 17  # characters of documents parsed in one json call (see _Reader.many)
_SPACE = re.compile(r"[ \t\n\r]*")
_CUT = re.compile(r'\}[ \t\n\r]*,[ \t\n\r]*"\d+"[ \t\n\r]*:[ \t\n\r]*\{')
_DOC_KEY = re.compile(r'[ \t\n\r]*"([^"\\]*)"[ \t\n\r]*:')
_DECODER = json.JSONDecoder()


class _NotTinyDB(ValueError):
    """Valid JSON maybe, but not an object of tables of documents."""


def _read_tables(handle: Any) -> dict[str, dict[str, Any]]:
    """Parse a TinyDB JSON file (``{table: {doc_id: document}}``; empty = no tables).

    Reads a block at a time and parses a few hundred documents at a time, interning
    their strings as it goes: at 100k claims, ``json.load`` of the whole text would hold
    the text (~115 MB) and a parsed copy ~70% larger than this one at once.
    """
    reader = _Reader(handle)
    if reader.peek() == "":
        return {}
    reader.expect("{", "it is not a TinyDB database (an object of tables)")
    tables: dict[str, dict[str, Any]] = {}
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            name = reader.value()
            if type(name) is not str:
                raise _NotTinyDB("it is not a TinyDB database (an object of tables)")
            reader.expect(":", "expected ':'")
            reader.expect("{", f"table {name!r} is not an object of documents")
            tables[name] = reader.documents(name)
            if reader.separator() == "}":
                break
    if reader.peek() != "":
        raise _NotTinyDB("extra data after the database")
    return tables


class _Reader:
    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.shared = _Shared()

    def fill(self, at_least: int = 0) -> None:
        chunk = self.handle.read(max(_BLOCK, at_least))
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        if not chunk:
            self.eof = True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self.fill()

    def expect(self, char: str, why: str) -> None:
        if self.peek() != char:
            raise _NotTinyDB(why)
        self.pos += 1

    def separator(self) -> str:
        char = self.peek()
        if char not in ",}":
            raise _NotTinyDB("expected ',' or '}'")
        self.pos += 1
        return char

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self.eof:
                    raise
                self.fill(len(self.buf) - self.pos)  # the value goes on: at least double the window
                continue
            if end == len(self.buf) and not self.eof and not isinstance(value, dict | list | str):
                self.fill()  # a number or literal may go on in the next block
                continue
            self.pos = end
            return value

    def documents(self, table: str) -> dict[str, Any]:
        docs: dict[str, Any] = {}
        if self.peek() == "}":
            self.pos += 1
            return docs
        while True:
            if self.many(docs):
                continue
            match = _DOC_KEY.match(self.buf, self.pos)
            if match is not None:  # the usual '"123":', without escapes
                key = match.group(1)
                self.pos = match.end()
            else:
                key = self.value()
                if type(key) is not str:
                    raise _NotTinyDB(f"table {table!r} is not an object of documents")
                self.expect(":", "expected ':'")
            doc = self.value()
            if type(doc) is not dict:
                raise _NotTinyDB(f"document {key} of table {table!r} is not an object")
            docs[key] = _compact(doc, self.shared)
            if self.separator() == "}":
                return docs

    def many(self, docs: dict[str, Any]) -> bool:
        """Parse the next ~128 KB of documents in one ``json`` call, if a cut is found.

        A cut is a '},"123":{' after which the slice from here, wrapped in braces,
        parses whole: in valid JSON that '"' is never inside a string, and the slice
        balances only when the '}' ends a document, not an object inside one.  Fewer
        calls, and ``json`` shares the field names of every document of one call.
        """
        if len(self.buf) - self.pos < 2 * _MANY and not self.eof:
            self.fill()
        cut = _CUT.search(self.buf, self.pos + _MANY)
        if cut is None:
            return False
        end = cut.start() + 1
        chunk = "{" + self.buf[self.pos:end] + "}"
        try:
            parsed, parsed_end = _DECODER.raw_decode(chunk)
        except json.JSONDecodeError:
            return False
        if parsed_end != len(chunk) or not all(type(doc) is dict for doc in parsed.values()):
            return False
        shared = self.shared
        for key, doc in parsed.items():
            docs[key] = _compact(doc, shared)
        self.pos = end
        self.separator()  # the ',' the cut found
        return True


class _Shared:
    """The small containers of one load, by value: equal ones become one object.

    100k claims repeat the same few short lists (topics, a target's words, empty lists)
    and flat records (a speaker, a target with its stance) thousands of times; sharing
    them is what interning is for strings (~70 MB of ~370 MB at 100k synthetic claims,
    for ~20% more parse time).  Safe because stored records are read-only
    (``store.index``: list queries hand out the store's own objects, to be copied before
    any change; ``get_*`` return deep copies).  Only small containers are looked up, so
    that the keys of unique ones cost little.
    """

    MAX = 4  # items of a list or dict that may be shared

    def __init__(self) -> None:
        self.lists: dict[tuple[Any, ...], list[Any]] = {}
        self.dicts: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.ints: dict[int, int] = {}
        self.floats: dict[float, float] = {}

    def number(self, value: Any) -> Any:
        """An int or float (offsets, confidences: few values, many times): one object per
        value, as interning does for strings.  Ints and floats are kept apart (1 == 1.0, and
        the file must say which), and so are 0.0 and -0.0, and NaN, which is never equal."""
        if type(value) is int:
            return self.ints.setdefault(value, value)
        if value != 0 and value == value:
            return self.floats.setdefault(value, value)
        return value

    def small_list(self, values: list[Any]) -> list[Any]:
        """A list of at most ``MAX`` items, its strings interned; shared if all are."""
        try:
            key = tuple(map(intern, values))
        except TypeError:
            return [intern(v) if type(v) is str else self.record(v) if type(v) is dict else v for v in values]
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = list(key)
        return found

    def record(self, value: dict[str, Any]) -> dict[str, Any]:
        """``value`` compacted; shared when it is small and holds scalars only."""
        _compact(value, self)
        if len(value) > self.MAX:
            return value
        types = tuple(map(type, value.values()))
        if not _SCALARS.issuperset(types):
            return value
        # the types are part of the key: 1, 1.0 and True are equal but not the same JSON
        key = (tuple(value.items()), types)
        found = self.dicts.get(key)
        if found is None:
            found = self.dicts[key] = value
        return found


_SCALARS = frozenset((str, int, float, bool, type(None)))
_MAX_SHARED = _Shared.MAX


def _compact(doc: dict[str, Any], shared: _Shared) -> dict[str, Any]:
    """``doc`` with its strings interned, so equal strings are one object in memory, and
    its small lists and flat records shared with equal ones of other documents (see
    ``_Shared``).

    100k claims repeat their actor ids, dates, outlets, names and stemmed words many
    times; sharing them takes the parsed data from ~400 MB to ~235 MB.
    """
    for key, value in doc.items():
        kind = type(value)
        if kind is str:
            doc[key] = intern(value)
        elif kind is list:
            if len(value) <= _MAX_SHARED:
                doc[key] = shared.small_list(value)
            else:
                try:
                    doc[key] = list(map(intern, value))  # a list of strings: all in C
                except TypeError:
                    doc[key] = [intern(v) if type(v) is str else shared.record(v) if type(v) is dict else v
                                for v in value]
        elif kind is dict:
            doc[key] = shared.record(value)
        elif kind is int or kind is float:
            doc[key] = shared.number(value)
    return doc

def _write_tables(out: Any, tables: dict[str, dict[str, Any]]) -> None:
    """Write ``tables`` as one JSON object, a few thousand documents per ``json`` call,
    so that a write never holds the whole file in one string."""
    encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    out.write("{")
    for t, (table, docs) in enumerate(tables.items()):
        out.write(("," if t else "") + encode(table) + ":{")
        items = iter(docs.items())
        first = True
        while block := dict(islice(items, _CHUNK)):
            text = encode(block)
            out.write(text[1:-1] if first else "," + text[1:-1])
            first = False
        out.write("}")
    out.write("}")


class TinyDBStore(IndexedStore):
    """The ``Store`` protocol over one TinyDB JSON file (see the module doc).

    ``lock_timeout``: seconds a write waits for another process's write before raising
    ``StoreError``.

    ``preload``: read the whole file and build the in-memory indexes now, as a
    long-running process should (the same as calling ``preload()``).
    Otherwise the store opens *cold* when its sidecar (``store.sidecar``, ``FILE.index``)
    matches the file: the queries on claims, articles and events are answered from the
    sidecar, reading only what they return, and anything else (subscriptions,
    deliveries, the audit log, any write) loads the file first.  A cold store loads the
    file anyway once its sidecar queries have taken about as long as loading would (so
    a process that keeps asking ends up in memory, and one that asks once never pays
    for it).  Without a sidecar that matches the file, the file is loaded at open, and
    the sidecar rebuilt if no other process is writing.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB, *, lock_timeout: float = 60.0,
                 preload: bool = False) -> None:
        super().__init__()
        self.path = os.path.abspath(os.fspath(path))
        self.lock_path = self.path + ".lock"
        self.lock_timeout = lock_timeout
        self._lock_fd: int | None = None
        self._lock_pid = os.getpid()
        self._locked = 0
        self._sidecar = Sidecar(self.path)
        self._loaded = False  # False: cold, answering from the sidecar
        self._sidecar_s = 0.0  # time spent answering from the sidecar while cold
        self._db = TinyDB(self.path, storage=AtomicJSONStorage, lazy=True)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        try:
            if preload:
                self.preload()
            elif json_signature(self.path) is None:
                self._load()  # no file yet: an empty store
            else:
                self._cold(_usable)  # cold if the sidecar matches the file, else the file is loaded
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._mutex:
            self._db.close()
            self._sidecar.close()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    @property
    def loaded(self) -> bool:
        """Whether the file is in memory (False: queries are answered from the sidecar)."""
        return self._loaded

    # -- queries a cold store answers from the sidecar (claims, articles, events) -------------------
    def claims(self, *, actor: str | None = None, topics: Iterable[str] | None = None,
               words: Iterable[str] | None = None, article: str | None = None,
               include_retracted: bool = False) -> list[Record]:
        topic_list, word_list = _as_list(topics), _as_list(words)  # iterables are read once
        with self._mutex:
            if not self._loaded:
                found = self._cold(lambda con: Sidecar.find_claims(con, actor, topic_list, word_list, article,
                                                                   include_retracted))
                if found is not None:
                    return found
            return super().claims(actor=actor, topics=topic_list, words=word_list, article=article,
                                  include_retracted=include_retracted)

    def get_claim(self, claim_id: str) -> Record | None:
        with self._mutex:
            if not self._loaded:
                found = self._cold(lambda con: [Sidecar.get_claim(con, claim_id)])
                if found is not None:
                    return found[0]
            return super().get_claim(claim_id)

    def has_article(self, content_hash: str) -> bool:
        with self._mutex:
            if not self._loaded:
                found = self._cold(lambda con: [Sidecar.has_article(con, content_hash)])
                if found is not None:
                    return found[0]
            return super().has_article(content_hash)

    def get_article(self, article_id: str) -> Record | None:
        with self._mutex:
            if not self._loaded:
                found = self._cold(lambda con: [Sidecar.get_article(con, article_id)])
                if found is not None:
                    return found[0]
            return super().get_article(article_id)

    def articles(self) -> list[Record]:
        with self._mutex:
            if not self._loaded:
                found = self._cold(Sidecar.articles)
                if found is not None:
                    return found
            return super().articles()

    def events(self, *, start_from: str | None = None, start_to: str | None = None,
               include_cancelled: bool = True) -> list[Record]:
        with self._mutex:
            if not self._loaded:
                found = self._cold(lambda con: Sidecar.events(con, start_from, start_to, include_cancelled))
                if found is not None:
                    return found
            return super().events(start_from=start_from, start_to=start_to, include_cancelled=include_cancelled)

    def actor_counts(self) -> dict[str, int]:
        with self._mutex:
            if not self._loaded:
                found = self._cold(Sidecar.actor_counts)
                if found is not None:
                    return found
            return super().actor_counts()

    def topic_counts(self) -> dict[str, int]:
        with self._mutex:
            if not self._loaded:
                found = self._cold(Sidecar.topic_counts)
                if found is not None:
                    return found
            return super().topic_counts()

    def _cold(self, fn: Callable[[Any], T]) -> T | None:
        """``fn`` answered from the sidecar, or None when the store had to load the file
        (the sidecar is stale: the caller answers from memory)."""
        if self._sidecar_s > self._load_estimate():
            # ski rental: the sidecar has cost about what loading the file would have
            self._load()
            return None
        t0 = time.perf_counter()
        try:
            try:
                return self._sidecar.read(fn)
            except Stale:
                pass
            # maybe a writer is between its rename and its sidecar update: wait for it
            if self._hold_shared(min(self.lock_timeout, 5.0)):
                try:
                    return self._sidecar.read(fn)
                except Stale:
                    pass
                finally:
                    self._release()
        finally:
            self._sidecar_s += time.perf_counter() - t0
        self._load()
        return None

    def _load_estimate(self) -> float:
        try:
            return os.stat(self.path).st_size / _LOAD_BYTES_PER_S
        except OSError:
            return 0.0

    def _sidecar_usable(self) -> bool:
        try:
            return self._sidecar.read(_usable)
        except Stale:
            return False

    # -- IndexedStore hooks ---------------------------------------------------------------------
    def _refresh(self) -> None:
        if not self._loaded:
            self._load()
        elif self._storage.changed():
            with gc_paused():
                self._storage.reload()
                self._ix = self._build_index()
            freeze_loaded()

    def _load(self) -> None:
        """Read the file into memory and index it; then, if the sidecar does not match the
        file and no other process is writing, rebuild it."""
        with gc_paused():
            self._storage.reload()
            self._ix = self._build_index()
        freeze_loaded()
        self._loaded = True
        self._sidecar.close()  # a loaded store does not read it again
        if not self._locked:  # (a write in progress updates the sidecar itself)
            self._repair_sidecar()

    def _repair_sidecar(self) -> None:
        sig = self._storage.signature
        try:
            if sig is None or self._sidecar_usable() or not self._try_exclusive():
                return  # no file, nothing to repair, or a writer at work (it keeps the sidecar)
            try:
                # under the lock: the file is still the version in memory, the sidecar still stale?
                if json_signature(self.path) != sig or self._sidecar.matches(sig):
                    return
                self._storage.remove_stale_temps()
                self._sidecar.discard()
                self._sidecar.build(self._ix, sig)
            except Exception as e:  # noqa: BLE001 - the sidecar only speeds up reads; never fail one
                log.warning("claimbot: could not rebuild the index sidecar of %s: %s", self.path, e)
                self._discard_sidecar()
            finally:
                self._release()
        finally:
            self._sidecar.close()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        if self._locked:  # already held by this store (a nested write)
            self._locked += 1
            try:
                yield
            finally:
                self._locked -= 1
            return
        if not self._acquire(fcntl.LOCK_EX, self.lock_timeout):
            raise StoreError(f"the store {self.path} is busy: another process has held "
                             f"{self.lock_path} for more than {self.lock_timeout:g} s")
        try:
            self._storage.remove_stale_temps()
            yield
        finally:
            self._release()

    def _acquire(self, op: int, timeout: float) -> bool:
        """Take the lock file's flock (``op``: LOCK_EX or LOCK_SH), waiting up to ``timeout``
        seconds; False when it stayed busy."""
        fd = self._lock_file()
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, op | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise StoreError(f"cannot lock {self.lock_path}: {e.strerror}") from e
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.01)
        self._locked = 1
        return True

    def _release(self) -> None:
        self._locked = 0
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _try_exclusive(self) -> bool:
        try:
            return not self._locked and self._acquire(fcntl.LOCK_EX, 0.0)
        except StoreError:
            return False

    def _hold_shared(self, timeout: float) -> bool:
        """Wait (up to ``timeout``) until no process is writing, holding the lock shared."""
        try:
            return not self._locked and self._acquire(fcntl.LOCK_SH, timeout)
        except StoreError:  # e.g. a read-only directory: no lock file to wait on
            return False

    def _commit(self, batch: Batch) -> None:
        """Apply ``batch`` through TinyDB's table API with one file write, then index it,
        then bring the sidecar up to date.

        Consumes ``batch.puts``: TinyDB stores its own copy of each record, and dropping
        ours as we go keeps a 100k-record ``load`` from holding three copies at once.
        """
        storage, ix = self._storage, self._ix
        before_sig = storage.signature
        sidecar_ok = self._sidecar.matches(before_sig)
        if not sidecar_ok:
            # deleted before the rename: a stale sidecar never names a version older than
            # the one on disk (see store.sidecar)
            self._discard_sidecar()
        # the records of the sidecar's tables this write changes, as they were
        olds = {table: {rid: ix.rows[table].get(rid) for rid in batch.puts.get(table, ())} for table in SIDECAR_TABLES}
        changes: dict[str, list[Change]] = {
            table: [(ix.seqs[table][rid], ix.rows[table][rid], None)
                    for rid in batch.deletes.get(table, ()) if rid in ix.rows[table]]
            for table in SIDECAR_TABLES}
        # TinyDB replaces a table's dict on every change and never edits the old one
        # (we never use its in-place ``update``), so a shallow copy is a snapshot.
        before = dict(storage.data)
        placed: list[tuple[str, int]] = []
        try:
            with storage.deferred():
                for table, records in batch.puts.items():
                    doc_ids, replaced = [], []
                    seq = ix.next_seq[table]
                    for record_id in records:
                        old = ix.seq_of(table, record_id)
                        if old is None:
                            doc_ids.append(seq)
                            seq += 1
                        else:
                            doc_ids.append(old)
                            replaced.append(old)
                    placed.extend((table, doc_id) for doc_id in doc_ids)
                    if replaced:
                        self._db.table(table).remove(doc_ids=replaced)
                    self._db.table(table).insert_multiple(_documents(records, doc_ids))
                for table, ids in batch.deletes.items():
                    doc_ids = [s for s in (ix.seq_of(table, i) for i in ids) if s is not None]
                    if doc_ids:
                        self._db.table(table).remove(doc_ids=doc_ids)
        except BaseException:
            storage.data = before
            raise
        # The file is written: now the index (plain dict and set operations) follows.
        data = storage.data
        for table, doc_id in placed:
            doc = data[table][str(doc_id)]
            ix.put(table, doc_id, doc)
            if table in changes:
                changes[table].append((doc_id, olds[table].get(doc["id"]), doc))
        for table, ids in batch.deletes.items():
            for record_id in ids:
                ix.delete(table, record_id)
        self._update_sidecar(sidecar_ok, before_sig, changes)

    def _update_sidecar(self, sidecar_ok: bool, before: Signature | None, changes: dict[str, list[Change]]) -> None:
        """After a file write: the sidecar follows (a failure only makes it stale)."""
        after = self._storage.signature
        if after is None:
            return
        n = len(changes["claims"])
        try:
            if sidecar_ok and before is not None and n * _REBUILD_SHARE <= max(len(self._ix.claim_at), 8000):
                try:
                    self._sidecar.apply(changes, before, after)
                    return
                except Stale:
                    self._sidecar.discard()
            self._sidecar.build(self._ix, after)
        except Exception as e:  # noqa: BLE001 - the file is written; the sidecar is only a speed-up
            log.warning("claimbot: could not update the index sidecar of %s (it will be rebuilt): %s", self.path, e)
            self._discard_sidecar()

    def _discard_sidecar(self) -> None:
        try:
            self._sidecar.discard()
        except OSError as e:
            log.warning("claimbot: could not delete the stale index sidecar of %s: %s", self.path, e)

    # -- helpers ----------------------------------------------------------------------------------
    def _lock_file(self) -> int:
        # A forked child must not share the parent's open lock file: flock locks belong
        # to the open file, so parent and child would both "hold" the same lock.
        if self._lock_fd is None or self._lock_pid != os.getpid():
            try:
                self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            except OSError as e:
                raise StoreError(f"cannot open the lock file {self.lock_path}: {e.strerror}") from e
            self._lock_pid = os.getpid()
        return self._lock_fd

    def _build_index(self) -> Index:
        """The index over ``storage.data``; checks every document of the known tables."""
        ix = Index()
        data = self._storage.data
        for table in TABLES:
            docs = data.get(table) or {}
            pairs: list[tuple[int, Record]] = []
            for key, doc in docs.items():
                try:
                    doc_id = int(key)
                except ValueError:
                    raise self._bad(table, key, "its key is not a TinyDB document id") from None
                if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not doc["id"]:
                    raise self._bad(table, key, "it is not a record with a string 'id'")
                pairs.append((doc_id, doc))
            pairs.sort(key=_first)  # the file keeps TinyDB's order, not always by doc id
            seqs = ix.seqs[table]
            for doc_id, doc in pairs:
                if doc["id"] in seqs:
                    raise self._bad(table, str(doc_id), f"id {doc['id']!r} is used twice")
                ix.put(table, doc_id, doc)
        ix.built()
        return ix

    def _bad(self, table: str, key: str, why: str) -> StoreError:
        return self._storage._corrupt(f"document {key} of table {table!r}: {why}")


def _usable(con: Any) -> bool:
    return True


def _first(pair: tuple[int, Record]) -> int:
    return pair[0]


def _documents(records: dict[str, Record], doc_ids: list[int]) -> Iterator[Document]:
    """TinyDB documents for ``records`` (emptied as it goes), one alive at a time."""
    for record_id, doc_id in zip(list(records), doc_ids, strict=True):
        yield Document(records.pop(record_id), doc_id=doc_id)
