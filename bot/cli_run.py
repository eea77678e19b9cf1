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


def _commands(args: argparse.Namespace, settings: Any) -> Any:
    from bot.commands import Commands
    from bot.service import Service
    from store.base import default_db, open_store

    service = Service(open_store(args.db or settings.db or default_db()))
    return Commands(service, settings.admin_policy(), reminders=_reminders(service, settings))


def _reminders(service: Any, settings: Any) -> Any:
    """The reminders object, if bot.reminders offers one (``create(service, settings)``)."""
    try:
        from bot import reminders  # type: ignore[attr-defined]
    except ImportError:
        return None
    create = getattr(reminders, "create", None)
    return create(service, settings) if callable(create) else None


def _setup_logging(settings: Any, level: int = logging.INFO) -> None:
    from bot.safety import install_log_redaction, secret_values

    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction(secret_values(extra=settings.secrets()))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.config import Settings

    settings = Settings.from_env()
    if not settings.slack_enabled and not settings.discord_enabled:
        from bot.adapters.shell import Console

        _setup_logging(settings, logging.WARNING)
        console = Console(_commands(args, settings))
        console.loop(sys.stdin, sys.stdout, prompt=sys.stdin.isatty())
        return 0
    _setup_logging(settings)
    commands = _commands(args, settings)
    try:
        asyncio.run(_serve(settings, commands))
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(settings: Any, commands: Any) -> None:
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
    if settings.discord_enabled:
        from bot.adapters.discord_app import DiscordBot

        discord_bot = DiscordBot(commands, settings)
        tasks.append(asyncio.create_task(discord_bot.start(settings.discord_token.reveal()), name="discord"))
        closers.append(discord_bot.close)
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for t in done:
        if t is not waiter and t.exception() is not None:
            log.error("%s stopped: %s", t.get_name(), t.exception())
    for close in closers:
        await close()
    waiter.cancel()
    for t in tasks:
        t.cancel()


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
