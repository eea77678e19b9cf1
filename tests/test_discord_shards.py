"""Discord sharding: the settings, and real discord.py clients on a sharded local gateway.

Two bots share one token as two processes would (shard 0 and shard 1 of 2), or one bot
runs both shards; the fake gateway sends each server's interactions only to the session
whose shard is ``(guild_id >> 22) % count``, as Discord does.  Every command must be
answered once, by the bot holding that server's shard.
"""
from __future__ import annotations

import asyncio
import json

import aiohttp
import discord
import pytest

from bot.adapters.discord_app import DiscordBot, DiscordPoster, ShardedDiscordBot, create_bot
from bot.commands import Commands
from bot.config import ConfigError, Settings
from bot.reply import Caller, Reply
from tests.fakes.chat import service_fixture  # noqa: F401 - fixture
from tests.fakes.discord_server import (
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    FakeDiscord,
    Interactions,
    shard_of,
)

TOKEN = "fake-discord-token"


# -- settings ----------------------------------------------------------------------------------


def settings_from(**env: str) -> Settings:
    return Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})


def problems(**env: str) -> list[str]:
    with pytest.raises(ConfigError) as e:
        Settings.from_env(env)
    return e.value.problems


def test_without_a_shard_count_discord_is_one_unsharded_session():
    s = settings_from()
    assert s.discord_shard_count is None and s.discord_shard_ids == ()
    assert not s.discord_sharded and s.discord_syncs_commands


@pytest.mark.parametrize(("env", "count", "ids", "syncs"), [
    ({"DISCORD_SHARD_COUNT": "2"}, 2, (0, 1), True),  # one process runs every shard
    ({"DISCORD_SHARD_COUNT": "1"}, 1, (0,), True),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,1"}, 4, (0, 1), True),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": " 3, 2 "}, 4, (2, 3), False),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1-3"}, 4, (1, 2, 3), False),
    ({"DISCORD_SHARD_COUNT": "6", "DISCORD_SHARD_IDS": "0-1,4"}, 6, (0, 1, 4), True),
])
def test_shard_settings(env, count, ids, syncs):
    s = settings_from(**env)
    assert s.discord_sharded
    assert (s.discord_shard_count, s.discord_shard_ids, s.discord_syncs_commands) == (count, ids, syncs)


@pytest.mark.parametrize(("env", "words"), [
    ({"DISCORD_SHARD_COUNT": "0"}, ["DISCORD_SHARD_COUNT", "'0'", "1 to"]),
    ({"DISCORD_SHARD_COUNT": "-2"}, ["DISCORD_SHARD_COUNT", "'-2'"]),
    ({"DISCORD_SHARD_COUNT": "two"}, ["DISCORD_SHARD_COUNT", "'two'"]),
    ({"DISCORD_SHARD_COUNT": "100000"}, ["DISCORD_SHARD_COUNT"]),
    ({"DISCORD_SHARD_IDS": "0"}, ["DISCORD_SHARD_IDS", "DISCORD_SHARD_COUNT is not"]),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"}, ["shard 2", "DISCORD_SHARD_COUNT=2", "0 to 1"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1-5"}, ["shard 4, 5", "0 to 3"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1,1"}, ["shard 1 more than once"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-1,1"}, ["shard 1 more than once"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "a,b"}, ["DISCORD_SHARD_IDS", "0,1", "2-3"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0,,1"}, ["DISCORD_SHARD_IDS"]),
    ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "3-1"}, ["'3-1'", "backwards"]),
])
def test_bad_shard_settings_are_refused_with_the_setting_named(env, words):
    [problem] = problems(DISCORD_TOKEN=TOKEN, **env)
    for word in words:
        assert word in problem, problem


def test_shards_without_a_discord_token_are_refused():
    assert any("DISCORD_TOKEN" in p for p in problems(DISCORD_SHARD_COUNT="2"))


def test_create_bot_picks_the_client_the_settings_ask_for(service):
    commands = Commands(service)
    plain = create_bot(commands, settings_from())
    assert type(plain) is DiscordBot and not isinstance(plain, discord.AutoShardedClient)
    sharded = create_bot(commands, settings_from(DISCORD_SHARD_COUNT="4", DISCORD_SHARD_IDS="2,3"))
    assert isinstance(sharded, ShardedDiscordBot) and isinstance(sharded, discord.AutoShardedClient)
    assert (sharded.shard_count, sharded.shard_ids, sharded.syncs_commands) == (4, [2, 3], False)


# -- real clients on a sharded gateway ---------------------------------------------------------


