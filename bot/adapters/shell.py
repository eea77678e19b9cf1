"""The local console: the same commands, typed at a prompt (or piped in), answered as text.

The operator at the console is an admin (``AdminPolicy.console_is_admin``): it runs on
their machine against their store, like ``claimbot ingest``.
"""
from __future__ import annotations

import getpass
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
        if prompt:
            stdout.write("claimbot console: type /help for the commands, quit to leave.\n")
        while True:
            if prompt:
                stdout.write(PROMPT)
                stdout.flush()
            try:
                line = stdin.readline()
            except KeyboardInterrupt:
                stdout.write("\n")
                break
            if not line:
                if prompt:
                    stdout.write("\n")
                break
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower() in QUIT:
                break
            reply = self.reply(line)
            errors += reply.is_error
            stdout.write(render(reply) + "\n\n")
            stdout.flush()
        return errors
