"""``/healthz`` and ``/metrics`` over HTTP (aiohttp, in the bot's event loop).

``/healthz`` answers 200 when every check passes and 503 otherwise, always with a JSON
body saying which check failed and why::

    {"status": "ok", "checks": {"store": {"ok": true, "detail": "..."},
                                "scheduler": {...}, "adapter:slack": {...}}, ...}

The status is ``starting`` until the adapters are up, ``stopping`` from SIGTERM on (so a
load balancer stops sending work before the process goes), else ``ok`` or ``failing``.
The checks are cheap: one indexed store read (in a thread, bounded by a timeout), and
attributes of the scheduler and the adapters; nothing is sent to Slack or Discord.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.ops.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("claimbot.ops")

CHECK_TIMEOUT = 5.0
Check = tuple[bool, str]


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def store_check(store: Any) -> Check:
    """The store answers an indexed read (TinyDB: the file re-read if another process
    replaced it, so a corrupt file shows here; PostgreSQL: one query)."""
    store.has_article("claimbot-healthz")
    inner = getattr(store, "inner", store)
    return True, type(inner).__name__


async def scheduler_check(reminders: Any) -> Check:
    """Whether the reminders scheduler runs: the reminders object's ``health()`` if it has
    one (a bool or (bool, detail)), else its ``running``, else its ``scheduler.running``."""
    if reminders is None:
        return True, "no reminders service"
    probe = getattr(reminders, "health", None)
    if callable(probe):
        result = await _maybe_await(probe())
        if isinstance(result, tuple):
            return bool(result[0]), str(result[1])
        return bool(result), "running" if result else "not running"
    for owner in (reminders, getattr(reminders, "scheduler", None)):
        if owner is None or not hasattr(owner, "running"):
            continue
        running = owner.running
        running = await _maybe_await(running() if callable(running) else running)
        return bool(running), "running" if running else "not running"
    return True, "no scheduler state to read"


async def adapter_check(adapter: Any) -> Check:
    """An adapter's ``connected`` (attribute or method) if it has one; else what discord.py
    and the Slack adapter show: a Discord client ready and not closed; Slack's Socket
    Mode session open, or its HTTP server serving."""
    connected = getattr(adapter, "connected", None)
    if connected is not None:
        value = await _maybe_await(connected() if callable(connected) else connected)
        return bool(value), "connected" if value else "not connected"
    if callable(getattr(adapter, "is_ready", None)) and callable(getattr(adapter, "is_closed", None)):
        if adapter.is_closed():
            return False, "closed"
        return (True, "ready") if adapter.is_ready() else (False, "not ready (logging in or reconnecting)")
    socket = getattr(adapter, "_socket", None)
    if socket is not None:
        client = getattr(socket, "client", None)
        ok = bool(client is not None and await client.is_connected())
        return ok, "Socket Mode connected" if ok else "Socket Mode not connected (reconnecting)"
    if getattr(adapter, "_runner", None) is not None:
        return True, "HTTP server serving"
    return False, "not started"


class Health:
    """What ``/healthz`` reports.  ``adapters`` maps a name to the running adapter object."""

    def __init__(self, store: Any = None, reminders: Any = None, timeout: float = CHECK_TIMEOUT) -> None:
        self.store = store
        self.reminders = reminders
        self.adapters: dict[str, Any] = {}
        self.timeout = timeout
        self.state = "starting"
        self.started = time.monotonic()
        self.extra: dict[str, Callable[[], Any]] = {}  # more named checks: () -> (ok, detail)

    def ready(self) -> None:
        if self.state == "starting":
            self.state = "running"

    def stopping(self) -> None:
        self.state = "stopping"

    async def _run(self, name: str, check: Callable[[], Any]) -> dict[str, Any]:
        try:
            ok, detail = await asyncio.wait_for(_maybe_await(check()), self.timeout)
        except TimeoutError:
            ok, detail = False, f"no answer within {self.timeout:g} s"
        except Exception as e:  # a failing check is the answer, not an error of the server
            ok, detail = False, f"{type(e).__name__}: {e}"[:300]
        return {"ok": bool(ok), "detail": str(detail)}

    async def report(self) -> tuple[int, dict[str, Any]]:
        checks: dict[str, Callable[[], Any]] = {}
        if self.store is not None:
            store = self.store
            checks["store"] = lambda: asyncio.to_thread(store_check, store)
        checks["scheduler"] = lambda: scheduler_check(self.reminders)
        for name, adapter in self.adapters.items():
            checks[f"adapter:{name}"] = lambda a=adapter: adapter_check(a)
        checks.update(self.extra)
        names = list(checks)
        results = await asyncio.gather(*(self._run(n, checks[n]) for n in names))
        body: dict[str, Any] = {"checks": dict(zip(names, results, strict=True))}
        healthy = all(r["ok"] for r in results)
        if self.state in ("starting", "stopping"):
            status = self.state
        else:
            status = "ok" if healthy else "failing"
        body = {"status": status, **body, "uptime_seconds": round(time.monotonic() - self.started, 1)}
        return (200 if status == "ok" else 503), body


class OpsServer:
    """Serves ``/healthz`` and ``/metrics`` on ``host:port`` (port 0: any free port)."""

    def __init__(self, health: Health, metrics: Metrics, host: str = "127.0.0.1", port: int = 0) -> None:
        self.health = health
        self.metrics = metrics
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        async def healthz(request: web.Request) -> web.Response:
            status, body = await self.health.report()
            if status != 200:
                log.warning("health: %s", json.dumps(body, sort_keys=True))
            return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

        async def metrics(request: web.Request) -> web.Response:
            # the exposition reads every metric under their locks: cheap, but off the loop anyway
            body = await asyncio.to_thread(self.metrics.exposition)
            return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE, "Cache-Control": "no-store"})

        async def index(request: web.Request) -> web.Response:
            return web.Response(text="claimbot: /healthz /metrics\n")

        app = web.Application()
        app.router.add_get("/healthz", healthz)
        app.router.add_get("/metrics", metrics)
        app.router.add_get("/", index)
        return app

    async def start(self) -> int:
        """Start serving; returns the bound port."""
        self._runner = web.AppRunner(self.app(), access_log=None)  # no line per probe
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = int(sockets[0].getsockname()[1]) if sockets else self.port
        log.info("ops: serving /healthz and /metrics on %s:%s", self.host, self.port,
                 extra={"ops_host": self.host, "ops_port": self.port})
        return self.port

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
