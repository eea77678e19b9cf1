"""The reminders service: APScheduler in the bot's event loop, the delivery ledger, posting.

How it runs:

- every *tick* plans from the store: the reminders due now are posted (late, when they
  fell due while claimbot was down) or skipped (the event began meanwhile, or a later
  reminder of it is due too); the upcoming ones become one APScheduler job per distinct
  due time, each a tick.  Changes to events (ingest, admin edits, cancellations) and to
  subscriptions ask for a tick at once, so the jobs always match the store; a refresh
  tick every ``REFRESH`` catches changes made by another process;
- the ledger is the store's ``deliveries`` table.  A reminder is claimed
  (``claim_delivery``, atomic and once only by id) *before* it is posted, then marked
  ``posted``; whoever loses the claim does nothing, so two ticks, two processes or a
  restart never post it twice.  A post that failed for a passing reason is tried again
  under a new attempt id (``<id>#2``), at most ``MAX_ATTEMPTS`` times;
- a claimbot that dies between claim and outcome leaves a ``posting`` record.  On a
  store that can tell which processes are running (PostgreSQL: ``store.presence`` holds
  this run's advisory lock, ``store.runs_alive`` looks), such a claim is *taken over*:
  whoever sees that its claimant is gone (at start-up, at a tick, or at the watch tick
  ``WATCH`` after it lost a claim to a process that was still posting) claims the next
  attempt and posts it, ``SETTLE`` after it first saw the claimant gone (a post sent just
  before the claimant died may still be on its way).  Since the claimant may have died
  after the platform took its post and before the ledger said so, every post carries its
  reminder's key (``Poster.post``'s ``key``: Slack message metadata, a Discord nonce),
  and a taker-over first asks the platform whether that post is there (``Finder.find``:
  Slack channel history since the first claim, less ``CLOCK_MARGIN``); if it is, it is
  recorded as posted and not posted again.  Discord needs no look: a repeated nonce from
  the same bot within a few minutes gives back the message it made the first time.  Only
  a take-over pays for the look.  A look that fails for a passing reason is tried again
  with the retry (``RETRY_AFTER``); one that cannot work (Slack: ``channels:history`` not
  granted), or fails on the last attempt, posts anyway: a reminder is never dropped for
  want of a look, at the risk of a second copy.  Elsewhere (TinyDB) such a claim is never
  posted again (at most once) and is reported at the next start.  No claim is made while
  this process's presence is lost (a reconnection);
- APScheduler keeps only the plan: an in-memory job store per process (never shared),
  fixed job ids with ``replace_existing``, and ``misfire_grace_time=None`` so a late job
  still runs (the tick decides about lateness, not APScheduler);
- the store is used on the command worker thread (``off_loop``), like every quick
  command; an ingest on the slow worker may write it meanwhile, which every store
  serialises (the TinyDB store holds a lock for each call);
- nothing is posted to a platform before its poster says the connection is ready.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.reminders import plan as P
from bot.reminders.post import digest_events, digest_reply, event_reply, instant_text
from bot.reply import Caller, Reply

log = logging.getLogger("claimbot.reminders")
T = TypeVar("T")

UTC = dt.UTC
JOB_PREFIX = "claimbot-remind@"
REPLAN_JOB = "claimbot-replan"
REFRESH_JOB = "claimbot-refresh"
HORIZON = dt.timedelta(days=30)  # reminders due within this are jobs
# A tick this often re-reads the store: another process (``claimbot ingest``, a second bot)
# may have changed events or subscriptions without telling this one.
REFRESH = dt.timedelta(minutes=10)
LOOKBACK = P.PERIOD_LATE + dt.timedelta(days=1)  # how far back a missed reminder may still be posted
MAX_JOBS = 500
WATCH_JOB = "claimbot-watch"
# How soon a process looks again at a reminder another process was posting when it lost
# the claim to it: a claimant that died meanwhile is taken over then.
WATCH = dt.timedelta(seconds=15)
# A taker-over looks for the dead claimant's post from this long before that claim: the
# claim's time is the claimant's clock, the post's time the platform's.
CLOCK_MARGIN = dt.timedelta(minutes=5)
# A claim whose claimant is gone is taken over this long after this process first saw it
# gone: a post the claimant sent just before it died may still be on its way, and the
# platform must have taken it before the taker-over looks for it.  Longer covers slower
# networks, and delays every take-over (a process that starts learns of the death then).
SETTLE = dt.timedelta(seconds=3)


class PostError(Exception):
    """A platform refused a post; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Poster(Protocol):
    """What an adapter offers for posting into a channel."""

    def ready(self) -> bool: ...

    async def wait_ready(self) -> None: ...

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        """Post ``reply`` to ``channel``, carrying ``key`` (the reminder's ledger key) where
        the platform keeps such a thing; returns the platform's message id."""
        ...


