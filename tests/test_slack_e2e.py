"""The real bolt AsyncApp in HTTP mode on localhost, talking to a local fake Slack API.

Requests are signed as Slack signs them; answers are read where Slack would receive
them: the response_url posts and the Web API calls recorded by the fake.
"""
from __future__ import annotations

import json
import time

import aiohttp
import pytest

from bot.adapters.slack_app import EVENTS_PATH, SlackBot
from bot.config import Secret, Settings
from bot.render import slack as render
from tests.fakes.chat import claim_id, commands_fixture, service_fixture  # noqa: F401 - fixtures
from tests.fakes.slack_api import FakeSlackAPI, interaction_body, sign, slash_body

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ADMIN, USER = "U0ADMIN", "U0ALICE"


@pytest.fixture
async def slack(commands):
    fake = await FakeSlackAPI().start()
    settings = Settings(slack_bot_token=Secret("xoxb-1111-2222-fakefakefake"), slack_signing_secret=Secret(SECRET),
                        slack_api_url=fake.api_url)
    bot = SlackBot(commands, settings)
    port = await bot.start_http("127.0.0.1", 0)
    session = aiohttp.ClientSession()
    harness = Harness(fake, f"http://127.0.0.1:{port}{EVENTS_PATH}", session)
    try:
        yield harness
    finally:
        await session.close()
        await bot.close()
        await fake.close()


class Harness:
    def __init__(self, fake: FakeSlackAPI, url: str, session: aiohttp.ClientSession) -> None:
        self.fake, self.url, self.session = fake, url, session

    async def post(self, body: str, headers: dict[str, str] | None = None, signed: bool = True,
                   timestamp: int | None = None) -> tuple[int, str]:
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if signed:
            h.update(sign(SECRET, body, timestamp))
        h.update(headers or {})
        async with self.session.post(self.url, data=body.encode(), headers=h) as r:
            return r.status, await r.text()

    async def command(self, command: str, text: str, rid: str, user: str = USER, **kw: str) -> dict:
        status, _ = await self.post(slash_body(command, text, user=user, response_url=self.fake.response_url(rid)),
                                    **kw)
        assert status == 200
        return (await self.fake.responses(rid))[0]


def texts(blocks: list[dict]) -> str:
    """Every text in a list of blocks, joined, for assertions."""
    out = []
    for b in blocks:
        for key in ("text",):
            if isinstance(b.get(key), dict):
                out.append(b[key]["text"])
        out += [f["text"] for f in b.get("fields", [])]
        out += [e["text"] if isinstance(e.get("text"), str) else e["text"]["text"] for e in b.get("elements", [])]
    return "\n".join(out)


def buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


async def test_stance_answer_is_ephemeral_block_kit_with_share_button(slack):
    msg = await slack.command("/stance", "japan rare earths", "r1")
    assert msg["response_type"] == "ephemeral"
    blocks = msg["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Japan opposes rare earths",
                                                    "emoji": False}}
    body = texts(blocks)
    assert "Tokyo will not accept new curbs on rare earth exports" in body
    assert "Trade minister Aiko Tanabe" in body
    assert "<https://news.example/minerals|source>" in body
    share = buttons(blocks)[render.ACTION_SHARE]
    value = json.loads(share["value"])
    assert {k: value[k] for k in "cap"} == {"c": "stance", "a": {"actor": "japan", "topic": "rare earths"}, "p": 0}
    assert len(value["h"]) == 20  # the digest of the post Share makes: it posts only what was seen
    assert len(blocks) <= render.MAX_BLOCKS
    # bolt checked the token with auth.test against the fake, not against slack.com
    assert slack.fake.recorder.find(lambda c: c.path == "auth.test")


async def test_unknown_actor_gets_the_service_message(slack):
    msg = await slack.command("/stance", "atlantis fishing quotas", "r2")
    assert "I don't know the actor 'atlantis'" in texts(msg["blocks"]).replace("\u200b", "")


