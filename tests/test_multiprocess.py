"""Several claimbot processes on one PostgreSQL database.

First in one test process, on the real APScheduler and a fake clock (as in
``tests/test_reminders_schedule.py``): "processes" are Service + Reminders pairs, each on a
``PostgresStore`` of its own, and a crash is a process that stops writing and loses its
database session at once (its presence lock goes with it, as with SIGKILL).  Then real
processes: four ``claimbot ingest`` storing the same 50 articles at once, and two
``claimbot run`` (Slack in HTTP mode against the fake Slack Web API) with reminders
falling due while one of them is killed with SIGKILL at random moments, 50 times.

Without a PostgreSQL server these are skipped with the reason (failed under CI=true).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import require_modules  # fails under CI=true, skips elsewhere

require_modules("sqlalchemy", "psycopg")

from sqlalchemy import text  # noqa: E402

from bot.reminders import Reminders  # noqa: E402
from bot.reminders.runner import CLOCK_MARGIN, SETTLE, WATCH  # noqa: E402
from bot.reply import Caller, Reply  # noqa: E402
from bot.service import Service  # noqa: E402
from store.memory import MemoryStore  # noqa: E402
from store.postgres import PostgresStore  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI, sign, slash_body  # noqa: E402
from tests.test_reminders_schedule import FakeClock, Post, RecordingPoster, at, until_settled  # noqa: E402

pytestmark = pytest.mark.postgres
UTC = dt.UTC


class PostThenHang(RecordingPoster):
    """A platform that takes the post (recorded) and then never answers: the claimant
    dies after the post went out and before it could record that."""

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        self.log.append(Post(self.platform, channel, reply, self.clock(), key))
        self.holding.set()
        await asyncio.Event().wait()
        return "never"


class ReadablePoster(RecordingPoster):
    """A platform whose channels can be read back, as Slack's with conversations.history:
    ``find`` looks for a post carrying the key in the log all processes post to."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.looked: list[tuple[str, str, dt.datetime]] = []

    async def find(self, channel: str, key: str, since: dt.datetime) -> str | None:
        self.looked.append((channel, key, since))
        return next((f"m{n + 1}" for n, p in enumerate(self.log)
                     if p.channel == channel and p.key == key and p.at >= since), None)


@dataclass
class Proc:
    """One claimbot process on the shared database."""

    name: str
    service: Service
    reminders: Reminders
    poster: RecordingPoster

    @property
    def store(self) -> PostgresStore:
        return self.service.store

    def crash(self) -> None:
        """As SIGKILL: nothing more is written, the database session (and lock) is gone."""
        real = self.service.store
        self.service.store = MemoryStore()  # what the dying process would still write goes nowhere
        self.reminders.kill()
        real.close()


@dataclass
class Cluster:
    url: str
    clock: FakeClock
    posts: list[Post] = field(default_factory=list)
    procs: list[Proc] = field(default_factory=list)

    async def boot(self, name: str, poster: type[RecordingPoster] = RecordingPoster) -> Proc:
        service = Service(PostgresStore(self.url), clock=self.clock)
        reminders = Reminders(service, ZoneInfo("UTC"), clock=self.clock, refresh=dt.timedelta(days=1))
        p = poster("slack", self.clock, self.posts)
        reminders.attach("slack", p)
        await reminders.start()
        await reminders.settle()
        proc = Proc(name, service, reminders, p)
        self.procs.append(proc)
        return proc

    async def advance_to(self, target: dt.datetime, procs: list[Proc]) -> None:
        """Move the clock to ``target``, stopping at every job time of ``procs`` on the way."""
        while True:
            for p in procs:
                await p.reminders.settle()
            times = [j.next_run_time for p in procs for j in p.reminders.scheduler.get_jobs()
                     if j.next_run_time is not None]
            nxt = min(times, default=None)
            if nxt is None or nxt > target:
                break
            self.clock.now = max(self.clock.now, nxt)
            for p in procs:
                p.reminders.scheduler.wakeup()
        self.clock.now = target
        for p in procs:
            await p.reminders.settle()

    async def close(self) -> None:
        for p in self.procs:
            if p.reminders.running:
                await p.reminders.stop()
            p.store.close()


@pytest.fixture
async def cluster(pg_url, monkeypatch):
    clock = FakeClock(at("2025-06-01 00:00"))
    clock.install(monkeypatch)
    c = Cluster(pg_url, clock)
    yield c
    await c.close()


