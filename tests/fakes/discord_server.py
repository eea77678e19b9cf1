"""A local Discord: the gateway (websocket) and the REST endpoints discord.py uses.

The real ``discord.Client`` logs in over REST (``/users/@me``,
``/oauth2/applications/@me``), syncs its commands and connects to the gateway: HELLO,
IDENTIFY -> READY, GUILD_CREATE, heartbeats ACKed.  discord.py 2.7's unsharded Client
dials ``DiscordWebSocket.DEFAULT_GATEWAY`` (tests point it at ``gateway_url``); the
sharded one asks ``/gateway/bot`` first, which is served too.
Tests then push INTERACTION_CREATE events and read the interaction callbacks and
webhook follow-ups the client sends back.

Sharding as Discord does it: every websocket is a session; IDENTIFY's ``shard: [id,
count]`` (none means ``[0, 1]``) picks the guilds the session is told about (READY,
GUILD_CREATE) and the events it receives: a guild's events go only to the session whose
shard is ``(guild_id >> 22) % count``, events outside a guild to shard 0.  A shard id
outside ``0..count-1`` is closed with 4010 (Invalid shard).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.recorder import Call, Recorder, start_site

APP_ID = "900000000000000001"
BOT_ID = APP_ID
GUILD_ID = "900000000000000100"  # on shard 1 of 2
CHANNEL_ID = "900000000000000200"
OTHER_GUILD_ID = "900000000004194404"  # on shard 0 of 2 (and 2 of 3, 0 of 4)
OTHER_CHANNEL_ID = "900000000004194600"
CHANNELS = {GUILD_ID: CHANNEL_ID, OTHER_GUILD_ID: OTHER_CHANNEL_ID}
ADMIN_ROLE_ID = "900000000000000300"
MANAGE_GUILD = 1 << 5
VIEW_AND_SEND = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use application commands

# Discord checks an enforced nonce "in the past few minutes"; the fake keeps it for two.
NONCE_WINDOW = 120.0

_ids = itertools.count(950000000000000000)


def snowflake() -> str:
    return str(next(_ids))


def user_payload(uid: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "username": name, "global_name": name, "discriminator": "0", "avatar": None, "bot": bot,
            "public_flags": 0}


def _jr(payload: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the content type is exactly this
    return web.Response(body=json.dumps(payload).encode(), status=status, headers={"Content-Type": "application/json"})


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (int(guild_id) >> 22) % shard_count


@dataclass(eq=False)
class Session:
    """One gateway connection: its shard and the events sent to it (name, interaction or guild id)."""

    ws: web.WebSocketResponse
    number: int
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    identified: bool = False
    events: list[tuple[str, str]] = field(default_factory=list)

    @property
    def shard_id(self) -> int:
        return self.shard[0]


class FakeDiscord:
    def __init__(self, guilds: tuple[str, ...] = (GUILD_ID,)) -> None:
        self.recorder = Recorder()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self.guild_ids = guilds  # the servers the bot is in
        self.sessions: list[Session] = []  # open gateway connections, identified or not
        self._session_numbers = itertools.count(1)
        self.identified = asyncio.Event()  # set by the first IDENTIFY
        self.identify: dict[str, Any] | None = None  # the latest IDENTIFY; all of them in identifies
        self.identifies: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}  # attachment name -> bytes, served under /attachments/
        self.synced: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.answers: dict[str, dict[str, Any]] = {}  # interaction id -> what the callback answered
        # enforce_nonce: (author, nonce) -> (the message made, when); a repeat within this
        # many seconds gets that message back and makes none
        self.nonces: dict[tuple[str, str], tuple[dict[str, Any], float]] = {}
        self.nonce_window = NONCE_WINDOW
        self.created: list[dict[str, Any]] = []  # the channel messages made, in order
        self.left: list[str] = []  # the servers the bot left, in order

    async def start(self) -> FakeDiscord:
        app = web.Application()
        r = app.router
        r.add_get("/gateway", self._gateway)
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._app_info)
        r.add_get("/api/v10/gateway/bot", self._gateway_bot)
        r.add_put("/api/v10/applications/{app}/commands", self._sync)
        r.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._sync)
        r.add_post("/api/v10/interactions/{iid}/{token}/callback", self._callback)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_patch("/api/v10/webhooks/{app}/{token}/messages/{mid}", self._edit)
        r.add_post("/api/v10/channels/{channel}/messages", self._channel_message)
        r.add_get("/attachments/{name}", self._attachment)
        r.add_delete("/api/v10/users/@me/guilds/{guild}", self._leave)
        self._runner, self.url = await start_site(app)
        return self

    async def close(self) -> None:
        for session in list(self.sessions):
            if not session.ws.closed:
                await session.ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return self.url + "/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    def point_client_here(self, monkeypatch: Any) -> None:
        """Make discord.py in this process call this fake: its REST base and its gateway
        (``monkeypatch``: pytest's fixture, which undoes both after the test)."""
        import discord
        import yarl

        monkeypatch.setattr(discord.http.Route, "BASE", self.api_base)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.gateway_url))

    # ---- REST
    async def _json(self, request: web.Request, payload: Any, status: int = 200) -> web.Response:
        body = None
        if request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else raw.decode(errors="replace")
        await self.recorder.add(Call(request.method, request.path, json=body, query=dict(request.query),
                                     headers=dict(request.headers)))
        return _jr(payload, status=status)

    async def _me(self, request: web.Request) -> web.Response:
        return await self._json(request, user_payload(BOT_ID, "claimbot", bot=True))

    async def _app_info(self, request: web.Request) -> web.Response:
        return await self._json(request, {
            "id": APP_ID, "name": "claimbot", "icon": None, "description": "", "rpc_origins": [],
            "bot_public": False, "bot_require_code_grant": False, "owner": user_payload("1", "owner"),
            "summary": "", "verify_key": "00", "team": None, "flags": 0, "interactions_endpoint_url": None})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return await self._json(request, {"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _sync(self, request: web.Request) -> web.Response:
        body = await request.json()
        key = request.match_info.get("guild", "global")
        self.synced[key] = [dict(c, id=snowflake(), application_id=APP_ID, version="1") for c in body]
        await self.recorder.add(Call("PUT", request.path, json=body))
        return _jr(self.synced[key])

    async def _leave(self, request: web.Request) -> web.Response:
        """The bot leaves a server: it is no longer in it, and its session hears GUILD_DELETE."""
        guild_id = request.match_info["guild"]
        await self.recorder.add(Call("DELETE", request.path))
        self.left.append(guild_id)
        self.guild_ids = tuple(g for g in self.guild_ids if g != guild_id)
        session = self.session_for(guild_id)
        if session is not None:
            await self._dispatch(session, "GUILD_DELETE", {"id": guild_id, "unavailable": False})
        return web.Response(status=204)

    async def join(self, guild_id: str) -> None:
        """Someone adds the bot to a server: GUILD_CREATE to the session of its shard, without
        the ``unavailable`` key (Discord sends ``unavailable: false`` only for a server that was
        known and comes back, which discord.py reports as available, not as joined)."""
        self.guild_ids = (*self.guild_ids, guild_id)
        data = {k: v for k, v in self.guild(guild_id).items() if k != "unavailable"}
        await self.dispatch("GUILD_CREATE", dict(data, guild_id=guild_id))

    def _message(self, body: dict[str, Any], mid: str | None = None) -> dict[str, Any]:
        return {"id": mid or snowflake(), "channel_id": CHANNEL_ID, "type": 0, "content": body.get("content") or "",
                "author": user_payload(BOT_ID, "claimbot", bot=True), "embeds": body.get("embeds") or [],
                "components": body.get("components") or [], "attachments": [], "mentions": [], "mention_roles": [],
                "mention_everyone": False, "pinned": False, "tts": False, "timestamp": _now(),
                "edited_timestamp": None, "flags": body.get("flags") or 0, "application_id": APP_ID}

    async def _callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        kind = body["type"]
        data = body.get("data") or {}
        response: dict[str, Any] = {"interaction": {
            "id": request.match_info["iid"], "type": 2, "response_message_id": snowflake(),
            "response_message_loading": kind == 5, "response_message_ephemeral": bool((data.get("flags") or 0) & 64)}}
        if kind in (4, 7):
            response["resource"] = {"type": kind, "message": self._message(data,
                                                                           response["interaction"]["response_message_id"])}
        self.answers[request.match_info["iid"]] = response
        await self.recorder.add(Call("POST", request.path, json=body, query=dict(request.query)))
        return _jr(response)

    async def _followup(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self.recorder.add(Call("POST", request.path, json=body, query=dict(request.query)))
        return _jr(self._message(body))

    async def _edit(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self.recorder.add(Call("PATCH", request.path, json=body))
        return _jr(self._message(body))

    async def _channel_message(self, request: web.Request) -> web.Response:
        """A bot message into a channel (reminders): recorded, answered as the message.

        As Discord: with ``enforce_nonce`` and a ``nonce`` (at most 25 characters), a
        message the same author made with the same nonce within the last few minutes is
        answered again and no new message is made."""
        body = await request.json()
        await self.recorder.add(Call("POST", request.path, json=body))
        nonce = body.get("nonce")
        if nonce is not None and len(str(nonce)) > 25:
            return _jr({"code": 50035, "message": "Invalid Form Body",
                        "errors": {"nonce": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                                          "message": "Must be 25 or fewer in length."}]}}}, 400)
        key = (BOT_ID, str(nonce))
        now = time.monotonic()
        if nonce is not None and body.get("enforce_nonce"):
            made = self.nonces.get(key)
            if made is not None and now - made[1] < self.nonce_window:
                return _jr(made[0])
        message = dict(self._message(body), channel_id=request.match_info["channel"])
        if nonce is not None:
            message["nonce"] = nonce
            self.nonces[key] = (message, now)
        self.created.append(message)
        return _jr(message)

    async def channel_messages(self, channel: str, count: int = 1) -> list[dict[str, Any]]:
        path = f"/api/v10/channels/{channel}/messages"
        calls = await self.recorder.wait_for(lambda c: c.method == "POST" and c.path == path, count)
        return [c.json for c in calls]

    async def _attachment(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="text/plain")

    # ---- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session = Session(ws, next(self._session_numbers))
        self.sessions.append(session)
        try:
            await ws.send_str(json.dumps({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": 41250}}))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11, "s": None, "t": None, "d": None}))
                elif op == 2:
                    await self._identify(session, payload["d"])
        finally:
            self.sessions.remove(session)
        return ws

    async def _identify(self, session: Session, identify: dict[str, Any]) -> None:
        shard_id, count = identify.get("shard") or (0, 1)
        if not 0 <= shard_id < count:
            await session.ws.close(code=4010, message=b"Invalid shard")
            return
        self.identify = identify
        self.identifies.append(identify)
        session.shard = (shard_id, count)
        guilds = [g for g in self.guild_ids if shard_of(g, count) == shard_id]
        await self._dispatch(session, "READY", {
            "v": 10, "user": user_payload(BOT_ID, "claimbot", bot=True), "session_id": f"fake-session-{session.number}",
            "resume_gateway_url": self.gateway_url, "guilds": [{"id": g, "unavailable": True} for g in guilds],
            "application": {"id": APP_ID, "flags": 0}, "shard": [shard_id, count]})
        for g in guilds:
            await self._dispatch(session, "GUILD_CREATE", self.guild(g))
        session.identified = True
        self.identified.set()

    async def _dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        session.events.append((event, str(data.get("id") or "")))
        await session.ws.send_str(json.dumps({"op": 0, "s": session.seq, "t": event, "d": data}))

    def session_for(self, guild_id: str | None) -> Session | None:
        """The identified session Discord would send this guild's events to (shard 0 without a guild)."""
        for session in self.sessions:
            shard_id, count = session.shard
            if session.identified and not session.ws.closed and \
                    shard_id == (shard_of(guild_id, count) if guild_id else 0):
                return session
        return None

    async def dispatch(self, event: str, data: dict[str, Any], timeout: float = 10) -> Session:
        """Send an event to the session holding its guild's shard (waiting for it to identify)."""
        await asyncio.wait_for(self.identified.wait(), timeout)
        guild_id = data.get("guild_id")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (session := self.session_for(guild_id)) is None:
            assert loop.time() < deadline, f"no gateway session holds the shard of guild {guild_id}"
            await asyncio.sleep(0.01)
        await self._dispatch(session, event, data)
        return session

    def guild(self, guild_id: str = GUILD_ID) -> dict[str, Any]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0, "icon": None,
                "unicode_emoji": None}
        channel_id = CHANNELS.get(guild_id) or str(int(guild_id) + 100)
        return {
            "id": guild_id, "name": "Policy desk" if guild_id == GUILD_ID else f"Desk {guild_id}", "icon": None,
            "splash": None, "discovery_splash": None,
            "owner_id": "1", "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "features": [], "mfa_level": 0,
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None, "vanity_url_code": None,
            "description": None, "banner": None, "premium_tier": 0, "preferred_locale": "en-US",
            "public_updates_channel_id": None, "nsfw_level": 0, "premium_progress_bar_enabled": False,
            "joined_at": _now(), "large": False, "unavailable": False, "member_count": 3, "voice_states": [],
            "members": [], "presences": [], "threads": [], "stage_instances": [], "guild_scheduled_events": [],
            "emojis": [], "stickers": [],
            "roles": [dict(role, id=guild_id, name="@everyone", permissions=str(VIEW_AND_SEND), position=0),
                      dict(role, id=ADMIN_ROLE_ID, name="desk editors", permissions=str(VIEW_AND_SEND), position=1)],
            "channels": [{"id": channel_id, "type": 0, "name": "news", "position": 0, "permission_overwrites": [],
                          "nsfw": False, "parent_id": None, "topic": None, "last_message_id": None,
                          "rate_limit_per_user": 0}],
        }

    # ---- reading what the client sent
    async def callbacks(self, interaction_id: str, count: int = 1) -> list[dict[str, Any]]:
        prefix = f"/api/v10/interactions/{interaction_id}/"
        calls = await self.recorder.wait_for(lambda c: c.path.startswith(prefix), count)
        return [c.json for c in calls]

    async def followups(self, token: str, count: int = 1) -> list[dict[str, Any]]:
        path = f"/api/v10/webhooks/{APP_ID}/{token}"
        calls = await self.recorder.wait_for(lambda c: c.method == "POST" and c.path == path, count)
        return [c.json for c in calls]


class Interactions:
    """Builds INTERACTION_CREATE payloads as Discord sends them."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def member(self, uid: str, name: str, permissions: int = VIEW_AND_SEND, roles: tuple[str, ...] = ()) -> dict:
        return {"user": user_payload(uid, name), "roles": list(roles), "permissions": str(permissions),
                "joined_at": _now(), "deaf": False, "mute": False, "flags": 0, "nick": None, "avatar": None,
                "premium_since": None, "pending": False}

    def base(self, kind: int, data: dict[str, Any], member: dict[str, Any], guild_id: str = GUILD_ID,
             **extra: Any) -> dict[str, Any]:
        channel_id = CHANNELS.get(guild_id) or str(int(guild_id) + 100)
        return {"id": snowflake(), "application_id": APP_ID, "type": kind, "token": "tok-" + snowflake(),
                "version": 1, "guild_id": guild_id, "channel_id": channel_id,
                "channel": {"id": channel_id, "type": 0, "guild_id": guild_id, "name": "news", "position": 0,
                            "permission_overwrites": [], "nsfw": False, "parent_id": None},
                "member": member, "app_permissions": str(VIEW_AND_SEND), "locale": "en-US", "guild_locale": "en-US",
                "entitlements": [], "authorizing_integration_owners": {"0": guild_id}, "context": 0,
                "attachment_size_limit": 8 * 1024 * 1024, "data": data, **extra}

    def _command_id(self, name: str) -> str:
        for cmds in self.fake.synced.values():
            for c in cmds:
                if c["name"] == name:
                    return c["id"]
        return snowflake()

    def command(self, name: str, options: dict[str, Any], member: dict[str, Any], sub: str | None = None,
                focused: str | None = None, resolved: dict[str, Any] | None = None,
                guild_id: str = GUILD_ID) -> dict[str, Any]:
        def opt(k: str, v: Any) -> dict[str, Any]:
            o: dict[str, Any] = {"name": k, "type": 11 if k == "file" else 3, "value": v}
            if k == focused:
                o["focused"] = True
            return o
        opts = [opt(k, v) for k, v in options.items()]
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data: dict[str, Any] = {"id": self._command_id(name), "name": name, "type": 1, "options": opts,
                                "guild_id": guild_id}
        if resolved:
            data["resolved"] = resolved
        return self.base(4 if focused else 2, data, member, guild_id=guild_id)

    def modal_submit(self, custom_id: str, values: dict[str, str], member: dict[str, Any]) -> dict[str, Any]:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        return self.base(5, {"custom_id": custom_id, "components": rows}, member)

    def button(self, custom_id: str, message_id: str, member: dict[str, Any]) -> dict[str, Any]:
        message = self.fake._message({}, message_id)
        message["flags"] = 64
        return self.base(3, {"custom_id": custom_id, "component_type": 2}, member, message=message)
