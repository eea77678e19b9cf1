"""``claimbot run`` and ``claimbot ask``, added to bot.cli's subcommands.

``run`` starts Slack when SLACK_BOT_TOKEN is set (Socket Mode with SLACK_APP_TOKEN,
else HTTP on $PORT at /slack/events) and Discord when DISCORD_TOKEN is set, both in
one event loop; with neither, it is a console on stdin.  ``ask`` answers one command.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from bot.cli import COMMANDS_EXTRA

log = logging.getLogger("claimbot")


def _commands(args: argparse.Namespace, settings: Any, metered: bool = False) -> Any:
    from bot.commands import Commands
    from bot.service import Service
    from store.base import default_db, open_store

    store = open_store(args.db or settings.db or default_db())
    if metered:  # counts what is ingested and what reminders post (bot/ops; not loaded by `ask`)
        from bot.ops.metrics import metered as metered_store

        store.preload()  # a long-running bot answers from memory, not from the on-disk index
        store = metered_store(store)
    service = Service(store)
    if metered:
        service.warm()  # and scores /stance from columns built now (bot/relevance_table.py)
    return Commands(service, settings.admin_policy(), reminders=_reminders(service, settings))


def _reminders(service: Any, settings: Any) -> Any:
    """The reminders object, if bot.reminders offers one (``create(service, settings)``)."""
    try:
        from bot import reminders  # type: ignore[attr-defined]
    except ImportError:
        return None
    create = getattr(reminders, "create", None)
    return create(service, settings) if callable(create) else None


def _setup_logging(settings: Any, level: int | str | None = None) -> None:
    """Text or JSON lines (CLAIMBOT_LOG_FORMAT) at CLAIMBOT_LOG_LEVEL, secrets redacted."""
    from bot.ops.logs import configure_logging

    configure_logging(getattr(settings, "log_format", "text"),
                      level if level is not None else getattr(settings, "log_level", "INFO"),
                      secrets=settings.secrets())


def cmd_run(args: argparse.Namespace) -> int:
    from bot.config import Settings

    settings = Settings.from_env()
    if not settings.slack_enabled and not settings.discord_enabled:
        from bot.adapters.shell import Console

        _setup_logging(settings, logging.WARNING)
        console = Console(_commands(args, settings))
        if console.commands.reminders is None:
            if sys.stdin.isatty() and sys.stdout.isatty():
                try:  # a person at a terminal: line editing, history, colours, pages
                    asyncio.run(console.interactive())
                except KeyboardInterrupt:
                    pass
                return 0
            console.loop(sys.stdin, sys.stdout, prompt=sys.stdin.isatty())
            return 0
        try:
            asyncio.run(_console(console))
        except KeyboardInterrupt:
            pass
        return 0
    _setup_logging(settings)
    commands = _commands(args, settings, metered=True)
    try:
        failed = asyncio.run(_serve(settings, commands))
    except KeyboardInterrupt:
        failed = False
    return 1 if failed else 0  # an adapter that died is a failure: systemd's Restart=on-failure restarts it


async def _console(console: Any) -> None:
    """The console with reminders: those for the ``console`` channel print in the terminal."""
    from bot.adapters.shell import PROMPT, ConsolePoster

    reminders = console.commands.reminders
    interactive = sys.stdin.isatty()
    terminal = interactive and sys.stdout.isatty()
    # at a terminal the prompt redraws itself below a reminder (prompt_toolkit's patch_stdout)
    reminders.attach("console", ConsolePoster(None if terminal else sys.stdout,
                                              "" if terminal else PROMPT if interactive else ""))
    await reminders.start()  # what fell due while no console ran prints first
    try:
        if terminal:
            await console.interactive()
        else:
            await console.aloop(sys.stdin, sys.stdout, prompt=interactive)
    finally:
        await reminders.stop()


async def _serve(settings: Any, commands: Any) -> bool:
    """Run until SIGTERM/SIGINT or an adapter stops; True when an adapter failed."""
    from bot.ops.runtime import OpsRuntime

    ops = OpsRuntime(settings, commands)  # metrics; /healthz and /metrics when CLAIMBOT_OPS_PORT is set
    await ops.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform / thread
            pass
    closers = []
    tasks: list[asyncio.Task[Any]] = []
    if settings.slack_enabled:
        from bot.adapters.slack_app import SlackBot

        slack = SlackBot(commands, settings)
        await slack.start()
        closers.append(slack.close)
        ops.adapter("slack", slack)
        if commands.reminders is not None:
            from bot.adapters.slack_app import SlackPoster

            commands.reminders.attach("slack", SlackPoster(slack))
    if settings.discord_enabled:
        from bot.adapters.discord_app import create_bot

        discord_bot = create_bot(commands, settings)  # sharded when DISCORD_SHARD_COUNT is set
        tasks.append(asyncio.create_task(discord_bot.start(settings.discord_token.reveal()), name="discord"))
        closers.append(discord_bot.close)
        ops.adapter("discord", discord_bot)
        if commands.reminders is not None:
            from bot.adapters.discord_app import DiscordPoster

            commands.reminders.attach("discord", DiscordPoster(discord_bot))
    if commands.reminders is not None:
        await commands.reminders.start()  # posts to a platform only once its connection is ready
    ops.ready()
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    failed = False
    for t in done:
        if t is not waiter and t.exception() is not None:
            log.error("%s stopped: %s", t.get_name(), t.exception())
            failed = True
    await ops.stopping()  # /healthz 503, reminders scheduler stopped
    for close in closers:
        await close()
    waiter.cancel()
    for t in tasks:
        t.cancel()
    await ops.shutdown()  # the command in hand finishes, the store is closed, the ops server stops
    return failed


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.adapters.shell import Console
    from bot.config import Settings

    settings = Settings.from_env()
    _setup_logging(settings, logging.WARNING)
    reply = Console(_commands(args, settings)).reply(" ".join(args.line))
    from bot.render.text import render

    print(render(reply))
    return 2 if reply.is_error else 0


def _setup_run(p: argparse.ArgumentParser) -> None:
    p.epilog = ("Slack: SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP on $PORT) or + SLACK_APP_TOKEN (Socket Mode). "
                "Discord: DISCORD_TOKEN [DISCORD_GUILD_ID]. Neither: a console on stdin.")


def _setup_ask(p: argparse.ArgumentParser) -> None:
    p.add_argument("line", nargs="+", help='a command, e.g. "/stance japan rare-earths"')


COMMANDS_EXTRA["run"] = (cmd_run, "run the bot: Slack and/or Discord from the environment, else a console",
                         _setup_run)
COMMANDS_EXTRA["ask"] = (cmd_ask, 'answer one command, e.g. claimbot ask "/stance japan rare-earths"', _setup_ask)