def subscribe(proc: Proc, text: str = "", channel: str = "C0NEWS") -> None:
    reply = proc.reminders.handle(Caller("slack", "U0ALICE", channel_id=channel), {"text": f"subscribe {text}".strip()})
    assert not reply.is_error, reply.plain()


def ledger(proc: Proc) -> list[dict]:
    return sorted(proc.store.deliveries(), key=lambda d: d["id"])


async def _until(predicate, timeout: float = 10.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


# -- presence ----------------------------------------------------------------------------------------

def test_runs_alive_follows_each_process_presence(pg_url):
    store, other = PostgresStore(pg_url), PostgresStore(pg_url)
    a = store.presence("0a0a0a0a")
    b = other.presence("run-b")  # any run id works (non-hex ones are hashed)
    assert a.held and b.held
    assert other.runs_alive(["0a0a0a0a", "run-b", "deadbeef", ""]) == {"0a0a0a0a", "run-b"}
    a.close()
    assert other.runs_alive(["0a0a0a0a", "run-b"]) == {"run-b"}
    other.close()  # closing the store ends its presences too
    assert store.runs_alive(["run-b"]) == set()
    store.close()


def test_a_lost_presence_connection_is_restored_and_says_so(pg_url):
    store = PostgresStore(pg_url)
    changes: list[str] = []
    p = store.presence("1b1b1b1b", changes.append)
    [[pid]] = store._rows(text("SELECT pid FROM pg_stat_activity WHERE application_name = 'claimbot run 1b1b1b1b'"))
    store._rows(text(f"SELECT pg_terminate_backend({pid})"))
    deadline = time.monotonic() + 15
    while "*" not in changes and time.monotonic() < deadline:  # lost, then back: "plan again"
        time.sleep(0.05)
    assert "*" in changes and p.held and store.runs_alive(["1b1b1b1b"]) == {"1b1b1b1b"}
    store.close()
    assert not p.held


def test_writes_of_events_and_subscriptions_are_heard_by_every_presence(pg_url):
    listener, writer = PostgresStore(pg_url), PostgresStore(pg_url)
    heard: list[str] = []
    listener.presence("2c2c2c2c", heard.append)
    writer.put_event({"id": "e1", "start": "2025-06-20"})
    writer.put_subscription({"id": "s1", "platform": "slack", "channel": "C1"})
    writer.put_claim({"id": "c1", "actor": "japan"})  # claims do not concern reminders
    writer.add_article_bundle({"id": "a1", "hash": "h1"}, [], [{"id": "e2", "start": "2025-07-01"}])
    writer.delete_subscription("s1")
    deadline = time.monotonic() + 10
    while len(heard) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert heard == ["events", "subscriptions", "events", "subscriptions"]
    listener.close()
    writer.close()


# -- taking over a claim whose claimant died --------------------------------------------------------

async def test_a_claim_left_by_a_killed_process_is_taken_over_at_the_others_watch_tick(cluster, caplog):
    a = await cluster.boot("a")
    subscribe(a)
    a.service.add_event({"title": "Shared talks", "kind": "dialogue", "start": "2025-06-20"}, who="test")
    b = await cluster.boot("b")
    a.poster.hold = asyncio.Event()  # a's post hangs: a has claimed, the platform has nothing yet
    cluster.clock.now = at("2025-06-13 09:00")
    a.reminders.scheduler.wakeup()
    await asyncio.wait_for(a.poster.holding.wait(), 5)
    await cluster.advance_to(at("2025-06-13 09:00"), [b])  # b loses the claim to a live a: it will look again
    assert [d["status"] for d in ledger(b)] == ["posting"] and cluster.posts == []
    assert any(j.id == "claimbot-watch" for j in b.reminders.scheduler.get_jobs())
    a.crash()
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        await cluster.advance_to(at("2025-06-13 09:00") + WATCH, [b])  # b sees a gone...
        assert cluster.posts == []
        await cluster.advance_to(at("2025-06-13 09:00") + WATCH + SETTLE, [b])  # ...and takes over SETTLE later
    assert [(p.reply.title, p.at) for p in cluster.posts] == [
        ("In 7 days: Shared talks", at("2025-06-13 09:00") + WATCH + SETTLE)]
    first, second = ledger(b)
    assert (first["status"], first["run"]) == ("posting", a.reminders.run_id)
    assert (second["id"], second["status"], second["run"]) == (first["id"] + "#2", "posted", b.reminders.run_id)
    assert second["taken_over_from"] == a.reminders.run_id and second["late"] is False
    assert "stopped before recording whether it was posted" in caplog.text
    await cluster.advance_to(at("2025-06-25 00:00"), [b])  # and the 1-day reminder, once
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Shared talks", "Tomorrow: Shared talks"]


async def posting_held(cluster: Any, title: str) -> Any:
    """Process "a", subscribed, with an event due for its 7-day reminder at 09:00 on June 13,
    stuck posting it: it has claimed the delivery, the platform has nothing yet."""
    a = await cluster.boot("a")
    subscribe(a)
    a.service.add_event({"title": title, "kind": "dialogue", "start": "2025-06-20"}, who="test")
    a.poster.hold = asyncio.Event()
    await cluster.advance_to(at("2025-06-13 09:00"), [])
    a.reminders.scheduler.wakeup()
    await asyncio.wait_for(a.poster.holding.wait(), 5)
    return a


async def test_a_process_starting_takes_over_what_a_killed_one_was_posting(cluster):
    a = await posting_held(cluster, "Port talks")
    a.crash()
    cluster.clock.now = at("2025-06-13 09:03")
    c = await cluster.boot("c")  # the restarted process: it takes it over SETTLE after its start, late
    assert cluster.posts == []
    await cluster.advance_to(at("2025-06-13 09:03") + SETTLE, [c])
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Port talks"]
    assert "Late:" in cluster.posts[0].reply.text
    assert [d["status"] for d in ledger(c)] == ["posting", "posted"]


async def test_a_live_process_still_posting_is_left_alone(cluster):
    a = await posting_held(cluster, "Slow talks")
    b = await cluster.boot("b")
    await cluster.advance_to(at("2025-06-13 09:10"), [b])  # several watch ticks: a is alive, b waits
    assert cluster.posts == []
    a.poster.hold.set()
    await a.reminders.settle()
    await cluster.advance_to(at("2025-06-14 00:00"), [a, b])
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Slow talks"]
    assert [d["status"] for d in ledger(b)] == ["posted"]


async def test_a_post_sent_by_a_process_killed_before_recording_it_is_found_not_posted_again(cluster, caplog):
    """The platform took the post, the claimant died before the ledger said so: the
    taker-over looks in the channel for a post carrying the reminder's key, finds it and
    records it instead of posting it again."""
    a = await cluster.boot("a", poster=PostThenHang)
    subscribe(a)
    a.service.add_event({"title": "Once talks", "kind": "dialogue", "start": "2025-06-20"}, who="test")
    await cluster.advance_to(at("2025-06-13 09:00"), [])
    a.reminders.scheduler.wakeup()
    await asyncio.wait_for(a.poster.holding.wait(), 5)
    a.crash()
    cluster.clock.now = at("2025-06-13 09:01")
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        b = await cluster.boot("b", poster=ReadablePoster)
        await cluster.advance_to(at("2025-06-13 09:01") + SETTLE, [b])
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Once talks"]
    first, second = ledger(b)
    assert (first["status"], second["status"], second["message"], second["found"]) == ("posting", "posted", "m1", True)
    assert b.poster.looked == [("C0NEWS", first["reminder"], at("2025-06-13 09:00") - CLOCK_MARGIN)]
    assert "found in the channel, recorded, not posted again" in caplog.text
    await cluster.advance_to(at("2025-06-19 08:00"), [b])
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Once talks"] and len(b.poster.looked) == 1


async def test_a_claim_killed_before_its_post_went_out_is_looked_for_then_posted_once(cluster):
    a = await posting_held(cluster, "Lost talks")  # claimed; the post never left
    a.crash()
    b = await cluster.boot("b", poster=ReadablePoster)
    await cluster.advance_to(cluster.clock.now + SETTLE, [b])
    assert [(p.reply.title, p.key) for p in cluster.posts] == [("In 7 days: Lost talks", ledger(b)[0]["reminder"])]
    assert [d["status"] for d in ledger(b)] == ["posting", "posted"] and len(b.poster.looked) == 1


async def test_no_claim_while_the_presence_is_lost(cluster):
    a = await cluster.boot("a")
    subscribe(a)
    a.service.add_event({"title": "Quiet talks", "kind": "dialogue", "start": "2025-06-20"}, who="test")
    a.reminders.presence._held.clear()  # as while the presence thread reconnects
    await cluster.advance_to(at("2025-06-13 09:00"), [a])
    assert cluster.posts == [] and ledger(a) == []
    assert "presence on the database lost" in a.reminders.health()[1]
    a.reminders.presence._held.set()
    await cluster.advance_to(at("2025-06-13 09:00") + WATCH, [a])
    assert [p.reply.title for p in cluster.posts] == ["In 7 days: Quiet talks"]


async def test_an_event_added_by_another_process_is_planned_at_once(cluster):
    b = await cluster.boot("b")
    subscribe(b, "lead 2h")
    other = Service(PostgresStore(cluster.url), clock=cluster.clock)  # `claimbot ingest` elsewhere
    other.add_event({"title": "Snap meeting", "kind": "meeting", "start": "2025-06-01T05:00:00+00:00"}, who="test")
    other.store.close()
    # no refresh tick for a day: b heard the change (NOTIFY) and planned it
    await _until(lambda: any(j.id == "claimbot-remind@2025-06-01T03:00:00+00:00"
                             for j in b.reminders.scheduler.get_jobs()))
    await cluster.advance_to(at("2025-06-01 04:00"), [b])
    assert [(p.reply.title, p.at) for p in cluster.posts] == [("In 2 hours: Snap meeting", at("2025-06-01 03:00"))]


# -- real processes: two `claimbot run` on one database, one killed again and again --------------------

REPO = Path(__file__).resolve().parents[1]
CLAIMBOT = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
SLACK_TOKEN = "xoxb-1111-2222-fakefakefake"
SIGNING = "signing-secret-0123456789"
EVENT = re.compile(r"Round talks (\d+)")


def _env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLAIMBOT_"))}
    e["PYTHONPATH"] = str(REPO)
    e.update(extra)
    return e


class ResettingSlack(FakeSlackAPI):
    """The fake Slack Web API, except that the first connection bringing each post is reset
    before Slack takes it (a flaky network), so the post arrives with slack_sdk's retry
    0.5-1.5 s later: for that long the reminder is claimed in the ledger and not posted
    anywhere, which is where a kill hurts most.  ``received`` lists every post Slack took:
    (time, channel, text, ts, who sent it).

    ``trap()`` catches the next post Slack is about to take: it tells the test who sent it
    (each process calls the API under its own base URL), takes it ``TAKE_AFTER`` seconds
    later, and answers it ``ANSWER_AFTER`` seconds after that, so that a kill the test
    makes meanwhile lands just before Slack takes the post, or after Slack took it and
    before the sender can know (let alone record) that it did."""

    TAKE_AFTER = 0.05
    ANSWER_AFTER = 0.1

    def __init__(self) -> None:
        super().__init__()
        self.received: list[tuple[float, str, str, str, str]] = []
        self._reset: set[tuple[str, str]] = set()
        self._trap: asyncio.Future[tuple[str, float]] | None = None

    def trap(self) -> asyncio.Future[tuple[str, float]]:
        """(who, when Slack will take it) of the next post."""
        self._trap = asyncio.get_running_loop().create_future()
        return self._trap

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["method"] != "chat.postMessage":
            return await super()._api(request)
        body = await request.json() if request.content_type == "application/json" else dict(await request.post())
        key = (str(body.get("channel")), str(body.get("text")))
        if key not in self._reset:
            self._reset.add(key)
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=503)  # never sent: the client sees the connection drop
        who = request.match_info.get("who", "")
        trap, self._trap = self._trap, None
        if trap is not None and not trap.done():
            trap.set_result((who, time.time() + self.TAKE_AFTER))
            await asyncio.sleep(self.TAKE_AFTER)
        resp = await super()._api(request)  # taken (even when the sender is dead by now)
        ts = json.loads(resp.text or "{}").get("ts", "")
        self.received.append((time.time(), key[0], key[1], ts, who))
        if trap is not None:
            await asyncio.sleep(self.ANSWER_AFTER)
        return resp


