"""``claimbot remind preview [--days N] [--db FILE]``: what reminders would post, where and when.

Imported by ``bot.cli._register_extras``.  It reads the store and the delivery ledger and
writes nothing: what fell due while no bot ran shows as posted "now (late)" or skipped,
as the next ``claimbot run`` would do it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from bot.cli import COMMANDS_EXTRA
from bot.errors import CommandError


def _at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--at {value!r} is not a date and time like 2025-06-01T08:00Z") from None
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def cmd_remind(args: argparse.Namespace) -> int:
    if args.remind_command != "preview":
        raise CommandError("usage: claimbot remind preview [--days N] [--db FILE]")
    if args.days < 0 or args.days > 366:
        raise CommandError("--days is between 0 and 366")
    from bot.config import Settings
    from bot.reminders import create
    from bot.render.text import render
    from bot.service import Service
    from store.base import default_db, open_store

    settings = Settings.from_env()
    store = open_store(args.db or settings.db or default_db())
    try:
        reminders = create(Service(store), settings)
        now = _at(args.at) or reminders.clock()
        preview = reminders.preview(args.days, now=now)
        print(f"Reminders from {reminders.describe_time(now)} for {args.days} day(s); team time zone {reminders.tz}.")
        if not preview:
            print("No channel is subscribed: `claimbot ask \"/remind subscribe\"` subscribes the console.")
        for sub, items in preview:
            where = f"{sub['platform']} {sub.get('label') or sub['channel']}"
            if sub["platform"] == "console":
                where = "console (printed by `claimbot run`)"
            print()
            print(f"== {where}: leads {', '.join(sub.get('leads') or []) or 'none'}"
                  f"{'; kinds ' + ', '.join(sub['kinds']) if sub.get('kinds') else ''}"
                  f"{'; actors ' + ', '.join(sub['actors']) if sub.get('actors') else ''}"
                  f"{'; digest ' + sub['digest'] if sub.get('digest') else ''}")
            if not items:
                print("   nothing to post in this period")
            for item in items:
                print(f"-- {reminders.describe_time(item.when)} [{item.lead}] {item.status}")
                if item.reply is not None:
                    print("   " + render(item.reply).replace("\n", "\n   "))
        unconfirmed = reminders.unconfirmed()
        if unconfirmed:
            print()
            print(f"{len(unconfirmed)} reminder(s) were being posted when claimbot stopped; they may not have "
                  "reached the channel and are not posted again:")
            for d in unconfirmed:
                print(f"   {d.get('platform')}:{d.get('channel')} {d.get('event') or 'digest'} [{d.get('lead')}]"
                      f" at {d.get('at')}")
    finally:
        store.close()
    sys.stdout.flush()
    return 0


def _setup(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="remind_command", required=True)
    sp = sub.add_parser("preview", help="what would be posted, where and when, for every subscription")
    sp.add_argument("--days", type=int, default=7, help="how many days ahead (default 7)")
    sp.add_argument("--at", help="preview as if it were this time (ISO, e.g. 2025-06-01T08:00Z)")
    sp.add_argument("--db", default=argparse.SUPPRESS, help="store (file path or URL)")


COMMANDS_EXTRA["remind"] = (cmd_remind, "scheduled reminders: `claimbot remind preview` shows what would be posted",
                            _setup)
