"""/actors and /person set end to end: the real slack-bolt app against signed requests and
the fake Slack API, the real discord.py client against the fake Discord server."""
from __future__ import annotations

from tests.fakes.chat import commands_fixture, service_fixture  # noqa: F401 - fixtures
from tests.test_discord_e2e import EPHEMERAL, dc, field_text  # noqa: F401 - fixture
from tests.test_slack_e2e import ADMIN, USER, slack, texts  # noqa: F401 - fixture


def _quoted_person(service) -> str:
    """An article with one claim by a person whose country the text did not give."""
    claim = {"id": "c-berg-1", "actor": "", "cue": "say", "quote": "the levy is unfair", "sentence": "Berg said so.",
             "start": 0, "end": 13, "article": "a-berg", "published": "2025-04-30", "stance": "oppose",
             "topics": [], "speaker": {"name": "Anna Berg", "mention": "Berg", "kind": "person"},
             "role": "trade minister", "actor_evidence": "", "retracted": False}
    service.store.add_article_bundle({"id": "a-berg", "title": "t", "published": "2025-04-30", "text": "Berg said so.",
                                      "hash": "h-berg"}, [claim], [])
    service.store.put_people([{"id": "p-anna-berg", "name": "Anna Berg", "actor": "", "role": "trade minister",
                               "source": "learned", "evidence": "", "articles": ["a-berg"]}])
    return claim["id"]


async def test_slack_person_set_by_an_admin_corrects_the_claims(slack, service):  # noqa: F811 - fixture
    cid = _quoted_person(service)
    refused = await slack.command("/person", "set Anna Berg netherlands", "p1", user=USER)
    assert "Not allowed" in texts(refused["blocks"]) and service.store.get_claim(cid)["actor"] == ""
    done = await slack.command("/person", "set Anna Berg netherlands", "p2", user=ADMIN)
    assert "Anna Berg speaks for Netherlands" in texts(done["blocks"])
    assert service.store.get_claim(cid)["actor"] == "netherlands"
    assert service.store.audit_log()[-1]["who"] == f"slack:{ADMIN}"
    listed = await slack.command("/actors", "netherlands", "p3", user=USER)
    assert "Anna Berg (trade minister, Netherlands)" in texts(listed["blocks"])


async def test_slack_claims_show_the_speaker_with_title_and_country(slack, service):  # noqa: F811 - fixture
    _quoted_person(service)
    service.set_person("Anna Berg", "sweden", who="test")
    msg = await slack.command("/claims", "sweden", "p4")
    assert "Anna Berg (trade minister, Sweden)" in texts(msg["blocks"])


async def person_set(harness, member: dict) -> dict:  # noqa: ANN001 - the Discord test harness
    payload = harness.make.command("person", {"name": "Anna Berg", "country": "netherlands"}, member, sub="set")
    return (await harness.send(payload))[0]


async def test_discord_person_set_is_an_admin_subcommand(dc, service):  # noqa: F811 - fixture
    cid = _quoted_person(service)
    names = {c["name"]: c for c in dc.fake.synced[next(iter(dc.fake.synced))]}
    assert [o["name"] for o in names["person"]["options"]] == ["set"] and "actors" in names
    cb = await person_set(dc, dc.reader)
    assert cb["data"]["embeds"][0]["title"] == "Not allowed" and cb["data"]["flags"] & EPHEMERAL
    assert service.store.get_claim(cid)["actor"] == ""
    cb = await person_set(dc, dc.manager)
    assert cb["data"]["embeds"][0]["title"] == "Anna Berg speaks for Netherlands"
    assert service.store.get_claim(cid)["actor"] == "netherlands"
    cb = await dc.command("actors", query="netherlands")
    assert "Anna Berg (trade minister, Netherlands)" in field_text(cb["data"]["embeds"][0])
