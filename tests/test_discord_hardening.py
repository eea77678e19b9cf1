"""The Discord side of the audit (the real discord.py client against the local fake gateway):
an attached article longer than extraction takes gets a clear answer, invisible characters
reach no embed, and a running ingest does not hold up a /stance answer.
"""
from __future__ import annotations

import asyncio
import json
import threading

import pytest

from bot.extract.text import MAX_BYTES, MAX_CHARS
from tests.fakes.chat import service_fixture  # noqa: F401 - fixture
from tests.test_discord_e2e import dc  # noqa: F401 - the fixture below builds on it


@pytest.fixture
def discord_bot(dc):  # noqa: F811 - the bot and fake of tests/test_discord_e2e.py, under a name of its own
    return dc


def _attach(h, name: str, data: bytes) -> dict:
    h.fake.files[name] = data
    attachment = {"id": "990000000000000002", "filename": name, "size": len(data),
                  "url": f"{h.fake.url}/attachments/{name}", "proxy_url": f"{h.fake.url}/attachments/{name}",
                  "content_type": "text/plain"}
    payload = h.make.command("ingest", {"published": "2025-04-30", "file": attachment["id"]}, h.manager)
    payload["data"]["resolved"] = {"attachments": {attachment["id"]: attachment}}
    return payload


async def test_an_attachment_longer_than_extraction_takes_gets_a_clear_answer(discord_bot, service):
    h = discord_bot
    paragraph = b"Envoys met again in the capital and called the round of talks useful.\n\n"
    data = paragraph * (MAX_CHARS // len(paragraph) + 100)
    assert MAX_CHARS < len(data) < MAX_BYTES
    before = len(service.sources())
    payload = _attach(h, "long.txt", data)
    [deferred] = await h.send(payload)
    assert deferred["type"] == 5
    [follow] = await h.fake.followups(payload["token"])
    embed = follow["embeds"][0]
    assert embed["title"] == "Can't do that"
    assert "long.txt: too long to read as one article" in embed["description"]
    assert "1,000,000" in embed["description"]
    assert len(service.sources()) == before


SNEAKY = "Tokyo \u202eetov\u202c will not \u200baccept \u2066this\u2069 \ufeff@every\u200cone"


async def test_invisible_characters_reach_no_discord_embed(discord_bot, service):
    h = discord_bot
    service.add_claim({"actor": "japan", "topic": "fisheries", "stance": "oppose", "statement": SNEAKY,
                       "speaker": "A \u202espokesman", "date": "2025-04-01"}, who="test:setup")
    cb = await h.command("claims", actor="japan", topic="fisheries")
    text = json.dumps(cb["data"]["embeds"], ensure_ascii=False)
    assert "will not" in text
    for ch in ("\u202e", "\u202c", "\u2066", "\u2069", "\ufeff", "\u200c"):
        assert ch not in text


async def test_a_stance_answer_is_not_held_up_by_a_running_ingest(discord_bot, service, monkeypatch):
    h = discord_bot
    running, release = threading.Event(), threading.Event()

    def held_ingest(data, published, name, who=None):
        from bot.service import IngestReport

        running.set()
        assert release.wait(30), "the test never released the ingest"
        return IngestReport(added=["a-held"], claims=1, events=0)

    monkeypatch.setattr(service, "ingest_bytes", held_ingest)
    payload = _attach(h, "note.txt", b"Officials met in Apia on Monday to talk about tuna quotas and ferries.")
    try:
        await h.fake.dispatch("INTERACTION_CREATE", payload)
        assert await asyncio.to_thread(running.wait, 10)
        cb = await h.command("stance", actor="japan", topic="rare earths")
        assert cb["data"]["embeds"][0]["title"] == "Japan opposes rare earths"
        assert not h.fake.recorder.find(lambda c: c.path.endswith(payload["token"]))
    finally:
        release.set()
    [follow] = await h.fake.followups(payload["token"])
    assert follow["embeds"][0]["title"] == "Ingested 1 article"


async def test_a_form_sent_back_blank_says_what_is_missing(discord_bot, service):
    """Found by tests/test_fuzz_commands.py: spaces pass Discord's "required", and the bot
    answered the submission with the form again, which Discord refuses (no modal in answer
    to a modal)."""
    h = discord_bot
    before = service.store.dump()
    cb = await h.command("claim", h.manager, sub="add", actor="japan", topic="fisheries", stance="oppose")
    assert cb["type"] == 9
    blank = {i["custom_id"]: "   " if i.get("required") else ""
             for row in cb["data"]["components"] for i in row["components"]}
    [done] = await h.send(h.make.modal_submit(cb["data"]["custom_id"], blank, h.manager))
    assert done["type"] == 4
    embed = done["data"]["embeds"][0]
    assert embed["title"] == "The form is incomplete" and "Statement or quote" in embed["description"]
    assert service.store.dump() == before
