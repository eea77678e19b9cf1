"""Platform adapters: translate a platform request into a command, and a Reply into a post.

They decide nothing: who may do what, what a command means and what an answer says all
live in bot/commands.py.  What they share is here: running the synchronous command layer
off the event loop.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Two workers, so that a slow command never holds up a quick one: an /ingest of a long
# article (seconds of extraction) runs on its own thread while /stance, /claims and the
# reminders keep being answered on the command thread.  One thread each: commands run in
# the order they came, and a second ingest waits for the first (extraction is CPU- and
# memory-bound).  The store is shared by both: every store serialises its writes (a lock
# in the TinyDB and in-memory stores, transactions in PostgreSQL).
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimbot-cmd")
_SLOW_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimbot-slow")


async def off_loop(fn: Callable[..., T], *args: object, slow: bool = False) -> T:
    """Run ``fn(*args)`` on the command worker thread, or on the slow worker (``slow``: a
    command whose ``Spec.slow`` is set, i.e. one that extracts articles)."""
    executor = _SLOW_EXECUTOR if slow else _EXECUTOR
    return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)


async def drain() -> None:
    """Wait until both workers have finished what they were given."""
    await asyncio.gather(off_loop(lambda: None), off_loop(lambda: None, slow=True))
