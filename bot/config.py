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

from bot.commands import AdminPolicy
from bot.errors import CommandError

SLACK_API_DEFAULT = "https://slack.com/api/"
PLATFORMS = ("slack", "discord", "console")


class ConfigError(CommandError):
    """A setting is missing or malformed; the message names it (never its value)."""


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
    discord_guild_id: int | None = None
    admins: frozenset[str] = frozenset()
    admin_role_id: str = ""
    db: str | None = None

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_token)

    def admin_policy(self) -> AdminPolicy:
        return AdminPolicy(users=self.admins, role_ids=frozenset({self.admin_role_id}) if self.admin_role_id
                           else frozenset())

    def secrets(self) -> list[str]:
        return [s.reveal() for s in (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret,
                                     self.discord_token) if s]

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
        if errors:
            raise ConfigError("configuration: " + "; ".join(errors))
        return cls(slack_bot_token=Secret(bot_token), slack_app_token=Secret(app_token),
                   slack_signing_secret=Secret(signing), slack_api_url=api_url, port=port,
                   discord_token=Secret(get("DISCORD_TOKEN") or get("DISCORD_BOT_TOKEN")), discord_guild_id=guild,
                   admins=frozenset(admins), admin_role_id=role, db=get("CLAIMBOT_DB") or None)
