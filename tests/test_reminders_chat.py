"""Reminders end to end: subscribed through the real slack-bolt app and discord.py client,
posted to the local fakes (chat.postMessage on the fake Slack Web API; a channel message
POST on the fake Discord REST API) when the fake clock reaches their time."""
from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.adapters.discord_app import DiscordBot, DiscordPoster
from bot.adapters.slack_app import EVENTS_PATH, SlackBot, SlackPoster
from bot.commands import AdminPolicy, Commands
from bot.config import Secret, Settings
from bot.reminders import Reminders
from bot.service import Service
from store.base import open_store
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord, Interactions
from tests.fakes.slack_api import FakeSlackAPI, sign, slash_body
from tests.test_reminders_schedule import FakeClock, at

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock(at("2025-06-01 00:00"))
    c.install(monkeypatch)
    return c


def world(clock: FakeClock, admins: AdminPolicy) -> tuple[Service, Reminders, Commands]:
    service = Service(open_store("memory:"), clock=clock)
    reminders = Reminders(service, TOKYO, clock=clock, admins=admins)
    return service, reminders, Commands(service, admins, reminders=reminders)


async def advance(reminders: Reminders, clock: FakeClock, target) -> None:  # noqa: ANN001
    while True:
        await reminders.settle()
        nxt = min((j.next_run_time for j in reminders.scheduler.get_jobs() if j.next_run_time), default=None)
        if nxt is None or nxt > target:
            break
        clock.now = max(clock.now, nxt)
        reminders.scheduler.wakeup()
    clock.now = target
    await reminders.settle()


# -- Slack ---------------------------------------------------------------------------------------------

@pytest.fixture
async def slack(clock):
    fake = await FakeSlackAPI().start()
    admins = AdminPolicy(users=frozenset({"slack:U0ADMIN"}))
    service, reminders, commands = world(clock, admins)
    settings = Settings(slack_bot_token=Secret("xoxb-1111-2222-fakefakefake"), slack_signing_secret=Secret(SECRET),
                        slack_api_url=fake.api_url)
    bot = SlackBot(commands, settings)
    reminders.attach("slack", SlackPoster(bot))
    await reminders.start()  # before the app serves: nothing may be posted yet
    session = aiohttp.ClientSession()
    try:
        yield fake, bot, service, reminders, session
    finally:
        await reminders.stop()
        await session.close()
        await bot.close()
        await fake.close()


async def slash(session: aiohttp.ClientSession, url: str, fake: FakeSlackAPI, text: str, rid: str,
                user: str = "U0ALICE", channel: str = "C0NEWS") -> dict:
    body = slash_body("/claimbot", text, user=user, channel=channel, response_url=fake.response_url(rid))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    async with session.post(url, data=body.encode(), headers=headers) as r:
        assert r.status == 200
    return (await fake.responses(rid))[0]


