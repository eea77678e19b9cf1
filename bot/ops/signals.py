"""SIGTERM for the one-shot commands (``claimbot ingest``, ``import`` ...).

By default SIGTERM ends a Python process on the spot.  The store never holds a
half-written file even then (every write goes to a temporary file that replaces the old
one), but the temporary file of an interrupted write stays behind, and nothing says what
happened.  Under ``sigterm_stops()`` SIGTERM raises ``Terminated`` (a KeyboardInterrupt,
so it unwinds like Ctrl-C): a store write in progress is abandoned by its own clean-up
(the temporary file removed, the old file intact), every article stored before it stays,
and the process exits with status 143 (128 + SIGTERM) and a line saying so.

A second SIGTERM during that clean-up is ignored; systemd and Docker follow up with
SIGKILL after their stop timeout anyway.  ``claimbot run`` has its own handling in the
event loop (bot.ops.runtime), which replaces this one while the loop runs.
"""
from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_CODE = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when SIGTERM arrives."""


def _raise(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up must not be interrupted in turn
    raise Terminated()


@contextmanager
def sigterm_stops(message: str = "stopped by SIGTERM; everything stored before it is kept") -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    except Terminated:
        print(f"claimbot: {message}", file=sys.stderr)
        raise SystemExit(EXIT_CODE) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
