"""Two `claimbot run` processes on one PostgreSQL database, Discord sharded between them.

Each process runs one shard of two (DISCORD_SHARD_COUNT=2, DISCORD_SHARD_IDS=0 or 1)
against the local fake Discord, which sends each server's interactions to the session of
its shard.  Commands in servers on both shards are answered once each, by the process
holding the server's shard (each process's /metrics counts what it answered); only the
process with shard 0 registers the commands; a reminder due in each server's channel is
posted once, whichever process wins it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import sys
import time
from pathlib import Path

import aiohttp

from tests.conftest import require_modules  # fails under CI=true, skips elsewhere

require_modules("sqlalchemy", "psycopg")

from bot.service import Service  # noqa: E402
from store.postgres import PostgresStore  # noqa: E402
from tests.fakes.discord_server import (  # noqa: E402
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    FakeDiscord,
    Interactions,
    shard_of,
)
from tests.test_reminders_schedule import until_settled  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TOKEN = "fake-discord-token-for-shards"
# `claimbot run` with discord.py pointed at the fake (its REST base and gateway are class
# attributes; Discord itself has no setting for them)
RUNNER = ("import sys, discord, yarl; discord.http.Route.BASE = sys.argv[1]; "
          "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2]); "
          "from bot.cli import main; sys.exit(main(sys.argv[3:]))")
CHANNEL_OF = {GUILD_ID: CHANNEL_ID, OTHER_GUILD_ID: OTHER_CHANNEL_ID}
COMMANDS = re.compile(r'^claimbot_commands_total\{command="([^"]+)",outcome="([^"]+)"\} ([0-9.]+)$', re.M)
SENT = re.compile(r'^claimbot_reminders_total\{outcome="(sent|late)"\} ([0-9.]+)$', re.M)


def _env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "CLAIMBOT_"))}
    e["PYTHONPATH"] = str(REPO)
    e.update(extra)
    return e


class Shard:
    """One `claimbot run` holding one Discord shard; JSON logs in a file, ops on a free port."""

    def __init__(self, shard: int, fake: FakeDiscord, pg_url: str, logs: Path) -> None:
        self.shard = shard
        self.log = logs / f"shard{shard}.log"
        self.env = _env(DISCORD_TOKEN=TOKEN, DISCORD_GUILD_ID=GUILD_ID, DISCORD_GUILD_IDS=OTHER_GUILD_ID,
                        DISCORD_SHARD_COUNT="2",
                        DISCORD_SHARD_IDS=str(shard), CLAIMBOT_DB=pg_url, CLAIMBOT_OPS_PORT="0",
                        CLAIMBOT_LOG_FORMAT="json", CLAIMBOT_LOG_LEVEL="INFO", CLAIMBOT_TZ="UTC")
        self.args = [sys.executable, "-c", RUNNER, fake.api_base, fake.gateway_url, "run"]
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0

    async def start(self) -> None:
        with open(self.log, "w") as err:
            self.proc = await asyncio.create_subprocess_exec(
                *self.args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=err,
                env=self.env, cwd=self.log.parent)

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]

    async def get(self, path: str) -> str:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{self.port}{path}") as r:
            return await r.text()

    async def ready(self, timeout: float = 60) -> None:
        """Running, with its Discord shard connected (the ops server's /healthz says so)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc is not None and self.proc.returncode is None, self.log.read_text()
            if not self.port:
                self.port = next((r["ops_port"] for r in self.lines() if "ops_port" in r), 0)
            if self.port:
                health = json.loads(await self.get("/healthz"))
                if health["checks"].get("adapter:discord", {}).get("ok"):
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"shard {self.shard} did not connect:\n{self.log.read_text()}")

    async def answered(self) -> dict[str, float]:
        """Commands this process answered, by command name (every outcome)."""
        counts: dict[str, float] = {}
        for name, _, value in COMMANDS.findall(await self.get("/metrics")):
            counts[name] = counts.get(name, 0) + float(value)
        return {k: v for k, v in counts.items() if v}

    async def reminders_sent(self) -> float:
        return sum(float(v) for _, v in SENT.findall(await self.get("/metrics")))

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


async def test_two_sharded_processes_answer_every_command_once_and_post_every_reminder_once(pg_url, tmp_path):
    assert shard_of(OTHER_GUILD_ID, 2) == 0 and shard_of(GUILD_ID, 2) == 1
    fake = await FakeDiscord(guilds=(GUILD_ID, OTHER_GUILD_ID)).start()
    shards = [Shard(n, fake, pg_url, tmp_path) for n in (0, 1)]
    try:
        for s in shards:
            await s.start()
        for s in shards:
            await s.ready()
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert len(fake.recorder.find(lambda c: c.method == "PUT")) == 1  # shard 0's process synced

        make = Interactions(fake)
        reader = make.member("2001", "reader")
        sent: dict[str, str] = {}
        for name, text in (("remind", "subscribe lead 1m"), ("sources", None), ("help", None),
                           ("remind", "list"), ("events", None)):
            for guild in (GUILD_ID, OTHER_GUILD_ID):
                payload = make.command(name, {"text": text} if text else {}, reader, guild_id=guild)
                await fake.dispatch("INTERACTION_CREATE", payload)
                sent[payload["id"]] = guild
        for iid in sent:
            [cb] = await fake.callbacks(iid)
            assert cb["type"] == 4 and cb["data"]["embeds"], cb
        # the gateway gave each interaction to the session of its server's shard ...
        delivered = {iid: s.shard for s in fake.sessions for event, iid in s.events if event == "INTERACTION_CREATE"}
        assert delivered == {iid: (shard_of(g, 2), 2) for iid, g in sent.items()}
        # ... and that session's process answered it: 5 commands each, nothing twice
        assert [await s.answered() for s in shards] == [{"remind": 2, "sources": 1, "help": 1, "events": 1}] * 2

        # one database: both subscriptions, made through different processes, are there
        service = Service(PostgresStore(pg_url))
        subs = {(s["platform"], s["channel"]) for s in service.store.subscriptions()}
        assert subs == {("discord", CHANNEL_ID), ("discord", OTHER_CHANNEL_ID)}

        due = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=4)
        service.add_event({"title": "Sharded round talks", "kind": "meeting",
                           "start": (due + dt.timedelta(minutes=1)).isoformat()}, who="test:setup")
        for channel in (CHANNEL_ID, OTHER_CHANNEL_ID):
            [message] = await fake.recorder.wait_for(
                lambda c, ch=channel: c.method == "POST" and c.path == f"/api/v10/channels/{ch}/messages", 1,
                timeout=40)
            assert "Sharded round talks" in json.dumps(message.json)
        await until_settled(service.store.deliveries, posted=2)  # then no second copy can be on its way
        posts = fake.recorder.find(lambda c: c.method == "POST" and "/channels/" in c.path)
        assert sorted(c.path.split("/")[4] for c in posts) == sorted([CHANNEL_ID, OTHER_CHANNEL_ID])
        assert sum([await s.reminders_sent() for s in shards]) == 2

        # every interaction was answered once, not once per process
        for iid in sent:
            assert len(fake.recorder.find(lambda c, iid=iid: c.path.startswith(f"/api/v10/interactions/{iid}/"))) == 1
    finally:
        for s in shards:
            await s.stop()
        await fake.close()
    for s in shards:
        assert s.proc is not None and s.proc.returncode == 0, s.log.read_text()
        assert TOKEN not in s.log.read_text()
