"""``PostgresStore``: the Store protocol on PostgreSQL (SQLAlchemy 2 Core, psycopg 3).

Same behaviour as the TinyDB and in-memory backends (tests/test_store.py runs on all
three): same input checks (``store.index.copy_record``), same stored order (``seq``), same
word matching (``store.index.claim_words``/``query_terms``), records handed back as
plain JSON data.  What PostgreSQL adds:

- every write method is one transaction; concurrent writers are other connections,
  possibly other processes, and never need a file lock;
- ``add_article_bundle`` inserts the article with ``ON CONFLICT DO NOTHING`` on the
  UNIQUE content hash: of several processes storing the same article, one wins and the
  others get False having written nothing;
- ``claim_delivery`` is ``INSERT ... ON CONFLICT (id) DO NOTHING``: exactly one claimant
  of a delivery id gets True; ``first_request`` does the same for the signature of a Slack
  request, so one process only acts on it (the Slack adapter's replay guard);
- ``search_claims`` answers ``/claims TEXT`` with full-text search over quote + sentence;
- claim queries ask for ids and row versions (``xmin``) first and decode only the records
  a per-process cache does not hold at that version (``store.postgres.cache``);
  ``preload`` fills that cache with the newest claims;
- several processes: ``presence(run)`` holds a run's advisory lock on a connection of
  its own and hears ``NOTIFY``, which the writes of events and subscriptions send;
  ``runs_alive`` tells which runs still hold theirs (``store.postgres.presence``);
- the schema is versioned by Alembic (``store.postgres.schema``); opening a database
  behind this code's schema raises ``StoreError`` naming the pending migrations, except
  that a database with nothing of claimbot's in it is migrated on first open (there is
  nothing in it to lose, and ``claimbot ingest --db URL`` then just works).

Reads run in autocommit mode (one statement, no BEGIN/ROLLBACK round trips); ``dump``
reads every table in one REPEATABLE READ snapshot.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Table,
    Text,
    any_,
    bindparam,
    create_engine,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError, StatementError

from store.base import TABLES, Bundle, Record, StoreError, scrub, url_secrets
from store.index import (
    _as_list,
    _topics,
    bundle_records,
    claim_words,
    copy_record,
    freeze_loaded,
    gc_paused,
    query_terms,
)
from store.postgres import schema
from store.postgres.cache import DEFAULT_SIZE, DecodedCache
from store.postgres.presence import CHANNEL, LOCK_SPACE, Presence, run_key
from store.postgres.tables import (
    BY_NAME,
    TS_CONFIG,
    articles,
    claims,
    deliveries,
    events,
    people,
    seen_requests,
    subscriptions,
)
from store.postgres.tables import audit as audit_table
from store.postgres.url import engine_url, safe_url

_TOP = "\U0010ffff"  # as in store.index: start_to + _TOP bounds a prefix (collation "C")


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError as e:  # NaN or Infinity: JSON has no such numbers, PostgreSQL's json agrees
        rid = value.get("id") if isinstance(value, dict) else None
        raise ValueError(f"record {rid!r} holds NaN or Infinity, which PostgreSQL cannot store as JSON") from e


class PostgresStore:
    """The ``Store`` protocol on a PostgreSQL database (see the module doc).

    ``url``: ``postgresql://user[:password]@host[:port]/database[?options]``; to use a
    schema other than ``public``, add ``?options=-csearch_path%3DNAME``.
    ``auto_migrate``: create the schema in a database that has nothing of claimbot's
    yet (a database at an older revision is always refused, never changed).
    ``check_index``: refuse a database whose indexed columns were computed differently
    (by a claimbot whose ``claim_words`` differs): its word queries would miss claims.
    ``claimbot migrate`` rebuilds them (``reindex``).
    ``claim_cache``: how many decoded claim records to keep for later queries
    (``store.postgres.cache``; 0: decode every record every time).
    """

    def __init__(self, url: str, *, auto_migrate: bool = True, check_index: bool = True, pool_size: int = 5,
                 max_overflow: int = 10, connect_timeout: int = 10, claim_cache: int = DEFAULT_SIZE) -> None:
        self.url = safe_url(url)
        self._secrets = url_secrets(url)
        self._claim_cache = DecodedCache(claim_cache)
        target = engine_url(url)
        self._conninfo = target.set(drivername="postgresql").render_as_string(hide_password=False)
        self._schema_name: str | None = None
        self._presences: set[Presence] = set()
        self._presence_lock = threading.Lock()
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in target.query:
            connect_args["connect_timeout"] = connect_timeout
        if "application_name" not in target.query:
            connect_args["application_name"] = "claimbot"
        self._engine: Engine = create_engine(
            target, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True,
            json_serializer=_dumps, json_deserializer=json.loads, connect_args=connect_args)
        self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        self._closed = threading.Event()
        try:
            self._check_schema(auto_migrate)
            if check_index:
                self._check_index()
            self._schema()
        except BaseException:
            self._engine.dispose()
            raise

    # -- schema ---------------------------------------------------------------------------------
    def _check_schema(self, auto_migrate: bool) -> None:
        with self._errors("open"), self._engine.connect() as conn:
            if schema.at_revision(conn):
                return
            st = schema.state(conn)
            if st.up_to_date:
                return
            if st.fresh and auto_migrate:
                schema.lock(conn)  # another process may be creating it right now
                st = schema.state(conn)
                if st.fresh:
                    if st.schema is None:
                        raise StoreError(_no_schema(self.url))
                    schema.upgrade(conn)
                    conn.commit()
                    return
                if st.up_to_date:
                    return
            raise StoreError(schema_problem(st, self.url))

    def _check_index(self, sample: int = 20) -> None:
        """Recompute the indexed columns of the newest rows: a difference means this code
        derives them differently from the code that wrote them (the TinyDB backend never
        has this problem: it rebuilds its indexes on every load)."""
        with self._errors("open"), self._reader.connect() as conn:
            for table, columns in DERIVED.items():
                t = BY_NAME[table]
                rows = conn.execute(select(t.c.doc, *(t.c[c] for c in columns)).order_by(t.c.seq.desc())
                                    .limit(sample))
                if any(_stale(table, columns, row) for row in rows):
                    raise StoreError(
                        f"the {table} of the PostgreSQL database {self.url} were indexed by a claimbot that "
                        "computes their search columns differently (e.g. which words a claim matches); "
                        "run `claimbot migrate` (with the same --db or CLAIMBOT_DB) to rebuild them.")

    def reindex(self, batch: int = 2000) -> dict[str, int]:
        """Recompute every row's indexed columns from its record, in one transaction;
        returns how many rows changed per table.  Run by ``claimbot migrate``."""
        changed = {}
        with self._transaction() as conn:
            schema.lock(conn)
            for table, columns in DERIVED.items():
                t = BY_NAME[table]
                fix = (update(t).where(t.c.id == bindparam("_id"))
                       .values({c: bindparam(f"_{c}") for c in columns}))
                last, n = 0, 0
                while True:
                    rows = conn.execute(select(t.c.seq, t.c.doc, *(t.c[c] for c in columns))
                                        .where(t.c.seq > last).order_by(t.c.seq).limit(batch)).all()
                    if not rows:
                        break
                    last = rows[-1][0]
                    stale = [_row(table, row[1]) for row in rows if _stale(table, columns, row[1:])]
                    if stale:
                        conn.execute(fix, [{"_id": r["id"], **{f"_{c}": r[c] for c in columns}} for r in stale])
                        n += len(stale)
                changed[table] = n
        return changed

    def schema_state(self) -> schema.SchemaState:
        """The database's schema revision against this code's (for ``claimbot check``)."""
        with self._errors("read"), self._engine.connect() as conn:
            return schema.state(conn)

    # -- articles -------------------------------------------------------------------------------
    def has_article(self, content_hash: str) -> bool:
        return bool(self._scalar(select(exists().where(articles.c.hash == content_hash))))

    def articles(self) -> list[Record]:
        return self._docs(select(articles.c.doc).order_by(articles.c.seq))

    def get_article(self, article_id: str) -> Record | None:
        return self._get(articles, article_id)

    def add_article_bundle(self, article: Record, claims: list[Record], events: list[Record],
                           audit: Record | None = None) -> bool:
        return self._add_bundles([(article, claims, events, audit)])[0]

    def add_article_bundles(self, bundles: Sequence[Bundle]) -> list[bool]:
        return self._add_bundles(bundles)

    def _add_bundles(self, bundles: Iterable[Bundle]) -> list[bool]:
        """One transaction: each article is inserted in turn (``ON CONFLICT DO NOTHING`` on
        the UNIQUE hash decides, against other processes too, whether its bundle is
        taken); the records of the taken bundles then go in one upsert per table."""
        prepared = []
        for bundle in bundles:  # checked and copied before the transaction
            digest, records = bundle_records(bundle)
            art = records[0][1]
            by_table: dict[str, list[Record]] = {"claims": [], "events": [], "audit": []}
            for table, record in records[1:]:
                by_table[table].append(record)
            prepared.append((digest, art, {t: [_row(t, r) for r in rs] for t, rs in by_table.items()}))
        if not prepared:
            return []
        taken: list[bool] = []
        # id -> row, per table: a later bundle's record replaces an earlier one's in its place
        merged: dict[str, dict[str, dict[str, Any]]] = {"claims": {}, "events": {}, "audit": {}}
        with self._transaction() as conn:
            seen: set[str] = set()
            for digest, art, rows in prepared:
                if digest in seen:
                    taken.append(False)
                    continue
                won = conn.execute(pg_insert(articles).values(_row("articles", art)).on_conflict_do_nothing()
                                   .returning(articles.c.seq)).first()
                if won is None:
                    # either this content is stored (the usual case: report it, write nothing)
                    # or another article has this id: replaced, as the other backends do
                    if conn.execute(select(exists().where(articles.c.hash == digest))).scalar():
                        taken.append(False)
                        continue
                    conn.execute(update(articles).where(articles.c.id == art["id"])
                                 .values(hash=digest, doc=art))
                seen.add(digest)
                taken.append(True)
                for table, table_rows in rows.items():
                    into = merged[table]
                    for row in table_rows:
                        into[row["id"]] = row
            for table, by_id in merged.items():
                _upsert(conn, table, list(by_id.values()))
            if merged["events"]:
                self._notify(conn, "events")
        return taken

    # -- claims ---------------------------------------------------------------------------------
    def claims(self, *, actor: str | None = None, topics: Iterable[str] | None = None,
               words: Iterable[str] | None = None, article: str | None = None,
               include_retracted: bool = False) -> list[Record]:
        query = _claim_filters(select(*_KEY).order_by(claims.c.seq), actor=actor, topics=topics, words=words,
                               article=article, include_retracted=include_retracted)
        return [] if query is None else self._claim_docs(query)

    def search_claims(self, text: str, actor: str | None = None, limit: int | None = 50,
                      include_retracted: bool = False, *, topics: Iterable[str] | None = None,
                      words: Iterable[str] | None = None) -> list[Record]:
        """Claims whose quote or sentence matches ``text`` (PostgreSQL full-text search,
        ``plainto_tsquery``: English stemming, stop words dropped, every remaining word
        required, anywhere in quote + sentence), best matches first (``ts_rank_cd``:
        the more often and the closer together the words occur, the better), then in
        stored order; at most ``limit`` (None: all).  ``actor``, ``topics`` and ``words``
        filter as in ``claims``.

        Any text is safe: it is a bound parameter, and ``plainto_tsquery`` reads no
        operators; NUL characters and lone surrogates are dropped, and only the first
        ``SEARCH_CHARS`` characters are searched (a query of thousands of words would
        exhaust the server's stack).  Text without searchable words matches nothing."""
        if limit is not None and limit <= 0:
            return []
        tsquery = func.plainto_tsquery(text_config(), search_text(text))
        query = _claim_filters(
            select(*_KEY).where(claims.c.tsv.op("@@")(tsquery))
            .order_by(func.ts_rank_cd(claims.c.tsv, tsquery).desc(), claims.c.seq),
            actor=actor, topics=topics, words=words, include_retracted=include_retracted)
        if query is None:
            return []
        return self._claim_docs(query if limit is None else query.limit(limit))

    def _claim_docs(self, query: Any) -> list[Record]:
        """The records of the claims ``query`` selects as ``(id, version)`` rows, in its
        order: those decoded before (same id, same row version) from the cache, the
        others fetched and decoded, in the same snapshot (REPEATABLE READ), so the
        versions read are the versions the query saw (see ``store.postgres.cache``)."""
        cache = self._claim_cache
        if not cache.size:  # no cache: one query, as before there was one
            return self._docs(query.with_only_columns(claims.c.doc))
        with self._errors("read"), self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                keys: list[tuple[str, str]] = conn.execute(query).all()  # type: ignore[assignment]
                found, missing = cache.lookup(keys)
                if not missing:
                    return found  # type: ignore[return-value]  # no None left
                rows = conn.execute(select(claims.c.id, _VERSION, claims.c.doc.cast(Text))
                                    .where(claims.c.id == any_(bindparam("ids", missing, type_=ARRAY(Text)))))
                fetched = rows.all()
        with gc_paused():  # thousands of dicts and lists, none in a cycle
            decoded = [(rid, version, json.loads(doc)) for rid, version, doc in fetched]
        by_id = {rid: record for rid, _, record in decoded}
        records = [record if record is not None else by_id[rid] for record, (rid, _) in zip(found, keys, strict=True)]
        cache.store((rid, version, record) for (rid, version), record in zip(keys, records, strict=True))
        return records

    def get_claim(self, claim_id: str) -> Record | None:
        return self._get(claims, claim_id)

    def put_claim(self, claim: Record, audit: Record | None = None) -> None:
        self._put_one("claims", claim, audit)

    def actor_counts(self) -> dict[str, int]:
        rows = self._rows(sql("SELECT actor, count(*) FROM claims WHERE NOT retracted GROUP BY actor"))
        return {actor: n for actor, n in rows}

    def topic_counts(self) -> dict[str, int]:
        rows = self._rows(sql("SELECT t, count(*) FROM claims, unnest(topics) AS t "
                               "WHERE NOT retracted GROUP BY t"))
        return {topic: n for topic, n in rows}

    # -- events ---------------------------------------------------------------------------------
    def events(self, *, start_from: str | None = None, start_to: str | None = None,
               include_cancelled: bool = True) -> list[Record]:
        query = select(events.c.doc).order_by(events.c.start, events.c.seq)
        if start_from is not None:
            query = query.where(events.c.start >= start_from)
        if start_to is not None:
            query = query.where(events.c.start < start_to + _TOP)
        if not include_cancelled:
            query = query.where(events.c.status.is_distinct_from("cancelled"))
        return self._docs(query)

    def get_event(self, event_id: str) -> Record | None:
        return self._get(events, event_id)

    def put_event(self, event: Record, audit: Record | None = None) -> None:
        self._put_one("events", event, audit)

    # -- subscriptions and the delivery ledger ----------------------------------------------------
    def subscriptions(self) -> list[Record]:
        return self._docs(select(subscriptions.c.doc).order_by(subscriptions.c.seq))

    def put_subscription(self, sub: Record, audit: Record | None = None) -> None:
        self._put_one("subscriptions", sub, audit)

    def delete_subscription(self, sub_id: str, audit: Record | None = None) -> bool:
        records = _unique([] if audit is None else [audit], "audit")
        with self._transaction() as conn:
            gone = conn.execute(delete(subscriptions).where(subscriptions.c.id == sub_id)
                                .returning(subscriptions.c.id)).first()
            if gone is None:
                return False
            _upsert(conn, "audit", records)
            self._notify(conn, "subscriptions")
        return True

    def claim_delivery(self, delivery: Record) -> bool:
        row = _row("deliveries", copy_record(delivery, "deliveries"))
        with self._transaction() as conn:
            won = conn.execute(pg_insert(deliveries).values(row)
                               .on_conflict_do_nothing(index_elements=[deliveries.c.id])
                               .returning(deliveries.c.seq)).first()
        return won is not None

    def update_delivery(self, delivery: Record) -> None:
        self._put_one("deliveries", delivery, None)

    def first_request(self, signature: str, expires_at: float, now: float) -> bool:
        """Record a request signature (Unix times: ``expires_at``, when no process would accept
        it any more; ``now``, this process's clock); False if any process recorded it first.
        Signatures that have expired are deleted on the way, a bounded batch at a time and
        skipping rows another process is deleting."""
        expired = (select(seen_requests.c.signature).where(seen_requests.c.expires_at < _utc(now))
                   .limit(500).with_for_update(skip_locked=True).scalar_subquery())
        with self._transaction() as conn:
            conn.execute(delete(seen_requests).where(seen_requests.c.signature.in_(expired)))
            won = conn.execute(pg_insert(seen_requests).values(signature=signature, expires_at=_utc(expires_at))
                               .on_conflict_do_nothing().returning(seen_requests.c.signature)).first()
        return won is not None

    def deliveries(self) -> list[Record]:
        return self._docs(select(deliveries.c.doc).order_by(deliveries.c.seq))

    # -- people ---------------------------------------------------------------------------------
    def people(self) -> list[Record]:
        return self._docs(select(people.c.doc).order_by(people.c.seq))

    def put_people(self, people: Sequence[Record], claims: Sequence[Record] = (),
                   audit: Record | None = None) -> None:
        rows = {"people": _unique(list(people), "people"), "claims": _unique(list(claims), "claims"),
                "audit": _unique([] if audit is None else [audit], "audit")}
        with self._transaction() as conn:
            for name, records in rows.items():
                _upsert(conn, name, records)

    # -- several processes ------------------------------------------------------------------------
    def presence(self, run: str, on_change: Callable[[str], None] | None = None) -> Presence:
        """Hold ``run``'s advisory lock on a connection of its own until ``close()`` (of the
        presence or of this store), calling ``on_change(table)`` from its thread when events
        or subscriptions of this schema change ("*" after a reconnection: anything may
        have).  Raises ``StoreError`` when the database cannot be reached."""
        try:
            made = Presence(self._conninfo, run, self._schema(), on_change).start()
        except StoreError:
            raise
        except Exception as e:  # psycopg's errors, before the thread runs
            raise StoreError(f"cannot hold a presence on the PostgreSQL database {self.url}: "
                             f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}") from e
        with self._presence_lock:
            self._presences.add(made)
        return made

    def runs_alive(self, runs: Iterable[str]) -> set[str]:
        """Which of ``runs`` still hold their presence (a process that died holds none)."""
        wanted = {str(r) for r in runs if r}
        if not wanted:
            return set()
        keys: dict[int, set[str]] = {}
        for r in wanted:
            keys.setdefault(run_key(r), set()).add(r)
        rows = self._rows(sql(
            "SELECT DISTINCT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid::bigint = :space AND objid::bigint = ANY(:keys) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).bindparams(space=LOCK_SPACE, keys=list(keys)))
        return {r for (key,) in rows for r in keys.get(int(key), ())}

    def _schema(self) -> str:
        if self._schema_name is None:
            self._schema_name = str(self._scalar(sql("SELECT current_schema()")) or "")
        return self._schema_name

    def _notify(self, conn: Connection, table: str) -> None:
        """Tell every listening process (``presence``) that ``table`` changed, on commit."""
        conn.execute(sql("SELECT pg_notify(:channel, :payload)"),
                     {"channel": CHANNEL, "payload": f"{self._schema()}:{table}"})

    # -- audit ----------------------------------------------------------------------------------
    def audit_log(self, limit: int | None = None) -> list[Record]:
        if limit is None:
            return self._docs(select(audit_table.c.doc).order_by(audit_table.c.seq))
        if limit <= 0:
            return []
        newest = self._docs(select(audit_table.c.doc).order_by(audit_table.c.seq.desc()).limit(limit))
        newest.reverse()
        return newest

    def add_audit(self, record: Record) -> None:
        self._put_one("audit", record, None)

    # -- bulk -----------------------------------------------------------------------------------
    def dump(self) -> dict[str, list[Record]]:
        with self._errors("read"), self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot
            with conn.begin(), gc_paused():
                return {name: [doc for (doc,) in conn.execute(
                    select(BY_NAME[name].c.doc).order_by(BY_NAME[name].c.seq))] for name in TABLES}

    def load(self, tables: dict[str, list[Record]]) -> None:
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}; the store has {list(TABLES)}")
        with gc_paused():
            rows = {table: _unique(records, table) for table, records in tables.items()}
            with self._transaction() as conn:
                for table, records in rows.items():
                    _upsert(conn, table, records)
                    if records and table in NOTIFIED:
                        self._notify(conn, table)

    def preload(self) -> None:
        """Decode the newest claims (not retracted) into the claim cache, as many as it
        holds, so that a long-running process's first queries find them decoded;
        PostgreSQL answers the queries themselves from its indexes."""
        size = self._claim_cache.size
        if not size:
            return
        query = (select(claims.c.id, _VERSION, claims.c.doc.cast(Text)).where(~claims.c.retracted)
                 .order_by(claims.c.seq.desc()).limit(size))
        with gc_paused():
            rows = self._rows(query)
            decoded = [(rid, version, json.loads(doc)) for rid, version, doc in reversed(rows)]  # newest last
            del rows
            self._claim_cache.store(decoded)
            del decoded
        freeze_loaded()  # as the TinyDB backend does after its load: data without cycles

    def close(self) -> None:
        """Close the pool's connections (and any presence); the object must not be used
        afterwards."""
        with self._presence_lock:
            presences, self._presences = list(self._presences), set()
        for p in presences:
            p.close()
        self._engine.dispose()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"

    # -- helpers ----------------------------------------------------------------------------------
    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Database failures as ``StoreError`` (the CLI and bot show those to the user);
        records PostgreSQL cannot hold as ``ValueError`` (bad input, nothing written)."""
        try:
            yield
        except IntegrityError as e:
            raise ValueError(f"the records conflict with stored ones: {self._why(e)}") from e
        except DBAPIError as e:
            if e.connection_invalidated or _is_connection_error(e):
                raise StoreError(f"cannot reach the PostgreSQL database {self.url}: {self._why(e)}") from e
            if e.orig is not None and type(e.orig).__name__ in ("DataError", "UntranslatableCharacter",
                                                               "InvalidTextRepresentation",
                                                               "CharacterNotInRepertoire"):
                raise ValueError(f"PostgreSQL cannot store these records: {self._why(e)}") from e
            raise StoreError(f"PostgreSQL {doing} failed on {self.url}: {self._why(e)}") from e
        except StatementError as e:  # raised before the statement reached the server
            if isinstance(e.orig, ValueError | TypeError):
                raise ValueError(f"a record is not JSON data PostgreSQL can store: {e.orig}") from e
            raise StoreError(f"PostgreSQL {doing} failed on {self.url}: {scrub(str(e), self._secrets)}") from e
        except SQLAlchemyError as e:
            raise StoreError(f"PostgreSQL {doing} failed on {self.url}: {scrub(str(e), self._secrets)}") from e

    def _why(self, e: DBAPIError) -> str:
        """The driver's reason, without any secret of the URL (libpq may quote its options)."""
        return scrub(_reason(e), self._secrets)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._errors("write"), self._engine.begin() as conn:
            yield conn

    def _docs(self, query: Any) -> list[Record]:
        with self._errors("read"), self._reader.connect() as conn:
            return [doc for (doc,) in conn.execute(query)]

    def _rows(self, query: Any) -> list[Any]:
        with self._errors("read"), self._reader.connect() as conn:
            return list(conn.execute(query))

    def _scalar(self, query: Any) -> Any:
        with self._errors("read"), self._reader.connect() as conn:
            return conn.execute(query).scalar()

    def _get(self, table: Table, record_id: str) -> Record | None:
        found = self._docs(select(table.c.doc).where(table.c.id == record_id))
        return found[0] if found else None

    def _put_one(self, table: str, record: Record, audit: Record | None) -> None:
        rows = {table: _unique([record], table)}
        if audit is not None:
            rows["audit"] = _unique([audit], "audit")
        with self._transaction() as conn:
            for name, records in rows.items():
                _upsert(conn, name, records)
            if table in NOTIFIED:
                self._notify(conn, table)


#: what claim queries select first: the id and the row version (``store.postgres.cache``)
_VERSION = literal_column("claims.xmin::text")
_KEY = (claims.c.id, _VERSION)

#: ``search_claims`` searches this many characters of its text at most
SEARCH_CHARS = 1000


def search_text(text: str) -> str:
    """``text`` as ``search_claims`` sends it: without NUL (PostgreSQL text cannot hold
    it) and lone surrogates (not UTF-8), its words in the first ``SEARCH_CHARS``
    characters (a word cut there is left out)."""
    text = str(text)
    if len(text) > SEARCH_CHARS:
        cut = text[:SEARCH_CHARS]
        text = cut if text[SEARCH_CHARS].isspace() or not cut.split() else cut.rsplit(None, 1)[0]
    text = text.replace("\x00", " ")
    return text.encode("utf-8", "replace").decode("utf-8")


def _claim_filters(query: Any, *, actor: str | None = None, topics: Iterable[str] | None = None,
                   words: Iterable[str] | None = None, article: str | None = None,
                   include_retracted: bool = False) -> Any:
    """``query`` with the filters of ``Store.claims``; None when nothing can match
    (words that are only punctuation)."""
    if actor is not None:
        query = query.where(claims.c.actor == actor)
    if article is not None:
        query = query.where(claims.c.article == article)
    topic_list = list(dict.fromkeys(_as_list(topics)))
    if topic_list:
        query = query.where(claims.c.topics.overlap(topic_list))
    word_list = _as_list(words)
    if word_list:
        terms = query_terms(word_list)
        if not terms:
            return None  # only punctuation: no claim has such a word
        query = query.where(or_(*(claims.c.words.contains(list(forms)) for forms in terms)))
    if not include_retracted:
        query = query.where(~claims.c.retracted)
    return query


#: tables whose changes are NOTIFYed: the reminders of other processes plan from them
NOTIFIED = frozenset({"events", "subscriptions"})


def text_config() -> Any:
    """The text search configuration, as a regconfig literal for queries."""
    return sql(f"'{TS_CONFIG}'::regconfig")


# -- rows -----------------------------------------------------------------------------------------

def _unique(records: Iterable[Mapping[str, Any]], table: str) -> list[dict[str, Any]]:
    """Rows for ``records`` (checked and copied), one per id: the last record of an id
    wins and takes the place of its first, as a ``store.index.Batch`` does (one INSERT
    ... ON CONFLICT DO UPDATE cannot touch a row twice)."""
    by_id: dict[str, Record] = {}
    for record in records:
        copied = copy_record(record, table)
        by_id[copied["id"]] = copied
    return [_row(table, record) for record in by_id.values()]


def _row(table: str, record: Record) -> dict[str, Any]:
    row: dict[str, Any] = {"id": record["id"], "doc": record}
    if table == "claims":
        row["actor"] = _str(record.get("actor"))
        row["article"] = _str(record.get("article"))
        row["retracted"] = bool(record.get("retracted"))
        row["topics"] = _topics(record)
        row["words"] = sorted(claim_words(record))
    elif table == "events":
        row["start"] = _str(record.get("start"))
        status = record.get("status")
        row["status"] = status if isinstance(status, str) else None
    elif table == "articles":
        digest = record.get("hash")
        row["hash"] = digest if isinstance(digest, str) and digest else None
    return row


#: the columns ``_row`` derives from a record, per table
DERIVED: dict[str, tuple[str, ...]] = {
    "articles": ("hash",),
    "claims": ("actor", "article", "retracted", "topics", "words"),
    "events": ("start", "status"),
}


def _stale(table: str, columns: tuple[str, ...], row: Any) -> bool:
    """Whether a stored ``(doc, *columns)`` row differs from what this code derives."""
    fresh = _row(table, row[0])
    return any(fresh[c] != stored for c, stored in zip(columns, row[1:], strict=True))


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


_UPSERTS: dict[str, Any] = {}


def _upsert(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` or replace the stored rows with their ids (keeping their ``seq``)."""
    if not rows:
        return
    statement = _UPSERTS.get(table)
    if statement is None:
        t = BY_NAME[table]
        ins = pg_insert(t)
        names = [c.name for c in t.columns if c.name not in ("id", "seq") and c.computed is None]
        statement = ins.on_conflict_do_update(index_elements=[t.c.id], set_={n: ins.excluded[n] for n in names})
        _UPSERTS[table] = statement
    conn.execute(statement, rows)


# -- messages -------------------------------------------------------------------------------------

def schema_problem(st: schema.SchemaState, url: str) -> str:
    """Why a database at ``st`` cannot be used by this code, and what to do."""
    if st.unknown:
        return (f"the PostgreSQL database {url} is at schema revision {st.current}, which this claimbot "
                f"does not know (its newest is {st.head}): it was migrated by a newer claimbot. "
                "Upgrade claimbot, or point it at another database.")
    if st.current is None and st.has_tables:
        return (f"the PostgreSQL database {url} has claimbot tables but no schema version "
                f"(table {schema.VERSION_TABLE}): it was not made by `claimbot migrate`, so it is left alone. "
                "Point claimbot at an empty database (or schema) and import an export into it.")
    pending = ", ".join(schema.describe(r) for r in st.pending)
    at = f"at schema revision {st.current}" if st.current else "not set up yet"
    return (f"the PostgreSQL database {url} is {at}; this claimbot needs revision {st.head}. "
            f"Pending migration(s): {pending}. Back the database up, then run `claimbot migrate` "
            "(with the same --db or CLAIMBOT_DB).")


def _no_schema(url: str) -> str:
    return (f"the PostgreSQL database {url} has no schema to create claimbot's tables in: the search_path "
            "names no existing schema. Create it (CREATE SCHEMA ...) or fix options=-csearch_path=... in the URL.")


def _utc(unix: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)


def _reason(e: DBAPIError) -> str:
    orig = e.orig
    text_ = str(orig if orig is not None else e).strip()
    lines = [line for line in text_.splitlines() if line.strip()]
    # psycopg puts the server's message first and DETAIL on the next line: both help
    return " ".join(lines[:2]) if lines else type(e).__name__


def _is_connection_error(e: DBAPIError) -> bool:
    name = type(e.orig).__name__ if e.orig is not None else ""
    return name in ("OperationalError", "InterfaceError") and "connection" in str(e.orig).lower()
