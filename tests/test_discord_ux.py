"""Discord (issue 18) through the real discord.py client and the local fake gateway: a
reader's "Flag as wrong" from the menu under an answer, Share posting the answer that was
shown, record ids for admins only, and refusals in Discord's own words."""
from __future__ import annotations

import asyncio

import pytest

from bot.adapters.discord_app import DiscordBot
from bot.commands import Commands
from bot.config import Secret, Settings
from tests.fakes.chat import claim_id, service_fixture  # noqa: F401 - fixture
from tests.fakes.discord_server import ADMIN_ROLE_ID, GUILD_ID, FakeDiscord
from tests.test_discord_e2e import EPHEMERAL, LISTED_ADMIN, Harness, field_text


@pytest.fixture(name="dc")
async def discord_fixture(service, monkeypatch):
    fake = await FakeDiscord().start()
    fake.point_client_here(monkeypatch)
    settings = Settings(discord_token=Secret("fake-discord-token"), discord_guild_id=int(GUILD_ID),
                        admins=frozenset({f"discord:{LISTED_ADMIN}"}), admin_role_id=ADMIN_ROLE_ID)
    bot = DiscordBot(Commands(service, settings.admin_policy()), settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake-discord-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield Harness(fake, bot)
    finally:
        await bot.close()
        await asyncio.wait_for(task, 10)
        await fake.close()


def components(data: dict, kind: int) -> list[dict]:
    return [c for row in data.get("components", []) for c in row["components"] if c["type"] == kind]


def choose(dc, custom_id: str, value: str, message_id: str, member: dict) -> dict:
    payload = dc.make.base(3, {"custom_id": custom_id, "component_type": 3, "values": [value]}, member,
                           message=dict(dc.fake._message({}, message_id), flags=EPHEMERAL))
    return payload


async def test_a_readers_flag_from_the_menu_is_recorded_and_changes_nothing(dc, service):
    cid = claim_id(service, "japan")
    before = service.store.get_claim(cid)
    payload = dc.make.command("stance", {"actor": "japan", "topic": "rare earths"}, dc.reader)
    [shown] = await dc.send(payload)
    [menu] = components(shown["data"], 3)
    assert menu["placeholder"].startswith("Flag a claim as wrong")
    assert [o["value"] for o in menu["options"]] == [cid]
    assert f"id `{cid}`" not in field_text(shown["data"]["embeds"][0])  # a reader sees no record ids

    message_id = dc.fake.answers[payload["id"]]["interaction"]["response_message_id"]
    pick = choose(dc, menu["custom_id"], cid, message_id, dc.reader)
    [flagged] = await dc.send(pick)
    assert flagged["type"] == 4 and flagged["data"]["flags"] & EPHEMERAL
    assert flagged["data"]["embeds"][0]["title"] == "Flagged as wrong"
    assert service.store.get_claim(cid) == before
    assert [(a["who"], a["target"]) for a in service.store.audit_log() if a["action"] == "claim.flag"] == [
        ("discord:2001", cid)]
    queue = await dc.command("review", dc.listed)
    assert queue["data"]["embeds"][0]["title"] == "Review queue (1 claim flagged)"


async def test_share_posts_the_answer_that_was_shown(dc, service):
    payload = dc.make.command("stance", {"actor": "japan", "topic": "rare earths"}, dc.listed)
    [shown] = await dc.send(payload)
    seen = shown["data"]["embeds"][0]
    cid = claim_id(service, "japan")
    assert f"id `{cid}`" in field_text(seen)  # an admin's own copy has the ids
    service.add_claim({"actor": "japan", "topic": "rare earths", "stance": "support", "date": "2025-04-30",
                       "statement": "Tokyo now welcomes a joint stockpile of rare earth oxides."}, who="test:setup")
    [share] = [b for b in components(shown["data"], 2) if b["label"] == "Share in channel"]
    message_id = dc.fake.answers[payload["id"]]["interaction"]["response_message_id"]
    [posted] = await dc.send(dc.make.button(share["custom_id"], message_id, dc.listed))
    assert not (posted["data"].get("flags") or 0) & EPHEMERAL
    [public] = posted["data"]["embeds"]
    assert public["title"] == seen["title"] and public.get("description") == seen.get("description")
    assert field_text(public) == field_text(seen).replace(f" \u00b7 id `{cid}`", "")
    assert "Shared by listed" in public["footer"]["text"]


async def test_an_event_row_expands_from_its_menu(dc):
    payload = dc.make.command("events", {}, dc.reader)
    [shown] = await dc.send(payload)
    [menu] = components(shown["data"], 3)
    assert menu["placeholder"].startswith("Show where an event was reported")
    message_id = dc.fake.answers[payload["id"]]["interaction"]["response_message_id"]
    [where] = await dc.send(choose(dc, menu["custom_id"], menu["options"][0]["value"], message_id, dc.reader))
    assert where["data"]["embeds"][0]["description"] == "Where it was reported:"


async def test_discord_refusals_name_discords_permission(dc, service):
    cb = await dc.command("claim", dc.reader, sub="retract", id=claim_id(service, "japan"), reason="no")
    embed = cb["data"]["embeds"][0]
    assert embed["title"] == "Not allowed" and "Manage Server" in embed["description"]


async def test_past_scope_and_new_commands_are_synced(dc):
    synced = {c["name"]: c for c in dc.fake.synced[GUILD_ID]}
    assert {"flag", "evidence", "review"} <= set(synced)
    scope = next(o for o in synced["events"]["options"] if o["name"] == "scope")
    assert [c["value"] for c in scope["choices"]] == ["upcoming", "past", "all"]
    assert int(synced["review"]["default_member_permissions"]) == 1 << 5
