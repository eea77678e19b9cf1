"""The local console: the same commands, typed at a prompt (or piped in), answered as text.

The operator at the console is an admin (``AdminPolicy.console_is_admin``): it runs on
their machine against their store, like ``claimbot ingest``.
"""
from __future__ import annotations

import asyncio
import getpass
import threading
from typing import TextIO

from bot.commands import Commands
from bot.render.text import render
from bot.reply import Caller, Reply

PROMPT = "claimbot> "
QUIT = frozenset({"quit", "exit", "/quit", "/exit", ":q"})


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
        return self.commands.run_line(self.caller, line)

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

    def __init__(self, out: TextIO, prompt: str = "") -> None:
        self.out = out
        self.prompt = prompt  # shown again after a reminder printed over a waiting prompt

    def ready(self) -> bool:
        return True

    async def wait_ready(self) -> None:
        return None

    async def post(self, channel: str, reply: Reply, key: str = "") -> str:
        lead = "\n" if self.prompt else ""
        self.out.write(lead + render(reply) + "\n\n" + self.prompt)
        self.out.flush()
        return ""