async def test_unsigned_stale_and_replayed_requests_get_401(slack):
    body = slash_body("/stance", "japan rare earths", response_url=slack.fake.response_url("bad"))
    assert (await slack.post(body, signed=False))[0] == 401
    assert (await slack.post(body, headers={"X-Slack-Signature": "v0=" + "0" * 64,
                                            "X-Slack-Request-Timestamp": str(int(time.time()))}, signed=False))[0] == 401
    assert (await slack.post(body, timestamp=int(time.time()) - 10 * 60))[0] == 401
    good = slash_body("/stance", "china rare earths", response_url=slack.fake.response_url("once"))
    headers = sign(SECRET, good)
    assert (await slack.post(good, headers=headers, signed=False))[0] == 200
    assert (await slack.post(good, headers=headers, signed=False))[0] == 401  # the same request again
    await slack.fake.responses("once")
    # a marker request that is answered after all of the above: by then a wrongly
    # accepted request would have been answered too
    await slack.command("/sources", "", "marker")
    assert not slack.fake.recorder.find(lambda c: c.path == "response/bad")
    assert len(slack.fake.recorder.find(lambda c: c.path == "response/once")) == 1


async def test_a_retried_admin_command_is_acted_on_once(slack, service):
    cid = claim_id(service, "china")
    body = slash_body("/claim", f"retract {cid} the quote was misattributed", user=ADMIN,
                      response_url=slack.fake.response_url("retract"))
    assert (await slack.post(body))[0] == 200
    status, _ = await slack.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    first = (await slack.fake.responses("retract"))[0]
    assert "retracted" in first["blocks"][0]["text"]["text"]
    await slack.command("/sources", "", "marker")
    assert len(slack.fake.recorder.find(lambda c: c.path == "response/retract")) == 1
    assert [a["who"] for a in service.store.audit_log() if a["action"] == "claim.retract"] == [f"slack:{ADMIN}"]


async def test_event_merge_and_title_fix_from_slack_are_audited(slack, service):
    keep = service.add_event({"title": "Nordic fisheries talks", "kind": "negotiation", "start": "2025-09-09",
                              "participants": "norway, iceland"}, who="test:setup")["id"]
    other = service.add_event({"title": "Iceland's talks with Norway", "kind": "negotiation",
                               "start": "2025-09-09", "participants": "iceland, norway"}, who="test:setup")["id"]
    refused = await slack.command("/event", f"merge {keep} {other}", "merge-refused", user=USER)
    assert refused["blocks"][0]["text"]["text"] == "Not allowed"
    assert service.store.get_event(other)["status"] == "scheduled"

    msg = await slack.command("/event", f"merge {keep} {other}", "merge", user=ADMIN)
    assert f"Event {keep} kept, {other} merged into it" in msg["blocks"][0]["text"]["text"]
    assert service.store.get_event(other)["merged_into"] == keep
    fixed = await slack.command("/claimbot", f'event edit {keep} title="Norway\u2013Iceland fisheries talks"',
                                "title", user=ADMIN)
    assert f"Event {keep} updated" in fixed["blocks"][0]["text"]["text"]
    assert service.store.get_event(keep)["title"] == "Norway\u2013Iceland fisheries talks"
    actions = [(a["action"], a["target"]) for a in service.store.audit_log() if a["who"] == f"slack:{ADMIN}"]
    assert ("event.merge", keep) in actions and ("event.merge", other) in actions and ("event.edit", keep) in actions

    usage = await slack.command("/event", f"merge {keep}", "merge-usage", user=ADMIN)
    assert "KEEP OTHER" in texts(usage["blocks"])


async def test_non_admin_is_refused_and_nothing_changes(slack, service):
    cid = claim_id(service, "japan")
    before = service.store.get_claim(cid)
    msg = await slack.command("/claim", f"retract {cid} I disagree", "refused", user=USER)
    assert msg["blocks"][0]["text"]["text"] == "Not allowed"
    assert "for admins" in texts(msg["blocks"])
    assert service.store.get_claim(cid) == before
    assert not [a for a in service.store.audit_log() if a["who"] == f"slack:{USER}"]