def block_text(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out += [f["text"] for f in b.get("fields", [])]
        out += [e["text"] for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(out)


async def test_slack_channel_subscribed_by_slash_command_receives_the_reminder(slack, clock):
    fake, bot, service, reminders, session = slack
    url = f"http://127.0.0.1:{await bot.start_http('127.0.0.1', 0)}{EVENTS_PATH}"
    answer = await slash(session, url, fake, "remind subscribe lead 1d", "sub")
    assert answer["blocks"][0]["text"]["text"] == "Reminders on for this channel"
    assert answer["response_type"] == "ephemeral"
    service.add_event({"title": "Trade talks <!channel> @everyone", "kind": "negotiation", "start": "2025-06-20",
                       "end": "2025-06-21", "place": "Osaka", "participants": "japan, south korea",
                       "source_url": "https://news.example/talks"}, who="slack:U0ADMIN")
    await advance(reminders, clock, at("2025-06-19 12:00"))
    [post] = await fake.api_calls("chat.postMessage")
    assert post["channel"] == "C0NEWS"
    assert post["unfurl_links"] is False
    assert post["blocks"][0]["text"]["text"].startswith("Tomorrow: Trade talks")
    text = block_text(post["blocks"])
    # the reader's own zone where Slack can, the team's (Tokyo) as the fallback; both ends of the range
    assert "<!date^1750388400^{date_long}|Friday, June 20, 2025>" in text
    assert "<!date^1750474800^{date_long}|Saturday, June 21, 2025>" in text
    assert "Added by an admin" in text and "<https://news.example/talks|source>" in text
    assert "Japan, South Korea" in text and "Osaka" in text
    # nothing an admin typed can ping
    assert "<!channel>" not in text + post["text"] + post["blocks"][0]["text"]["text"]
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    # posted at 09:00 Tokyo time, the day before
    assert [d["due"] for d in service.store.deliveries()] == ["2025-06-19T00:00:00+00:00"]


async def test_slack_reminder_due_before_the_connection_waits_for_it(slack, clock):
    fake, bot, service, reminders, session = slack
    reminders.handle(_caller("slack", "C0NEWS"), {"text": "subscribe lead 7d"})
    service.add_event({"title": "Fisheries council", "kind": "meeting", "start": "2025-06-20"}, who="test:setup")
    await advance(reminders, clock, at("2025-06-13 03:00"))  # due at 00:00 UTC (09:00 Tokyo)
    assert not fake.recorder.find(lambda c: c.path == "chat.postMessage")
    assert service.store.deliveries() == []  # not even claimed
    await bot.start_http("127.0.0.1", 0)
    [post] = await fake.api_calls("chat.postMessage")
    assert post["blocks"][0]["text"]["text"] == "In 7 days: Fisheries council"
    assert "Late: this reminder was due Friday, June 13, 2025, 09:00 JST (Asia/Tokyo)" in block_text(post["blocks"])


async def test_slack_admin_subscribes_another_channel_by_its_link(slack, clock):
    fake, bot, service, reminders, session = slack
    url = f"http://127.0.0.1:{await bot.start_http('127.0.0.1', 0)}{EVENTS_PATH}"
    refused = await slash(session, url, fake, "remind subscribe <#C0OTHER|policy-desk>", "no")
    assert refused["blocks"][0]["text"]["text"] == "Not allowed"
    done = await slash(session, url, fake, "remind subscribe <#C0OTHER|policy-desk> kinds summit", "yes",
                       user="U0ADMIN")
    assert done["blocks"][0]["text"]["text"] == "Reminders on for #policy-desk"
    service.add_event({"title": "Leaders summit", "kind": "summit", "start": "2025-06-20"}, who="test:setup")
    await advance(reminders, clock, at("2025-06-19 12:00"))
    posts = await fake.api_calls("chat.postMessage", 2)
    assert [p["channel"] for p in posts] == ["C0OTHER", "C0OTHER"]
    listed = await slash(session, url, fake, "remind list", "list", user="U0ADMIN")
    assert "#policy-desk" in block_text(listed["blocks"])
    # anyone else sees their own channel's reminders only
    mine = await slash(session, url, fake, "remind list", "list-mine")
    assert mine["blocks"][0]["text"]["text"] == "Reminders for this channel (0)"
    assert "policy-desk" not in block_text(mine["blocks"])


def _caller(platform: str, channel: str):  # noqa: ANN202
    from bot.reply import Caller

    return Caller(platform, "U0ALICE", channel_id=channel)


# -- Discord -------------------------------------------------------------------------------------------

@pytest.fixture
async def dc(clock, monkeypatch):
    fake = await FakeDiscord().start()
    fake.point_client_here(monkeypatch)
    settings = Settings(discord_token=Secret("fake-discord-token"), discord_guild_id=int(GUILD_ID))
    service, reminders, commands = world(clock, settings.admin_policy())
    bot = DiscordBot(commands, settings, guild_ready_timeout=0.05)
    reminders.attach("discord", DiscordPoster(bot))
    await reminders.start()
    tasks: list[asyncio.Task] = []
    try:
        yield fake, bot, service, reminders, tasks
    finally:
        await reminders.stop()
        await bot.close()
        for t in tasks:
            await asyncio.wait_for(t, 10)
        await fake.close()


async def connect(bot: DiscordBot, tasks: list[asyncio.Task]) -> None:
    tasks.append(asyncio.create_task(bot.start("fake-discord-token")))
    await asyncio.wait_for(bot.wait_until_ready(), 10)


async def test_discord_channel_subscribed_by_slash_command_receives_the_reminder(dc, clock):
    fake, bot, service, reminders, tasks = dc
    await connect(bot, tasks)
    make = Interactions(fake)
    payload = make.command("remind", {"text": "subscribe lead 2h"}, make.member("2001", "reader"))
    await fake.dispatch("INTERACTION_CREATE", payload)
    [cb] = await fake.callbacks(payload["id"])
    assert cb["data"]["embeds"][0]["title"] == "Reminders on for this channel"
    service.add_event({"title": "Call with @everyone <@123456789012345678>", "kind": "meeting",
                       "start": "2025-06-20T05:00:00+00:00", "participants": "china"}, who="test:setup")
    await advance(reminders, clock, at("2025-06-20 04:00"))
    [message] = await fake.channel_messages(CHANNEL_ID)
    assert message["allowed_mentions"] == {"parse": []}
    [embed] = message["embeds"]
    assert embed["title"].startswith("In 2 hours: Call with")
    assert "@everyone" not in embed["title"].replace("@\u200beveryone", "")
    assert "<@123456789012345678>" not in embed["title"]
    when = next(f for f in embed["fields"] if f["name"] == "When")
    # each reader's own zone (full date and time, and relative), then the team's zone as text
    assert when["value"].startswith("<t:1750395600:F> (<t:1750395600:R>)")
    assert "Friday, June 20, 2025, 14:00 JST (Asia/Tokyo)" in when["value"]
    assert [d["status"] for d in service.store.deliveries()] == ["posted"]


async def test_discord_posts_only_once_the_gateway_is_ready(dc, clock):
    fake, bot, service, reminders, tasks = dc
    reminders.handle(_caller("discord", CHANNEL_ID), {"text": "subscribe lead 1d"})
    service.add_event({"title": "Budget vote", "kind": "election", "start": "2025-06-20"}, who="test:setup")
    await advance(reminders, clock, at("2025-06-19 01:00"))
    assert not fake.recorder.find(lambda c: c.path.endswith("/messages"))
    assert service.store.deliveries() == []
    await connect(bot, tasks)
    [message] = await fake.channel_messages(CHANNEL_ID)
    assert message["embeds"][0]["title"] == "Tomorrow: Budget vote"
    assert reminders.health() == (True, "running")
