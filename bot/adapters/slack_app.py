"""Slack adapter: slack-bolt's AsyncApp, in HTTP mode (aiohttp) or Socket Mode.

Translation only.  A slash command becomes a text line for ``Commands.run_line``; a
page or share button re-runs the read command its value names; a modal submission
becomes ``Commands.invoke``.  Every answer goes back through ``respond`` (the
request's response_url), ephemeral unless shared.

In HTTP mode every request is checked before bolt sees it: a body that is not UTF-8 or
does not parse is answered 400, a bad signature or timestamp 401, and either is logged as
one short line (never the body, a user id or a header) at most once a minute with a count,
so a flood of junk cannot flood the log.  Bolt checks the signature again; two middlewares
below refuse replays (``ReplayGuard``: for as long as a request's timestamp is acceptable,
across processes when the store is PostgreSQL) and ignore Slack's retries, so nothing is
acted on twice.  Extraction (``/ingest``) runs on a worker of its own (``off_loop(...,
slow=True)``), so it never holds up the answer to a query.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import json
import logging
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
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
SLASH_COMMANDS = ("/stance", "/claims", "/events", "/sources", "/actors", "/claim", "/event", "/person", "/ingest",
                  "/claimbot")
SHOWN_KEPT = 2000  # answers whose shared post is remembered (a response_url lives 30 minutes)
REPLAY_WINDOW = 60 * 5  # bolt takes a timestamp this far from its clock, before or after
CLOCK_SLACK = 60  # kept this much longer: another process's clock may run a little behind
REFUSAL_LOG_EVERY = 60.0  # seconds between two log lines about refused requests


class ReplayGuard:
    """Refuses a signed request seen before, for as long as its timestamp is acceptable.

    Bolt takes a request whose timestamp is within ``window`` of its clock, in the future as
    well as the past, so a signature is remembered until its *timestamp* + ``window`` (+
    ``CLOCK_SLACK``) has passed, not for ``window`` after it arrived: a request stamped 200 s
    ahead stays refused until it is too old for bolt.  ``shared`` (a store with
    ``first_request``: PostgreSQL) makes the check across every process on that database: one
    row per signature, deleted once expired.
    """

    def __init__(self, window: int = REPLAY_WINDOW, clock: Callable[[], float] = time.time,
                 shared: Any = None) -> None:
        self.window = window
        self.clock = clock
        self.shared = shared if callable(getattr(shared, "first_request", None)) else None
        self._seen: dict[str, float] = {}  # signature -> when it may be forgotten
        self._expiry: list[tuple[float, str]] = []  # the same, as a heap

    def expires(self, timestamp: str) -> float | None:
        """When a request with ``timestamp`` can no longer be accepted; None if it is no number."""
        try:
            return int(timestamp) + self.window + CLOCK_SLACK
        except ValueError:
            return None

    def first_time(self, timestamp: str, signature: str) -> bool:
        """Whether this process has not seen the request (and now remembers it)."""
        now = self.clock()
        while self._expiry and self._expiry[0][0] < now:
            _, old = heapq.heappop(self._expiry)
            self._seen.pop(old, None)
        expires = self.expires(timestamp)
        if expires is None or expires < now or signature in self._seen:
            return False
        self._seen[signature] = expires
        heapq.heappush(self._expiry, (expires, signature))
        return True

    def first_everywhere(self, timestamp: str, signature: str) -> bool:
        """Whether no process sharing the store has seen the request (blocking: a database call).

        A database that cannot be reached does not stop the bot from answering: the request
        is taken, on this process's word alone, and the problem logged."""
        expires = self.expires(timestamp)
        if self.shared is None or expires is None:
            return True
        try:
            return bool(self.shared.first_request(signature, expires, self.clock()))
        except Exception as e:  # noqa: BLE001 - availability first; the local guard still holds
            log.warning("the shared replay guard could not be asked (%s); taken on this process's word",
                        type(e).__name__)
            return True

    def __len__(self) -> int:
        return len(self._seen)


class RefusalLog:
    """Refused requests as one short line at most every ``every`` seconds, with counts by
    reason: no body, no user, no header is ever written, and a flood of bad requests costs
    the log one line a minute."""

    def __init__(self, logger: logging.Logger, every: float = REFUSAL_LOG_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.every = every
        self.clock = clock
        self.pending: Counter[str] = Counter()
        self._last: float | None = None

    def note(self, reason: str) -> None:
        self.pending[reason] += 1
        now = self.clock()
        if self._last is None or now - self._last >= self.every:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if not self.pending:
            return
        counts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.pending.items()))
        self.logger.warning("refused Slack requests: %s", counts)
        self.pending.clear()
        self._last = self.clock() if now is None else now


def _header(req: AsyncBoltRequest, name: str) -> str:
    values = req.headers.get(name) or []
    return values[0] if values else ""