async def test_claim_add_without_arguments_opens_a_modal_and_its_submission_adds_the_claim(slack, service):
    status, _ = await slack.post(slash_body("/claim", "add", user=ADMIN, response_url=slack.fake.response_url("form"),
                                            trigger_id="trig-1"))
    assert status == 200
    opened = (await slack.fake.api_calls("views.open"))[0]
    assert opened["trigger_id"] == "trig-1"
    view = opened["view"]
    assert view["type"] == "modal" and view["callback_id"] == render.FORM_CALLBACK
    assert [b["block_id"] for b in view["blocks"]] == ["actor", "topic", "stance", "statement", "speaker",
                                                       "source_title", "source_url", "date"]
    assert view["blocks"][2]["element"]["type"] == "static_select"

    def submission(values: dict[str, str]) -> dict:
        state = {name: {"value": ({"type": "static_select", "selected_option": {"value": v}} if name == "stance"
                                  else {"type": "plain_text_input", "value": v})} for name, v in values.items()}
        return {"type": "view_submission", "team": {"id": "T0CLAIMBOT"}, "user": {"id": ADMIN, "username": "admin"},
                "api_app_id": "A0CLAIMBOT", "trigger_id": "trig-2",
                "view": {**view, "id": "V0001", "state": {"values": state}}}

    bad = {"actor": "atlantis", "topic": "fishing", "stance": "oppose", "statement": "No more quotas."}
    status, text = await slack.post(interaction_body(submission(bad)))
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "errors" and "atlantis" in answer["errors"]["actor"]
    assert not service.store.claims(actor="south-korea")

    good = {"actor": "south korea", "topic": "semiconductor export controls", "stance": "oppose",
            "statement": "Seoul will ask for an exemption for its memory chip makers.", "speaker": "A deputy minister",
            "date": "2025-04-20"}
    status, text = await slack.post(interaction_body(submission(good)))
    assert status == 200 and text == ""
    done = (await slack.fake.responses("form"))[0]
    assert done["blocks"][0]["text"]["text"] == "Claim added"
    [claim] = service.store.claims(actor="south-korea")
    assert claim["quote"] == good["statement"] and claim["stance"] == "oppose"
    audit = [a for a in service.store.audit_log() if a["target"] == claim["id"]]
    assert audit and audit[0]["who"] == f"slack:{ADMIN}" and audit[0]["action"] == "claim.add"


async def test_long_answers_are_paged_with_buttons(slack, service):
    for i in range(25):
        service.add_claim({"actor": "eu", "topic": "steel tariffs", "stance": "oppose" if i % 2 else "support",
                           "statement": f"Brussels statement number {i} on steel safeguard quotas.",
                           "date": f"2025-02-{i + 1:02d}"}, who="test:setup")
    first = await slack.command("/claims", "eu", "p1")
    assert len(first["blocks"]) <= render.MAX_BLOCKS
    assert "Page 1 of 3" in texts(first["blocks"])
    nxt = buttons(first["blocks"])[render.ACTION_NEXT]
    assert render.ACTION_PREV not in buttons(first["blocks"])

    payload = {"type": "block_actions", "user": {"id": USER, "username": "alice"}, "team": {"id": "T0CLAIMBOT"},
               "api_app_id": "A0CLAIMBOT", "trigger_id": "t", "channel": {"id": "C0NEWS"},
               "container": {"type": "message", "is_ephemeral": True},
               "response_url": slack.fake.response_url("p2"), "actions": [nxt]}
    assert (await slack.post(interaction_body(payload)))[0] == 200
    second = (await slack.fake.responses("p2"))[0]
    assert second["replace_original"] is True
    assert "Page 2 of 3" in texts(second["blocks"])
    assert set(buttons(second["blocks"])) == {render.ACTION_PREV, render.ACTION_NEXT, render.ACTION_SHARE}
    first_rows = {b["text"]["text"] for b in first["blocks"] if b["type"] == "section" and "accessory" in b}
    second_rows = {b["text"]["text"] for b in second["blocks"] if b["type"] == "section" and "accessory" in b}
    assert len(first_rows) == 10 and len(second_rows) == 10 and not first_rows & second_rows

    share = dict(payload, response_url=slack.fake.response_url("share"),
                 actions=[buttons(second["blocks"])[render.ACTION_SHARE]])
    assert (await slack.post(interaction_body(share)))[0] == 200
    shared = (await slack.fake.responses("share"))[0]
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert f"Shared by <@{USER}>" in texts(shared["blocks"])
    assert "Page 2 of 3" in texts(shared["blocks"])
    assert not buttons(shared["blocks"])