class Counting(Commands):
    """The command table as one process holds it, remembering which channels it answered."""

    def __init__(self, service, name: str) -> None:
        super().__init__(service)
        self.name = name
        self.answered: list[tuple[str, str]] = []  # (command, channel)

    def invoke(self, caller: Caller, name: str, args: dict[str, str]) -> Reply:
        self.answered.append((name, caller.channel_id))
        return super().invoke(caller, name, args)


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py waits 5 s between a process's IDENTIFYs (Discord's limit); the fake has none."""


class Cluster:
    def __init__(self, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fake = fake
        fake.point_client_here(monkeypatch)
        self.bots: list[DiscordBot] = []
        self.tasks: list[asyncio.Task] = []

    async def start(self, commands: Commands, **env: str) -> DiscordBot:
        bot = create_bot(commands, settings_from(DISCORD_GUILD_ID=GUILD_ID, **env), guild_ready_timeout=0.05)
        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
        self.bots.append(bot)
        self.tasks.append(asyncio.create_task(bot.start(TOKEN)))
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        await asyncio.wait_for(bot.gateway_ready.wait(), 10)  # on_ready runs as a task of its own, a bit later
        return bot

    async def close(self) -> None:
        for bot in self.bots:
            await bot.close()
        for task in self.tasks:
            await asyncio.wait_for(task, 10)
        await self.fake.close()


@pytest.fixture
async def cluster(monkeypatch):
    fake = await FakeDiscord(guilds=(GUILD_ID, OTHER_GUILD_ID)).start()
    c = Cluster(fake, monkeypatch)
    try:
        yield c
    finally:
        await c.close()


async def fire(fake: FakeDiscord, ledgers: list[Counting], rounds: int = 3) -> dict[str, str]:
    """Commands in both servers, interleaved; returns interaction id -> guild id once all are
    answered, each once.  No sleeping "for a second answer, were there one": the command
    tables' own ledger (``Counting.answered``) records a run before its answer goes out, so
    once every interaction has an answer, a second delivery of one would already show there
    as a run too many."""
    make = Interactions(fake)
    reader = make.member("2001", "reader")
    sent: dict[str, str] = {}
    for i in range(rounds):
        for guild in (GUILD_ID, OTHER_GUILD_ID):
            name, options = [("stance", {"actor": "japan", "topic": "rare earths"}), ("sources", {}),
                             ("events", {"scope": "all"})][i % 3]
            payload = make.command(name, options, reader, guild_id=guild)
            await fake.dispatch("INTERACTION_CREATE", payload)
            sent[payload["id"]] = guild
    for iid in sent:
        [cb] = await fake.callbacks(iid)
        assert cb["type"] == 4 and cb["data"]["embeds"]
    assert sum(len(ledger.answered) for ledger in ledgers) == len(sent)
    for iid in sent:
        answers = fake.recorder.find(lambda c, iid=iid: c.path.startswith(f"/api/v10/interactions/{iid}/"))
        assert len(answers) == 1, f"interaction {iid} answered {len(answers)} times"
    return sent


def test_the_two_test_guilds_sit_on_different_shards():
    assert shard_of(OTHER_GUILD_ID, 2) == 0 and shard_of(GUILD_ID, 2) == 1


async def test_two_processes_each_answer_the_servers_of_their_own_shard(cluster, service):
    first, second = Counting(service, "shard 0"), Counting(service, "shard 1")
    bot0 = await cluster.start(first, DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS="0")
    bot1 = await cluster.start(second, DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS="1")
    fake = cluster.fake
    assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
    assert [g.id for g in bot0.guilds] == [int(OTHER_GUILD_ID)]
    assert [g.id for g in bot1.guilds] == [int(GUILD_ID)]
    # one command list per application: the process with shard 0 registered it, the other did not
    assert len(fake.recorder.find(lambda c: c.method == "PUT")) == 1
    assert "stance" in {c["name"] for c in fake.synced[GUILD_ID]}

    sent = await fire(fake, [first, second], rounds=6)
    assert len(first.answered) == len(second.answered) == 6
    assert {channel for _, channel in first.answered} == {OTHER_CHANNEL_ID}
    assert {channel for _, channel in second.answered} == {CHANNEL_ID}
    # and the gateway delivered each interaction to exactly one session, the guild's shard
    delivered = {iid: s.shard for s in fake.sessions for event, iid in s.events if event == "INTERACTION_CREATE"}
    assert delivered == {iid: (shard_of(g, 2), 2) for iid, g in sent.items()}


async def test_one_process_may_run_every_shard(cluster, service):
    counting = Counting(service, "both")
    bot = await cluster.start(counting, DISCORD_SHARD_COUNT="2")
    assert isinstance(bot, discord.AutoShardedClient)
    assert sorted(s.shard for s in cluster.fake.sessions) == [(0, 2), (1, 2)]
    assert sorted(bot.shards) == [0, 1]
    assert {g.id for g in bot.guilds} == {int(GUILD_ID), int(OTHER_GUILD_ID)}
    assert len(cluster.fake.recorder.find(lambda c: c.method == "PUT")) == 1
    await fire(cluster.fake, [counting])
    assert sorted(channel for _, channel in counting.answered) == [CHANNEL_ID] * 3 + [OTHER_CHANNEL_ID] * 3


async def test_unsharded_bot_gets_every_server_on_one_session(cluster, service):
    counting = Counting(service, "alone")
    bot = await cluster.start(counting)
    assert type(bot) is DiscordBot
    assert "shard" not in cluster.fake.identify
    assert [s.shard for s in cluster.fake.sessions] == [(0, 1)]
    await fire(cluster.fake, [counting], rounds=1)
    assert len(counting.answered) == 2


async def test_a_reminder_posts_into_a_server_on_another_processes_shard(cluster, service):
    bot0 = await cluster.start(Counting(service, "shard 0"), DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS="0")
    assert bot0.get_channel(int(CHANNEL_ID)) is None  # GUILD_ID is on shard 1, not in this process
    poster = DiscordPoster(bot0)
    assert poster.ready()
    message_id = await poster.post(CHANNEL_ID, Reply("Tomorrow: Budget vote", text="A vote in @everyone's diet"))
    [message] = await cluster.fake.channel_messages(CHANNEL_ID)
    assert message["embeds"][0]["title"] == "Tomorrow: Budget vote"
    assert message["allowed_mentions"] == {"parse": []}
    assert message_id


async def test_the_fake_gateway_closes_an_invalid_shard_with_4010():
    fake = await FakeDiscord().start()
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
            hello = await ws.receive_json()
            assert hello["op"] == 10
            await ws.send_str(json.dumps({"op": 2, "d": {"token": TOKEN, "intents": 1, "shard": [2, 2],
                                                          "properties": {}}}))
            closing = await ws.receive()
            assert closing.type == aiohttp.WSMsgType.CLOSE and closing.data == 4010
        assert fake.identifies == []
    finally:
        await fake.close()
