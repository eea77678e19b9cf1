"""Reminders on the real APScheduler, driven by a fake clock.

``FakeClock`` is both the planner's clock and what APScheduler reads as "now" (its
``datetime.now`` is patched, as freezegun would), so a test moves time with
``advance_to`` and the real AsyncIOScheduler finds the due jobs, the real executor runs
the coroutine jobs, and the real delivery ledger (a TinyDB file, reopened at every
restart) decides.  Nothing sleeps: ``settle`` waits for the work in flight.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest

from bot.reminders import PostError, Reminders
from bot.reminders.plan import DEFAULT_LEADS
from bot.reminders.runner import REFRESH
from bot.reply import Caller, Reply
from bot.service import Service
from store.tinydb_store import TinyDBStore

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """"2025-06-13 09:00" (UTC) as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = self

        class FakeDatetime(dt.datetime):
            @classmethod
            def now(cls, tz=None):  # noqa: ANN206 - as datetime.now
                return clock.now.astimezone(tz) if tz else clock.now.replace(tzinfo=None)

        monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
        monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)


@dataclass
class Post:
    platform: str
    channel: str
    reply: Reply
    at: dt.datetime
    key: str = ""  # the reminder's ledger key the post carries


class RecordingPoster:
    """A platform that records what it is given; it can be not ready, fail, or hang."""

    def __init__(self, platform: str, clock: FakeClock, log: list[Post], ready: bool = True) -> None:
        self.platform, self.clock, self.log = platform, clock, log
        self._ready = asyncio.Event()
        if ready:
            self._ready.set()
        self.fail: list[PostError] = []  # raised by the next posts, in order
        self.hold: asyncio.Event | None = None  # when set: a post waits for it (a slow network)
        self.holding = asyncio.Event()

    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def connect(self) -> None:
        self._ready.set()

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        if self.fail:
            raise self.fail.pop(0)
        if self.hold is not None:
            self.holding.set()
            await self.hold.wait()
        self.log.append(Post(self.platform, channel, reply, self.clock(), key))
        return f"m{len(self.log)}"


@dataclass
class Bot:
    """One claimbot process: a store opened on the file, a Service, Reminders, posters."""

    service: Service
    reminders: Reminders
    posters: dict[str, RecordingPoster]

    @property
    def store(self) -> TinyDBStore:
        return self.service.store


@dataclass
class World:
    path: Path
    clock: FakeClock
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    posts: list[Post] = field(default_factory=list)
    bot: Bot | None = None
    # a refresh tick a day keeps month-long runs quick; the 100-restart run and the
    # cross-process test use the real one (runner.REFRESH)
    refresh: dt.timedelta = dt.timedelta(days=1)

    async def boot(self, ready: bool = True, platforms: tuple[str, ...] = ("slack", "discord", "console")) -> Bot:
        assert self.bot is None, "stop the running bot first"
        service = Service(TinyDBStore(self.path), clock=self.clock)
        reminders = Reminders(service, self.tz, clock=self.clock, refresh=self.refresh)
        posters = {p: RecordingPoster(p, self.clock, self.posts, ready=ready) for p in platforms}
        for name, poster in posters.items():
            reminders.attach(name, poster)
        await reminders.start()
        await reminders.settle()
        self.bot = Bot(service, reminders, posters)
        return self.bot

    async def stop(self, kill: bool = False) -> None:
        assert self.bot is not None
        if kill:
            self.bot.reminders.kill()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        else:
            await self.bot.reminders.stop()
        self.bot.store.close()
        self.bot = None

    async def advance_to(self, target: dt.datetime) -> None:
        """Move the clock to ``target``, stopping at every job's time on the way."""
        assert self.bot is not None
        rem = self.bot.reminders
        while True:
            await rem.settle()
            times = [j.next_run_time for j in rem.scheduler.get_jobs() if j.next_run_time is not None]
            nxt = min(times, default=None)
            if nxt is None or nxt > target:
                break
            self.clock.now = max(self.clock.now, nxt)
            rem.scheduler.wakeup()
        self.clock.now = target
        await rem.settle()

    def subscribe(self, text: str = "", platform: str = "slack", channel: str = "C0NEWS") -> Reply:
        assert self.bot is not None
        caller = Caller(platform, "U0ALICE", channel_id=channel if platform != "console" else "")
        reply = self.bot.reminders.handle(caller, {"text": f"subscribe {text}".strip()})
        assert not reply.is_error, reply.plain()
        return reply

    def event(self, who: str = "test:setup", **fields: str) -> dict:
        assert self.bot is not None
        return self.bot.service.add_event(fields, who=who)

    def titles(self, channel: str | None = None) -> list[tuple[str, dt.datetime]]:
        return [(p.reply.title, p.at) for p in self.posts if channel is None or p.channel == channel]


