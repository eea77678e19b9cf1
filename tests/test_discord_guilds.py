"""Admin rights are tied to the servers a deployment serves (the real discord.py client,
two servers on the local fake gateway).

Anyone can add a public bot to a server of their own, where they hold Manage Server: that
must not make them an admin of the desk's store.  With DISCORD_GUILD_IDS naming the desk's
server, commands from any other server are refused, nothing changes, and the bot leaves
servers it was not meant for.
"""
from __future__ import annotations

import asyncio

import pytest

from bot.adapters.discord_app import DiscordBot
from bot.commands import AdminPolicy, Commands
from bot.config import Secret, Settings
from bot.reply import Caller
from tests.fakes.chat import claim_id, service_fixture  # noqa: F401 - fixture
from tests.fakes.discord_server import (
    GUILD_ID,
    MANAGE_GUILD,
    OTHER_GUILD_ID,
    VIEW_AND_SEND,
    FakeDiscord,
    Interactions,
)

STRANGER_GUILD = "900000000008388800"  # a server someone adds the bot to later


async def _start(service, monkeypatch, guilds: tuple[str, ...], settings: Settings):
    fake = await FakeDiscord(guilds=guilds).start()
    fake.point_client_here(monkeypatch)
    bot = DiscordBot(Commands(service, settings.admin_policy()), settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake-discord-token"))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    await asyncio.wait_for(bot.gateway_ready.wait(), 10)
    return fake, bot, task


async def _stop(fake: FakeDiscord, bot: DiscordBot, task: asyncio.Task) -> None:
    await bot.close()
    await asyncio.wait_for(task, 10)
    await fake.close()


@pytest.fixture
async def two_servers(service, monkeypatch):
    """The bot is in the desk's server and in a stranger's; only the desk's is served."""
    settings = Settings(discord_token=Secret("fake-discord-token"), discord_guild_ids=frozenset({int(GUILD_ID)}))
    fake, bot, task = await _start(service, monkeypatch, (GUILD_ID, OTHER_GUILD_ID), settings)
    try:
        yield fake, bot
    finally:
        await _stop(fake, bot, task)


async def _command(fake: FakeDiscord, name: str, member: dict, guild_id: str, sub: str | None = None,
                   **options) -> dict:
    payload = Interactions(fake).command(name, options, member, sub=sub, guild_id=guild_id)
    await fake.dispatch("INTERACTION_CREATE", payload)
    return (await fake.callbacks(payload["id"]))[0]


async def test_the_bot_leaves_a_server_it_does_not_serve_at_start(two_servers):
    fake, _ = two_servers
    calls = await fake.recorder.wait_for(lambda c: c.method == "DELETE", 1)
    assert calls[0].path == f"/api/v10/users/@me/guilds/{OTHER_GUILD_ID}"
    assert fake.left == [OTHER_GUILD_ID]
    assert GUILD_ID not in fake.left


async def test_the_bot_leaves_a_server_it_is_added_to_later(two_servers):
    fake, _ = two_servers
    await fake.recorder.wait_for(lambda c: c.method == "DELETE", 1)
    await fake.join(STRANGER_GUILD)
    await fake.recorder.wait_for(lambda c: c.method == "DELETE", 2)
    assert fake.left == [OTHER_GUILD_ID, STRANGER_GUILD]


async def test_manage_server_in_a_strangers_server_is_no_admin_right(two_servers, service):
    fake, _ = two_servers
    make = Interactions(fake)
    stranger = make.member("3001", "stranger", permissions=VIEW_AND_SEND | MANAGE_GUILD)
    cid = claim_id(service, "japan")
    events_before = len(service.events(scope="all"))

    cb = await _command(fake, "claim", stranger, OTHER_GUILD_ID, sub="retract", id=cid, reason="fake news")
    embed = cb["data"]["embeds"][0]
    assert embed["title"] == "Not served here"
    assert "does not serve this server" in embed["description"]
    assert service.store.get_claim(cid)["retracted"] is False

    cb = await _command(fake, "event", stranger, OTHER_GUILD_ID, sub="add", title="Fake summit",
                        kind="summit", start="2025-05-20")
    assert cb["data"]["embeds"][0]["title"] == "Not served here"
    assert len(service.events(scope="all")) == events_before
    assert not [a for a in service.store.audit_log() if a.get("who") == "discord:3001"]


async def test_read_commands_and_autocomplete_from_another_server_are_refused(two_servers):
    fake, _ = two_servers
    make = Interactions(fake)
    reader = make.member("3002", "reader")
    cb = await _command(fake, "stance", reader, OTHER_GUILD_ID, actor="japan", topic="rare earths")
    assert cb["data"]["embeds"][0]["title"] == "Not served here"
    assert "Tanabe" not in str(cb)

    payload = make.command("stance", {"actor": "ja", "topic": ""}, reader, focused="actor", guild_id=OTHER_GUILD_ID)
    await fake.dispatch("INTERACTION_CREATE", payload)
    [choices] = await fake.callbacks(payload["id"])
    assert choices["type"] == 8 and choices["data"]["choices"] == []


async def test_manage_server_in_the_served_server_still_makes_an_admin(two_servers, service):
    fake, _ = two_servers
    manager = Interactions(fake).member("3003", "manager", permissions=VIEW_AND_SEND | MANAGE_GUILD)
    cid = claim_id(service, "japan")
    cb = await _command(fake, "claim", manager, GUILD_ID, sub="retract", id=cid, reason="wrong speaker")
    assert cb["data"]["embeds"][0]["title"] == f"Claim {cid} retracted"
    assert service.store.get_claim(cid)["retracted"] is True


# -- the policy itself, for every way a caller can arrive ---------------------------------------

SERVED = AdminPolicy(users=frozenset({"discord:1001"}), role_ids=frozenset({"77"}),
                     discord_guilds=frozenset({"100"}))


@pytest.mark.parametrize("caller, serves, admin", [
    (Caller("discord", "5", permissions=frozenset({"manage_guild"}), space="100"), True, True),
    (Caller("discord", "5", roles=frozenset({"77"}), space="100"), True, True),
    (Caller("discord", "5", permissions=frozenset({"manage_guild"}), space="200"), False, False),
    (Caller("discord", "5", roles=frozenset({"77"}), space="200"), False, False),
    (Caller("discord", "1001", space="200"), False, False),  # a listed admin, in a stranger's server
    (Caller("discord", "1001", space=""), False, False),  # a direct message
    (Caller("discord", "1001", space="100"), True, True),
    (Caller("discord", "5", space="100"), True, False),
    (Caller("console", "me"), True, True),
])
def test_admin_policy_with_served_servers(caller, serves, admin):
    assert SERVED.serves(caller) is serves
    assert SERVED.allows(caller) is admin


def test_without_served_servers_a_discord_permission_grants_nothing():
    policy = AdminPolicy(users=frozenset({"discord:1001"}), role_ids=frozenset({"77"}))
    assert not policy.allows(Caller("discord", "5", permissions=frozenset({"manage_guild"}), space="100"))
    assert not policy.allows(Caller("discord", "5", roles=frozenset({"77"}), space="100"))
    assert policy.allows(Caller("discord", "1001", space="100"))
    assert policy.serves(Caller("discord", "5", space="100"))


def test_settings_read_the_served_servers(monkeypatch):
    from bot.config import ConfigError

    env = {"DISCORD_TOKEN": "t", "DISCORD_GUILD_IDS": "100, 200", "DISCORD_GUILD_ID": "300"}
    settings = Settings.from_env(env)
    assert settings.served_guilds == {100, 200, 300}
    assert settings.admin_policy().discord_guilds == {"100", "200", "300"}
    with pytest.raises(ConfigError, match="DISCORD_GUILD_IDS entry 'desk'"):
        Settings.from_env({"DISCORD_TOKEN": "t", "DISCORD_GUILD_IDS": "100,desk"})
