"""Slack adapter: slack-bolt's AsyncApp, in HTTP mode (aiohttp) or Socket Mode.

Translation only.  A slash command becomes a text line for ``Commands.run_line``; a
page or share button re-runs the read command its value names; a modal submission
becomes ``Commands.invoke``.  Every answer goes back through ``respond`` (the
request's response_url), ephemeral unless shared.  Bolt verifies the signing secret and
timestamp (401 otherwise); two middlewares below refuse exact replays and ignore
Slack's retries, so nothing is acted on twice.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import time
from collections import OrderedDict
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters import off_loop
from bot.commands import STANCE_FORM, Commands
from bot.config import Settings
from bot.home import Asked, home
from bot.intent import answer
from bot.render import slack as render
from bot.reply import Caller, Form, Reply

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# The slash commands the manifest declares; help and remind go through /claimbot because
# Slack keeps /help and /remind for itself.
SLASH_COMMANDS = ("/stance", "/claims", "/events", "/sources", "/claim", "/event", "/ingest", "/claimbot")
SHOWN_KEPT = 2000  # answers whose shared post is remembered (a response_url lives 30 minutes)
REPLAY_WINDOW = 60 * 5  # bolt refuses older timestamps, so older signatures need no memory


class ReplayGuard:
    """Remembers (timestamp, signature) pairs already accepted within the replay window."""

    def __init__(self, window: int = REPLAY_WINDOW, clock: Any = time.time) -> None:
        self.window = window
        self.clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def first_time(self, timestamp: str, signature: str) -> bool:
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) < now - self.window:
            self._seen.popitem(last=False)
        key = (timestamp, signature)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


def _header(req: AsyncBoltRequest, name: str) -> str:
    values = req.headers.get(name) or []
    return values[0] if values else ""


class SlackBot:
    def __init__(self, commands: Commands, settings: Settings) -> None:
        self.commands = commands
        self.settings = settings
        self.client = AsyncWebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url)
        self.replays = ReplayGuard()
        self.app = AsyncApp(client=self.client, signing_secret=settings.slack_signing_secret.reveal() or None,
                            process_before_response=False, logger=logging.getLogger("claimbot.slack.bolt"))
        # bolt runs its own middleware first (signature and timestamp check, auth.test),
        # so these see only requests that really come from Slack
        self.app.use(self._skip_retries)
        self.app.use(self._refuse_replays)
        for name in SLASH_COMMANDS:
            self.app.command(name)(self._on_command)
        self.app.action(render.ACTION_PREV)(self._on_page)
        self.app.action(render.ACTION_NEXT)(self._on_page)
        self.app.action(render.ACTION_SHARE)(self._on_share)
        self.app.action(render.ACTION_FLAG)(self._on_item)
        self.app.action(render.ACTION_EVIDENCE)(self._on_item)
        self.app.action(render.ACTION_HOME_RUN)(self._on_home_run)
        self.app.action(render.ACTION_HOME_ASK)(self._on_home_ask)
        self.app.options(re.compile("^" + re.escape(render.PICK_PREFIX)))(self._on_options)
        self.app.view(render.FORM_CALLBACK)(self._on_form)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.asked = Asked()  # what is asked most, for the App Home
        commands.observers.append(self.asked)
        # the posts a user was shown with a Share button, by digest: Share posts exactly that
        self.shown: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._runner: web.AppRunner | None = None
        self._socket: Any = None
        self.started = asyncio.Event()  # set once it serves (HTTP) or is connected (Socket Mode)

    # ---- middleware
    async def _skip_retries(self, req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse | None:
        # Socket Mode reports every envelope's retry_attempt here, "0" on the first try
        retry = _header(req, "x-slack-retry-num")
        if retry and retry != "0":
            log.info("ignored a Slack retry (%s)", _header(req, "x-slack-retry-reason") or "no reason given")
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        await next()
        return None

    async def _refuse_replays(self, req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse | None:
        ts, sig = _header(req, "x-slack-request-timestamp"), _header(req, "x-slack-signature")
        if ts and sig and not self.replays.first_time(ts, sig):
            log.warning("refused a replayed Slack request")
            return BoltResponse(status=401, body="")
        await next()
        return None

    # ---- listeners
    async def _on_command(self, ack: Any, command: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        line = f"{command['command']} {command.get('text', '')}"
        spec = self.commands.spec_of_line(line)
        if spec is not None and spec.slow:
            await ack(text="Working on it\u2026", response_type="ephemeral")
        else:
            await ack()
        caller = Caller("slack", command["user_id"], command.get("user_name", ""), channel_id=command.get("channel_id", ""),
                        space=command.get("team_id", ""))
        reply = await off_loop(self.commands.run_line, caller, line)
        if reply.form is not None:
            view = render.modal(reply.form, {"channel": caller.channel_id, "response_url": command.get("response_url", ""),
                                             "values": reply.form.values})
            try:
                await client.views_open(trigger_id=command["trigger_id"], view=view)
                return
            except SlackApiError as e:
                log.warning("views.open failed: %s", e.response.get("error"))
                reply = Reply("The form did not open", kind="error",
                              text="Slack did not open the form in time. Run the command again.")
        await respond(**self._show(reply, caller), response_type="ephemeral" if reply.ephemeral else "in_channel")

    def _show(self, reply: Reply, caller: Caller, share: bool = True) -> dict[str, Any]:
        """The message for ``reply``, remembering the post its Share button would make."""
        if share and reply.shareable:
            shared = render.message(reply, shared_by=caller.user_id, buttons=False)
            self.shown[render.share_digest(shared)] = shared
            self.shown.move_to_end(render.share_digest(shared))
            while len(self.shown) > SHOWN_KEPT:
                self.shown.popitem(last=False)
        return render.message(reply, share_by=caller.user_id, share=share)

    def _button_caller(self, body: dict[str, Any]) -> Caller:
        user = body.get("user") or {}
        return Caller("slack", user.get("id", ""), user.get("username") or user.get("name", ""),
                      channel_id=(body.get("channel") or {}).get("id", ""), space=(body.get("team") or {}).get("id", ""))

    async def _on_page(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        name, args, page = render.parse_button_value(action["value"])
        caller = self._button_caller(body)
        reply = await off_loop(self.commands.rerun, caller, name, args)
        reply.page = page
        private = bool((body.get("container") or {}).get("is_ephemeral", True))
        await respond(**self._show(reply, caller, share=private), response_type="ephemeral", replace_original=True)

    async def _on_share(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        """Post into the channel exactly the answer the user saw: the post remembered when it
        was shown; in a process that did not show it (several behind a load balancer, a
        restart), the answer made again, posted only if it is still the same."""
        await ack()
        caller = self._button_caller(body)
        digest = render.button_digest(action["value"])
        post = self.shown.get(digest) if digest else None
        if post is None:
            name, args, page = render.parse_button_value(action["value"])
            reply = await off_loop(self.commands.rerun, caller, name, args)
            reply.page = page
            if reply.is_error:
                await respond(**render.message(reply), response_type="ephemeral", replace_original=False)
                return
            post = render.message(reply, shared_by=caller.user_id, buttons=False)
            if digest and render.share_digest(post) != digest:
                reply.footer = " \u00b7 ".join(x for x in (
                    "This answer has changed since you saw it (new evidence or a correction), so nothing was "
                    "shared. Here it is as it stands; share this one if you wish.", reply.footer) if x)
                await respond(**self._show(reply, caller), response_type="ephemeral", replace_original=True)
                return
        await respond(text=post["text"], blocks=post["blocks"], response_type="in_channel", replace_original=False)

    async def _on_item(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any,
                       client: AsyncWebClient) -> None:
        """A row's own button: "Flag as wrong" on a claim, "Sources" on an event."""
        await ack()
        name = "flag" if action["action_id"] == render.ACTION_FLAG else "evidence"
        caller = self._button_caller(body)
        reply = await off_loop(self.commands.invoke, caller, name, {"id": str(action.get("value") or "")})
        await self._answer_action(body, reply, caller, respond, client)

    async def _answer_action(self, body: dict[str, Any], reply: Reply, caller: Caller, respond: Any,
                             client: AsyncWebClient) -> None:
        """Answer a button privately: under the message it was on, or in a direct message
        when it was on the App Home (which has no response_url)."""
        if body.get("response_url"):
            await respond(**self._show(reply, caller), response_type="ephemeral", replace_original=False)
        else:
            await client.chat_postMessage(channel=caller.user_id, **render.message(reply, share=False))

    # ---- App Home, direct messages and mentions
    async def _on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        user = str(event.get("user") or "")
        channels, known = await self._channels_of(client, user)
        page = await off_loop(home, self.commands, "slack", channels, self.asked)
        page.reminders_known = known
        await client.views_publish(user_id=user, view=render.home_view(page))

    async def _channels_of(self, client: AsyncWebClient, user: str) -> tuple[list[str], bool]:
        """The channels ``user`` is in (users.conversations), and whether Slack said."""
        out: list[str] = []
        cursor = None
        try:
            for _ in range(10):  # at most 2,000 channels
                resp = await client.users_conversations(user=user, types="public_channel,private_channel",
                                                        exclude_archived=True, limit=200, cursor=cursor)
                out += [str(c.get("id")) for c in resp.get("channels") or []]
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as e:
            log.warning("users.conversations failed: %s", e.response.get("error"))
            return [], False
        return out, True

    async def _on_home_run(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                           client: AsyncWebClient) -> None:
        await ack()
        caller = self._button_caller(body)
        reply = await off_loop(self.commands.run_line, caller, str(action.get("value") or ""))
        await client.chat_postMessage(channel=caller.user_id, **render.message(reply, share=False))

    async def _on_home_ask(self, ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        form = Form("stance", "Ask about a position", list(STANCE_FORM), submit_label="Ask")
        await client.views_open(trigger_id=body["trigger_id"], view=render.modal(form, {"channel": "",
                                                                                          "response_url": ""}))

    async def _on_options(self, ack: Any, body: dict[str, Any]) -> None:
        """A picker's options, as the user types (external_select in a modal)."""
        kind = str(body.get("action_id") or "").removeprefix(render.PICK_PREFIX)
        typed = str(body.get("value") or "")
        caller = self._button_caller(body)
        rows = await off_loop(self.commands.suggest, kind, typed, render.MAX_OPTIONS, caller)
        await ack(**render.options_for(rows, typed))

    async def _on_mention(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """@claimbot in a channel: answered in a thread under the mention, in plain English."""
        if event.get("bot_id") or event.get("subtype"):
            return
        caller = Caller("slack", str(event.get("user") or ""), channel_id=str(event.get("channel") or ""),
                        space=str(event.get("team") or ""))
        reply = await off_loop(answer, self.commands, caller, str(event.get("text") or ""))
        await client.chat_postMessage(channel=caller.channel_id, thread_ts=event.get("thread_ts") or event.get("ts"),
                                      unfurl_links=False, unfurl_media=False, **render.message(reply, share=False))

    async def _on_message(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """A direct message to the bot: answered in the conversation."""
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # channel messages reach the bot only as mentions; its own and edits are ignored
        caller = Caller("slack", str(event.get("user") or ""), channel_id=str(event.get("channel") or ""),
                        space=str(event.get("team") or ""))
        reply = await off_loop(answer, self.commands, caller, str(event.get("text") or ""))
        await client.chat_postMessage(channel=caller.channel_id, unfurl_links=False, unfurl_media=False,
                                      **render.message(reply, share=False))

    async def _on_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        user = body.get("user") or {}
        caller = Caller("slack", user.get("id", ""), user.get("username") or user.get("name", ""),
                        channel_id=meta.get("channel", ""), space=(body.get("team") or {}).get("id", ""))
        values = {**(meta.get("values") or {}), **render.form_values(view)}
        reply = await off_loop(self.commands.invoke, caller, meta.get("command", ""), values)
        blocks = {b.get("block_id") for b in view.get("blocks", [])}
        if reply.is_error and reply.error_field in blocks:
            # the modal stays open with the message under the field that needs fixing
            await ack(response_action="errors", errors={reply.error_field: reply.text[:150]})
            return
        await ack()
        await self._post(reply, caller, meta.get("response_url", ""), client)

    async def _post(self, reply: Reply, caller: Caller, response_url: str, client: AsyncWebClient) -> None:
        msg = self._show(reply, caller) if response_url else render.message(reply, share=False)
        if response_url:
            # the slash command's response_url outlives the modal (30 minutes) and works in
            # channels the bot has not joined, unlike chat.postEphemeral
            await AsyncWebhookClient(response_url).send(text=msg["text"], blocks=msg["blocks"],
                                                         response_type="ephemeral")
        else:
            await client.chat_postMessage(channel=caller.user_id, text=msg["text"], blocks=msg["blocks"])

    # ---- serving
    def web_app(self) -> web.Application:
        async def events(request: web.Request) -> web.Response:
            bolt_req = await to_bolt_request(request)
            return await to_aiohttp_response(await self.app.async_dispatch(bolt_req))

        async def health(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post(EVENTS_PATH, events)
        app.router.add_get("/healthz", health)
        return app

    async def start_http(self, host: str = "0.0.0.0", port: int | None = None) -> int:
        """Serve /slack/events; returns the port (useful with port 0)."""
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, self.settings.port if port is None else port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        bound = sockets[0].getsockname()[1] if sockets else (port or self.settings.port)
        log.info("Slack: HTTP mode on port %s at %s", bound, EVENTS_PATH)
        self.started.set()
        return int(bound)

    async def start_socket_mode(self) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self._socket = AsyncSocketModeHandler(self.app, self.settings.slack_app_token.reveal())
        await self._socket.connect_async()
        log.info("Slack: Socket Mode connected")
        self.started.set()

    async def start(self) -> None:
        if self.settings.slack_socket_mode:
            await self.start_socket_mode()
        else:
            await self.start_http()

    async def close(self) -> None:
        self.started.clear()
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


# Errors after which posting to that channel again cannot work until someone acts.
PERMANENT_POST_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive", "token_revoked",
    "missing_scope", "restricted_action", "not_authed", "msg_too_long", "no_text", "invalid_blocks"})


# The message metadata a reminder carries: its ledger key, so that a process taking over a
# reminder whose poster died can find the post in the channel (conversations.history).
REMINDER_EVENT = "claimbot_reminder"
HISTORY_PAGE = 200  # messages per conversations.history page (Slack advises at most 200)


class SlackPoster:
    """Posts a Reply into a channel with chat.postMessage (reminders), and finds such a post
    again by its metadata in conversations.history: translation only."""

    def __init__(self, bot: SlackBot) -> None:
        self.bot = bot

    def ready(self) -> bool:
        return self.bot.started.is_set()

    async def wait_ready(self) -> None:
        await self.bot.started.wait()

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        from bot.reminders import PostError

        msg = render.message(reply, buttons=False)
        metadata = {"event_type": REMINDER_EVENT, "event_payload": {"key": key}} if key else None
        try:
            resp = await self.bot.client.chat_postMessage(channel=channel, text=msg["text"], blocks=msg["blocks"],
                                                          unfurl_links=False, unfurl_media=False, metadata=metadata)
        except SlackApiError as e:
            error = str(e.response.get("error") or "")
            raise PostError(f"Slack refused the post: {error}", permanent=error in PERMANENT_POST_ERRORS) from e
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            raise PostError(f"Slack could not be reached: {e!r}") from e
        return str(resp.get("ts") or "")

    async def find(self, channel: str, key: str, since: dt.datetime) -> str | None:
        """The ts of a message in ``channel`` since ``since`` whose metadata carries ``key``
        (needs ``channels:history``, ``groups:history`` for private channels)."""
        from bot.reminders import PostError

        cursor: str | None = None
        while True:
            try:
                resp = await self.bot.client.conversations_history(
                    channel=channel, oldest=f"{since.timestamp():.6f}", inclusive=True, include_all_metadata=True,
                    limit=HISTORY_PAGE, cursor=cursor)
            except SlackApiError as e:
                error = str(e.response.get("error") or "")
                raise PostError(f"Slack refused the history: {error}",
                                permanent=error in PERMANENT_POST_ERRORS) from e
            except (aiohttp.ClientError, TimeoutError, OSError) as e:
                raise PostError(f"Slack could not be reached: {e!r}") from e
            for m in resp.get("messages") or []:
                meta = m.get("metadata") or {}
                if meta.get("event_type") == REMINDER_EVENT and (meta.get("event_payload") or {}).get("key") == key:
                    return str(m.get("ts") or "?")
            cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
            if not resp.get("has_more") or not cursor:
                return None
