"""A local Slack Web API: answers the methods claimbot calls and records every call.

Also serves response_url endpoints (``/response/<id>``), which is where bolt's
``respond`` posts, and signs requests the way Slack does for the tests to send.

Messages posted with chat.postMessage are kept per channel, with their message metadata
(``metadata``: ``event_type`` and ``event_payload``), and conversations.history reads them
back as Slack does: newest first, between ``oldest`` and ``latest`` (both exclusive unless
``inclusive``), ``limit`` at a time (default 100, at most 999), the next page by the opaque
``response_metadata.next_cursor`` while ``has_more``; metadata only with
``include_all_metadata``.
"""
from __future__ import annotations

import base64
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
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages posted there, oldest first
        self.user_channels: dict[str, list[str]] = {}  # user -> the channels users.conversations lists
        self._last_ts = 0.0

    async def start(self) -> FakeSlackAPI:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk reads conversations.history with GET
        app.router.add_route("*", "/as/{who}/api/{method}", self._api)  # ``api_url_for``: the same API
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

    def api_url_for(self, who: str) -> str:
        """The same Web API under a base URL of ``who``'s own, so a test can tell its callers
        apart (``request.match_info["who"]``)."""
        return f"{self.url}/as/{who}/api/"

    def response_url(self, rid: str) -> str:
        return f"{self.url}/response/{rid}"

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body: Any
        if request.method == "GET":
            body = dict(request.query)
        elif request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        await self.recorder.add(Call(request.method, method, json=body, query=dict(request.query),
                                     headers=dict(request.headers)))
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
            return web.json_response(self._post_message(body))
        if method == "conversations.history":
            return web.json_response(self._history(body))
        if method == "users.conversations":
            channels = self.user_channels.get(str(body.get("user") or ""), [])
            return web.json_response({"ok": True, "channels": [{"id": c, "is_member": True} for c in channels],
                                      "response_metadata": {"next_cursor": ""}})
        if method == "views.publish":
            view = body.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            return web.json_response({"ok": True, "view": {"id": "V0HOME", **(view or {})}})
        if method == "chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": f"{time.time():.6f}"})
        return web.json_response({"ok": True})

    def _ts(self) -> str:
        """A message timestamp: the time, unique in this workspace."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _post_message(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = str(body.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        metadata = body.get("metadata")
        if isinstance(metadata, str):  # a form-encoded call sends it as JSON text
            try:
                metadata = json.loads(metadata) if metadata else None
            except ValueError:
                return {"ok": False, "error": "invalid_metadata_format"}
        if metadata is not None and not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                                         and isinstance(metadata.get("event_payload"), dict)):
            return {"ok": False, "error": "invalid_metadata_format"}
        message: dict[str, Any] = {"type": "message", "user": BOT_USER, "bot_id": "B0BOT",
                                   "app_id": "A0CLAIMBOT", "team": TEAM, "text": str(body.get("text") or ""),
                                   "ts": self._ts()}
        blocks = body.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks) if blocks else None
        if blocks:
            message["blocks"] = blocks
        if metadata is not None:
            message["metadata"] = {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}
        self.messages.setdefault(channel, []).append(message)
        answer = {k: v for k, v in message.items() if k != "metadata"}  # Slack's answer leaves it out
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": answer}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}

        def flag(name: str) -> bool:
            return str(args.get(name) or "").lower() in ("1", "true")

        try:
            oldest = float(args.get("oldest") or 0)
            latest = float(args.get("latest") or 0) or float("inf")
            limit = int(args.get("limit") or 100)
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        limit = min(max(limit, 1), 999)
        inclusive = flag("inclusive")
        cursor = str(args.get("cursor") or "")
        if cursor:  # Slack's cursors read "next_ts:<ts>": the page goes on from that message, not after it
            try:
                latest = float(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
            except ValueError:
                return {"ok": False, "error": "invalid_cursor"}
            inclusive_latest = True
        else:
            inclusive_latest = inclusive

        def within(m: dict[str, Any]) -> bool:
            ts = float(m["ts"])
            above = ts >= oldest if inclusive else ts > oldest
            below = ts <= latest if inclusive_latest else ts < latest
            return above and below

        found = sorted((m for m in self.messages.get(channel, []) if within(m)), key=lambda m: float(m["ts"]),
                       reverse=True)
        page, rest = found[:limit], found[limit:]
        if not flag("include_all_metadata"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        answer: dict[str, Any] = {"ok": True, "messages": page, "has_more": bool(rest), "pin_count": 0,
                                  "channel_actions_ts": None, "channel_actions_count": 0}
        if rest:
            answer["response_metadata"] = {"next_cursor": base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode()}
        return answer

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


def event_body(event: dict[str, Any], event_id: str = "Ev0001") -> str:
    """An Events API request as Slack sends it over HTTP (JSON)."""
    return json.dumps({"token": "legacy-unused", "team_id": TEAM, "api_app_id": "A0CLAIMBOT", "event": event,
                       "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                       "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER,
                                           "is_bot": True}]})