@pytest.fixture
async def world(tmp_path, monkeypatch):
    clock = FakeClock(at("2025-06-01 00:00"))
    clock.install(monkeypatch)
    w = World(tmp_path / "store.json", clock)
    yield w
    if w.bot is not None:
        await w.stop()


def deliveries(bot: Bot) -> dict[str, dict]:
    return {d["id"]: d for d in bot.store.deliveries()}


FINAL = ("posted", "skipped")


async def until_settled(deliveries: Callable[[], list[dict]], posted: int, timeout: float = 60.0) -> dict[str, dict]:
    """Wait on the delivery ledger, not on the clock: until ``posted`` reminders have a posted
    latest attempt and no reminder is still open (a claim being posted, a retry to come).

    A post happens between its claim and its record, and a second post of a reminder (a take
    -over) only under a claim of its own, so once the ledger is settled no process can still
    be posting: a duplicate cannot be merely late.  Returns the latest attempt per reminder."""
    from bot.reminders.plan import latest_attempts

    end = time.monotonic() + timeout
    while True:
        latest = dict(latest_attempts(await asyncio.to_thread(deliveries)))
        done = sum(d["status"] == "posted" for d in latest.values())
        still_open = [d for d in latest.values() if d["status"] not in FINAL
                      and not (d["status"] == "failed" and not d.get("retry"))]
        if done >= posted and not still_open:
            return latest
        if time.monotonic() > end:
            raise AssertionError(f"the ledger did not settle in {timeout:g} s: {done} posted of {posted}, "
                                 f"still open: {still_open}")
        await asyncio.sleep(0.05)


# -- lead times ------------------------------------------------------------------------------------

async def test_default_leads_post_7_days_and_1_day_before_at_nine(world):
    await world.boot()
    world.subscribe()
    ev = world.event(title="Japan-Korea trade dialogue", kind="dialogue", start="2025-06-20",
                     participants="japan, south korea", place="Seoul")
    await world.bot.reminders.settle()
    jobs = {j.id for j in world.bot.reminders.scheduler.get_jobs()}
    assert "claimbot-remind@2025-06-13T09:00:00+00:00" in jobs  # planned as an APScheduler job
    await world.advance_to(at("2025-06-25 00:00"))
    assert world.titles() == [("In 7 days: Japan-Korea trade dialogue", at("2025-06-13 09:00")),
                              ("Tomorrow: Japan-Korea trade dialogue", at("2025-06-19 09:00"))]
    post = world.posts[0]
    assert post.platform == "slack" and post.channel == "C0NEWS"
    fields = {f.name: f for f in post.reply.fields}
    assert fields["When"].value == "Friday, June 20, 2025" and fields["When"].moments
    assert fields["Where"].value == "Seoul" and fields["Who"].value == "Japan, South Korea"
    assert "Added by an admin." in post.reply.text and "Late" not in post.reply.text
    ledger = deliveries(world.bot)
    assert {d["lead"] for d in ledger.values()} == set(DEFAULT_LEADS)
    assert all(d["status"] == "posted" and d["late"] is False and d["event"] == ev["id"] for d in ledger.values())


async def test_custom_leads_and_an_hour_lead_on_a_timed_event(world):
    await world.boot()
    world.subscribe("lead 1d,2h")
    world.event(title="Ministers' call", kind="meeting", start="2025-06-10T15:30:00+00:00")
    world.event(title="Election day", kind="election", start="2025-06-12")  # a date: 2h means that morning
    await world.advance_to(at("2025-06-30 00:00"))
    assert world.titles() == [("Tomorrow: Ministers' call", at("2025-06-09 09:00")),
                              ("In 2 hours: Ministers' call", at("2025-06-10 13:30")),
                              ("Tomorrow: Election day", at("2025-06-11 09:00")),
                              ("Today: Election day", at("2025-06-12 09:00"))]


