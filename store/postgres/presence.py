"""Several claimbot processes on one database: who is running, and what changed.

A process that posts reminders holds a ``Presence`` for as long as it runs: one
dedicated connection (outside the pool) that

- holds a session-level advisory lock keyed on the process's run id.  PostgreSQL
  releases it the moment that session ends, so "is run R still running?" is a look at
  ``pg_locks`` (``PostgresStore.runs_alive``), with no clock and no lease to guess: a
  process killed with SIGKILL closes its socket and its session ends at once; a host that
  vanishes is noticed by TCP keepalives set on this connection (about 20 s);
- LISTENs on ``claimbot_changes``, on which ``PostgresStore`` NOTIFYs when events or
  subscriptions change (in the writing transaction, so on commit), so every process plans
  a change made through any other (a bot, ``claimbot ingest``) at once.

A thread owns the connection: it waits for notifications and, when the connection
breaks, reconnects (with back-off) and takes the lock again.  ``held`` is False while it
does: the reminders runner then claims nothing, since other processes would take its
claims for abandoned ones.
"""
from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from typing import Any

log = logging.getLogger("claimbot.store.presence")

#: the first key of every run lock ("clmb"); the second is ``run_key(run)``
LOCK_SPACE = 0x636C6D62
#: the NOTIFY channel; a payload is "SCHEMA:TABLE"
CHANNEL = "claimbot_changes"
# the server probes an idle presence connection after 10 s, every 5 s, 3 times: a process
# whose host vanished is known gone after about 25 s (not the operating system's 2 hours)
KEEPALIVE = ("SET tcp_keepalives_idle = 10", "SET tcp_keepalives_interval = 5", "SET tcp_keepalives_count = 3",
             "SET tcp_user_timeout = 20000")


def run_key(run: str) -> int:
    """The second advisory-lock key (a positive int4) of a run id (8 hex digits by default)."""
    try:
        return int(run, 16) & 0x7FFFFFFF
    except ValueError:
        return zlib.crc32(run.encode()) & 0x7FFFFFFF


class Presence:
    """See the module doc.  ``conninfo`` is a libpq URL; ``on_change(table)`` is called from
    the presence thread for each change to this schema's tables that another or this
    process committed."""

    def __init__(self, conninfo: str, run: str, schema: str, on_change: Callable[[str], None] | None = None,
                 *, poll: float = 0.5, connect_timeout: int = 10) -> None:
        self.run = run
        self.schema = schema
        self.on_change = on_change
        self._conninfo = conninfo
        self._poll = poll
        self._connect_timeout = connect_timeout
        self._conn: Any = None
        self._held = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def held(self) -> bool:
        """Whether this process's run lock is held now (False while reconnecting)."""
        return self._held.is_set()

    def start(self) -> Presence:
        """Connect and take the lock (raising when the database cannot be reached), then
        leave the connection to the presence thread."""
        self._conn = self._connect()
        self._thread = threading.Thread(target=self._run, name=f"claimbot-presence-{self.run}", daemon=True)
        self._thread.start()
        return self

    def _connect(self) -> Any:
        import psycopg

        conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=self._connect_timeout,
                               application_name=f"claimbot run {self.run}")
        try:
            for statement in KEEPALIVE:
                conn.execute(statement)
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, run_key(self.run)))
            conn.execute(f'LISTEN "{CHANNEL}"')
        except BaseException:
            conn.close()
            raise
        self._held.set()
        return conn

    def _run(self) -> None:
        delay = 0.5
        prefix = f"{self.schema}:"
        while not self._stop.is_set():
            conn = self._conn
            if conn is None:  # lost: reconnect
                try:
                    self._conn = self._connect()
                    log.warning("presence on the database restored (run %s)", self.run)
                    delay = 0.5
                    if self.on_change is not None:  # what changed meanwhile was not heard: plan again
                        self.on_change("*")
                except Exception as e:  # noqa: BLE001 - any failure: wait and try again
                    log.warning("cannot reach the database for presence (run %s): %s; retrying in %.0f s",
                                self.run, str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__,
                                delay)
                    self._stop.wait(delay)
                    delay = min(delay * 2, 10.0)
                continue
            try:
                for note in conn.notifies(timeout=self._poll):
                    if self.on_change is not None and note.payload.startswith(prefix):
                        self.on_change(note.payload[len(prefix):])
                    if self._stop.is_set():
                        break
                if conn.closed:
                    raise ConnectionError("presence connection closed")
            except Exception as e:  # noqa: BLE001 - the connection broke: the lock is gone with it
                self._held.clear()
                if self._stop.is_set():
                    break
                log.warning("presence connection lost (run %s): %s", self.run, e)
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass
                self._conn = None

    def close(self) -> None:
        """Stop: the connection closes and the lock is released with it."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(self._poll * 4 + 1)
        self._held.clear()
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

    def __repr__(self) -> str:
        return f"Presence(run={self.run!r}, schema={self.schema!r}, held={self.held})"
