"""The local console: the same commands, typed at a prompt (or piped in), answered as text.

At a terminal (``Console.interactive``) the prompt is prompt_toolkit's: line editing, the
arrow keys, history kept across sessions (``$CLAIMBOT_HISTORY``, default
~/.claimbot_history) and searched with Ctrl-R; answers are coloured by rich and long lists
show ten rows at a time (Enter or ``more`` for the next page, ``back`` for the previous).
Piped in (``loop``), every answer prints whole, as plain text, for scripts.

The operator at the console is an admin (``AdminPolicy.console_is_admin``): it runs on
their machine against their store, like ``claimbot ingest``.
"""
from __future__ import annotations

import asyncio
import getpass
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.commands import Commands
from bot.render.text import render
from bot.reply import Caller, Reply

PROMPT = "claimbot> "
QUIT = frozenset({"quit", "exit", "/quit", "/exit", ":q"})
MORE = frozenset({"more", "next", "/more", "/next"})  # and an empty line, while a list has pages left
BACK = frozenset({"back", "previous", "prev", "/back"})
HISTORY_ENV = "CLAIMBOT_HISTORY"


def history_path() -> Path:
    return Path(os.environ.get(HISTORY_ENV) or Path.home() / ".claimbot_history").expanduser()


def console_caller() -> Caller:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "local"
    return Caller("console", user)


class Console:
    def __init__(self, commands: Commands, caller: Caller | None = None) -> None:
        self.commands = commands
        self.caller = caller or console_caller()

    def reply(self, line: str) -> Reply:
        """The answer to a command, or to a question in plain words (bot/intent.py)."""
        from bot.intent import answer

        return answer(self.commands, self.caller, line)

    def ask(self, line: str) -> str:
        """One command, its answer as text: ``"support" in console.ask("/stance japan rare-earths")``."""
        return render(self.reply(line))

    def loop(self, stdin: TextIO, stdout: TextIO, prompt: bool = False) -> int:
        """Answer each line until end of input or quit; the number of error answers is returned."""
        errors = 0
        _greet(stdout, prompt)
        while True:
            _prompt(stdout, prompt)
            try:
                line = stdin.readline()
            except KeyboardInterrupt:
                stdout.write("\n")
                break
            command = _command(line, stdout, prompt)
            if command is _STOP:
                break
            if command is not _SKIP:
                errors += _answer(stdout, self.reply(str(command)))
        return errors

    async def aloop(self, stdin: TextIO, stdout: TextIO, prompt: bool = False) -> int:
        """``loop`` inside an event loop, so reminders can print while it waits for a line.

        A daemon thread reads the lines (a blocked read must not keep the process alive);
        commands run on the command worker thread, like every platform's.
        """
        from bot.adapters import off_loop

        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    line = stdin.readline()
                except Exception:  # a closed stdin ends the console like end of input
                    line = ""
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, line)
                except RuntimeError:  # the loop has closed
                    return
                if not line:
                    return

        threading.Thread(target=read, name="claimbot-stdin", daemon=True).start()
        errors = 0
        _greet(stdout, prompt)
        while True:
            _prompt(stdout, prompt)
            command = _command(await lines.get(), stdout, prompt)
            if command is _STOP:
                break
            if command is not _SKIP:
                spec = self.commands.spec_of_line(str(command))
                errors += _answer(stdout, await off_loop(self.reply, str(command),
                                                         slow=spec is not None and spec.slow))
        return errors


    async def interactive(self, out: TextIO | None = None, pt_input: Any = None, pt_output: Any = None,
                          history: Any = None, colour: bool | None = None,
                          on_prompt: Callable[[], None] | None = None) -> int:
        """The console at a terminal: prompt_toolkit's line editing and history, rich colours,
        long answers a page at a time.  ``pt_input``/``pt_output``/``history`` are
        prompt_toolkit's (tests pass a pipe input and a dummy output); ``out`` is where answers
        go (the terminal); ``on_prompt`` is called as each prompt starts.  Returns the number of
        error answers."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory
        from prompt_toolkit.patch_stdout import patch_stdout
        from rich.console import Console as RichConsole

        from bot.adapters import off_loop
        from bot.render import console as pages

        if history is None:
            path = history_path()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                history = FileHistory(str(path))
            except OSError:  # a read-only home: history for this session only
                history = None
        session: PromptSession[str] = PromptSession(history=history, input=pt_input, output=pt_output,
                                                    enable_history_search=True)
        errors = 0
        shown: Reply | None = None
        page = 0
        # reminders (and anything else) printed while the prompt waits go above it
        with patch_stdout(raw=True):
            term = RichConsole(file=out or sys.stdout, highlight=False, soft_wrap=True,
                               force_terminal=colour, no_color=colour is False)
            term.print("claimbot console: type /help for the commands, quit to leave; the arrow keys "
                       "edit and recall, Ctrl-R searches what you typed.", style="dim")
            while True:
                try:
                    line = await session.prompt_async(PROMPT, pre_run=on_prompt)
                except (EOFError, KeyboardInterrupt):
                    break
                word = line.strip().lower()
                if word in QUIT:
                    break
                pending = shown is not None and page < pages.page_count(shown) - 1
                if shown is not None and (word in MORE or (not word and pending)):
                    page = min(page + 1, pages.page_count(shown) - 1)
                    term.print(pages.page(shown, page))
                    continue
                if shown is not None and word in BACK:
                    page = max(page - 1, 0)
                    term.print(pages.page(shown, page))
                    continue
                command = _command(line + "\n", term.file, False)
                if command is _SKIP:
                    continue
                spec = self.commands.spec_of_line(str(command))  # an ingest on the slow worker
                reply = await off_loop(self.reply, str(command), slow=spec is not None and spec.slow)
                shown, page = reply, 0
                errors += int(reply.is_error)
                term.print(pages.page(reply, 0))
                term.print()
        return errors


_SKIP, _STOP = object(), object()


def _greet(stdout: TextIO, prompt: bool) -> None:
    if prompt:
        stdout.write("claimbot console: type /help for the commands, quit to leave.\n")


def _prompt(stdout: TextIO, prompt: bool) -> None:
    if prompt:
        stdout.write(PROMPT)
        stdout.flush()


def _command(line: str, stdout: TextIO, prompt: bool) -> str | object:
    """The command an input line holds, or _SKIP (blank, a # comment) or _STOP (end of
    input, quit)."""
    if not line:  # end of input
        if prompt:
            stdout.write("\n")
        return _STOP
    line = line.strip()
    if not line or line.startswith("#"):
        return _SKIP
    return _STOP if line.lower() in QUIT else line


def _answer(stdout: TextIO, reply: Reply) -> int:
    """Print ``reply``; 1 if it is an error answer."""
    stdout.write(render(reply) + "\n\n")
    stdout.flush()
    return int(reply.is_error)


class ConsolePoster:
    """Prints reminders for the ``console`` channel to the terminal."""

    def __init__(self, out: TextIO | None, prompt: str = "") -> None:
        self._out = out  # None: sys.stdout when it prints (the interactive console's, which prints above the prompt)
        self.prompt = prompt  # shown again after a reminder printed over a waiting prompt

    @property
    def out(self) -> TextIO:
        return self._out if self._out is not None else sys.stdout

    def ready(self) -> bool:
        return True

    async def wait_ready(self) -> None:
        return None

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        lead = "\n" if self.prompt else ""
        self.out.write(lead + render(reply) + "\n\n" + self.prompt)
        self.out.flush()
        return ""
