"""Platform adapters: translate a platform request into a command, and a Reply into a post.

They decide nothing: who may do what, what a command means and what an answer says all
live in bot/commands.py.  What they share is here: running the synchronous command layer
off the event loop, one call at a time.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# One worker: the store is written by one caller at a time, whichever platform asks, and a
# slow ingest never blocks the event loop that has to acknowledge Slack within 3 s.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimbot-cmd")


async def off_loop(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn(*args)`` on the command worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, fn, *args)
