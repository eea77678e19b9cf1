"""Settings from the environment, validated once at start-up.

Secrets are wrapped in ``Secret``: its repr and str hide the value, so printing or
logging a ``Settings`` never shows a token.  ``Secret.reveal()`` is the one way out and
is called only where a token is handed to an SDK.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands import AdminPolicy
from bot.errors import CommandError
from store.base import mask_url, url_secrets

SLACK_API_DEFAULT = "https://slack.com/api/"
PLATFORMS = ("slack", "discord", "console")
ADAPTERS = ("slack", "discord")  # what CLAIMBOT_ADAPTERS may name
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DB_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
MAX_SHARDS = 1024  # DISCORD_SHARD_COUNT's ceiling: far beyond claimbot's scale; a typo stops at start-up


class ConfigError(CommandError):
    """A setting is missing or malformed; the message names it (never a secret's value).

    ``problems`` holds one sentence per bad setting (``claimbot check`` prints one a line).
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [message])


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce__(self) -> tuple[object, ...]:  # no pickling a token into a file by accident
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Settings:
    slack_bot_token: Secret = field(default_factory=lambda: Secret(""))
    slack_app_token: Secret = field(default_factory=lambda: Secret(""))
    slack_signing_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_api_url: str = SLACK_API_DEFAULT
    port: int = 3000
    discord_token: Secret = field(default_factory=lambda: Secret(""))
    discord_guild_id: int | None = None  # DISCORD_GUILD_ID: where commands are synced at once (development)
    discord_guild_ids: frozenset[int] = frozenset()  # DISCORD_GUILD_IDS: the servers this deployment serves
    discord_shard_count: int | None = None  # DISCORD_SHARD_COUNT: None = one unsharded gateway session
    discord_shard_ids: tuple[int, ...] = ()  # the shards this process runs (all of them by default)
    admins: frozenset[str] = frozenset()
    admin_role_id: str = ""
    db: str | None = field(default=None, repr=False)  # may hold a password: see ``db_shown``
    tz: str = "UTC"  # the team's time zone (IANA name), for reminders and dates shown
    adapters: frozenset[str] | None = None  # CLAIMBOT_ADAPTERS: None = whichever have tokens
    ops_host: str = "127.0.0.1"
    ops_port: int | None = None  # the /healthz + /metrics server; None = off
    log_format: str = "text"  # or "json": one JSON object a line
    log_level: str = "INFO"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token) and (self.adapters is None or "slack" in self.adapters)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_token) and (self.adapters is None or "discord" in self.adapters)

    @property
    def discord_sharded(self) -> bool:
        return self.discord_shard_count is not None

    @property
    def discord_syncs_commands(self) -> bool:
        """Whether this process registers the slash commands: unsharded, or it runs shard 0
        (several processes syncing the same commands at once would only race each other)."""
        return not self.discord_sharded or 0 in self.discord_shard_ids

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def db_shown(self) -> str | None:
        """``db`` as it may be printed or logged: a URL's password and secret parameters masked."""
        return mask_url(self.db) if self.db else self.db

    @property
    def served_guilds(self) -> frozenset[int]:
        """The Discord servers this deployment serves: DISCORD_GUILD_IDS and DISCORD_GUILD_ID."""
        return self.discord_guild_ids | ({self.discord_guild_id} if self.discord_guild_id else set())

    def admin_policy(self) -> AdminPolicy:
        return AdminPolicy(users=self.admins, role_ids=frozenset({self.admin_role_id}) if self.admin_role_id
                           else frozenset(), discord_guilds=frozenset(str(g) for g in self.served_guilds))

    def secrets(self) -> list[str]:
        values = [s.reveal() for s in (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret,
                                       self.discord_token) if s]
        if self.db:
            values += url_secrets(self.db)  # user info and ?password=, as written and decoded
        return values

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        errors: list[str] = []
        bot_token, app_token, signing = get("SLACK_BOT_TOKEN"), get("SLACK_APP_TOKEN"), get("SLACK_SIGNING_SECRET")
        if bot_token and not bot_token.startswith("xoxb-"):
            errors.append("SLACK_BOT_TOKEN should be a bot token (it starts with xoxb-)")
        if app_token and not app_token.startswith("xapp-"):
            errors.append("SLACK_APP_TOKEN should be an app-level token (it starts with xapp-)")
        if app_token and not bot_token:
            errors.append("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not")
        if bot_token and not app_token and not signing:
            errors.append("HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)")
        api_url = get("SLACK_API_URL") or SLACK_API_DEFAULT
        if not re.match(r"https?://", api_url):
            errors.append("SLACK_API_URL must be an http(s) URL")
        elif not api_url.endswith("/"):
            api_url += "/"  # slack_sdk joins method names onto it
        port = 3000
        if get("PORT"):
            try:
                port = int(get("PORT"))
                if not 0 <= port <= 65535:
                    raise ValueError
            except ValueError:
                errors.append("PORT must be a port number (0-65535)")
        guild: int | None = None
        if get("DISCORD_GUILD_ID"):
            if get("DISCORD_GUILD_ID").isdigit():
                guild = int(get("DISCORD_GUILD_ID"))
            else:
                errors.append("DISCORD_GUILD_ID must be a numeric server id")
        guild_ids: set[int] = set()
        for entry in filter(None, (e.strip() for e in get("DISCORD_GUILD_IDS").split(","))):
            if entry.isdigit():
                guild_ids.add(int(entry))
            else:
                errors.append(f"DISCORD_GUILD_IDS entry {entry!r} is not a numeric server id")
        if guild_ids and not (get("DISCORD_TOKEN") or get("DISCORD_BOT_TOKEN")):
            errors.append("DISCORD_GUILD_IDS is set but DISCORD_TOKEN is not")
        role = get("CLAIMBOT_ADMIN_ROLE")
        if role and not role.isdigit():
            errors.append("CLAIMBOT_ADMIN_ROLE must be a numeric Discord role id")
        admins = set()
        for entry in filter(None, (e.strip() for e in get("CLAIMBOT_ADMINS").split(","))):
            platform, _, uid = entry.partition(":")
            if platform.lower() not in PLATFORMS or not uid:
                errors.append(f"CLAIMBOT_ADMINS entry {entry!r} is not platform:user_id (slack:U123, discord:456)")
                continue
            admins.add(f"{platform.lower()}:{uid}")
        discord_token = get("DISCORD_TOKEN") or get("DISCORD_BOT_TOKEN")
        shard_count, shard_ids = _shards(get("DISCORD_SHARD_COUNT"), get("DISCORD_SHARD_IDS"), errors)
        if (get("DISCORD_SHARD_COUNT") or get("DISCORD_SHARD_IDS")) and not discord_token:
            errors.append("DISCORD_SHARD_COUNT/DISCORD_SHARD_IDS are set but DISCORD_TOKEN is not")
        if signing and not bot_token:
            errors.append("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not")
        if guild is not None and not discord_token:
            errors.append("DISCORD_GUILD_ID is set but DISCORD_TOKEN is not")
        adapters: frozenset[str] | None = None
        wanted = [a.strip().lower() for a in get("CLAIMBOT_ADAPTERS").split(",") if a.strip()]
        if wanted and wanted != ["auto"]:
            unknown = [a for a in wanted if a not in ADAPTERS]
            if unknown:
                errors.append(f"CLAIMBOT_ADAPTERS names {', '.join(map(repr, unknown))}: use slack, discord, "
                              "both (slack,discord) or auto")
            adapters = frozenset(a for a in wanted if a in ADAPTERS)
            if "slack" in adapters and not bot_token:
                errors.append("CLAIMBOT_ADAPTERS includes slack but SLACK_BOT_TOKEN is not set")
            if "discord" in adapters and not discord_token:
                errors.append("CLAIMBOT_ADAPTERS includes discord but DISCORD_TOKEN is not set")
        tz = get("CLAIMBOT_TZ") or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"CLAIMBOT_TZ {tz!r} is not a time zone: use an IANA name such as UTC, "
                          "Europe/Paris or Asia/Tokyo")
        db = get("CLAIMBOT_DB") or None
        if db and re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", db):
            scheme = db.split("://", 1)[0].lower()
            if scheme not in DB_SCHEMES:
                errors.append(f"CLAIMBOT_DB has the scheme {scheme!r}: give a file path (TinyDB) "
                              "or a postgresql:// URL")
        ops_host = get("CLAIMBOT_OPS_HOST") or "127.0.0.1"
        ops_port: int | None = None
        if get("CLAIMBOT_OPS_PORT"):
            try:
                ops_port = int(get("CLAIMBOT_OPS_PORT"))
                if not 0 <= ops_port <= 65535:
                    raise ValueError
            except ValueError:
                errors.append(f"CLAIMBOT_OPS_PORT {get('CLAIMBOT_OPS_PORT')!r} is not a port number (0-65535)")
        log_format = (get("CLAIMBOT_LOG_FORMAT") or "text").lower()
        if log_format not in LOG_FORMATS:
            errors.append(f"CLAIMBOT_LOG_FORMAT {log_format!r} is not text or json")
        log_level = (get("CLAIMBOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            errors.append(f"CLAIMBOT_LOG_LEVEL {log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        if errors:
            raise ConfigError("configuration: " + "; ".join(errors), errors)
        return cls(slack_bot_token=Secret(bot_token), slack_app_token=Secret(app_token),
                   slack_signing_secret=Secret(signing), slack_api_url=api_url, port=port,
                   discord_token=Secret(discord_token), discord_guild_id=guild,
                   discord_guild_ids=frozenset(guild_ids),
                   discord_shard_count=shard_count, discord_shard_ids=shard_ids,
                   admins=frozenset(admins), admin_role_id=role, db=db, tz=tz, adapters=adapters,
                   ops_host=ops_host, ops_port=ops_port, log_format=log_format, log_level=log_level)



def _shards(count_text: str, ids_text: str, errors: list[str]) -> tuple[int | None, tuple[int, ...]]:
    """DISCORD_SHARD_COUNT (the total across all processes) and DISCORD_SHARD_IDS (the ones
    this process runs: ``0,1``, ``2-3``; default all).  Problems are appended to ``errors``."""
    if not count_text:
        if ids_text:
            errors.append("DISCORD_SHARD_IDS is set but DISCORD_SHARD_COUNT is not: give the total number "
                          "of shards across all processes too")
        return None, ()
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_SHARDS:
        errors.append(f"DISCORD_SHARD_COUNT {count_text!r} is not a number of shards (1 to {MAX_SHARDS})")
        return None, ()
    count = int(count_text)
    if not ids_text:
        return count, tuple(range(count))
    ids: list[int] = []
    for part in (p.strip() for p in ids_text.split(",")):
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            errors.append(f"DISCORD_SHARD_IDS {ids_text!r} is not a list of shard numbers: use ids and ranges "
                          "separated by commas, such as 0,1 or 2-3")
            return None, ()
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            errors.append(f"DISCORD_SHARD_IDS has the range {part!r}, which runs backwards")
            return None, ()
        ids.extend(range(first, last + 1))
    outside = sorted({i for i in ids if i >= count})
    if outside:
        errors.append(f"DISCORD_SHARD_IDS names shard {', '.join(map(str, outside))}, but with "
                      f"DISCORD_SHARD_COUNT={count} the shards are 0 to {count - 1}")
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        errors.append(f"DISCORD_SHARD_IDS names shard {', '.join(map(str, twice))} more than once")
    if outside or twice:
        return None, ()
    return count, tuple(sorted(ids))