class BotProcess:
    """One `claimbot run` (Slack, HTTP mode): started, killed, started again; a log file per life."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.env, self.logs = name, env, logs
        self.lives = 0
        self.proc: asyncio.subprocess.Process | None = None
        self.log: Path | None = None

    async def start(self) -> None:
        self.lives += 1
        self.log = self.logs / f"{self.name}-{self.lives}.log"
        with open(self.log, "w") as err:
            self.proc = await asyncio.create_subprocess_exec(
                *CLAIMBOT, "run", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=err,
                env=self.env, cwd=self.logs)

    async def kill(self) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    def lines(self) -> list[dict]:
        assert self.log is not None
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]

    async def ready(self, timeout: float = 30) -> int:
        """The Slack HTTP port, once this life logs that it is running."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            lines = self.lines()
            if any(r["message"] == "claimbot is running" for r in lines):
                return next(int(m.group(1)) for r in lines if (m := re.search(r"HTTP mode on port (\d+)", r["message"])))
            assert self.proc is not None and self.proc.returncode is None, self.log.read_text()
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.name} did not start:\n{self.log.read_text() if self.log else ''}")


async def _command(port: int, fake: FakeSlackAPI, rid: str, text: str, channel: str) -> dict:
    """A signed `/claimbot TEXT` from ``channel`` to one process; its one answer."""
    body = slash_body("/claimbot", text, channel=channel, response_url=fake.response_url(rid))
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SIGNING, body)}) as r:
            assert r.status == 200
    [answer] = await fake.responses(rid)
    return answer


