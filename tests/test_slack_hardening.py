"""The Slack HTTP endpoint under abuse (the real bolt app on localhost, a local fake Slack API):
refused requests cost the log one short line, junk gets a 400 without a traceback, a signed
request is acted on once for as long as its timestamp is acceptable, in one process and
across processes sharing a PostgreSQL store.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.adapters.slack_app import CLOCK_SLACK, EVENTS_PATH, REPLAY_WINDOW, RefusalLog, ReplayGuard, SlackBot
from bot.commands import AdminPolicy, Commands
from bot.config import Secret, Settings
from tests.fakes.chat import commands_fixture, hold_ingest, service_fixture  # noqa: F401 - fixtures
from tests.fakes.slack_api import FakeSlackAPI, sign, slash_body

SECRET = "3b1f0c9e7d5a2b4c6e8f0a1b2c3d4e5f"
PRIVATE_USER = "U0PRIVATEUSER"
PRIVATE_WORDS = "the minister's unpublished remarks"


class Endpoint:
    def __init__(self, fake: FakeSlackAPI, bot: SlackBot, url: str, session: aiohttp.ClientSession) -> None:
        self.fake, self.bot, self.url, self.session = fake, bot, url, session

    async def post(self, body: bytes | str, headers: dict[str, str] | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> tuple[int, str]:
        data = body.encode() if isinstance(body, str) else body
        async with self.session.post(self.url, data=data, headers={"Content-Type": content_type,
                                                                   **(headers or {})}) as r:
            return r.status, await r.text()


async def _endpoint(commands: Commands, fake: FakeSlackAPI) -> tuple[SlackBot, str]:
    settings = Settings(slack_bot_token=Secret("xoxb-1111-2222-fakefakefake"), slack_signing_secret=Secret(SECRET),
                        slack_api_url=fake.api_url)
    bot = SlackBot(commands, settings)
    port = await bot.start_http("127.0.0.1", 0)
    return bot, f"http://127.0.0.1:{port}{EVENTS_PATH}"


@pytest.fixture
async def endpoint(commands):
    fake = await FakeSlackAPI().start()
    bot, url = await _endpoint(commands, fake)
    session = aiohttp.ClientSession()
    try:
        yield Endpoint(fake, bot, url, session)
    finally:
        await session.close()
        await bot.close()
        await fake.close()


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)


# -- finding 2: rejected requests and the log --------------------------------------------------

async def test_a_flood_of_unsigned_requests_costs_the_log_one_short_line(endpoint, caplog):
    big = slash_body("/stance", PRIVATE_WORDS + " " + "x" * 500_000, user=PRIVATE_USER,
                     response_url=endpoint.fake.response_url("flood"))
    forged = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "ab" * 32}
    with caplog.at_level(logging.DEBUG):
        for i in range(20):
            status, _ = await endpoint.post(big, headers=forged if i % 2 else None)
            assert status == 401
    refusals = [r for r in caplog.records if "refused" in r.getMessage().lower()]
    assert len(refusals) == 1
    assert refusals[0].getMessage() == "refused Slack requests: 1 unsigned or stale"
    text = _log_text(caplog)
    assert PRIVATE_USER not in text and "unpublished" not in text and "xxxxxxxx" not in text
    assert len(text) < 2_000  # 10 MB posted; the bolt body dump was ~1 MB a request
    assert not endpoint.fake.recorder.find(lambda c: c.path == "response/flood")
    # the ones held back are counted in the next line
    endpoint.bot.refusals.flush()
    assert caplog.records[-1].getMessage() == "refused Slack requests: 19 unsigned or stale"


@pytest.mark.parametrize("body, content_type, signed", [
    (b'{"type": "block_actions", "user": ', "application/json", False),
    (b"payload=%7B%22broken", "application/x-www-form-urlencoded", False),
    (b"payload=%7B%22broken", "application/x-www-form-urlencoded", True),
    (b"command=%2Fstance&text=\xff\xfe\xfa", "application/x-www-form-urlencoded", False),
    (b"[" * 100_000, "application/json", False),  # deeper than the JSON parser's recursion
], ids=["json", "payload", "payload-signed", "not-utf8", "deep"])
async def test_malformed_bodies_get_400_without_a_traceback(endpoint, caplog, body, content_type, signed):
    headers = sign(SECRET, body.decode("utf-8", "replace")) if signed else None
    with caplog.at_level(logging.DEBUG):
        status, text = await endpoint.post(body, headers=headers, content_type=content_type)
    assert status == 400 and text == "malformed request"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in _log_text(caplog)
    assert [r.getMessage() for r in caplog.records if "refused" in r.getMessage()] == \
        ["refused Slack requests: 1 malformed"]


async def test_a_timestamp_that_is_no_number_gets_401_without_a_traceback(endpoint, caplog):
    body = slash_body("/sources", "", response_url=endpoint.fake.response_url("ts"))
    with caplog.at_level(logging.DEBUG):
        status, _ = await endpoint.post(body, headers={"X-Slack-Request-Timestamp": "soon",
                                                       "X-Slack-Signature": "v0=00"})
    assert status == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_signed_requests_still_work_and_are_not_logged(endpoint, caplog):
    body = slash_body("/sources", "", user=PRIVATE_USER, response_url=endpoint.fake.response_url("ok"))
    with caplog.at_level(logging.DEBUG):
        status, _ = await endpoint.post(body, headers=sign(SECRET, body))
        assert status == 200
        [answer] = await endpoint.fake.responses("ok")
    assert answer["blocks"][0]["text"]["text"].startswith("Sources")
    assert PRIVATE_USER not in _log_text(caplog)


def test_the_refusal_log_writes_a_line_a_minute_with_counts():
    now = [0.0]
    logger = logging.getLogger("claimbot.test.refusals")
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    try:
        refusals = RefusalLog(logger, every=60, clock=lambda: now[0])
        for _ in range(1000):
            refusals.note("unsigned or stale")
            now[0] += 0.01  # 1000 requests in 10 s
        refusals.note("malformed")
        now[0] = 61
        refusals.note("malformed")
    finally:
        logger.removeHandler(handler)
    assert lines == ["refused Slack requests: 1 unsigned or stale",
                     "refused Slack requests: 2 malformed, 999 unsigned or stale"]


# -- finding 4: the replay guard ---------------------------------------------------------------

def test_a_request_stamped_ahead_stays_refused_until_its_timestamp_is_too_old():
    now = [1_000_000.0]
    guard = ReplayGuard(clock=lambda: now[0])
    ahead = str(int(now[0]) + 200)  # bolt accepts up to REPLAY_WINDOW either side of its clock
    assert guard.first_time(ahead, "v0=sig-ahead")
    assert not guard.first_time(ahead, "v0=sig-ahead")
    now[0] += REPLAY_WINDOW + 1  # 301 s after it arrived: bolt still takes its timestamp (101 s old)
    assert not guard.first_time(ahead, "v0=sig-ahead")
    now[0] = int(ahead) + REPLAY_WINDOW + CLOCK_SLACK + 1  # now too old for bolt: forgotten
    assert not guard.first_time(ahead, "v0=sig-ahead")  # and refused as too old all the same
    assert len(guard) == 0
    assert not guard.first_time("soon", "v0=x")  # no number: never taken


async def test_a_signed_request_stamped_ahead_is_acted_on_once(endpoint):
    body = slash_body("/sources", "", response_url=endpoint.fake.response_url("ahead"))
    headers = sign(SECRET, body, int(time.time()) + 200)
    assert (await endpoint.post(body, headers=headers))[0] == 200
    assert (await endpoint.post(body, headers=headers))[0] == 401
    await endpoint.fake.responses("ahead")
    marker = slash_body("/sources", "", response_url=endpoint.fake.response_url("marker"))
    assert (await endpoint.post(marker, headers=sign(SECRET, marker)))[0] == 200
    await endpoint.fake.responses("marker")
    assert len(endpoint.fake.recorder.find(lambda c: c.path == "response/ahead")) == 1


@pytest.mark.postgres
def test_postgres_records_each_signature_once_and_forgets_expired_ones(pg_url):
    from sqlalchemy import func, select

    from store.postgres import PostgresStore
    from store.postgres.tables import seen_requests

    stores = [PostgresStore(pg_url) for _ in range(2)]
    try:
        now = time.time()
        assert stores[0].first_request("v0=one", now + 360, now)
        assert not stores[1].first_request("v0=one", now + 360, now)
        assert stores[1].first_request("v0=two", now + 10, now)
        # eight threads on two stores race for one signature: one wins
        barrier = threading.Barrier(8)
        wins: list[bool] = []

        def race(i: int) -> None:
            barrier.wait()
            wins.append(stores[i % 2].first_request("v0=raced", now + 360, now))

        threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(wins) == [False] * 7 + [True]
        # later: "two" has expired and is deleted by the next call; "one" is kept
        assert stores[0].first_request("v0=three", now + 400, now + 60)
        with stores[0]._engine.connect() as conn:
            left = set(conn.execute(select(seen_requests.c.signature)).scalars())
            assert conn.execute(select(func.count()).select_from(seen_requests)).scalar() == 3
        assert left == {"v0=one", "v0=raced", "v0=three"}
    finally:
        for s in stores:
            s.close()


@pytest.mark.postgres
async def test_a_second_process_on_the_same_database_refuses_the_same_request(pg_url):
    from bot.service import Service
    from store.postgres import PostgresStore

    fake = await FakeSlackAPI().start()
    stores = [PostgresStore(pg_url), PostgresStore(pg_url)]
    bots: list[SlackBot] = []
    session = aiohttp.ClientSession()
    try:
        urls = []
        for store in stores:  # two bots, each with its own store, pool and in-process guard
            bot, url = await _endpoint(Commands(Service(store), AdminPolicy()), fake)
            bots.append(bot)
            urls.append(url)
        body = slash_body("/sources", "", response_url=fake.response_url("twice"))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        statuses = []
        for url in urls:
            async with session.post(url, data=body.encode(), headers=headers) as r:
                statuses.append(r.status)
        assert statuses == [200, 401]
        await fake.responses("twice")
        marker = slash_body("/sources", "", response_url=fake.response_url("marker"))
        async with session.post(urls[1], data=marker.encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         **sign(SECRET, marker)}) as r:
            assert r.status == 200
        await fake.responses("marker")
        assert len(fake.recorder.find(lambda c: c.path == "response/twice")) == 1
    finally:
        await session.close()
        for bot in bots:
            await bot.close()
        for store in stores:
            store.close()
        await fake.close()


def test_without_a_shared_store_the_guard_is_this_process_only(service):
    guard = ReplayGuard(shared=service.store)  # the in-memory store has no first_request
    assert guard.shared is None and guard.first_everywhere(str(int(time.time())), "v0=a")


def test_a_shared_store_that_fails_does_not_stop_answers(caplog):
    class Down:
        def first_request(self, signature: str, expires_at: float, now: float) -> bool:
            raise OSError("connection refused")

    guard = ReplayGuard(shared=Down())
    with caplog.at_level(logging.WARNING):
        assert guard.first_everywhere(str(int(time.time())), "v0=a")
    assert "could not be asked" in caplog.text



# -- finding 8: invisible characters in posts ----------------------------------------------------

SNEAKY = "Tokyo will \u202eetov\u202c not accept \u200bthe \u2066deal\u2069 \ufeff@every\u200cone"
INVISIBLES = ("\u202e", "\u202c", "\u200b\u200b\u200b", "\u2066", "\u2069", "\ufeff", "\u200c")


def _all_text(message: dict) -> str:
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


async def test_bidi_controls_and_zero_width_characters_reach_no_slack_post(endpoint, service):
    service.add_claim({"actor": "japan", "topic": "fisheries", "stance": "oppose", "statement": SNEAKY,
                       "speaker": "A \u202espokesman", "source_title": "Talks \u2067stall\u2069",
                       "date": "2025-04-01"}, who="test:setup")
    body = slash_body("/claims", "japan fisheries", response_url=endpoint.fake.response_url("bidi"))
    assert (await endpoint.post(body, headers=sign(SECRET, body)))[0] == 200
    [answer] = await endpoint.fake.responses("bidi")
    text = _all_text(answer)
    assert "not accept" in text and "etov" in text
    for ch in INVISIBLES:
        assert ch not in text
    # the shared copy (everyone's notification) is rendered the same way
    share = next(e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == "claimbot_share")
    payload = {"type": "block_actions", "user": {"id": "U0ALICE", "username": "alice"}, "team": {"id": "T0CLAIMBOT"},
               "api_app_id": "A0CLAIMBOT", "trigger_id": "t", "channel": {"id": "C0NEWS"},
               "container": {"type": "message", "is_ephemeral": True},
               "response_url": endpoint.fake.response_url("bidi-share"), "actions": [share]}
    form = urlencode({"payload": json.dumps(payload)})
    assert (await endpoint.post(form, headers=sign(SECRET, form)))[0] == 200
    [shared] = await endpoint.fake.responses("bidi-share")
    assert shared["response_type"] == "in_channel"
    for ch in INVISIBLES:
        assert ch not in _all_text(shared)


# -- finding 9: a long ingest does not hold up queries ---------------------------------------------

ARTICLE = ("Fiji and Samoa discuss fishing rights\n\nSUVA, April 2 - Fiji's fisheries minister said on Tuesday "
           "that Suva opposes the new tuna quota and wants talks with Samoa next month.")


async def test_a_stance_answer_is_not_held_up_by_a_running_ingest(endpoint, service, monkeypatch):
    running, release = hold_ingest(service, monkeypatch)
    ingest = slash_body("/ingest", f"published=2025-04-02 {ARTICLE}", user="U0ADMIN",
                        response_url=endpoint.fake.response_url("ingest"))
    try:
        assert (await endpoint.post(ingest, headers=sign(SECRET, ingest)))[0] == 200
        assert await asyncio.to_thread(running.wait, 10)  # the ingest holds its worker now
        stance = slash_body("/stance", "japan rare earths", response_url=endpoint.fake.response_url("stance"))
        assert (await endpoint.post(stance, headers=sign(SECRET, stance)))[0] == 200
        [answer] = await endpoint.fake.responses("stance")  # with one worker this waits for the release
        assert answer["blocks"][0]["text"]["text"] == "Japan opposes rare earths"
        assert not endpoint.fake.recorder.find(lambda c: c.path == "response/ingest")
    finally:
        release.set()
    [done] = await endpoint.fake.responses("ingest")
    assert done["blocks"][0]["text"]["text"] == "Ingested 1 article"


# -- finding 7: Slack's field limits ---------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ("add actor=japan topic=\"" + "rare earth export licences " * 110 + "\"",
     "Topic is 2,969 characters long; the form takes at most 200"),
    ("add actor=japan topic=\"rare earths\" speaker=\"" + "A spokesman " * 20 + "\"",
     "Speaker is 239 characters long; the form takes at most 120"),
])
async def test_a_form_slack_would_refuse_is_reported_to_the_admin(endpoint, service, line, message):
    before = service.store.dump()
    body = slash_body("/claim", line, user="U0ADMIN", response_url=endpoint.fake.response_url("form"),
                      trigger_id="trig-long")
    assert (await endpoint.post(body, headers=sign(SECRET, body)))[0] == 200
    [answer] = await endpoint.fake.responses("form")
    assert answer["blocks"][0]["text"]["text"] == "The form cannot open"
    assert message in answer["blocks"][1]["text"]["text"]
    assert not endpoint.fake.recorder.find(lambda c: c.path == "views.open")
    assert service.store.dump() == before


async def test_a_form_sent_back_blank_keeps_the_modal_open_on_the_field(endpoint, service):
    before = service.store.dump()
    body = slash_body("/claim", "add actor=japan topic=fisheries stance=oppose", user="U0ADMIN",
                      response_url=endpoint.fake.response_url("blank"), trigger_id="trig-blank")
    assert (await endpoint.post(body, headers=sign(SECRET, body)))[0] == 200
    [opened] = await endpoint.fake.api_calls("views.open")
    view = opened["view"]
    state = {b["block_id"]: {"value": {"type": "plain_text_input", "value": "   " if b["block_id"] == "statement"
                                       else b["element"].get("initial_value", "")}}
             for b in view["blocks"] if b["element"]["type"] == "plain_text_input"}
    # the actor and topic pickers come back with the option the form opened with
    state.update({b["block_id"]: {b["element"]["action_id"]: {"type": "external_select",
                                                             "selected_option": b["element"].get("initial_option")}}
                  for b in view["blocks"] if b["element"]["type"] == "external_select"})
    state["stance"] = {"value": {"type": "static_select", "selected_option": {"value": "oppose"}}}
    payload = {"type": "view_submission", "team": {"id": "T0CLAIMBOT"}, "user": {"id": "U0ADMIN"},
               "api_app_id": "A0CLAIMBOT", "trigger_id": "t", "view": {**view, "state": {"values": state}}}
    form = urlencode({"payload": json.dumps(payload)})
    status, text = await endpoint.post(form, headers=sign(SECRET, form))
    assert status == 200
    assert json.loads(text) == {"response_action": "errors", "errors": {"statement": "Fill this in."}}
    assert service.store.dump() == before
