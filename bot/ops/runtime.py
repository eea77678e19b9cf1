"""What ``claimbot run`` starts beside the adapters, and the order it stops things in.

Start: metrics observe every command; the ops server (when ``CLAIMBOT_OPS_PORT`` is set)
answers ``/healthz`` with ``starting`` until ``ready()``.

Stop (SIGTERM or SIGINT):

1. ``stopping()``: ``/healthz`` says ``stopping`` (503) at once, and the reminders
   scheduler stops, so no reminder starts while the adapters close;
2. (``claimbot run`` closes the adapters: no new command comes in);
3. ``shutdown()``: the commands in hand, if any, finish (quick commands run one at a time
   on one worker thread and ingests on another, so queueing an empty task behind each
   waits exactly for them); the store is closed after them (TinyDB: every write already went to disk atomically,
   so closing only releases the file; PostgreSQL: the pool is closed); the ops server
   stops last.
"""
from __future__ import annotations

import inspect
import logging
from typing import Any

from bot.ops.metrics import METRICS, Metrics
from bot.ops.server import Health, OpsServer

log = logging.getLogger("claimbot.ops")


async def stop_reminders(reminders: Any) -> None:
    """Stop a reminders service through whichever of stop/shutdown/close it has."""
    if reminders is None:
        return
    for name in ("stop", "shutdown", "close"):
        fn = getattr(reminders, name, None)
        if callable(fn):
            result = fn()
            if inspect.isawaitable(result):
                await result
            return


async def drain_commands() -> None:
    """Wait until the command worker threads (quick and slow) have finished what they were given."""
    from bot.adapters import drain

    await drain()


class OpsRuntime:
    def __init__(self, settings: Any, commands: Any, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.commands = commands
        self.metrics = metrics or METRICS
        store = getattr(getattr(commands, "service", None), "store", None)
        self.health = Health(store=store, reminders=getattr(commands, "reminders", None))
        self.server: OpsServer | None = None
        if self.metrics.observe_command not in commands.observers:
            commands.observers.append(self.metrics.observe_command)

    async def start(self) -> int | None:
        """Start the ops server if a port is configured; returns the bound port."""
        port = getattr(self.settings, "ops_port", None)
        if port is None:
            return None
        self.server = OpsServer(self.health, self.metrics, getattr(self.settings, "ops_host", "127.0.0.1"), port)
        return await self.server.start()

    def adapter(self, name: str, adapter: Any) -> None:
        self.health.adapters[name] = adapter

    def ready(self) -> None:
        self.health.ready()
        log.info("claimbot is running")

    async def stopping(self) -> None:
        """Step 1: unhealthy from now on, and no reminder starts."""
        self.health.stopping()
        log.info("stopping")
        await self._step("scheduler", lambda: stop_reminders(self.health.reminders))

    async def shutdown(self) -> None:
        """Step 3, after the adapters are closed; each part runs even if one before failed."""
        if self.health.state != "stopping":
            await self.stopping()
        await self._step("commands", drain_commands)
        await self._step("store", self._close_store)
        if self.server is not None:
            await self.server.close()
            self.server = None
        log.info("stopped")

    async def _step(self, name: str, step: Any) -> None:
        try:
            result = step()
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("stopping: %s failed", name)

    async def _close_store(self) -> None:
        store = self.health.store
        if store is not None and callable(getattr(store, "close", None)):
            from bot.adapters import off_loop

            await off_loop(store.close)  # after drain_commands: never beside a write