class SlackBot:
    def __init__(self, commands: Commands, settings: Settings) -> None:
        self.commands = commands
        self.settings = settings
        self.client = AsyncWebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url)
        self.replays = ReplayGuard(shared=getattr(commands.service, "store", None))
        self.refusals = RefusalLog(log)
        secret = settings.slack_signing_secret.reveal()
        self._verifier = SignatureVerifier(secret) if secret else None
        self.app = AsyncApp(client=self.client, signing_secret=secret or None,
                            process_before_response=False, logger=logging.getLogger("claimbot.slack.bolt"))
        # bolt logs a refused request's whole body at INFO; the check in ``web_app`` refuses
        # those first, and this keeps a request that fails only bolt's check (its clock
        # ticked past the window meanwhile) from reaching the log either
        logging.getLogger("slack_bolt.AsyncRequestVerification").setLevel(logging.WARNING)
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
        if ts and sig:
            fresh = self.replays.first_time(ts, sig)
            if fresh and self.replays.shared is not None:
                fresh = await asyncio.to_thread(self.replays.first_everywhere, ts, sig)
            if not fresh:
                self.refusals.note("replayed")
                return BoltResponse(status=401, body="")
        await next()
        return None

    # ---- listeners
    async def _on_command(self, ack: Any, command: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        line = f"{command['command']} {command.get('text', '')}"
        spec = self.commands.spec_of_line(line)
        slow = spec is not None and spec.slow
        if slow:
            await ack(text="Working on it\u2026", response_type="ephemeral")
        else:
            await ack()
        caller = Caller("slack", command["user_id"], command.get("user_name", ""), channel_id=command.get("channel_id", ""),
                        space=command.get("team_id", ""))
        reply = await off_loop(self.commands.run_line, caller, line, slow=slow)
        if reply.form is not None:
            try:
                view = render.modal(reply.form, {"channel": caller.channel_id,
                                                 "response_url": command.get("response_url", ""),
                                                 "values": reply.form.values})
                await client.views_open(trigger_id=command["trigger_id"], view=view)
                return
            except render.FormTooLarge as e:
                reply = Reply("The form cannot open", kind="error", text=str(e))
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

    def _slow(self, text: str) -> bool:
        """Whether a message is a command that extracts articles ("ingest ..."): it runs on the
        slow worker, as the slash command does, so it never holds up the answer to a query."""
        spec = self.commands.spec_of_line(re.sub(r"<[@#!][^>]*>", " ", text))
        return spec is not None and spec.slow

    async def _on_mention(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """@claimbot in a channel: answered in a thread under the mention, in plain English."""
        if event.get("bot_id") or event.get("subtype"):
            return
        caller = Caller("slack", str(event.get("user") or ""), channel_id=str(event.get("channel") or ""),
                        space=str(event.get("team") or ""))
        text = str(event.get("text") or "")
        reply = await off_loop(answer, self.commands, caller, text, slow=self._slow(text))
        await client.chat_postMessage(channel=caller.channel_id, thread_ts=event.get("thread_ts") or event.get("ts"),
                                      unfurl_links=False, unfurl_media=False, **render.message(reply, share=False))

    async def _on_message(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """A direct message to the bot: answered in the conversation."""
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # channel messages reach the bot only as mentions; its own and edits are ignored
        caller = Caller("slack", str(event.get("user") or ""), channel_id=str(event.get("channel") or ""),
                        space=str(event.get("team") or ""))
        text = str(event.get("text") or "")
        reply = await off_loop(answer, self.commands, caller, text, slow=self._slow(text))
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
        missing = [f.name for f in reply.form.missing if f.name in blocks] if reply.form is not None else []
        if missing:  # the form came back blank where it must not (spaces pass Slack's "required")
            await ack(response_action="errors", errors={name: "Fill this in." for name in missing})
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
            bolt_req = await self._checked_request(request)
            if isinstance(bolt_req, web.Response):
                return bolt_req
            return await to_aiohttp_response(await self.app.async_dispatch(bolt_req))

        async def health(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post(EVENTS_PATH, events)
        app.router.add_get("/healthz", health)
        return app

    async def _checked_request(self, request: web.Request) -> AsyncBoltRequest | web.Response:
        """The request for bolt, or the answer refusing it: 400 for a body that is not UTF-8
        or does not parse (bolt would raise: a 500 and a traceback), 401 for a bad signature
        or timestamp.  Refusals are logged by ``self.refusals`` only."""
        raw = await request.read()  # aiohttp answers 413 past client_max_size (1 MiB)
        try:
            body = raw.decode("utf-8")
            bolt_req = AsyncBoltRequest(body=body, query=request.query_string,
                                        headers=request.headers)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - whatever the parser raises, the body is malformed
            self.refusals.note("malformed")
            return web.Response(status=400, text="malformed request")
        if self._verifier is not None:
            try:
                valid = self._verifier.is_valid(body, request.headers.get("X-Slack-Request-Timestamp"),
                                                request.headers.get("X-Slack-Signature"))
            except (ValueError, TypeError):  # a timestamp that is no number
                valid = False
            if not valid:
                self.refusals.note("unsigned or stale")
                return web.Response(status=401, text="invalid request")
        return bolt_req

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
        self.refusals.flush()
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
