"""The real discord.py Client against a local fake gateway and REST API.

The client logs in, syncs its commands, connects to the websocket gateway and receives
INTERACTION_CREATE events; the tests read the interaction callbacks and follow-ups it
sends back to the fake REST API.
"""
from __future__ import annotations

import asyncio

import discord
import pytest

from bot.adapters.discord_app import DiscordBot
from bot.commands import Commands
from bot.config import Secret, Settings
from bot.render import discord as render
from tests.fakes.chat import claim_id, service_fixture  # noqa: F401 - fixture
from tests.fakes.discord_server import (
    ADMIN_ROLE_ID,
    GUILD_ID,
    MANAGE_GUILD,
    VIEW_AND_SEND,
    FakeDiscord,
    Interactions,
)

EPHEMERAL = 64
LISTED_ADMIN = "1001"


@pytest.fixture
async def dc(service, monkeypatch):
    fake = await FakeDiscord().start()
    fake.point_client_here(monkeypatch)
    settings = Settings(discord_token=Secret("fake-discord-token"), discord_guild_id=int(GUILD_ID),
                        admins=frozenset({f"discord:{LISTED_ADMIN}"}), admin_role_id=ADMIN_ROLE_ID)
    # the client waits guild_ready_timeout for more guilds after the last GUILD_CREATE
    bot = DiscordBot(Commands(service, settings.admin_policy()), settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake-discord-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield Harness(fake, bot)
    finally:
        await bot.close()
        await asyncio.wait_for(task, 10)
        await fake.close()


class Harness:
    def __init__(self, fake: FakeDiscord, bot: DiscordBot) -> None:
        self.fake, self.bot = fake, bot
        self.make = Interactions(fake)
        self.reader = self.make.member("2001", "reader")
        self.manager = self.make.member("2002", "manager", permissions=VIEW_AND_SEND | MANAGE_GUILD)
        self.editor = self.make.member("2003", "editor", roles=(ADMIN_ROLE_ID,))
        self.listed = self.make.member(LISTED_ADMIN, "listed")

    async def send(self, payload: dict, count: int = 1) -> list[dict]:
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.callbacks(payload["id"], count)

    async def command(self, name: str, member: dict | None = None, sub: str | None = None, **options) -> dict:
        payload = self.make.command(name, options, member or self.reader, sub=sub)
        return (await self.send(payload))[0]


def field_text(embed: dict) -> str:
    return "\n".join(f"{f['name']}\n{f['value']}" for f in embed.get("fields", []))


async def test_login_sync_and_identify(dc):
    names = {c["name"]: c for c in dc.fake.synced[GUILD_ID]}
    assert {"stance", "claims", "events", "sources", "help", "remind", "claim", "event", "ingest"} <= set(names)
    assert int(names["claim"]["default_member_permissions"]) == MANAGE_GUILD
    assert int(names["ingest"]["default_member_permissions"]) == MANAGE_GUILD
    assert names["stance"].get("default_member_permissions") is None
    assert [o["name"] for o in names["claim"]["options"]] == ["add", "edit", "retract"]
    assert dc.fake.identify["intents"] == discord.Intents(guilds=True).value
    assert dc.fake.identify["token"] == "fake-discord-token"


async def test_stance_is_an_ephemeral_embed_without_mentions(dc):
    cb = await dc.command("stance", actor="japan", topic="rare earths")
    assert cb["type"] == 4
    data = cb["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    [embed] = data["embeds"]
    assert embed["title"] == "Japan opposes rare earths"
    text = field_text(embed)
    assert "Tokyo will not accept new curbs on rare earth exports" in text
    assert "[source](https://news.example/minerals)" in text
    labels = [c["label"] for row in data["components"] for c in row["components"] if c["type"] == 2]
    assert labels == ["Share in channel"]
    [menu] = [c for row in data["components"] for c in row["components"] if c["type"] == 3]
    assert menu["placeholder"].startswith("Flag a claim as wrong")


async def test_unknown_actor_gets_the_service_message(dc):
    cb = await dc.command("stance", actor="atlantis", topic="fishing quotas")
    embed = cb["data"]["embeds"][0]
    assert cb["data"]["flags"] & EPHEMERAL
    assert "atlantis" in embed["description"] and "know the actor" in embed["description"]


async def test_autocomplete_offers_actors_and_topics_from_the_store(dc):
    payload = dc.make.command("stance", {"actor": "ja", "topic": ""}, dc.reader, focused="actor")
    [cb] = await dc.send(payload)
    assert cb["type"] == 8
    assert {"name": "Japan (1 claims)", "value": "japan"} in cb["data"]["choices"]
    assert all(c["value"] != "china" for c in cb["data"]["choices"])

    payload = dc.make.command("stance", {"actor": "japan", "topic": "rare"}, dc.reader, focused="topic")
    [cb] = await dc.send(payload)
    values = [c["value"] for c in cb["data"]["choices"]]
    assert values[0] == "rare-earths" and len(values) <= render.CHOICES


async def test_claim_add_opens_a_modal_whose_submission_creates_the_claim(dc, service):
    cb = await dc.command("claim", dc.manager, sub="add", actor="south korea",
                          topic="semiconductor export controls", stance="oppose")
    assert cb["type"] == 9
    modal = cb["data"]
    assert modal["title"] == "Add a claim"
    inputs = [c for row in modal["components"] for c in row["components"]]
    assert [i["custom_id"] for i in inputs] == ["statement", "speaker", "source_title", "source_url", "date"]
    assert all(len(i["label"]) <= render.INPUT_LABEL for i in inputs)
    assert not service.store.claims(actor="south-korea")

    submit = dc.make.modal_submit(modal["custom_id"], {
        "statement": "Seoul wants an exemption for memory chip makers.", "speaker": "A trade envoy",
        "source_title": "", "source_url": "", "date": "2025-04-22"}, dc.manager)
    [done] = await dc.send(submit)
    assert done["type"] == 4 and done["data"]["flags"] & EPHEMERAL
    assert done["data"]["embeds"][0]["title"] == "Claim added"
    [claim] = service.store.claims(actor="south-korea")
    assert claim["quote"] == "Seoul wants an exemption for memory chip makers."
    assert claim["published"] == "2025-04-22"
    assert [a["who"] for a in service.store.audit_log() if a["target"] == claim["id"]] == ["discord:2002"]


async def test_a_member_without_rights_is_refused_and_nothing_changes(dc, service):
    cid = claim_id(service, "japan")
    before = service.store.get_claim(cid)
    audit_before = len(service.store.audit_log())
    cb = await dc.command("claim", dc.reader, sub="retract", id=cid, reason="I do not like it")
    assert cb["type"] == 4 and cb["data"]["flags"] & EPHEMERAL
    assert cb["data"]["embeds"][0]["title"] == "Not allowed"
    assert service.store.get_claim(cid) == before
    assert len(service.store.audit_log()) == audit_before


@pytest.mark.parametrize("who", ["editor", "listed"])
async def test_the_admin_role_and_the_admin_list_may_retract(dc, service, who):
    cid = claim_id(service, "china")
    cb = await dc.command("claim", getattr(dc, who), sub="retract", id=cid, reason="wrong speaker")
    assert cb["data"]["embeds"][0]["title"] == f"Claim {cid} retracted"
    assert service.store.get_claim(cid)["retracted"] is True


async def test_event_merge_and_title_fix_are_admin_subcommands(dc, service):
    synced = {c["name"]: c for c in dc.fake.synced[GUILD_ID]}
    assert {"add", "edit", "cancel", "merge"} <= {o["name"] for o in synced["event"]["options"]}
    keep = service.add_event({"title": "Baltic ministers meeting", "kind": "meeting", "start": "2025-08-04",
                              "participants": "estonia, latvia"}, who="test:setup")["id"]
    other = service.add_event({"title": "Latvia's meeting with Lithuania", "kind": "meeting",
                               "start": "2025-08-04", "participants": "latvia, lithuania"}, who="test:setup")["id"]
    refused = await dc.command("event", dc.reader, sub="merge", keep=keep, other=other)
    assert refused["data"]["embeds"][0]["title"] == "Not allowed"
    assert service.store.get_event(other)["status"] == "scheduled"

    cb = await dc.command("event", dc.editor, sub="merge", keep=keep, other=other)
    assert cb["data"]["flags"] & EPHEMERAL
    assert cb["data"]["embeds"][0]["title"] == f"Event {keep} kept, {other} merged into it"
    assert service.store.get_event(other)["merged_into"] == keep
    assert service.store.get_event(keep)["participants"] == ["estonia", "latvia", "lithuania"]

    fixed = await dc.command("event", dc.listed, sub="edit", id=keep, changes='title="Baltic ministers meet in Riga"')
    assert fixed["data"]["embeds"][0]["title"] == f"Event {keep} updated"
    assert service.store.get_event(keep)["title"] == "Baltic ministers meet in Riga"
    who = {(a["action"], a["who"]) for a in service.store.audit_log() if a["target"] in (keep, other)}
    assert ("event.merge", "discord:2003") in who and ("event.edit", "discord:1001") in who


async def test_ingest_defers_then_follows_up(dc, service, monkeypatch):
    seen = {}

    def ingest_bytes(data, published, name, who=None):
        from bot.service import IngestReport

        seen.update(data=data, published=published, name=name, who=who)
        return IngestReport(added=["a1"], claims=2, events=1)

    monkeypatch.setattr(service, "ingest_bytes", ingest_bytes)
    dc.fake.files["note.txt"] = b"Officials met in Osaka on Monday to talk about fisheries."
    attachment = {"id": "990000000000000001", "filename": "note.txt", "size": 57,
                  "url": dc.fake.url + "/attachments/note.txt", "proxy_url": dc.fake.url + "/attachments/note.txt",
                  "content_type": "text/plain"}
    payload = dc.make.command("ingest", {"published": "2025-04-30", "file": attachment["id"]}, dc.manager)
    payload["data"]["resolved"] = {"attachments": {attachment["id"]: attachment}}
    [deferred] = await dc.send(payload)
    assert deferred["type"] == 5 and deferred["data"]["flags"] & EPHEMERAL
    [follow] = await dc.fake.followups(payload["token"])
    assert follow["embeds"][0]["title"] == "Ingested 1 article"
    assert follow["flags"] & EPHEMERAL and follow["allowed_mentions"] == {"parse": []}
    assert seen == {"data": dc.fake.files["note.txt"], "published": "2025-04-30", "name": "note.txt",
                    "who": "discord:2002"}


async def test_pages_turn_with_buttons_and_share_posts_publicly(dc, service):
    for i in range(25):
        service.add_claim({"actor": "eu", "topic": "steel tariffs", "stance": "oppose",
                           "statement": f"Brussels remark {i} on steel safeguard quotas.",
                           "date": f"2025-02-{i + 1:02d}"}, who="test:setup")
    payload = dc.make.command("claims", {"actor": "eu"}, dc.reader)
    [first] = await dc.send(payload)
    embed = first["data"]["embeds"][0]
    assert "Page 1 of 3" in embed["footer"]["text"]
    assert render.embed_chars(embed) <= render.EMBED_TOTAL and len(embed["fields"]) <= render.EMBED_FIELDS
    buttons = {c["label"]: c for row in first["data"]["components"] for c in row["components"] if c["type"] == 2}
    assert buttons["\u2190 Previous"]["disabled"] is True
    message_id = dc.fake.answers[payload["id"]]["interaction"]["response_message_id"]

    click = dc.make.button(buttons["Next \u2192"]["custom_id"], message_id, dc.reader)
    [turned] = await dc.send(click)
    assert turned["type"] == 7
    assert "Page 2 of 3" in turned["data"]["embeds"][0]["footer"]["text"]
    assert field_text(turned["data"]["embeds"][0]) != field_text(embed)

    share = dc.make.button(buttons["Share in channel"]["custom_id"], message_id, dc.reader)
    [shared] = await dc.send(share)
    assert shared["type"] == 4
    assert not (shared["data"].get("flags") or 0) & EPHEMERAL
    assert shared["data"]["allowed_mentions"] == {"parse": []}
    assert "Shared by reader" in shared["data"]["embeds"][0]["footer"]["text"]


async def test_quoted_mentions_and_markdown_are_neutralised(dc, service):
    service.add_claim({"actor": "japan", "topic": "fisheries", "stance": "oppose",
                       "statement": "@everyone see <@123456789012345678> and **this** [link](https://x.example)",
                       "date": "2025-04-01"}, who="test:setup")
    cb = await dc.command("claims", actor="japan", topic="fisheries")
    text = field_text(cb["data"]["embeds"][0])
    assert "@everyone" not in text and "@\u200beveryone" in text
    assert "<@123456789012345678>" not in text
    assert "**this**" not in text and "\\*\\*this\\*\\*" in text
    assert "[link](" not in text
    assert cb["data"]["allowed_mentions"] == {"parse": []}


async def test_without_a_guild_id_commands_sync_globally(service, monkeypatch):
    fake = await FakeDiscord().start()
    fake.point_client_here(monkeypatch)
    settings = Settings(discord_token=Secret("fake-discord-token"))
    bot = DiscordBot(Commands(service, settings.admin_policy()), settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start("fake-discord-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        assert GUILD_ID not in fake.synced
        assert "stance" in {c["name"] for c in fake.synced["global"]}
        claim = next(c for c in fake.synced["global"] if c["name"] == "claim")
        assert claim["dm_permission"] is False  # admin commands belong to a server, not DMs
    finally:
        await bot.close()
        await asyncio.wait_for(task, 10)
        await fake.close()