async def test_filters_by_kind_and_actor(world):
    await world.boot()
    world.subscribe("lead 1d kinds summit,elections actors china", channel="C0ASIA")
    world.event(title="Leaders summit", kind="summit", start="2025-06-10", participants="china, japan")
    world.event(title="Other summit", kind="summit", start="2025-06-11", participants="france")
    world.event(title="Some visit", kind="visit", start="2025-06-12", participants="china")
    await world.advance_to(at("2025-06-30 00:00"))
    assert [t for t, _ in world.titles()] == ["Tomorrow: Leaders summit"]


# -- time zones -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("zone", "event_day", "expected"), [
    # New York: DST began 2025-03-09 02:00, so 09:00 is 14:00 UTC before and 13:00 UTC after
    ("America/New_York", "2025-03-10", [at("2025-03-03 14:00"), at("2025-03-09 13:00")]),
    # Berlin: DST ended 2025-10-26 03:00, so 09:00 is 07:00 UTC before and 08:00 UTC after
    ("Europe/Berlin", "2025-10-27", [at("2025-10-20 07:00"), at("2025-10-26 08:00")]),
    # Tokyo: no DST; 09:00 JST is midnight UTC
    ("Asia/Tokyo", "2025-06-20", [at("2025-06-13 00:00"), at("2025-06-19 00:00")]),
])
async def test_nine_oclock_team_time_across_dst(world, zone, event_day, expected):
    world.tz = ZoneInfo(zone)
    world.clock.now = at(event_day + " 00:00") - dt.timedelta(days=30)
    await world.boot()
    world.subscribe()
    world.event(title="Ballot", kind="election", start=event_day)
    await world.advance_to(at(event_day + " 00:00") + dt.timedelta(days=2))
    assert [p.at for p in world.posts] == expected
    assert [p.at.astimezone(world.tz).time() for p in world.posts] == [dt.time(9, 0)] * 2


async def test_an_hour_lead_across_the_dst_change_is_an_hour_of_real_time(world):
    world.tz = ZoneInfo("Europe/Berlin")
    world.clock.now = at("2025-03-25 00:00")
    await world.boot()
    world.subscribe("lead 3h")
    # 04:00 CEST on the night the clocks go forward, 3 h before is 00:00 CET (23:00 UTC)
    world.event(title="Night vote count", kind="election", start="2025-03-30T02:00:00+00:00")
    await world.advance_to(at("2025-03-31 00:00"))
    assert world.titles() == [("In 3 hours: Night vote count", at("2025-03-29 23:00"))]
    when = world.posts[0].reply.fields[0]
    assert when.value == "Sunday, March 30, 2025, 04:00 CEST (Europe/Berlin)"
    assert when.moments[0].at == int(at("2025-03-30 02:00").timestamp()) and when.moments[0].style == "datetime"


# -- precision and ranges --------------------------------------------------------------------------------

async def test_month_and_week_precision_get_one_reminder_when_the_period_starts(world):
    world.tz = ZoneInfo("Europe/Berlin")
    await world.boot()
    world.subscribe()
    world.event(title="Tariff talks", kind="negotiation", start="2025-07", participants="us, japan")
    world.event(title="Envoy visit", kind="visit", start="2025-W28", participants="china")
    await world.advance_to(at("2025-08-01 00:00"))
    assert world.titles() == [("This month: Tariff talks", at("2025-07-01 07:00")),
                              ("This week: Envoy visit", at("2025-07-07 07:00"))]
    assert world.posts[0].reply.fields[0].value == "July 2025"
    assert world.posts[1].reply.fields[0].value == "the week of Monday, July 7, 2025"


async def test_a_window_an_admin_enters_is_reminded_at_its_start_saying_how_vague_it_is(world):
    await world.boot()
    world.subscribe()
    world.event(title="Danube shipping talks", kind="negotiation", start="late-2025-06", participants="austria")
    await world.advance_to(at("2025-07-05 00:00"))
    assert world.titles() == [("Late June 2025: Danube shipping talks", at("2025-06-21 09:00"))]
    assert world.posts[0].reply.fields[0].value == "late June 2025 (sometime June 21 \u2013 30, 2025)"
    assert "The article gives no exact day" in world.posts[0].reply.text


