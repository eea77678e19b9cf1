"""A local Slack Web API: answers the methods claimbot calls and records every call.

Also serves response_url endpoints (``/response/<id>``), which is where bolt's
``respond`` posts, and signs requests the way Slack does for the tests to send.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

from tests.fakes.recorder import Call, Recorder, start_site

TEAM = "T0CLAIMBOT"
BOT_USER = "U0BOTUSER"


class FakeSlackAPI:
    def __init__(self) -> None:
        self.recorder = Recorder()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self.fail: dict[str, str] = {}  # method -> error code to answer with
        self.socket: web.WebSocketResponse | None = None  # the Socket Mode connection, once open
        self.socket_acks = Recorder()  # what the app sends back over Socket Mode

    async def start(self) -> FakeSlackAPI:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner, self.url = await start_site(app)
        return self

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, rid: str) -> str:
        return f"{self.url}/response/{rid}"

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body: Any
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        await self.recorder.add(Call("POST", method, json=body, headers=dict(request.headers)))
        if method in self.fail:
            return web.json_response({"ok": False, "error": self.fail[method]})
        if method == "auth.test":
            return web.json_response({"ok": True, "url": "https://claimbot-test.slack.com/", "team": "Test",
                                      "user": "claimbot", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT"})
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"})
        if method == "views.open":
            return web.json_response({"ok": True, "view": {"id": "V0001", **(body.get("view") or {})}})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"})
        if method == "chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": f"{time.time():.6f}"})
        return web.json_response({"ok": True})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0CLAIMBOT"}})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self.socket_acks.add(Call("WS", "ack", json=json.loads(msg.data)))
        return ws

    async def push(self, envelope_id: str, kind: str, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        """Send a Socket Mode envelope and wait for the app's acknowledgement of it."""
        assert self.socket is not None
        await self.socket.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                     "accepts_response_payload": kind != "events_api", "retry_attempt": retry,
                                     "retry_reason": "timeout" if retry else ""})
        [ack] = await self.socket_acks.wait_for(lambda c: c.json.get("envelope_id") == envelope_id)
        return ack.json

    async def _response(self, request: web.Request) -> web.Response:
        await self.recorder.add(Call("POST", "response/" + request.match_info["rid"], json=await request.json(),
                                     headers=dict(request.headers)))
        return web.Response(text="ok")

    async def responses(self, rid: str, count: int = 1) -> list[dict[str, Any]]:
        calls = await self.recorder.wait_for(lambda c: c.path == f"response/{rid}", count)
        return [c.json for c in calls]

    async def api_calls(self, method: str, count: int = 1) -> list[dict[str, Any]]:
        calls = await self.recorder.wait_for(lambda c: c.path == method, count)
        return [c.json for c in calls]


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: v0 HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_body(command: str, text: str, *, user: str = "U0ALICE", channel: str = "C0NEWS",
               response_url: str, trigger_id: str = "13345224609.738474920.8088930838d88f008e0") -> str:
    return urlencode({"token": "legacy-unused", "team_id": TEAM, "team_domain": "test", "channel_id": channel,
                      "channel_name": "news", "user_id": user, "user_name": user.lower(), "command": command,
                      "text": text, "api_app_id": "A0CLAIMBOT", "response_url": response_url,
                      "trigger_id": trigger_id})


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
