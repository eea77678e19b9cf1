"""Slack beyond slash commands (issue 18), through the real bolt app and the local fake API:
answers to a direct message and an @mention, the App Home, the actor/topic pickers, the
"Flag as wrong" button, and Share posting exactly what was shown."""
from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from bot.adapters.slack_app import EVENTS_PATH, SlackBot
from bot.config import Secret, Settings
from bot.render import slack as render
from tests.fakes.chat import claim_id, commands_fixture, hold_ingest, service_fixture  # noqa: F401 - fixtures
from tests.fakes.slack_api import TEAM, FakeSlackAPI, event_body, interaction_body, sign, slash_body

SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ADMIN, USER = "U0ADMIN", "U0ALICE"


class Harness:
    def __init__(self, fake: FakeSlackAPI, bot: SlackBot, url: str, session: aiohttp.ClientSession) -> None:
        self.fake, self.bot, self.url, self.session = fake, bot, url, session

    async def post(self, body: str, json_body: bool = False) -> tuple[int, str]:
        headers = {"Content-Type": "application/json" if json_body else "application/x-www-form-urlencoded"}
        headers.update(sign(SECRET, body))
        async with self.session.post(self.url, data=body.encode(), headers=headers) as r:
            return r.status, await r.text()

    async def command(self, command: str, text: str, rid: str, user: str = USER) -> dict:
        status, _ = await self.post(slash_body(command, text, user=user, response_url=self.fake.response_url(rid)))
        assert status == 200
        return (await self.fake.responses(rid))[0]

    async def event(self, event: dict, event_id: str) -> None:
        status, _ = await self.post(event_body(event, event_id), json_body=True)
        assert status == 200

    async def click(self, action: dict, rid: str | None, user: str = USER, container: dict | None = None,
                    **extra) -> None:
        payload = {"type": "block_actions", "user": {"id": user, "username": user.lower()}, "team": {"id": TEAM},
                   "api_app_id": "A0CLAIMBOT", "trigger_id": "trig-click", "channel": {"id": "C0NEWS"},
                   "container": container or {"type": "message", "is_ephemeral": True}, "actions": [action],
                   **extra}
        if rid is not None:
            payload["response_url"] = self.fake.response_url(rid)
        status, _ = await self.post(interaction_body(payload))
        assert status == 200


@pytest.fixture
async def slack(commands):
    fake = await FakeSlackAPI().start()
    settings = Settings(slack_bot_token=Secret("xoxb-1111-2222-fakefakefake"), slack_signing_secret=Secret(SECRET),
                        slack_api_url=fake.api_url)
    bot = SlackBot(commands, settings)
    port = await bot.start_http("127.0.0.1", 0)
    session = aiohttp.ClientSession()
    try:
        yield Harness(fake, bot, f"http://127.0.0.1:{port}{EVENTS_PATH}", session)
    finally:
        await session.close()
        await bot.close()
        await fake.close()