@runtime_checkable
class Finder(Protocol):
    """A poster that can tell whether a post carrying ``key`` is in a channel."""

    async def find(self, channel: str, key: str, since: dt.datetime) -> str | None:
        """The message id of a post carrying ``key`` made in ``channel`` at or after
        ``since``, or None; raises ``PostError`` when the platform cannot be asked."""
        ...


def post_nonce(key: str) -> str:
    """A platform nonce for the post of ``key``: the same in every process, at most 25
    characters (Discord's limit)."""
    return "cb" + hashlib.blake2b(key.encode(), digest_size=11).hexdigest()


@dataclass(frozen=True)
class PreviewItem:
    sub: dict[str, Any]
    when: dt.datetime  # when it would be posted (UTC)
    status: str  # "planned", "now (late)", "now", "skipped: ..."
    reply: Reply | None
    lead: str


class Reminders:
    def __init__(self, service: Any, tz: ZoneInfo | None = None, *, admins: Any = None,
                 clock: Callable[[], dt.datetime] | None = None, post_at: dt.time = P.POST_AT,
                 horizon: dt.timedelta = HORIZON, refresh: dt.timedelta = REFRESH,
                 watch: dt.timedelta = WATCH, take_over_after: dt.timedelta = SETTLE) -> None:
        from bot.commands import AdminPolicy

        self.service = service
        self.tz = tz or ZoneInfo("UTC")
        self.admins = admins or AdminPolicy()
        self.clock = clock or service.clock
        self.post_at = post_at
        self.horizon = horizon
        self.refresh = refresh
        self.watch = watch
        self.take_over_after = take_over_after
        self.run_id = os.urandom(4).hex()
        self.presence: Any = None  # this run's presence on a shared store (PostgreSQL), once started
        self._watching = False  # a claim was seen in another live process's hands: look again soon
        self._gone: dict[str, dt.datetime] = {}  # run id -> when this process first saw it gone
        self._settled_at: dt.datetime | None = None  # when the next claim of a gone run may be taken over
        self.posters: dict[str, Poster] = {}
        self.scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tick_lock: asyncio.Lock | None = None
        self._activity: asyncio.Event | None = None
        self._active = 0  # APScheduler jobs submitted and not finished
        self._pending = 0  # tick requests not yet turned into a job
        self._counter_lock = threading.Lock()
        self._waiters: dict[str, asyncio.Future[Any]] = {}
        self._unposted_logged: set[str] = set()
        service.listeners.append(self._on_change)

    # -- small helpers the command side uses (worker thread) ---------------------------------------
    @property
    def store(self) -> Any:
        return self.service.store

    def handle(self, caller: Caller, args: dict[str, str]) -> Reply:
        from bot.reminders.subscriptions import handle

        return handle(self, caller, args)

    def subscription(self, sub_id: str) -> dict[str, Any] | None:
        return next((dict(s) for s in self.store.subscriptions() if s.get("id") == sub_id), None)

    def resolve_actor(self, text: str) -> str | None:
        return self.service.gaz.resolve(text)

    def label(self, actor: str) -> str:
        try:
            return self.service.gaz.label(actor)
        except Exception:  # an actor id the gazetteer no longer has
            return actor

    def changed(self) -> None:
        """Subscriptions changed: tell the service's listeners (this one among them)."""
        notify = getattr(self.service, "_changed", None)
        if callable(notify):
            notify("subscriptions")
        else:
            self.request_tick()

    def next_for(self, sub_id: str) -> tuple[dt.datetime, str] | None:
        """(when, what) of the next reminder of one subscription."""
        now = self.clock()
        agenda = self._agenda(now, self.horizon * 2)
        for p in agenda.upcoming:
            if p.reminder.sub == sub_id:
                return p.when, self._what(p.reminder)
        return None

    def _what(self, r: P.Reminder) -> str:
        if r.is_digest:
            return f"the {r.lead} digest"
        ev = self.store.get_event(r.event) or {}
        return f"{ev.get('title', r.event)} ({'when its ' + r.lead + ' starts' if r.lead in (*P.PERIODS, P.WINDOW) else r.lead + ' before'})"

    # -- planning (worker thread) ----------------------------------------------------------------
    def _agenda(self, now: dt.datetime, ahead: dt.timedelta | None = None) -> P.Agenda:
        ahead = ahead or self.horizon
        subs = self.store.subscriptions()
        if not subs:
            return P.Agenda()
        start_from, start_to = P.event_window(now, ahead)
        events = self.store.events(start_from=start_from, start_to=start_to, include_cancelled=False)
        reminders = P.plan(subs, events, self.tz, now - LOOKBACK, now + ahead, self.post_at)
        ledger = P.latest_attempts(self.store.deliveries())
        return P.decide(reminders, ledger, now, self._abandoned(ledger, now))

    def _abandoned(self, ledger: dict[str, Any], now: dt.datetime) -> set[str]:
        """Reminder ids claimed by a process that is gone before it recorded the outcome
        (only on a store that can tell: ``runs_alive``), once it has been seen gone for
        ``take_over_after``.  A claim still in another live process's hands asks for a watch tick;
        one whose claimant was seen gone only just, for a tick when it has settled."""
        posting = {rid: str(d.get("run") or "") for rid, d in ledger.items()
                   if d.get("status") == "posting" and d.get("run") != self.run_id}
        alive_of = getattr(self.store, "runs_alive", None)
        if not posting or not callable(alive_of):
            return set()
        alive = alive_of(set(posting.values()))
        dead = set()
        for rid, run in posting.items():
            if run in alive:
                self._watching = True
                continue
            settled = self._gone.setdefault(run, now) + self.take_over_after
            if settled <= now:
                dead.add(rid)
            elif self._settled_at is None or settled < self._settled_at:
                self._settled_at = settled
        return dead

    def _skip(self, decisions: list[P.Decision], now: dt.datetime) -> None:
        for d in decisions:
            if self.store.claim_delivery(self._record(d.planned, now, "skipped", reason=d.reason)):
                r = d.planned.reminder
                log.info("reminder skipped (%s): %s for %s:%s, due %s", d.reason, r.event or "digest",
                         r.platform, r.channel, r.fire.isoformat())

    def _record(self, p: P.Planned, now: dt.datetime, status: str, **extra: Any) -> dict[str, Any]:
        r = p.reminder
        record = {"id": p.delivery_id, "reminder": r.id, "attempt": p.attempt, "status": status,
                  "subscription": r.sub, "event": r.event, "lead": r.lead, "platform": r.platform,
                  "channel": r.channel, "due": r.fire.isoformat(), "at": now.isoformat(), "run": self.run_id,
                  **extra}
        if p.after:
            record["taken_over_from"] = p.after
        if p.since is not None:
            record["check_since"] = p.since.isoformat()
        return record

    def _claim(self, p: P.Planned) -> tuple[dict[str, Any], Reply] | None:
        """Check the reminder against the store as it is now, claim it, and build its post.

        None when it is no longer due (cancelled, moved, unsubscribed), was skipped, or
        another tick or process has it.
        """
        now = self.clock()
        r = p.reminder
        sub = self.subscription(r.sub)
        if sub is None:
            return None
        late = now - r.fire > P.LATE_AFTER
        if now >= r.expires:
            self._skip([P.Decision(p, "skip", "the event had begun" if r.event else "its day was over")], now)
            return None
        if r.is_digest:
            if not any(x.id == r.id for x in P.digest_reminders(sub, self.tz, r.fire, r.fire + dt.timedelta(1),
                                                                 self.post_at)):
                return None
            first = r.fire.astimezone(self.tz).date()
            start_from, start_to = P.event_window(now, dt.timedelta(days=r.digest_days))
            events = digest_events(sub, self.store.events(start_from=start_from, start_to=start_to,
                                                          include_cancelled=False), self.tz, first, r.digest_days)
            if not events:
                self._skip([P.Decision(p, "skip", "nothing coming up")], now)
                return None
            reply = digest_reply(events, r.digest_days, self.tz, self.label, self._articles(events),
                                 late_from=r.fire if late else None)
        else:
            event = self.store.get_event(r.event)
            if event is None or not any(x.id == r.id for x in P.event_reminders(sub, event, self.tz, self.post_at)):
                return None
            reply = event_reply(event, self.tz, now, self.label, self._articles([event]),
                                late_from=r.fire if late else None)
        if self.presence is not None and not self.presence.held:
            log.warning("reminder %s waits: this process's presence on the database is being restored", p.delivery_id)
            self._watching = True
            return None
        record = self._record(p, now, "posting", late=late)
        if not self.store.claim_delivery(record):
            if callable(getattr(self.store, "runs_alive", None)):
                self._watching = True  # another process has it: if it dies posting it, take it over
            return None
        if p.after:
            log.warning("reminder %s to %s:%s: the claimbot that was posting it (run %s) stopped before recording "
                        "whether it was posted; taking it over", r.event or "digest", r.platform, r.channel, p.after)
        return record, reply

    def _articles(self, events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for e in events:
            for src in e.get("sources") or []:
                aid = str(src.get("article") or "")
                if aid and aid != "admin" and aid not in out:
                    art = self.store.get_article(aid)
                    if art is not None:
                        out[aid] = {k: art.get(k) for k in ("title", "url", "outlet", "published")}
        return out

    def _finish(self, record: dict[str, Any], **changes: Any) -> None:
        self.store.update_delivery({**record, **changes})

    def unconfirmed(self) -> list[dict[str, Any]]:
        """Reminders claimed by a claimbot that stopped before it knew whether they were posted
        (on a store that tells which processes run: only those of processes that are gone)."""
        posting = [d for d in self.store.deliveries() if d.get("status") == "posting" and d.get("run") != self.run_id]
        alive_of = getattr(self.store, "runs_alive", None)
        if posting and callable(alive_of):
            alive = alive_of({str(d.get("run") or "") for d in posting})
            posting = [d for d in posting if d.get("run") not in alive]
        return posting

    def _hold_presence(self) -> None:
        """On a store shared by processes (``presence``): hold this run's presence before
        anything is claimed, and plan again whenever another process changes events or
        subscriptions."""
        hold = getattr(self.store, "presence", None)
        if callable(hold) and self.presence is None:
            self.presence = hold(self.run_id, self._on_store_change)

    def _on_store_change(self, what: str) -> None:
        if what in ("events", "subscriptions", "*"):
            self.request_tick()

    def _drop_presence(self) -> None:
        presence, self.presence = self.presence, None
        if presence is not None:
            presence.close()

    # -- the event loop side ------------------------------------------------------------------------
    async def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn`` on the command worker thread, off the event loop."""
        from bot.adapters import off_loop

        return await off_loop(functools.partial(fn, *args, **kwargs))

    def attach(self, platform: str, poster: Poster) -> None:
        """Post ``platform``'s reminders through ``poster`` (once it is ready)."""
        self.posters[platform] = poster
        self.request_tick()

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def health(self) -> tuple[bool, str]:
        if not self.running:
            return False, "reminders scheduler not running"
        waiting = sorted(p for p, poster in self.posters.items() if not poster.ready())
        detail = "running" + (f"; waiting for {', '.join(waiting)}" if waiting else "")
        if self.presence is not None and not self.presence.held:
            detail += "; presence on the database lost, reconnecting (nothing is claimed meanwhile)"
        return True, detail

    async def start(self) -> None:
        """Start the scheduler in the running loop and catch up: what fell due while claimbot
        was down is posted (late) or skipped now, for every platform that is ready."""
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._tick_lock = asyncio.Lock()
        self._activity = asyncio.Event()
        self.scheduler = AsyncIOScheduler(
            timezone=UTC, event_loop=self._loop,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 100})
        self.scheduler.add_listener(self._on_job_event,
                                    EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.start()
        await self._call(self._hold_presence)
        taken_over = self.presence is not None
        for d in await self._call(self.unconfirmed):
            if taken_over:
                continue  # taken over by the tick below, if still due (logged there)
            log.warning("reminder %s to %s:%s may not have been posted: claimbot stopped while posting it; "
                        "it is not posted again", d.get("event") or "digest", d.get("platform"), d.get("channel"))
        await self.tick()

    async def stop(self, grace: float = 10.0) -> None:
        """No new reminder starts; the ones being posted finish (up to ``grace`` seconds)."""
        if not self.running or self.scheduler is None:
            return
        self.scheduler.pause()
        try:
            await asyncio.wait_for(self.settle(include_due=False), grace)
        except TimeoutError:
            log.warning("reminders still posting after %.0f s; stopping anyway", grace)
        self._shutdown()
        await self._call(self._drop_presence)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn

    def kill(self) -> None:
        """Stop at once, as a crash would: jobs in flight are cancelled, the presence is
        gone (tests)."""
        if self.running:
            self._shutdown()
        self._drop_presence()

    def _shutdown(self) -> None:
        assert self.scheduler is not None
        self.scheduler.shutdown(wait=False)
        for w in self._waiters.values():
            w.cancel()
        self._waiters.clear()
        if self._on_change in self.service.listeners:
            self.service.listeners.remove(self._on_change)

    # ---- asking for a tick, from any thread
    def _on_change(self, what: str) -> None:
        if what in ("events", "subscriptions"):
            self.request_tick()

    def request_tick(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed() or not self.running:
            return
        with self._counter_lock:
            self._pending += 1
        try:
            loop.call_soon_threadsafe(self._add_tick_job)
        except RuntimeError:  # the loop closed meanwhile
            pass

    def _add_tick_job(self) -> None:
        with self._counter_lock:
            self._pending -= 1
        if self.running and self.scheduler is not None:
            self.scheduler.add_job(self._job, DateTrigger(self.clock()), id=REPLAN_JOB, name="re-plan reminders",
                                   replace_existing=True)
        self._poke()

    def _on_job_event(self, event: JobEvent) -> None:
        with self._counter_lock:
            self._active += 1 if event.code == EVENT_JOB_SUBMITTED else -1
        self._poke()

    def _poke(self) -> None:
        if self._activity is not None:
            self._activity.set()

    async def settle(self, include_due: bool = True) -> None:
        """Return once no tick is asked for, due or running (tests; a graceful stop)."""
        assert self._activity is not None
        while True:
            for _ in range(2):
                await asyncio.sleep(0)
            if self._active > 0 or self._pending > 0:
                self._activity.clear()
                if self._active > 0 or self._pending > 0:
                    await self._activity.wait()
                continue
            if include_due and self._due_job():
                assert self.scheduler is not None
                self.scheduler.wakeup()
                continue
            return

    def _due_job(self) -> bool:
        if not self.running or self.scheduler is None:
            return False
        now = self.clock()
        return any(j.next_run_time is not None and j.next_run_time <= now for j in self.scheduler.get_jobs())

    async def _job(self) -> None:
        await self.tick()

    # ---- a tick
    async def tick(self) -> None:
        """Plan from the store; post or skip what is due; schedule what comes next."""
        assert self._tick_lock is not None
        async with self._tick_lock:
            self._watching = False
            self._settled_at = None
            now = self.clock()
            agenda = await self._call(self._agenda, now)
            if await self._act(agenda.due):  # a post failed: plan its retry
                now = self.clock()
                agenda = await self._call(self._agenda, now)
            if self.running:
                self._schedule(agenda.upcoming, now)
                looks = [t for t in (now + self.watch if self._watching else None, self._settled_at) if t]
                if looks and self.scheduler is not None:
                    self.scheduler.add_job(self._job, DateTrigger(max(now, min(looks))), id=WATCH_JOB,
                                           name="look again at claims in other hands", replace_existing=True)

    async def _act(self, due: list[P.Decision]) -> bool:
        """Skip and post what is due; True when a post failed."""
        failed = False
        skips = [d for d in due if d.action == "skip"]
        if skips:
            await self._call(self._skip, skips, self.clock())
        by_platform: dict[str, list[P.Decision]] = {}
        for d in due:
            if d.action == "post":
                by_platform.setdefault(d.planned.reminder.platform, []).append(d)
        for platform, decisions in by_platform.items():
            poster = self.posters.get(platform)
            if poster is None:
                if platform not in self._unposted_logged:
                    self._unposted_logged.add(platform)
                    log.warning("%d reminder(s) for %s wait: this process has no %s connection",
                                len(decisions), platform, platform)
                continue
            if not poster.ready():
                self._when_ready(platform, poster)
                continue
            for d in decisions:
                failed |= not await self._deliver(poster, d.planned)
        return failed

    def _when_ready(self, platform: str, poster: Poster) -> None:
        if platform in self._waiters:
            return

        async def wait() -> None:
            try:
                await poster.wait_ready()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("waiting for %s to be ready failed; its reminders wait for the next tick", platform)
                return
            finally:
                self._waiters.pop(platform, None)
            log.info("%s is ready: posting its reminders", platform)
            self.request_tick()

        self._waiters[platform] = asyncio.ensure_future(wait())

    async def _deliver(self, poster: Poster, p: P.Planned) -> bool:
        """Claim, (on a take-over: look for the earlier post,) post, record; False when the
        post (or the look) failed."""
        claimed = await self._call(self._claim, p)
        if claimed is None:
            return True
        record, reply = claimed
        if p.since is not None:
            looked = await self._look_back(poster, p, record)
            if looked is not None:
                return looked
        try:
            ref = await poster.post(record["channel"], reply, record["reminder"])
        except asyncio.CancelledError:
            await asyncio.shield(self._call(self._finish, record, status="interrupted",
                                            reason="claimbot stopped while posting"))
            raise
        except PostError as e:
            log.warning("reminder %s to %s:%s failed%s: %s", p.delivery_id, record["platform"], record["channel"],
                        "" if e.permanent else " (will retry)", e)
            await self._call(self._finish, record, status="failed", retry=not e.permanent, error=str(e)[:300],
                             failed_at=self.clock().isoformat())
            return False
        except Exception as e:  # a bug or a network error: logged, tried again later
            log.exception("reminder %s to %s:%s failed", p.delivery_id, record["platform"], record["channel"])
            await self._call(self._finish, record, status="failed", retry=True, error=repr(e)[:300],
                             failed_at=self.clock().isoformat())
            return False
        else:
            await self._call(self._finish, record, status="posted", posted_at=self.clock().isoformat(),
                             message=str(ref or ""))
            log.info("reminder posted%s: %s to %s:%s", " late" if record.get("late") else "",
                     record["event"] or "digest", record["platform"], record["channel"])
        return True

    async def _look_back(self, poster: Poster, p: P.Planned, record: dict[str, Any]) -> bool | None:
        """Before posting a reminder whose earlier attempt may have gone out unrecorded: ask the
        platform.  True: the post is there and is now recorded; False: the look failed and is
        tried again with the retry; None: post it (not there, or the platform cannot be asked)."""
        assert p.since is not None
        what = f"{record['event'] or 'digest'} to {record['platform']}:{record['channel']}"
        if not isinstance(poster, Finder):
            return None  # Discord: the post's nonce makes Discord give back a message it already has
        since = p.since - CLOCK_MARGIN
        try:
            ref = await poster.find(record["channel"], record["reminder"], since)
        except asyncio.CancelledError:
            await asyncio.shield(self._call(self._finish, record, status="interrupted",
                                            reason="claimbot stopped while looking for the earlier post"))
            raise
        except Exception as e:
            permanent = isinstance(e, PostError) and e.permanent
            if permanent or p.attempt >= P.MAX_ATTEMPTS:
                log.warning("reminder %s: could not look in the channel for the earlier post (%s); posting it "
                            "anyway (it appears twice if that post had gone out)", what, e)
                return None
            log.warning("reminder %s: could not look in the channel for the earlier post (%s); looking again "
                        "later", what, e)
            await self._call(self._finish, record, status="failed", retry=True, error=f"look: {e}"[:300],
                             failed_at=self.clock().isoformat())
            return False
        if not ref:
            log.info("reminder %s: the earlier post is not in the channel; posting it", what)
            return None
        await self._call(self._finish, record, status="posted", posted_at=self.clock().isoformat(), message=ref,
                         found=True)
        log.warning("reminder %s had been posted by a claimbot that stopped before recording it: found in the "
                    "channel, recorded, not posted again", what)
        return True

    def _schedule(self, upcoming: list[P.Planned], now: dt.datetime) -> None:
        assert self.scheduler is not None
        times = sorted({p.when for p in upcoming if p.when <= now + self.horizon})[:MAX_JOBS]
        wanted = {JOB_PREFIX + t.isoformat(): t for t in times}
        wanted[REFRESH_JOB] = min(times[-1] if len(times) == MAX_JOBS else now + self.horizon, now + self.refresh)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, t in wanted.items():
            job = self.scheduler.get_job(job_id)
            if job is None or job.next_run_time != t:
                self.scheduler.add_job(self._job, DateTrigger(t), id=job_id, name="post due reminders",
                                       replace_existing=True)

    # -- preview (no scheduler, no claims) --------------------------------------------------------------
    def preview(self, days: int = 7, now: dt.datetime | None = None) -> list[tuple[dict[str, Any], list[PreviewItem]]]:
        """What would be posted, where and when, for every subscription, over ``days`` days."""
        now = now or self.clock()
        agenda = self._agenda(now, dt.timedelta(days=days))
        by_sub: dict[str, list[PreviewItem]] = {}
        for d in agenda.due:
            r = d.planned.reminder
            status = ("now (late)" if d.late else "now") if d.action == "post" else f"skipped: {d.reason}"
            reply = self._reply(r, now, late=d.late) if d.action == "post" else None
            by_sub.setdefault(r.sub, []).append(PreviewItem({}, now, status, reply, r.lead))
        for p in agenda.upcoming:
            r = p.reminder
            status = "planned" if p.attempt == 1 else f"retry {p.attempt}"
            by_sub.setdefault(r.sub, []).append(PreviewItem({}, p.when, status, self._reply(r, p.when), r.lead))
        out = []
        for sub in sorted(self.store.subscriptions(), key=lambda s: (s["platform"], s["channel"])):
            items = [PreviewItem(sub, i.when, i.status, i.reply, i.lead) for i in by_sub.get(sub["id"], [])]
            out.append((sub, items))
        return out

    def _reply(self, r: P.Reminder, at: dt.datetime, late: bool = False) -> Reply | None:
        sub = self.subscription(r.sub)
        if sub is None:
            return None
        if r.is_digest:
            first = r.fire.astimezone(self.tz).date()
            start_from, start_to = P.event_window(at, dt.timedelta(days=r.digest_days))
            events = digest_events(sub, self.store.events(start_from=start_from, start_to=start_to,
                                                          include_cancelled=False), self.tz, first, r.digest_days)
            if not events:
                return Reply("Coming up: nothing", text="(not posted: nothing is coming up)")
            return digest_reply(events, r.digest_days, self.tz, self.label, self._articles(events),
                                late_from=r.fire if late else None)
        event = self.store.get_event(r.event)
        if event is None:
            return None
        return event_reply(event, self.tz, at, self.label, self._articles([event]), late_from=r.fire if late else None)

    def describe_time(self, t: dt.datetime) -> str:
        return instant_text(t, self.tz)