@pytest.mark.slow
async def test_an_article_saying_mid_june_is_reminded_at_the_start_of_the_window(world):
    await world.boot()
    world.subscribe()
    world.bot.service.ingest_text(
        "Uruguay and Paraguay agreed on Sunday to set up a river navigation dialogue. "
        "Its first meeting will be held in Asuncion in mid-June.", "2025-06-01", title="River pact")
    [ev] = world.bot.service.events()
    assert (ev["start"], ev["end"], ev["precision"], ev["approx"]) == ("2025-06-11", "2025-06-20", "window",
                                                                         "mid-June 2025")
    await world.advance_to(at("2025-06-25 00:00"))
    [(title, when)] = world.titles()
    assert title.startswith("Mid-June 2025: ") and "meeting" in title.lower() and when == at("2025-06-11 09:00")


async def test_a_range_shows_both_ends(world):
    await world.boot()
    world.subscribe("lead 1d")
    world.event(title="Summit", kind="summit", start="2025-06-30", end="2025-07-02")
    await world.advance_to(at("2025-07-05 00:00"))
    [post] = world.posts
    when = post.reply.fields[0]
    assert when.value == "June 30 \u2013 July 2, 2025"
    assert [m.fallback for m in when.moments] == ["Monday, June 30, 2025", "Wednesday, July 2, 2025"]


# -- cancellation ------------------------------------------------------------------------------------------

async def test_a_cancelled_event_is_never_announced_again(world):
    await world.boot()
    world.subscribe()
    ev = world.event(title="Port fees meeting", kind="meeting", start="2025-06-20")
    await world.advance_to(at("2025-06-15 00:00"))
    assert [t for t, _ in world.titles()] == ["In 7 days: Port fees meeting"]
    world.bot.service.cancel_event(ev["id"], "postponed", who="test:admin")
    await world.bot.reminders.settle()
    assert not [j for j in world.bot.reminders.scheduler.get_jobs() if j.id.startswith("claimbot-remind@")]
    await world.advance_to(at("2025-06-25 00:00"))
    assert len(world.posts) == 1


async def test_cancelled_or_retracted_events_are_never_planned(world):
    await world.boot()
    world.subscribe()
    for status in ("cancelled", "retracted"):
        world.bot.store.put_event({"id": f"e-{status}", "title": f"A {status} summit", "kind": "summit",
                                   "start": "2025-06-20", "end": None, "precision": "day", "article": "a1",
                                   "evidence": "", "status": status, "sources": []})
    world.bot.service._changed("events")  # as an ingest would
    await world.advance_to(at("2025-06-25 00:00"))
    assert world.posts == []


async def test_a_moved_event_is_reminded_at_its_new_date(world):
    await world.boot()
    world.subscribe("lead 1d")
    ev = world.event(title="Summit", kind="summit", start="2025-06-10")
    await world.advance_to(at("2025-06-09 12:00"))
    world.bot.service.edit_event(ev["id"], {"start": "2025-06-17"}, who="test:admin")
    await world.advance_to(at("2025-06-20 00:00"))
    assert world.titles() == [("Tomorrow: Summit", at("2025-06-09 09:00")), ("Tomorrow: Summit", at("2025-06-16 09:00"))]


# -- restarts, downtime, the ledger ---------------------------------------------------------------------------

async def test_catch_up_after_downtime_posts_late_once(world):
    await world.boot()
    world.subscribe()
    world.event(title="Fisheries talks", kind="negotiation", start="2025-06-20")
    await world.advance_to(at("2025-06-12 00:00"))
    await world.stop()
    world.clock.now = at("2025-06-14 10:00")  # the 7-day reminder fell due on the 13th at 09:00
    await world.boot()
    assert world.titles() == [("In 6 days: Fisheries talks", at("2025-06-14 10:00"))]
    assert "Late: this reminder was due Friday, June 13, 2025, 09:00 UTC" in world.posts[0].reply.text
    await world.stop()
    await world.boot()  # and again: nothing new
    await world.advance_to(at("2025-06-25 00:00"))
    assert [t for t, _ in world.titles()] == ["In 6 days: Fisheries talks", "Tomorrow: Fisheries talks"]
    ledger = deliveries(world.bot)
    assert sorted((d["lead"], d["late"]) for d in ledger.values()) == [("1d", False), ("7d", True)]


async def test_downtime_past_the_start_skips_and_logs(world, caplog):
    await world.boot()
    world.subscribe()
    world.event(title="Customs forum", kind="meeting", start="2025-06-20")
    await world.advance_to(at("2025-06-12 00:00"))
    await world.stop()
    world.clock.now = at("2025-06-20 10:00")  # both reminders fell due and the event has begun
    with caplog.at_level(logging.INFO, logger="claimbot.reminders"):
        await world.boot()
    assert world.posts == []
    ledger = deliveries(world.bot)
    assert sorted((d["lead"], d["status"]) for d in ledger.values()) == [("1d", "skipped"), ("7d", "skipped")]
    assert "reminder skipped (the event had begun)" in caplog.text


