"""``claimbot check``: validate the configuration and say what ``claimbot run`` would run.

Imported by ``bot.cli._register_extras``.  It connects nowhere: no Slack, no Discord, no
PostgreSQL (a database URL is shown with its password masked).  A TinyDB file is read
when it exists, to count the reminder subscriptions it holds.  Exit status: 0 when the
settings are valid, 2 when they are not (each problem on its own line, naming the
variable; secrets never printed).  ``--json`` prints the same report as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot.cli import COMMANDS_EXTRA


def _is_url(db: str) -> bool:
    return "://" in db


def _store_report(db: str) -> tuple[dict[str, Any], list[str], list[str]]:
    """(what the store is, problems, warnings), from the path or URL alone."""
    from bot.config import mask_url

    problems: list[str] = []
    warnings: list[str] = []
    if db == "memory:":
        warnings.append("CLAIMBOT_DB is memory: nothing is kept when the bot stops")
        return {"backend": "memory", "location": "memory:"}, problems, warnings
    if _is_url(db):
        return ({"backend": "postgresql", "location": mask_url(db),
                 "note": "not connected: `claimbot migrate --check` checks the schema"}, problems, warnings)
    path = Path(db).expanduser().absolute()
    info: dict[str, Any] = {"backend": "tinydb", "location": str(path), "exists": path.is_file()}
    if path.is_file():
        info["bytes"] = path.stat().st_size
        if not os.access(path, os.R_OK | os.W_OK):
            problems.append(f"the store {path} is not readable and writable by this user")
    elif path.exists():
        problems.append(f"the store {path} exists but is not a file")
    # the nearest existing parent must let us create the directory, the file, its temp files
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        problems.append(f"the store's directory {path.parent} is not writable by this user "
                        "(the store writes a temporary file beside it, then renames it)")
    elif not path.parent.exists():
        info["note"] = f"{path.parent} will be created"
    return info, problems, warnings


def _reminders_report(db: str, settings: Any, count: bool = True) -> tuple[dict[str, Any], list[str]]:
    """Whether the reminders module is installed and how many subscriptions the store holds
    (``count=False``: not read, so a large store costs nothing)."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("bot.reminders") is None:
        return {"module": False}, []
    importlib.import_module("bot.reminders")  # a broken module shows here, not at `run`
    report: dict[str, Any] = {"module": True}
    if _is_url(db) or db == "memory:":
        report["subscriptions"] = None
        report["note"] = "not counted: check does not connect to the database"
        return report, []
    if not count:
        report["subscriptions"] = None
        report["note"] = "not counted (--quiet)"
        return report, []
    if not Path(db).is_file():
        report["subscriptions"] = 0
        return report, []
    from store.base import StoreError, open_store

    try:
        store = open_store(db)
    except StoreError as e:
        return report, [f"the store cannot be read: {e}"]
    try:
        report["subscriptions"] = len(store.subscriptions())
        try:
            report.update(_scheduled(store, settings))
        except Exception as e:  # the count is information; a change in the planner must not break check
            report["note"] = f"reminders not counted: {type(e).__name__}: {e}"
    finally:
        store.close()
    return report, []


def _scheduled(store: Any, settings: Any) -> dict[str, Any]:
    """What the reminders service would plan at start: reminders due within its horizon,
    and those due now (fell due while the bot was down, to be posted late), from the
    store's subscriptions, events and delivery ledger."""
    import datetime as dt

    from bot.reminders import plan as P
    from bot.reminders.runner import HORIZON, LOOKBACK

    now = dt.datetime.now(dt.UTC)
    subs = store.subscriptions()
    days = HORIZON.days
    if not subs:
        return {"scheduled": 0, "due_now": 0, "horizon_days": days}
    start_from, start_to = P.event_window(now, HORIZON)
    events = store.events(start_from=start_from, start_to=start_to, include_cancelled=False)
    planned = P.plan(subs, events, settings.zone, now - LOOKBACK, now + HORIZON)
    agenda = P.decide(planned, P.latest_attempts(store.deliveries()), now)
    return {"scheduled": len(agenda.upcoming), "due_now": sum(d.action == "post" for d in agenda.due),
            "horizon_days": days}


def _gazetteer_report() -> tuple[dict[str, Any], list[str], list[str]]:
    from bot.extract.actors import DEFAULT_EXTRA, EXTRA_ENV

    explicit = (os.environ.get(EXTRA_ENV) or "").strip()
    path = Path(explicit or DEFAULT_EXTRA)
    info: dict[str, Any] = {"location": str(path.absolute()), "exists": path.is_file()}
    problems: list[str] = []
    warnings: list[str] = []
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("it must be a JSON object with \"actors\" and/or \"people\"")
        except (ValueError, OSError) as e:
            problems.append(f"{EXTRA_ENV}: the gazetteer extension {path} is not valid JSON: {e}")
    elif explicit:
        warnings.append(f"{EXTRA_ENV} names {path}, which does not exist (only the built-in gazetteer is used)")
    return info, problems, warnings