def texts(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out += [f["text"] for f in b.get("fields", [])]
        out += [e["text"] if isinstance(e.get("text"), str) else e["text"]["text"] for e in b.get("elements", [])]
        if "accessory" in b:
            out.append(b["accessory"]["text"]["text"])
    return "\n".join(out)


def action_ids(blocks: list[dict]) -> list[str]:
    found = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found + [b["accessory"]["action_id"] for b in blocks if "accessory" in b]


def accessory(blocks: list[dict], action_id: str) -> dict:
    return next(b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == action_id)


# -- direct messages and mentions -------------------------------------------------------------------

async def test_a_direct_message_in_plain_english_is_answered(slack):
    await slack.event({"type": "message", "channel_type": "im", "channel": "D0ALICE", "user": USER,
                       "text": "What does Japan think about rare earths?", "ts": "1714000000.000100"}, "Ev1")
    [post] = await slack.fake.api_calls("chat.postMessage")
    assert post["channel"] == "D0ALICE"
    blocks = json.loads(post["blocks"]) if isinstance(post["blocks"], str) else post["blocks"]
    assert blocks[0]["text"]["text"] == "Japan opposes rare earths"
    assert "Tokyo will not accept new curbs on rare earth exports" in texts(blocks)
    assert "Asked as /stance" in texts(blocks)
    assert render.ACTION_SHARE not in action_ids(blocks)  # a direct message has no channel to share to

    # the bot's own messages and edits are not questions; a marker shows nothing else was answered
    await slack.event({"type": "message", "channel_type": "im", "channel": "D0ALICE", "bot_id": "B0BOT",
                       "text": "Japan opposes rare earths", "ts": "1714000000.000200"}, "Ev2")
    await slack.event({"type": "message", "channel_type": "im", "channel": "D0ALICE", "user": USER,
                       "text": "tell me a joke", "ts": "1714000000.000300"}, "Ev3")
    posts = await slack.fake.api_calls("chat.postMessage", 2)
    blocks = json.loads(posts[1]["blocks"]) if isinstance(posts[1]["blocks"], str) else posts[1]["blocks"]
    assert blocks[0]["text"]["text"] == "Here is what I can answer"
    assert "What does Japan think about rare earths?" in texts(blocks)
    assert len(slack.fake.recorder.find(lambda c: c.path == "chat.postMessage")) == 2


async def test_an_at_mention_is_answered_in_its_thread(slack):
    await slack.event({"type": "app_mention", "channel": "C0NEWS", "user": USER,
                       "text": "<@U0BOTUSER> what's coming up with China?", "ts": "1714000001.000100"}, "Ev4")
    [post] = await slack.fake.api_calls("chat.postMessage")
    assert post["channel"] == "C0NEWS" and post["thread_ts"] == "1714000001.000100"
    blocks = json.loads(post["blocks"]) if isinstance(post["blocks"], str) else post["blocks"]
    assert blocks[0]["text"]["text"] == "Upcoming events with China (1)"
    assert "Japan-China economic dialogue" in texts(blocks)


async def test_an_ingest_sent_as_a_direct_message_does_not_hold_up_a_question(slack, service, monkeypatch):
    """An article pasted into a DM ("ingest published=... TEXT") is extracted on the slow
    worker, as /ingest is: a question asked meanwhile is answered at once."""
    running, release = hold_ingest(service, monkeypatch)
    article = ("Tuna talks\n\nSUVA - Fiji's fisheries minister said on Tuesday that Suva opposes the new tuna "
               "quota and wants talks next month.")
    try:
        await slack.event({"type": "message", "channel_type": "im", "channel": "D0ADMIN", "user": ADMIN,
                           "text": f"ingest published=2025-04-02 {article}", "ts": "1714000005.000100"}, "Ev20")
        assert await asyncio.to_thread(running.wait, 10)  # the ingest holds its worker now
        await slack.event({"type": "message", "channel_type": "im", "channel": "D0ADMIN", "user": ADMIN,
                           "text": "What does Japan think about rare earths?", "ts": "1714000005.000200"}, "Ev21")
        [post] = await slack.fake.api_calls("chat.postMessage")  # with one worker this waits for the release
        blocks = json.loads(post["blocks"]) if isinstance(post["blocks"], str) else post["blocks"]
        assert blocks[0]["text"]["text"] == "Japan opposes rare earths"
    finally:
        release.set()
    posts = await slack.fake.api_calls("chat.postMessage", 2)
    blocks = json.loads(posts[1]["blocks"]) if isinstance(posts[1]["blocks"], str) else posts[1]["blocks"]
    assert blocks[0]["text"]["text"] == "Ingested 1 article"


# -- App Home ------------------------------------------------------------------------------------

async def test_app_home_is_published_with_channel_reminders_next_events_and_most_asked(slack, service):
    slack.fake.user_channels[USER] = ["C0NEWS"]
    for channel in ("C0NEWS", "C0ELSEWHERE"):
        service.store.put_subscription({"id": f"sub-slack-{channel}", "platform": "slack", "channel": channel,
                                        "label": f"#{channel.lower()}", "leads": ["7d", "1d"], "kinds": ["summit"],
                                        "actors": [], "digest": ""})
    await slack.command("/stance", "china rare earths", "asked")  # what was asked comes first on the page
    await slack.event({"type": "app_home_opened", "user": USER, "channel": "D0ALICE", "tab": "home"}, "Ev5")
    [published] = await slack.fake.api_calls("views.publish")
    assert published["user_id"] == USER
    view = json.loads(published["view"]) if isinstance(published["view"], str) else published["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= render.HOME_BLOCKS
    body = texts(view["blocks"])
    assert "#c0news" in body and "#c0elsewhere" not in body  # only the reminders of the user's channels
    assert "Japan-China economic dialogue" in body
    home_buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    asked = home_buttons[0]
    assert asked["text"]["text"] == "China \u00b7 rare earths" and asked["action_id"] == render.ACTION_HOME_RUN

    # a button of the Home tab answers in the app's direct messages (the Home has no response_url)
    await slack.click(asked, None, container={"type": "view", "view_id": "V0HOME"})
    [post] = await slack.fake.api_calls("chat.postMessage")
    assert post["channel"] == USER
    blocks = json.loads(post["blocks"]) if isinstance(post["blocks"], str) else post["blocks"]
    assert blocks[0]["text"]["text"] == "China supports rare earths"

    # "Ask a question" opens a form with actor and topic pickers
    ask = next(b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id")
               == render.ACTION_HOME_ASK)
    await slack.click(ask, None, container={"type": "view", "view_id": "V0HOME"})
    [opened] = await slack.fake.api_calls("views.open")
    pickers = {b["block_id"]: b["element"] for b in opened["view"]["blocks"]}
    assert pickers["actor"]["type"] == "external_select" and pickers["topic"]["type"] == "external_select"


async def test_pickers_offer_actors_and_topics_as_the_user_types(slack):
    payload = {"type": "block_suggestion", "user": {"id": USER}, "team": {"id": TEAM}, "api_app_id": "A0CLAIMBOT",
               "action_id": render.PICK_PREFIX + "actor", "block_id": "actor", "value": "jap",
               "container": {"type": "view", "view_id": "V1"}, "view": {"id": "V1", "type": "modal"}}
    status, text = await slack.post(interaction_body(payload))
    assert status == 200
    options = json.loads(text)["options"]
    assert options[0]["value"] == "jap"  # what was typed can be used as it is
    assert {"text": {"type": "plain_text", "text": "Japan (1 claims)", "emoji": False}, "value": "japan"} in options
    typo = dict(payload, value="japna")
    options = json.loads((await slack.post(interaction_body(typo)))[1])["options"]
    assert "japan" in [o["value"] for o in options[1:3]] or "Japan" in [o["value"] for o in options[1:3]]
    topic = dict(payload, action_id=render.PICK_PREFIX + "topic", block_id="topic", value="rare")
    options = json.loads((await slack.post(interaction_body(topic)))[1])["options"]
    assert options[1]["value"] == "rare-earths"


# -- Flag as wrong, Share -----------------------------------------------------------------------

async def test_a_readers_flag_is_recorded_and_the_claim_is_unchanged(slack, service):
    cid = claim_id(service, "japan")
    before = service.store.get_claim(cid)
    msg = await slack.command("/stance", "japan rare earths", "seen")
    flag = accessory(msg["blocks"], render.ACTION_FLAG)
    assert flag["text"]["text"] == "Flag as wrong" and flag["value"] == cid
    assert f"id `{cid}`" not in texts(msg["blocks"])  # a reader is not shown record ids
    await slack.click(flag, "flagged")
    [answer] = await slack.fake.responses("flagged")
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["blocks"][0]["text"]["text"] == "Flagged as wrong"
    assert service.store.get_claim(cid) == before
    assert [(a["who"], a["target"]) for a in service.store.audit_log() if a["action"] == "claim.flag"] == [
        (f"slack:{USER}", cid)]
    queue = await slack.command("/claimbot", "review", "queue", user=ADMIN)
    assert queue["blocks"][0]["text"]["text"] == "Review queue (1 claim flagged)"


def without_controls(blocks: list[dict]) -> list[dict]:
    """A message's blocks less its page/share buttons and its "Shared by" note."""
    out = []
    for b in blocks:
        if b["type"] == "actions":
            continue
        if b["type"] == "context" and any("Shared by" in e.get("text", "") for e in b["elements"]):
            elements = [e for e in b["elements"] if "Shared by" not in e.get("text", "")]
            if not elements:
                continue
            b = dict(b, elements=elements)
        out.append(b)
    return out


async def test_share_posts_exactly_the_answer_that_was_shown(slack, service):
    seen = await slack.command("/stance", "japan rare earths", "seen")
    share = next(e for b in seen["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == render.ACTION_SHARE)
    # the store changes after the answer was shown: Share still posts what the user saw
    service.add_claim({"actor": "japan", "topic": "rare earths", "stance": "support", "date": "2025-04-30",
                       "statement": "Tokyo now welcomes a joint stockpile of rare earth oxides."}, who="test:setup")
    await slack.click(share, "shared")
    [posted] = await slack.fake.responses("shared")
    assert posted["response_type"] == "in_channel"
    assert without_controls(posted["blocks"]) == without_controls(seen["blocks"])
    assert posted["text"] == seen["text"]
    assert f"Shared by <@{USER}>" in texts(posted["blocks"])


async def test_share_from_another_process_posts_only_an_unchanged_answer(slack, service):
    seen = await slack.command("/stance", "china rare earths", "seen")
    share = next(e for b in seen["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == render.ACTION_SHARE)
    slack.bot.shown.clear()  # as in a process that did not show it: the answer is made again
    await slack.click(share, "same")
    [posted] = await slack.fake.responses("same")
    assert posted["response_type"] == "in_channel"
    assert without_controls(posted["blocks"]) == without_controls(seen["blocks"])

    service.add_claim({"actor": "china", "topic": "rare earths", "stance": "oppose", "date": "2025-04-29",
                       "statement": "Beijing will cap rare earth exports to three buyers."}, who="test:setup")
    slack.bot.shown.clear()
    await slack.click(share, "changed")
    [notice] = await slack.fake.responses("changed")
    assert notice["response_type"] == "ephemeral"
    assert "nothing was shared" in texts(notice["blocks"])
    assert not [c for c in slack.fake.recorder.calls if c.path == "response/changed"
                and c.json.get("response_type") == "in_channel"]


async def test_an_admins_record_ids_stay_out_of_the_shared_post(slack, service):
    cid = claim_id(service, "japan")
    seen = await slack.command("/claims", "japan", "mine", user=ADMIN)
    assert f"id `{cid}`" in texts(seen["blocks"])
    share = next(e for b in seen["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == render.ACTION_SHARE)
    await slack.click(share, "public", user=ADMIN)
    [posted] = await slack.fake.responses("public")
    assert cid not in texts(posted["blocks"])


async def test_an_event_row_expands_to_where_it_was_reported(slack):
    msg = await slack.command("/events", "", "ev")
    sources = accessory(msg["blocks"], render.ACTION_EVIDENCE)
    await slack.click(sources, "where")
    [answer] = await slack.fake.responses("where")
    assert answer["response_type"] == "ephemeral"
    assert "Japan-China economic dialogue" in answer["blocks"][0]["text"]["text"]
    assert "Where it was reported" in texts(answer["blocks"])


async def test_slack_refusals_name_slacks_own_admins(slack, service):
    msg = await slack.command("/claim", f"retract {claim_id(service, 'japan')} wrong", "no")
    assert msg["blocks"][0]["text"]["text"] == "Not allowed"
    assert "this bot's admins in this workspace" in texts(msg["blocks"]) and "Manage Server" not in texts(msg["blocks"])
