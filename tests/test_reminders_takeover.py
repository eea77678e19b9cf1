"""Taking over a reminder whose claimant died before recording whether it was posted.

A claim left ``posting`` by a process that is gone may or may not have reached the
platform.  The taker-over asks the platform before posting again: on Slack it reads the
channel's history (conversations.history, with message metadata) for a post carrying the
reminder's key; on Discord the post carries a nonce derived from that key, and Discord
gives back the message it already made for it.  These tests drive the real SlackPoster
and DiscordPoster against the local fakes, on a store that says every other run is gone
(as PostgreSQL's presence does for a killed process), with a fake clock.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.discord_app import DiscordBot, DiscordPoster
from bot.adapters.slack_app import REMINDER_EVENT, SlackPoster
from bot.commands import AdminPolicy
from bot.config import Secret, Settings
from bot.reminders import Reminders
from bot.reminders import plan as P
from bot.reminders.runner import CLOCK_MARGIN, SETTLE
from bot.reply import Caller, Reply
from bot.service import Service
from store.memory import MemoryStore
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.fakes.slack_api import FakeSlackAPI
from tests.test_reminders_schedule import FakeClock, at

UTC = ZoneInfo("UTC")
DEAD = "dead0001"  # the run of the claimant that was killed
CLAIMED = at("2025-06-13 09:00")  # when it claimed the 7-day reminder


class SharedStore(MemoryStore):
    """A store shared by processes, where every run but the live ones is gone."""

    def __init__(self) -> None:
        super().__init__()
        self.live: set[str] = set()

    def runs_alive(self, runs: object) -> set[str]:
        return {r for r in runs if r in self.live}  # type: ignore[attr-defined]


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock(at("2025-06-01 00:00"))
    c.install(monkeypatch)
    return c


def world(clock: FakeClock, platform: str, channel: str) -> tuple[Service, Reminders, P.Reminder]:
    """A subscription (7 days ahead), an event, and the 7-day reminder claimed by a run that
    is gone, with nothing recorded after the claim."""
    service = Service(SharedStore(), clock=clock)
    reminders = Reminders(service, UTC, clock=clock, admins=AdminPolicy())
    reply = reminders.handle(Caller(platform, "U0ALICE", channel_id=channel), {"text": "subscribe lead 7d"})
    assert not reply.is_error, reply.plain()
    service.add_event({"title": "Port talks", "kind": "dialogue", "start": "2025-06-20"}, who="test:setup")
    [reminder] = P.plan(service.store.subscriptions(), service.store.events(), UTC, CLAIMED, CLAIMED + dt.timedelta(1))
    service.store.claim_delivery({
        "id": reminder.id, "reminder": reminder.id, "attempt": 1, "status": "posting", "subscription": reminder.sub,
        "event": reminder.event, "lead": reminder.lead, "platform": platform, "channel": channel,
        "due": reminder.fire.isoformat(), "at": CLAIMED.isoformat(), "run": DEAD, "late": False})
    return service, reminders, reminder


def ledger(service: Service) -> list[dict]:
    return sorted(service.store.deliveries(), key=lambda d: d["id"])


async def settle_at(reminders: Reminders, clock: FakeClock, when: dt.datetime) -> None:
    clock.now = when
    reminders.scheduler.wakeup()
    await reminders.settle()


# -- Slack: the channel's history, read back by the taker-over only --------------------------------------

@pytest.fixture
async def slack(clock):
    fake = await FakeSlackAPI().start()
    bot = SimpleNamespace(client=AsyncWebClient(token="xoxb-1111-2222-fakefakefake", base_url=fake.api_url),
                          started=asyncio.Event())
    bot.started.set()
    poster = SlackPoster(bot)  # type: ignore[arg-type]
    started: list[Reminders] = []
    try:
        yield fake, poster, started
    finally:
        for r in started:
            await r.stop()
        await fake.close()


async def start(reminders: Reminders, poster: object, platform: str, started: list[Reminders],
                clock: FakeClock) -> None:
    """Start, and let ``SETTLE`` pass: the first tick sees the dead run's claim, the tick
    ``SETTLE`` later takes it over."""
    reminders.attach(platform, poster)  # type: ignore[arg-type]
    await reminders.start()
    started.append(reminders)
    await reminders.settle()
    await settle_at(reminders, clock, clock.now + SETTLE)


def posts(fake: FakeSlackAPI, channel: str = "C0NEWS") -> list[dict]:
    return fake.messages.get(channel, [])


def history_calls(fake: FakeSlackAPI) -> list[dict]:
    return [c.query for c in fake.recorder.find(lambda c: c.path == "conversations.history")]


async def test_a_claimed_reminder_whose_post_is_in_the_channel_is_recorded_not_posted_again(slack, clock, caplog):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    # the dead claimant's post went out (carrying the reminder's key), then 205 other
    # messages: the taker-over finds it on the second page of the history
    ts = await poster.post("C0NEWS", Reply("In 7 days: Port talks"), reminder.id)
    await poster.post("C0NEWS", Reply("another reminder"), reminder.id + "-other")
    for n in range(204):
        await fake_post(poster, f"chatter {n}")
    clock.now = CLAIMED + dt.timedelta(seconds=30)
    reminders.attach("slack", poster)
    await reminders.start()
    started.append(reminders)
    await reminders.settle()
    assert history_calls(fake) == [] and len(ledger(service)) == 1  # not before SETTLE: a post may be on its way
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        await settle_at(reminders, clock, clock.now + SETTLE)
    assert len(posts(fake)) == 206  # nothing posted again
    first, second = ledger(service)
    assert (first["status"], first["run"]) == ("posting", DEAD)
    assert (second["id"], second["status"], second["message"], second.get("found")) == (
        reminder.id + "#2", "posted", ts, True)
    assert second["taken_over_from"] == DEAD and second["check_since"] == CLAIMED.isoformat()
    calls = history_calls(fake)
    assert len(calls) == 2 and calls[1]["cursor"]  # two pages
    assert calls[0]["include_all_metadata"] in ("1", "true") and calls[0]["channel"] == "C0NEWS"
    assert float(calls[0]["oldest"]) == (CLAIMED - CLOCK_MARGIN).timestamp()
    assert "found in the channel, recorded, not posted again" in caplog.text
    await settle_at(reminders, clock, at("2025-06-19 08:00"))
    assert len(posts(fake)) == 206 and len(history_calls(fake)) == 2


async def fake_post(poster: SlackPoster, text: str) -> None:
    await poster.bot.client.chat_postMessage(channel="C0NEWS", text=text)


async def test_a_claimed_reminder_whose_post_is_not_in_the_channel_is_posted_once(slack, clock):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    await poster.post("C0NEWS", Reply("the 1-day reminder of another event"), reminder.id.replace("|7d|", "|1d|"))
    await fake_post(poster, "a person's message")
    await poster.post("C0OTHER", Reply("In 7 days: Port talks"), reminder.id.replace("C0NEWS", "C0OTHER"))
    clock.now = CLAIMED + dt.timedelta(minutes=3)
    await start(reminders, poster, "slack", started, clock)
    [*_, post] = posts(fake)
    assert len(posts(fake)) == 3 and post["text"].startswith("In 7 days: Port talks")
    assert post["metadata"] == {"event_type": REMINDER_EVENT, "event_payload": {"key": reminder.id}}
    assert [(d["status"], d.get("found")) for d in ledger(service)] == [("posting", None), ("posted", None)]
    assert len(history_calls(fake)) == 1
    await settle_at(reminders, clock, at("2025-06-19 08:00"))  # and never again
    assert len(posts(fake)) == 3 and len(history_calls(fake)) == 1


async def test_reminders_not_taken_over_never_read_the_history(slack, clock):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    service.store.live.add(DEAD)  # the claimant is alive: its claim is left alone
    service.add_event({"title": "Steel talks", "kind": "dialogue", "start": "2025-06-21"}, who="test:setup")
    clock.now = at("2025-06-13 08:00")
    await start(reminders, poster, "slack", started, clock)
    await settle_at(reminders, clock, at("2025-06-14 09:00"))
    [post] = posts(fake)
    assert post["text"].startswith("In 7 days: Steel talks") and post["metadata"]["event_payload"]["key"]
    assert history_calls(fake) == []


async def test_a_history_read_that_fails_for_now_is_tried_again_before_posting(slack, clock, caplog):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    fake.fail["conversations.history"] = "ratelimited"
    clock.now = CLAIMED + dt.timedelta(seconds=30)
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        await start(reminders, poster, "slack", started, clock)
    assert posts(fake) == []  # not posted without knowing
    assert [d["status"] for d in ledger(service)] == ["posting", "failed"]
    assert "looking again later" in caplog.text
    del fake.fail["conversations.history"]
    await settle_at(reminders, clock, CLAIMED + dt.timedelta(minutes=11))  # the retry, 10 minutes on
    [post] = posts(fake)
    assert post["metadata"]["event_payload"]["key"] == reminder.id
    third = ledger(service)[-1]
    assert (third["attempt"], third["status"], third["check_since"]) == (3, "posted", CLAIMED.isoformat())
    assert len(history_calls(fake)) == 2


async def test_a_history_the_bot_may_not_read_does_not_cost_the_reminder(slack, clock, caplog):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    fake.fail["conversations.history"] = "missing_scope"  # channels:history not granted
    clock.now = CLAIMED + dt.timedelta(seconds=30)
    with caplog.at_level(logging.WARNING, logger="claimbot.reminders"):
        await start(reminders, poster, "slack", started, clock)
    [post] = posts(fake)  # posted without the look: at least once
    assert post["text"].startswith("In 7 days: Port talks")
    assert [d["status"] for d in ledger(service)] == ["posting", "posted"]
    assert "could not look in the channel for the earlier post" in caplog.text and "missing_scope" in caplog.text


async def test_a_taker_over_killed_too_passes_on_when_the_first_claim_was(slack, clock):
    fake, poster, started = slack
    service, reminders, reminder = world(clock, "slack", "C0NEWS")
    ts = await poster.post("C0NEWS", Reply("In 7 days: Port talks"), reminder.id)
    # a second process took it over an hour later and was killed too, before it looked
    later = CLAIMED + dt.timedelta(hours=1)
    service.store.claim_delivery({
        "id": reminder.id + "#2", "reminder": reminder.id, "attempt": 2, "status": "posting",
        "subscription": reminder.sub, "event": reminder.event, "lead": reminder.lead, "platform": "slack",
        "channel": "C0NEWS", "due": reminder.fire.isoformat(), "at": later.isoformat(), "run": "dead0002",
        "taken_over_from": DEAD, "check_since": CLAIMED.isoformat()})
    clock.now = later + dt.timedelta(minutes=1)
    await start(reminders, poster, "slack", started, clock)
    assert len(posts(fake)) == 1
    third = ledger(service)[-1]
    assert (third["attempt"], third["status"], third["message"], third["found"]) == (3, "posted", ts, True)
    [call] = history_calls(fake)
    assert float(call["oldest"]) == (CLAIMED - CLOCK_MARGIN).timestamp()


# -- the fake Slack's history, as Slack pages it -------------------------------------------------------------

async def test_fake_slack_history_pages_newest_first_between_oldest_and_latest(slack):
    fake, poster, started = slack
    client = poster.bot.client
    stamps = [(await client.chat_postMessage(channel="C1", text=f"m{n}", metadata={
        "event_type": "e", "event_payload": {"n": n}}))["ts"] for n in range(7)]
    page = await client.conversations_history(channel="C1", oldest=stamps[1], limit=3)
    assert [m["text"] for m in page["messages"]] == ["m6", "m5", "m4"] and page["has_more"]
    assert "metadata" not in page["messages"][0]  # only with include_all_metadata
    page2 = await client.conversations_history(channel="C1", oldest=stamps[1], limit=3,
                                               cursor=page["response_metadata"]["next_cursor"],
                                               include_all_metadata=True)
    assert [m["text"] for m in page2["messages"]] == ["m3", "m2"] and not page2["has_more"]
    assert page2["messages"][0]["metadata"] == {"event_type": "e", "event_payload": {"n": 3}}
    both = await client.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in both["messages"]] == ["m3", "m2", "m1"]
    assert (await client.conversations_history(channel="C2"))["messages"] == []


# -- Discord: the nonce ---------------------------------------------------------------------------------------

@pytest.fixture
async def dc(clock, monkeypatch):
    fake = await FakeDiscord().start()
    fake.point_client_here(monkeypatch)
    settings = Settings(discord_token=Secret("fake-discord-token"), discord_guild_id=int(GUILD_ID))
    service, reminders, reminder = world(clock, "discord", CHANNEL_ID)
    bot = DiscordBot(_commands(service, reminders), settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake-discord-token"))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    poster = DiscordPoster(bot)
    try:
        yield fake, poster, service, reminders, reminder
    finally:
        if reminders.running:
            await reminders.stop()
        await bot.close()
        await asyncio.wait_for(task, 10)
        await fake.close()


def _commands(service: Service, reminders: Reminders):  # noqa: ANN202
    from bot.commands import Commands

    return Commands(service, AdminPolicy(), reminders=reminders)


async def test_discord_a_taker_over_gets_back_the_message_the_dead_claimant_made(dc, clock):
    fake, poster, service, reminders, reminder = dc
    first = await poster.post(CHANNEL_ID, Reply("In 7 days: Port talks"), reminder.id)  # then it was killed
    clock.now = CLAIMED + dt.timedelta(seconds=30)
    await start(reminders, poster, "discord", [], clock)
    assert len(fake.created) == 1  # Discord made no second message
    sends = [c.json for c in fake.recorder.find(lambda c: c.method == "POST" and c.path.endswith("/messages"))]
    assert len(sends) == 2 and sends[0]["nonce"] == sends[1]["nonce"] and sends[1]["enforce_nonce"] is True
    assert len(sends[0]["nonce"]) <= 25
    second = ledger(service)[-1]
    assert (second["status"], second["message"]) == ("posted", first)


async def test_discord_a_taker_over_with_nothing_sent_posts_once(dc, clock):
    fake, poster, service, reminders, reminder = dc
    clock.now = CLAIMED + dt.timedelta(seconds=30)
    await start(reminders, poster, "discord", [], clock)
    [message] = fake.created
    assert message["embeds"][0]["title"] == "In 7 days: Port talks"
    assert [d["status"] for d in ledger(service)] == ["posting", "posted"]


async def test_fake_discord_honours_an_enforced_nonce_only_within_its_window(dc):
    fake, poster, service, reminders, reminder = dc
    a = await poster.post(CHANNEL_ID, Reply("one"), "k1")
    assert await poster.post(CHANNEL_ID, Reply("one again"), "k1") == a
    b = await poster.post(CHANNEL_ID, Reply("another"), "k2")
    fake.nonce_window = 0  # minutes later, Discord no longer remembers the nonce
    c = await poster.post(CHANNEL_ID, Reply("one, much later"), "k1")
    assert len({a, b, c}) == 3 and len(fake.created) == 3