def build_report(settings: Any, db: str, count_reminders: bool = True) -> dict[str, Any]:
    adapters: list[dict[str, Any]] = []
    if settings.slack_enabled:
        mode = "Socket Mode" if settings.slack_socket_mode else f"HTTP on port {settings.port} at /slack/events"
        adapters.append({"name": "slack", "mode": mode, "api": settings.slack_api_url})
    if settings.discord_enabled:
        scope = f"commands synced to server {settings.discord_guild_id}" if settings.discord_guild_id \
            else "global commands (can take up to an hour to appear)"
        served = sorted(settings.served_guilds)
        discord: dict[str, Any] = {"name": "discord", "mode": scope, "servers": [str(g) for g in served]}
        if not served:
            warnings_discord = ("DISCORD_GUILD_IDS is not set: the bot answers in any server it is added to, and "
                                "Manage Server grants no admin rights (only CLAIMBOT_ADMINS are admins). Name "
                                "the servers this deployment serves, and turn Public Bot off (docs/chat.md)")
            discord["warning"] = warnings_discord
        if settings.discord_sharded:
            ids, count = settings.discord_shard_ids, settings.discord_shard_count
            shards = f"shards {', '.join(map(str, ids))} of {count}" if len(ids) < count \
                else f"all {count} shard(s) in this process"
            if not settings.discord_syncs_commands:
                scope = "commands synced by the process running shard 0"
            discord.update(mode=f"{shards}; {scope}", shards={"count": count, "ids": list(ids)})
        adapters.append(discord)
    warnings: list[str] = [a["warning"] for a in adapters if a.get("warning")]
    if not adapters:
        warnings.append("no chat platform configured (SLACK_BOT_TOKEN, DISCORD_TOKEN): "
                        "`claimbot run` opens a console on standard input")
    store, problems, w = _store_report(db)
    warnings += w
    reminders, p = _reminders_report(db, settings, count_reminders)
    problems += p
    gazetteer, p, w = _gazetteer_report()
    problems += p
    warnings += w
    admins = sorted(settings.admins)
    if not admins and not settings.admin_role_id and adapters:
        warnings.append("no admins (CLAIMBOT_ADMINS, CLAIMBOT_ADMIN_ROLE): only Discord members with "
                        "Manage Server in a server of DISCORD_GUILD_IDS can run admin commands; nobody can in Slack")
    ops = {"host": settings.ops_host, "port": settings.ops_port,
           "endpoints": ["/healthz", "/metrics"] if settings.ops_port is not None else []}
    if settings.ops_port is None and adapters:
        warnings.append("CLAIMBOT_OPS_PORT is not set: no /healthz or /metrics")
    return {"ok": not problems, "problems": problems, "warnings": warnings, "adapters": adapters,
            "store": store, "time_zone": settings.tz, "admins": admins,
            "admin_role": settings.admin_role_id or None, "reminders": reminders, "ops": ops,
            "logs": {"format": settings.log_format, "level": settings.log_level}, "gazetteer_extra": gazetteer}


def _print_report(r: dict[str, Any]) -> None:
    out = sys.stdout.write
    if r["adapters"]:
        out("adapters:   " + "; ".join(f"{a['name']} ({a['mode']})" for a in r["adapters"]) + "\n")
    else:
        out("adapters:   none: a console on standard input\n")
    s = r["store"]
    where = s["location"]
    if s["backend"] == "tinydb":
        where = f"TinyDB file {where} " + (f"({s['bytes']:,} bytes)" if s.get("exists") else "(not created yet)")
    elif s["backend"] == "postgresql":
        where = f"PostgreSQL {where}"
    out(f"store:      {where}\n")
    if s.get("note"):
        out(f"            {s['note']}\n")
    out(f"time zone:  {r['time_zone']}\n")
    admins = ", ".join(r["admins"]) or "none"
    if r["admin_role"]:
        admins += f"; Discord role {r['admin_role']}"
    out(f"admins:     {admins}\n")
    rem = r["reminders"]
    if not rem["module"]:
        out("reminders:  not available (no bot.reminders module)\n")
    elif rem.get("subscriptions") is None:
        out(f"reminders:  {rem.get('note', 'not counted')}\n")
    else:
        line = f"{rem['subscriptions']} subscription(s)"
        if rem.get("scheduled") is not None:
            line += f", {rem['scheduled']} reminder(s) scheduled in the next {rem['horizon_days']} days"
            if rem.get("due_now"):
                line += f", {rem['due_now']} due now (posted late at start)"
        out(f"reminders:  {line}\n")
        if rem.get("note"):
            out(f"            {rem['note']}\n")
    ops = r["ops"]
    out("ops:        " + (f"http://{ops['host']}:{ops['port']}/healthz and /metrics" if ops["port"] is not None
                          else "off (set CLAIMBOT_OPS_PORT)") + "\n")
    out(f"logs:       {r['logs']['format']}, level {r['logs']['level']}\n")
    for w in r["warnings"]:
        out(f"warning:    {w}\n")


def cmd_check(args: argparse.Namespace) -> int:
    from bot.config import ConfigError, Settings
    from store.base import default_db

    try:
        settings = Settings.from_env()
    except ConfigError as e:
        if args.json:
            json.dump({"ok": False, "problems": e.problems}, sys.stdout, indent=1)
            sys.stdout.write("\n")
        print("claimbot check: the configuration is not valid:", file=sys.stderr)
        for problem in e.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    report = build_report(settings, args.db or settings.db or default_db(), count_reminders=not args.quiet)
    if args.json:
        json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    elif not args.quiet:
        _print_report(report)
    if report["problems"]:
        print("claimbot check: problems:", file=sys.stderr)
        for problem in report["problems"]:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    if not args.json and not args.quiet:
        print("configuration OK")
    return 0


def _setup_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--quiet", action="store_true",
                   help="print only problems, and do not read the store to count reminders (for ExecStartPre)")
    p.epilog = "Validates the settings (environment / .env) and prints what `claimbot run` would start."


COMMANDS_EXTRA["check"] = (cmd_check, "validate the configuration and show what `claimbot run` would run "
                           "(connects nowhere)", _setup_check)