async def test_user_text_cannot_ping_or_break_formatting(slack, service):
    service.add_claim({"actor": "japan", "topic": "fisheries", "stance": "oppose",
                       "statement": "<!everyone> look *here* <@U0BOSS> and <#C0SECRET> @channel",
                       "date": "2025-04-01"}, who="test:setup")
    msg = await slack.command("/claims", "japan fisheries", "esc")
    body = texts(msg["blocks"])
    assert "&lt;!everyone&gt;" in body and "<!everyone>" not in body
    assert "<@U0BOSS>" not in body and "<#C0SECRET>" not in body
    assert "@channel" not in body and "@\u200bchannel" in body
    assert "*here*" not in body


def test_manifest_declares_the_commands_the_app_listens_to():
    import re
    from pathlib import Path

    from bot.adapters.slack_app import SLASH_COMMANDS

    text = (Path(__file__).resolve().parents[1] / "deploy" / "slack-app-manifest.yaml").read_text()
    assert tuple(re.findall(r"- command: (/[\w-]+)", text)) == SLASH_COMMANDS
    urls = re.findall(r"(?:url|request_url): (\S+)", text)
    assert urls and all(u.endswith(EVENTS_PATH) for u in urls)
    assert re.search(r"bot:\n\s+- commands\b", text)


async def test_socket_mode_receives_a_command_and_acknowledges_it(commands):
    from urllib.parse import parse_qsl

    fake = await FakeSlackAPI().start()
    settings = Settings(slack_bot_token=Secret("xoxb-1111-2222-fakefakefake"),
                        slack_app_token=Secret("xapp-1-A0CLAIMBOT-fakefake"), slack_api_url=fake.api_url)
    bot = SlackBot(commands, settings)
    try:
        await bot.start()
        [call] = await fake.recorder.wait_for(lambda c: c.path == "apps.connections.open")
        assert call.headers["Authorization"] == "Bearer xapp-1-A0CLAIMBOT-fakefake"
        payload = dict(parse_qsl(slash_body("/stance", "china rare earths", response_url=fake.response_url("sock"))))
        ack = await fake.push("env-1", "slash_commands", payload)
        assert ack["envelope_id"] == "env-1"
        msg = (await fake.responses("sock"))[0]
        assert msg["blocks"][0]["text"]["text"] == "China supports rare earths"
        # Slack re-sends an envelope it thinks was lost: acknowledged, not answered again
        assert (await fake.push("env-1", "slash_commands", payload, retry=1))["envelope_id"] == "env-1"
        marker = dict(payload, text="japan rare earths", response_url=fake.response_url("marker"))
        await fake.push("env-2", "slash_commands", marker)
        await fake.responses("marker")
        assert len(fake.recorder.find(lambda c: c.path == "response/sock")) == 1
    finally:
        await bot.close()
        await fake.close()


async def test_a_form_that_slack_cannot_open_is_explained(slack):
    slack.fake.fail["views.open"] = "expired_trigger_id"
    msg = await slack.command("/claim", "add actor=japan", "late", user=ADMIN)
    assert msg["blocks"][0]["text"]["text"] == "The form did not open"
    opened = (await slack.fake.api_calls("views.open"))[0]["view"]
    actor = next(b for b in opened["blocks"] if b["block_id"] == "actor")
    assert actor["element"]["initial_option"]["value"] == "japan"  # what was typed is kept in the form