ROUNDS = 50
SPACING = 2.0  # seconds between two events' reminders (one per channel)
AHEAD = dt.timedelta(seconds=6)  # an event is added this long before its reminders fall due
PAUSE = (0.1, 1.2)  # seconds from both processes running to the next kill (a round at a random moment)
AT_A_POST = 0.5  # the share of rounds that kill the sender of a post just as Slack takes it
AROUND = (-ResettingSlack.TAKE_AFTER, ResettingSlack.ANSWER_AFTER + 0.05)  # that kill, from Slack taking the post
CHANNELS = ("C0DESK1", "C0DESK2")
# the kills' choices (victims, pauses, offsets): fixed, so that a red run can be replayed;
# CLAIMBOT_KILL_SEED tries others
KILL_SEED = 20250607


async def test_two_bot_processes_one_killed_50_times_post_every_reminder_once(pg_url, tmp_path):
    """Two `claimbot run` (Slack in HTTP mode, each on its own port, both on the fake Slack
    Web API) on one database.  Two channels subscribe through them (lead 1m); events are
    added by a third party (``AHEAD`` before they fall due, for as long as the kills go on)
    so that two reminders fall due every ``SPACING`` seconds.
    Then, 50 times, once both run, one of them is killed with SIGKILL and started again at
    once: in about half the rounds, after a random pause, a process chosen at random; in
    the others, the sender of the next post Slack takes, at a random moment from just
    before Slack takes it to just after it answers (see ``ResettingSlack.trap``), so that
    many kills leave a post Slack has and the ledger does not.  Every reminder reaches
    Slack exactly once: no duplicate, none missing.  The choices come from KILL_SEED, or
    CLAIMBOT_KILL_SEED=N; a failure says which seed to replay it with."""
    seed = int(os.environ.get("CLAIMBOT_KILL_SEED") or KILL_SEED)
    try:
        await _killed_50_times(pg_url, tmp_path, seed)
    except BaseException as e:
        e.add_note(f"replay this run's choices with CLAIMBOT_KILL_SEED={seed}")
        raise


