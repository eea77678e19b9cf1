"""Recording HTTP calls and waiting for them without sleeping."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

WAIT = 10.0  # generous: a wait ends as soon as the call arrives


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = asyncio.Condition()

    async def add(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def find(self, pred: Callable[[Call], bool]) -> list[Call]:
        return [c for c in self.calls if pred(c)]

    async def wait_for(self, pred: Callable[[Call], bool], count: int = 1, timeout: float = WAIT) -> list[Call]:
        """The first ``count`` calls matching ``pred``, waiting until they arrive."""
        async def enough() -> list[Call]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.find(pred)) >= count)
                return self.find(pred)[:count]
        return await asyncio.wait_for(enough(), timeout)


async def start_site(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