async def test_of_several_missed_reminders_only_the_latest_is_posted(world):
    await world.boot()
    world.subscribe()
    world.event(title="Grain deal signing", kind="policy", start="2025-06-20")
    await world.stop()
    world.clock.now = at("2025-06-19 15:00")  # 7d and 1d both fell due meanwhile
    await world.boot()
    assert world.titles() == [("Tomorrow: Grain deal signing", at("2025-06-19 15:00"))]
    ledger = deliveries(world.bot)
    assert sorted((d["lead"], d["status"]) for d in ledger.values()) == [("1d", "posted"), ("7d", "skipped")]


async def test_reminders_before_the_subscription_existed_are_not_posted(world):
    world.clock.now = at("2025-06-18 10:00")
    await world.boot()
    world.event(title="Late-known meeting", kind="meeting", start="2025-06-20")
    world.subscribe()  # the 7-day reminder was due on the 13th, before anyone asked
    await world.advance_to(at("2025-06-25 00:00"))
    assert world.titles() == [("Tomorrow: Late-known meeting", at("2025-06-19 09:00"))]


@pytest.mark.parametrize("down_at", ["2025-06-13 08:59:59", "2025-06-13 09:00:00"])
async def test_restart_inside_the_reminder_window_neither_misses_nor_duplicates(world, down_at):
    await world.boot()
    world.subscribe()
    world.event(title="Chip talks", kind="dialogue", start="2025-06-20")
    await world.advance_to(at(down_at))  # just before it, or just after it was posted
    await world.stop()
    world.clock.now = at("2025-06-13 09:00:30")
    await world.boot()
    await world.stop(kill=True)
    await world.boot()
    await world.advance_to(at("2025-06-14 00:00"))
    assert [t for t, _ in world.titles()] == ["In 7 days: Chip talks"]
    assert "Late" not in world.posts[0].reply.text  # 30 s after its time is on time


async def test_a_stop_while_posting_waits_for_the_post_and_never_repeats_it(world):
    await world.boot()
    world.subscribe()
    world.event(title="Rare earth talks", kind="dialogue", start="2025-06-20")
    poster = world.bot.posters["slack"]
    poster.hold = asyncio.Event()
    world.clock.now = at("2025-06-13 09:00")
    world.bot.reminders.scheduler.wakeup()
    await asyncio.wait_for(poster.holding.wait(), 5)
    stopping = asyncio.ensure_future(world.stop())
    await asyncio.sleep(0)
    poster.hold.set()  # the post goes through while claimbot stops
    await stopping
    await world.boot()
    await world.advance_to(at("2025-06-14 00:00"))
    assert [t for t, _ in world.titles()] == ["In 7 days: Rare earth talks"]


async def test_a_crash_while_posting_is_reported_and_not_posted_twice(world, caplog):
    await world.boot()
    world.subscribe()
    world.event(title="Steel talks", kind="dialogue", start="2025-06-20")
    poster = world.bot.posters["slack"]
    poster.hold = asyncio.Event()
    world.clock.now = at("2025-06-13 09:00")
    world.bot.reminders.scheduler.wakeup()
    await asyncio.wait_for(poster.holding.wait(), 5)
    # the claim is in the ledger; whether the platform got the post is unknown
    [record] = deliveries(world.bot).values()
    assert record["status"] == "posting"
    world.bot.store.close()  # a crash: nothing more is written
    world.bot.reminders.service.store = TinyDBStore(world.path.parent / "elsewhere.json")
    world.bot.reminders.kill()
    world.bot = None
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        await world.boot()
    await world.advance_to(at("2025-06-14 00:00"))
    assert world.posts == []  # at most once: never posted a second time
    assert "may not have been posted" in caplog.text
    assert [r["status"] for r in deliveries(world.bot).values()] == ["posting"]


async def test_an_event_stored_by_another_process_is_picked_up_by_the_refresh(world):
    world.refresh = REFRESH
    await world.boot()
    world.subscribe("lead 2h")
    other = Service(TinyDBStore(world.path), clock=world.clock)  # `claimbot ingest` elsewhere: no listener here
    other.add_event({"title": "Snap meeting", "kind": "meeting", "start": "2025-06-01T05:00:00+00:00"},
                    who="test:other")
    other.store.close()
    await world.advance_to(at("2025-06-01 04:00"))
    assert world.titles() == [("In 2 hours: Snap meeting", at("2025-06-01 03:00"))]


