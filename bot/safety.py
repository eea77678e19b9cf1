"""Escaping user and article text per platform, and keeping secrets out of logs.

Everything a renderer puts into a message that did not come from claimbot itself goes
through ``slack_text`` or ``discord_text``: quotes, titles, actor names, the words a user
typed.  The rule is the same on both platforms: no ping (@everyone, @here, @channel, a
user, a role, a channel link) and no markup that could run past the text it came with.
"""
from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

ZWSP = "\u200b"

# -- invisible characters --------------------------------------------------------------------

# Characters that show nothing yet change what a reader sees: bidirectional embeddings,
# overrides and isolates (a right-to-left override turns "txt.exe" into "exe.txt"), the
# direction marks, zero-width spaces and joiners used to split a word a filter looks for,
# the word joiner and invisible operators, the byte-order mark, Mongolian vowel separator,
# Hangul fillers (blank "names") and the tag characters (invisible ASCII).  Variation
# selectors stay: emoji need them.
_INVISIBLE = re.compile(
    "[\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufeff\uffa0\U000e0000-\U000e007f]")
# The zero-width (non-)joiner is part of emoji sequences and of Persian and Indic spelling:
# kept between two characters outside ASCII, dropped anywhere else ("@every\u200cone").
_JOINER = re.compile("[\u200c\u200d]")


def strip_invisible(text: object) -> str:
    """``text`` without bidirectional controls and zero-width characters (see ``_INVISIBLE``).

    Every escaping function below starts with it, so user and article text reaches no post,
    header, notification or terminal with them; claimbot's own zero-width spaces are added
    after it.
    """
    s = _INVISIBLE.sub("", str(text))
    if "\u200c" in s or "\u200d" in s:
        s = _JOINER.sub(lambda m: m.group(0) if _joins(s, m.start()) else "", s)
    return s


def _joins(s: str, i: int) -> bool:
    before, after = s[i - 1:i], s[i + 1:i + 2]
    return bool(before and after) and not before.isspace() and not after.isspace() \
        and ord(before) > 0x7f and ord(after) > 0x7f


# -- Slack ---------------------------------------------------------------------------------

# mrkdwn has no backslash escape; a zero-width space on both sides of a marker keeps it
# from pairing with another marker, and keeps the character visible as itself
_SLACK_MARKERS = re.compile(r"[*_~`]")
_BROADCAST = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)


def slack_text(text: object) -> str:
    """Text for a Slack mrkdwn field: entities escaped, mentions and markers neutralised.

    Escaping ``<`` and ``>`` is what Slack documents; it alone disarms <!everyone>,
    <!channel>, <!here>, <@U...>, <#C...>, <!subteam^...> and <url|label> links.  Bare
    "@channel" only pings with link_names, which claimbot never sets; the zero-width
    space is for clients that are looser than the API.
    """
    s = strip_invisible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _BROADCAST.sub(lambda m: "@" + ZWSP + m.group(1), s)
    return _SLACK_MARKERS.sub(lambda m: ZWSP + m.group(0) + ZWSP, s)


def slack_plain(text: object) -> str:
    """Text for a Slack plain_text object (headers, buttons, modal labels): no markup is
    parsed there, but the same mention sequences are broken in case a client is lenient."""
    s = strip_invisible(text)
    s = re.sub(r"<([!@#])", "<" + ZWSP + r"\1", s)
    return _BROADCAST.sub(lambda m: "@" + ZWSP + m.group(1), s)


def slack_url(url: str) -> str | None:
    """A URL safe to put inside <...|label>, or None if it is not a plain http(s) URL."""
    u = url.strip()
    if not re.fullmatch(r"https?://[^\s<>|]+", u):
        return None
    return u.replace("&", "&amp;")


# -- Discord -------------------------------------------------------------------------------

_DISCORD_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")  # [ ] for masked links [label](url)
_DISCORD_LINE_START = re.compile(r"(?m)^(\s*)([#>\-+])")  # headings, quotes, lists
_DISCORD_MENTION = re.compile(r"<(?=[@#:/]|a:|t:)")
_DISCORD_AT = re.compile(r"@(everyone|here|[!&]?\d{15,21})", re.IGNORECASE)


def discord_text(text: object) -> str:
    """Text for a Discord message or embed: markdown escaped with backslashes, mentions broken.

    allowed_mentions=none stops pings on its own; breaking the syntax as well keeps a
    quoted "<@123>" from rendering as a user link and keeps the text readable.
    """
    s = strip_invisible(text)
    s = _DISCORD_MARKDOWN.sub(r"\\\1", s)
    s = _DISCORD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), s)
    s = _DISCORD_MENTION.sub("<" + ZWSP, s)
    return _DISCORD_AT.sub(lambda m: "@" + ZWSP + m.group(1), s)


def discord_plain(text: object) -> str:
    """Text for places Discord shows without markdown (modal labels, button labels,
    autocomplete names, embed titles' link-less part): only mentions are broken."""
    s = _DISCORD_MENTION.sub("<" + ZWSP, strip_invisible(text))
    return _DISCORD_AT.sub(lambda m: "@" + ZWSP + m.group(1), s)


def discord_url(url: str) -> str | None:
    u = url.strip()
    return u if re.fullmatch(r"https?://[^\s<>]+", u) else None


def plain_text(text: object) -> str:
    """Text for a terminal: control characters out, so a pasted article cannot move the cursor,
    and invisible ones (``strip_invisible``), so it cannot reorder what the terminal shows."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f\x1b\x80-\x9f]", "", strip_invisible(text))


def truncate(text: str, limit: int, ellipsis: str = "\u2026") -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when cut.

    Cutting never splits an escape: a Slack entity (&amp;) or a Discord backslash pair is
    dropped whole rather than left half-done at the end.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ellipsis))]
    cut = re.sub(r"&[a-z]{0,4}$", "", cut)  # a half entity
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]
    if cut.endswith(ZWSP):
        cut = cut.rstrip(ZWSP)
        cut = re.sub(r"[*_~`]$", "", cut)
    return cut + ellipsis


# -- secrets in logs -----------------------------------------------------------------------

SECRET_ENV = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_SECRET",
              "DISCORD_TOKEN", "DISCORD_BOT_TOKEN", "DATABASE_URL", "CLAIMBOT_DB_PASSWORD")
_SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY)$")
# token shapes, in case one arrives by another way than the environment (a pasted message)
_TOKEN_SHAPES = re.compile(
    r"xox[abprs]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}"
    r"|[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}")
REDACTED = "[redacted]"


def secret_values(environ: dict[str, str] | None = None, extra: Iterable[str] = ()) -> list[str]:
    env = os.environ if environ is None else environ
    values = [v for k, v in env.items() if (k in SECRET_ENV or _SECRET_NAME.search(k)) and len(v) >= 6]
    values += [v for v in extra if v and len(v) >= 6]
    return sorted(set(values), key=len, reverse=True)  # longest first: one secret may contain another


def redact(text: str, secrets: Iterable[str]) -> str:
    for s in secrets:
        if s in text:
            text = text.replace(s, REDACTED)
    return _TOKEN_SHAPES.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Replaces secret values in a record's message, arguments and traceback.

    Attach it to handlers (not loggers): a handler sees the records of every logger below
    it, including the ones slack_sdk, aiohttp and discord.py create.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_log_redaction(secrets: Iterable[str] | None = None, logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one RedactingFilter on every handler of ``logger`` (the root logger by default)."""
    flt = RedactingFilter(secret_values() if secrets is None else secrets)
    target = logger or logging.getLogger()
    for h in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in h.filters):
            h.addFilter(flt)
    return flt