async def _killed_50_times(pg_url: str, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    fake = await ResettingSlack().start()
    env = _env(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING, PORT="0",
               CLAIMBOT_DB=pg_url, CLAIMBOT_LOG_FORMAT="json", CLAIMBOT_LOG_LEVEL="INFO", CLAIMBOT_TZ="UTC",
               CLAIMBOT_ADMINS="slack:U0ALICE")  # /remind list shows an admin every channel of the workspace
    bots = [BotProcess(name, dict(env, SLACK_API_URL=fake.api_url_for(name)), tmp_path) for name in ("bot1", "bot2")]
    kills: list[tuple[float, str, str]] = []  # (when, whom, how: "random" or the ms from Slack taking a post)
    feeding: asyncio.Task[None] | None = None
    try:
        for b in bots:
            await b.start()
        ports = [await b.ready() for b in bots]
        # every command is answered once, by the process the "load balancer" sent it to
        for n, (port, channel) in enumerate(zip(ports, CHANNELS, strict=True)):
            answer = await _command(port, fake, f"sub{n}", "remind subscribe lead 1m", channel)
            assert answer["text"].startswith("Reminders on for this channel"), answer
        listing = await _command(ports[0], fake, "list", "remind list", CHANNELS[0])
        assert all(c in json.dumps(listing) for c in CHANNELS)

        service = Service(PostgresStore(pg_url))  # `claimbot ingest` or an admin elsewhere
        first = dt.datetime.now(UTC).replace(microsecond=0) + dt.timedelta(seconds=4)
        fires: list[dt.datetime] = []

        def add_event() -> None:
            fire = first + dt.timedelta(seconds=SPACING * len(fires))
            service.add_event({"title": f"Round talks {len(fires)}", "kind": "meeting",
                               "start": (fire + dt.timedelta(minutes=1)).isoformat()}, who="test:setup")
            fires.append(fire)

        async def feed() -> None:
            """Reminders fall due for as long as the kills go on: each event is added
            ``AHEAD`` before its reminders fall due (the processes hear of it at once)."""
            while not rounds_over.is_set():
                while fires[-1] < dt.datetime.now(UTC) + AHEAD:
                    await asyncio.to_thread(add_event)
                await asyncio.sleep(SPACING / 4)

        await asyncio.to_thread(add_event)
        rounds_over = asyncio.Event()
        feeding = asyncio.create_task(feed())

        by_name = {b.name: b for b in bots}
        began = time.monotonic()
        for _ in range(ROUNDS):
            for b in bots:
                await b.ready()
            victim, how = rng.choice(bots), "random"
            if rng.random() < AT_A_POST:
                offset = rng.uniform(*AROUND)
                try:
                    who, taken = await asyncio.wait_for(fake.trap(), 3 * SPACING)
                except TimeoutError:
                    who = ""
                if who in by_name:
                    victim = by_name[who]
                    await asyncio.sleep(max(0.0, taken + offset - time.time()))
                    how = f"{1000 * (time.time() - taken):+.0f} ms"
            else:
                await asyncio.sleep(rng.uniform(*PAUSE))
            kills.append((time.time(), victim.name, how))
            await victim.kill()
            await victim.start()
        rounds_took = time.monotonic() - began
        rounds_over.set()
        await feeding
        n_events = len(fires)

        expected = {(c, i) for c in CHANNELS for i in range(n_events)}
        end = time.monotonic() + 45
        while time.monotonic() < end:
            got = {(ch, int(m.group(1))) for _, ch, body, _, _ in fake.received if (m := EVENT.search(body))}
            if got >= expected:
                break
            await asyncio.sleep(0.2)
        for b in bots:
            await b.ready()
        # every reminder's latest attempt posted, none in flight: a taker-over that would post a
        # second time (SETTLE after it saw the claimant gone) has claimed and posted by then
        await until_settled(service.store.deliveries, posted=len(expected), timeout=SETTLE.total_seconds() + 60)
        final = [await b.ready() for b in bots]
        for n, port in enumerate(final):  # both answer after it all
            assert (await _command(port, fake, f"end{n}", "remind list", CHANNELS[n]))["text"]
    finally:
        if feeding is not None:
            feeding.cancel()
        for b in bots:
            if b.proc is not None:
                await b.kill()
        await fake.close()

    posts: dict[tuple[str, int], list[float]] = {}
    for at_, ch, body, _, _ in fake.received:
        m = EVENT.search(body)
        assert m, body
        posts.setdefault((ch, int(m.group(1))), []).append(at_)
    missing = sorted(expected - set(posts))
    number = {e["id"]: int(EVENT.search(e["title"]).group(1)) for e in service.store.events()}
    duplicates = {key: len(times) for key, times in posts.items() if len(times) > 1}
    ledger = service.store.deliveries()
    service.store.close()
    attempts: dict[tuple[str, int], list[str]] = {}  # what the ledger says of a reminder missing or posted twice
    for d in sorted(ledger, key=lambda d: d["id"]):
        key = (d["channel"], number[d["event"]])
        attempts.setdefault(key, []).append(f"#{d['attempt']} {d['status']} {d.get('reason') or d.get('error') or ''}"
                                            f"{' found' if d.get('found') else ''} at {d['at'][11:23]}".strip())
    ledger_of = {key: attempts.get(key, []) for key in [*missing, *duplicates]}
    taken_over = [d for d in ledger if d.get("taken_over_from")]
    found = [d for d in ledger if d.get("found")]
    at_posts = [how for _, _, how in kills if how != "random"]
    taken = {ts: at_ for at_, _, _, ts, _ in fake.received}
    lag = sorted(dt.datetime.fromisoformat(d["posted_at"]).timestamp() - taken[d["message"]]
                 for d in ledger if d.get("status") == "posted" and not d.get("found") and d.get("message") in taken)
    report = (f"seed {seed}: {len(kills)} kills in {rounds_took:.0f} s ({len(at_posts)} at a post, from Slack taking it: "
              f"{', '.join(at_posts) or 'none'}), {len(fake.received)} posts of {len(expected)} reminders, "
              f"{len(taken_over)} taken over from a killed process, {len(found)} of them found already posted "
              f"in the channel's history; Slack took a post -> the ledger said so: median "
              f"{statistics.median(lag) * 1000:.1f} ms, max {max(lag) * 1000:.1f} ms; "
              f"duplicates: {duplicates or 'none'}; missing: {missing or 'none'}"
              + (f"; their ledger: {ledger_of}" if ledger_of else ""))
    print(report)
    assert (duplicates, missing) == ({}, []), report
    assert len(kills) == ROUNDS and taken_over and found, report


# -- real processes: four `claimbot ingest` of the same articles at once -------------------------------

COUNTRIES = [("TOKYO", "Japan", "Japanese", "Aiko Tanabe"), ("NAIROBI", "Kenya", "Kenyan", "Amina Otieno"),
             ("SANTIAGO", "Chile", "Chilean", "Rosa Vidal"), ("OSLO", "Norway", "Norwegian", "Ingrid Dahl"),
             ("SEOUL", "South Korea", "South Korean", "Kim Min-jun")]
GOODS = ["steel", "lithium", "maize", "copper", "rice", "timber", "cobalt", "salmon", "wheat", "nickel"]


def small_article(n: int) -> str:
    """The n-th of 50 short articles written for this test (not taken from any article)."""
    city, country, adj, name = COUNTRIES[n % 5]
    good = GOODS[n % 10]
    verb = ["firmly opposes", "strongly supports"][n % 2]
    return (f"{country} weighs the {good} levy, round {n}\n\n"
            f"{city}, May {n % 28 + 1} - {country} {verb} the proposed {good} levy, {adj} Trade Minister {name} "
            f"said on Monday.\n\n\"We will not accept new curbs on {good} exports,\" {name} told reporters in "
            f"{city}. Talks on the {good} levy are due on June {n % 28 + 1}, 2025.\n")


@pytest.mark.slow
def test_four_claimbot_ingest_processes_store_each_of_50_articles_once(pg_url, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(50):
        (folder / f"round-{n:02d}.txt").write_text(small_article(n), encoding="utf-8")
    PostgresStore(pg_url).close()  # the schema first: the race under test is the articles'
    go = tmp_path / "go"
    runner = ("import os, sys, time\n"
              "while not os.path.exists(sys.argv[1]): time.sleep(0.005)\n"
              "from bot.cli import main\n"
              "sys.exit(main(sys.argv[2:]))\n")
    procs = [subprocess.Popen([sys.executable, "-c", runner, str(go), "ingest", str(folder), "--published",
                               "2025-05-01", "--json", "--quiet", "--db", pg_url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=_env())
             for _ in range(4)]
    time.sleep(1.0)  # all four imported and waiting
    go.touch()
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err[-2000:] for _, err in outputs]
    reports = [json.loads(out) for out, _ in outputs]
    added = sorted(a for r in reports for a in r["added"])
    assert added == [f"round-{n:02d}" for n in range(50)]  # each stored by exactly one of them
    assert all(sorted(r["added"] + r["skipped"]) == added for r in reports)  # the others skipped it

    store = PostgresStore(pg_url)
    articles = store.articles()
    assert len(articles) == 50 and len({a["hash"] for a in articles}) == 50
    claims = store.claims()
    assert len(claims) > 40 and {c["article"] for c in claims} <= {a["id"] for a in articles}
    assert len(claims) == sum(r["claims"] for r in reports)  # only the winners' claims
    assert 0 < len(store.events()) <= sum(r["events"] for r in reports)  # one event may come from several
    store.close()