async def test_two_processes_on_one_store_post_once(world):
    await world.boot()
    world.subscribe()
    world.event(title="Shared talks", kind="dialogue", start="2025-06-20")
    first = world.bot
    world.bot = None
    second = await world.boot()
    world.clock.now = at("2025-06-13 09:00")
    first.reminders.scheduler.wakeup()
    second.reminders.scheduler.wakeup()
    await first.reminders.settle()
    await second.reminders.settle()
    assert [t for t, _ in world.titles()] == ["In 7 days: Shared talks"]
    await first.reminders.stop()
    first.store.close()


def _stores(backend: str, n: int, tmp_path: Path, request: pytest.FixtureRequest) -> list:
    """``n`` handles on one store: store objects on one file or database (each process's view
    of it), or one in-memory store shared by every runner."""
    if backend == "memory":
        from store.memory import MemoryStore

        return [MemoryStore()] * n
    if backend == "postgres":
        from store.postgres import PostgresStore
        from tests.conftest import postgres_schema_url

        url = postgres_schema_url(request)
        return [PostgresStore(url) for _ in range(n)]
    return [TinyDBStore(tmp_path / "store.json") for _ in range(n)]


@pytest.mark.parametrize("backend", ["tinydb", "memory", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("runners", [2, 3])
async def test_runners_that_found_a_reminder_due_at_once_post_it_once(tmp_path, monkeypatch, request, backend,
                                                                       runners):
    """Several runners (processes) tick at the same moment and each plans the same reminder as
    due before any of them acts: the ledger's claim alone decides, and exactly one posts."""
    clock = FakeClock(at("2025-06-13 08:00"))
    clock.install(monkeypatch)
    stores = _stores(backend, runners, tmp_path, request)
    posts: list[Post] = []
    rems = []
    for store in stores:
        rem = Reminders(Service(store, clock=clock), ZoneInfo("UTC"), clock=clock, refresh=dt.timedelta(days=1))
        rem.attach("slack", RecordingPoster("slack", clock, posts))
        rems.append(rem)
    caller = Caller("slack", "U0ALICE", channel_id="C0NEWS")
    assert not rems[0].handle(caller, {"text": "subscribe"}).is_error
    rems[0].service.add_event({"title": "Shared talks", "kind": "dialogue", "start": "2025-06-20"}, who="test:setup")
    try:
        for rem in rems:
            await rem.start()  # nothing is due yet at 08:00
        assert posts == []
        everyone_planned = asyncio.Barrier(runners)
        for rem in rems:
            act = rem._act

            async def act_together(due, act=act):  # noqa: ANN001, ANN202
                assert [d.action for d in due] == ["post"]  # each found it due on its own
                await everyone_planned.wait()  # and none acts before all have planned it
                return await act(due)

            rem._act = act_together
        clock.now = at("2025-06-13 09:00")
        await asyncio.gather(*(rem.tick() for rem in rems))
        for rem in rems:
            await rem.settle()
        assert [p.reply.title for p in posts] == ["In 7 days: Shared talks"]
        ledger = stores[0].deliveries()
        assert [d["status"] for d in ledger] == ["posted"]
    finally:
        for rem in rems:
            await rem.stop()
        for store in {id(s): s for s in stores}.values():
            store.close()


async def test_a_failed_post_is_tried_again_under_a_new_attempt(world):
    await world.boot()
    world.subscribe()
    world.event(title="Tariff review", kind="policy", start="2025-06-20")
    world.bot.posters["slack"].fail = [PostError("Slack could not be reached")]
    await world.advance_to(at("2025-06-13 09:03"))
    assert world.posts == []
    await world.advance_to(at("2025-06-13 10:00"))
    assert world.titles() == [("In 7 days: Tariff review", at("2025-06-13 09:05"))]
    ledger = deliveries(world.bot)
    base = next(k for k in ledger if "#" not in k and ledger[k]["lead"] == "7d")
    assert ledger[base]["status"] == "failed" and ledger[f"{base}#2"]["status"] == "posted"


async def test_a_permanent_failure_is_not_retried(world):
    await world.boot()
    world.subscribe()
    world.event(title="Tariff review", kind="policy", start="2025-06-20")
    world.bot.posters["slack"].fail = [PostError("not_in_channel", permanent=True)]
    await world.advance_to(at("2025-06-14 00:00"))
    assert world.posts == []
    assert [d["status"] for d in deliveries(world.bot).values()] == ["failed"]


async def test_nothing_is_posted_before_the_platform_is_ready(world):
    await world.boot(ready=False)
    world.subscribe()
    world.event(title="Solar panel duties", kind="policy", start="2025-06-20")
    await world.advance_to(at("2025-06-13 09:30"))
    assert world.posts == [] and deliveries(world.bot) == {}
    world.bot.posters["slack"].connect()
    await world.bot.reminders.settle()
    assert world.titles() == [("In 7 days: Solar panel duties", at("2025-06-13 09:30"))]


# -- digests ----------------------------------------------------------------------------------------------

async def test_daily_digest_lists_the_coming_week_and_skips_empty_days(world):
    await world.boot()
    world.bot.reminders.handle(Caller("slack", "U0ALICE", channel_id="C0DIGEST"), {"text": "digest daily"})
    world.event(title="Budget vote", kind="election", start="2025-06-05")
    world.event(title="Trade fair", kind="other", start="2025-06-12")
    await world.advance_to(at("2025-06-14 00:00"))
    digests = [(p.at.date().day, [i.title for i in p.reply.items]) for p in world.posts]
    assert digests[0] == (1, ["Thursday, June 5, 2025 \u00b7 Budget vote"])
    assert digests[5] == (6, ["Thursday, June 12, 2025 \u00b7 Trade fair"])
    assert [d for d, _ in digests] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # nothing after the 12th
    assert all(p.reply.title == "Coming up: the next 7 days" for p in world.posts)
    # a digest-only subscription posts no per-event reminders
    assert all(not p.reply.title.startswith(("In ", "Tomorrow")) for p in world.posts)


# -- 100 restarts ------------------------------------------------------------------------------------------

EVENTS_100 = [
    # (title, kind, start, end)  -- Berlin time; DST ends on 2025-10-26
    ("Ministerial dialogue", "dialogue", "2025-10-06", None),
    ("Port fee talks", "negotiation", "2025-10-08T13:00:00+00:00", None),
    ("Leaders summit", "summit", "2025-10-14", "2025-10-15"),
    ("Farm quota review", "policy", "2025-10-17", None),
    ("Evening call", "meeting", "2025-10-20T17:45:00+00:00", None),
    ("Local elections", "election", "2025-10-26", None),
    ("Morning briefing", "meeting", "2025-10-27T06:30:00+00:00", None),
    ("Investment forum", "meeting", "2025-10-29", "2025-10-31"),
    ("Envoy visit", "visit", "2025-11-03", None),
    ("Tariff deadline", "deadline", "2025-11-05T23:00:00+00:00", None),
    ("Round of trade talks", "negotiation", "2025-11", None),
    ("Customs week", "meeting", "2025-W45", None),
    ("Energy summit", "summit", "2025-11-10", None),
]
SUBS_100 = [("slack", "C0NEWS", "7d,1d,2h", ""), ("slack", "C0SUMMITS", "3d,1h", "summit,election"),
            ("discord", "900000000000000200", "1d,30m", ""), ("console", "console", "2d", "")]


def expected_reminders(tz: ZoneInfo, since: dt.datetime) -> dict[tuple[str, str, str], dt.datetime]:
    """The oracle, from the rules as written in the issue (not from bot.reminders.plan):
    day leads at 09:00 team time N days before; shorter leads that long before a time,
    or at 09:00 on the day of a date; months and weeks at 09:00 on their first day."""
    out = {}
    nine = dt.time(9, 0)
    for _platform, channel, leads, kinds in SUBS_100:
        for title, kind, start, _end in EVENTS_100:
            if kinds and kind not in kinds.split(","):
                continue
            if start[4:6] == "-W":
                out[(channel, title, "week")] = dt.datetime.combine(
                    dt.date.fromisocalendar(int(start[:4]), int(start[6:]), 1), nine, tz).astimezone(UTC)
                continue
            if len(start) == 7:
                out[(channel, title, "month")] = dt.datetime.combine(
                    dt.date(int(start[:4]), int(start[5:]), 1), nine, tz).astimezone(UTC)
                continue
            timed = "T" in start
            begins = dt.datetime.fromisoformat(start) if timed else None
            day = begins.astimezone(tz).date() if begins else dt.date.fromisoformat(start)
            for lead in leads.split(","):
                n, unit = int(lead[:-1]), lead[-1]
                if unit == "d":
                    out[(channel, title, lead)] = dt.datetime.combine(day - dt.timedelta(days=n), nine,
                                                                      tz).astimezone(UTC)
                elif timed:
                    out[(channel, title, lead)] = begins - dt.timedelta(hours=n if unit == "h" else 0,
                                                                        minutes=n if unit == "m" else 0)
                else:
                    out[(channel, title, "0d")] = dt.datetime.combine(day, nine, tz).astimezone(UTC)
    return {k: v for k, v in out.items() if v >= since}


async def test_100_restarts_zero_duplicates_zero_misses(world):
    """A month and a half with 100 restarts at random moments (a seeded RNG), some right on
    a reminder's time, downtimes from nothing to 50 minutes, alternating clean stops and
    kills: every reminder is posted exactly once, on time or (after a downtime) late."""
    rng = random.Random(20250601)
    world.refresh = REFRESH
    world.tz = ZoneInfo("Europe/Berlin")
    world.clock.now = at("2025-10-01 00:00")
    start, end = world.clock.now, at("2025-11-12 00:00")
    expected = expected_reminders(world.tz, since=start)
    assert len(expected) > 60 and len(set(expected.values())) > 40

    bot = await world.boot()
    for platform, channel, leads, kinds in SUBS_100:
        caller = Caller(platform, "U0ALICE", channel_id=channel if platform != "console" else "")
        text = f"subscribe lead {leads}" + (f" kinds {kinds}" if kinds else "")
        assert not bot.reminders.handle(caller, {"text": text}).is_error
    for title, kind, s, e in EVENTS_100:
        world.event(title=title, kind=kind, start=s, **({"end": e} if e else {}))

    fire_times = sorted(set(expected.values()))
    step = (end - start) / 100
    downtimes: list[tuple[dt.datetime, dt.datetime]] = []
    for i in range(100):
        now = world.clock.now
        nxt = [t for t in fire_times if t > now + dt.timedelta(seconds=1)]
        if nxt and rng.random() < 0.35:  # right on a reminder's time, a second before or after
            down_at = nxt[0] + dt.timedelta(seconds=rng.choice([-1, 0, 1]))
        else:
            down_at = now + dt.timedelta(seconds=rng.randrange(60, int(step.total_seconds())))
        await world.advance_to(down_at)
        await world.stop(kill=i % 2 == 1)
        back = down_at + dt.timedelta(minutes=rng.choice([0, 0, 1, 5, 20, 50]))
        downtimes.append((down_at, back))
        world.clock.now = back
        await world.boot()
    await world.advance_to(end)
    assert len(downtimes) == 100

    posted: dict[tuple[str, str, str], list[Post]] = {}
    for p in world.posts:
        ev_id = p.reply.footer.rsplit(" ", 1)[-1]
        title = world.bot.store.get_event(ev_id)["title"]
        lead = next(d["lead"] for d in world.bot.store.deliveries()
                    if d.get("event") == ev_id and d["channel"] == p.channel and d.get("posted_at") == p.at.isoformat())
        posted.setdefault((p.channel, title, lead), []).append(p)
    duplicates = {k: len(v) for k, v in posted.items() if len(v) > 1}
    misses = sorted(set(expected) - set(posted))
    unexpected = sorted(set(posted) - set(expected))
    assert (duplicates, misses, unexpected) == ({}, [], [])
    caught_up = late = 0
    for key, [p] in posted.items():
        fire = expected[key]
        down = next(((a, b) for a, b in downtimes if a < fire < b), None)  # at ``a`` it posts, then stops
        if down is None:  # up at its time: posted then
            assert p.at == fire and "Late:" not in p.reply.text, key
        else:  # down at its time: posted on the way back up, late if more than two minutes
            assert p.at == down[1], key
            assert ("Late:" in p.reply.text) == (down[1] - fire > dt.timedelta(minutes=2)), key
            caught_up += 1
            late += "Late:" in p.reply.text
    on_the_second = sum(1 for a, _ in downtimes if any(abs((a - t).total_seconds()) <= 1 for t in fire_times))
    # the run did cover what it is about: catch-ups, late posts, stops on a reminder's second
    assert caught_up >= 5 and late >= 3 and on_the_second >= 20, (caught_up, late, on_the_second)
