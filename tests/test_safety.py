"""Escaping per platform, secrets kept out of logs and reprs, settings validated once."""
from __future__ import annotations

import copy
import io
import logging
import pickle
import re

import pytest

from bot.config import ConfigError, Secret, Settings
from bot.safety import (
    REDACTED,
    ZWSP,
    RedactingFilter,
    discord_plain,
    discord_text,
    install_log_redaction,
    plain_text,
    redact,
    secret_values,
    slack_plain,
    slack_text,
    slack_url,
    strip_invisible,
    truncate,
)

# -- Slack -----------------------------------------------------------------------------------

SLACK_PINGS = ["<!everyone>", "<!channel>", "<!here>", "<!here|here>", "<@U024BE7LH>", "<@W0123|bob>",
               "<#C024BE7LR>", "<!subteam^SAZ94GDB8>", "<https://evil.example|click me>"]


@pytest.mark.parametrize("ping", SLACK_PINGS)
def test_slack_control_sequences_are_escaped(ping):
    out = slack_text(f"before {ping} after")
    assert "<" not in out and ">" not in out
    assert out.startswith("before &lt;")


def test_slack_ampersand_first_so_entities_are_not_double_read():
    assert slack_text("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert slack_text("&lt;!everyone&gt;") == "&amp;lt;!everyone&amp;gt;"


def test_slack_bare_broadcasts_and_markers_are_broken():
    out = slack_text("@channel @Here @everyone *bold* _it_ ~s~ `code` ```block```")
    for word in ("@channel", "@Here", "@everyone"):
        assert word not in out
    assert re.search(r"(?<!\u200b)[*_~`](?!\u200b)", out) is None  # every marker is fenced
    assert out.replace(ZWSP, "") == "@channel @Here @everyone *bold* _it_ ~s~ `code` ```block```"


def test_slack_plain_text_breaks_mentions_but_keeps_the_words():
    out = slack_plain("Hi <!here> and <@U1> @everyone")
    assert "<!here>" not in out and "<@U1>" not in out and "@everyone" not in out
    assert out.replace(ZWSP, "") == "Hi <!here> and <@U1> @everyone"


def test_slack_urls_must_be_plain_http():
    assert slack_url("https://news.example/a?b=1&c=2") == "https://news.example/a?b=1&amp;c=2"
    assert slack_url("javascript:alert(1)") is None
    assert slack_url("https://x.example/|<!everyone>") is None
    assert slack_url("https://x.example/a b") is None


# -- Discord ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ping", ["@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>",
                                  "<@&123456789012345678>", "<#123456789012345678>", "<t:1700000000:R>",
                                  "<:party:123456789012345678>"])
def test_discord_mentions_are_broken(ping):
    out = discord_text(f"look {ping} now")
    assert ping not in out
    assert out.replace(ZWSP, "").replace("\\", "") == f"look {ping} now"


def test_discord_markdown_is_escaped():
    out = discord_text("**bold** __u__ ~~s~~ `c` ||spoiler|| [x](https://e.example) back\\slash")
    assert "**" not in out.replace("\\*", "") and "||" not in out.replace("\\|", "")
    assert "](" not in out.replace("\\]", "")
    assert out == ("\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| "
                   "\\[x\\](https://e.example) back\\\\slash")


def test_discord_line_starts_cannot_become_headings_quotes_or_lists():
    out = discord_text("# Big\n> quoted\n- item\nplain - dash")
    assert out.splitlines() == ["\\# Big", "\\> quoted", "\\- item", "plain - dash"]


def test_discord_plain_only_breaks_mentions():
    assert discord_plain("*fine* @here").replace(ZWSP, "") == "*fine* @here"
    assert "@here" not in discord_plain("@here")


def test_terminal_text_loses_control_characters():
    assert plain_text("ok\x1b[2Jcleared\x07\tTab\nline") == "ok[2Jcleared\tTab\nline"


# -- truncation ------------------------------------------------------------------------------

def test_truncate_never_leaves_half_an_escape():
    assert truncate("abcdef", 6) == "abcdef"
    assert truncate("abcdefgh", 5) == "abcd\u2026"
    assert not truncate(slack_text("x" * 8 + "&&&&"), 11).rstrip("\u2026").endswith(("&", "&a", "&am", "&amp"))
    for n in range(8, 16):
        cut = truncate(discord_text("a" * 8 + "****"), n)
        body = cut[:-1]
        trailing = len(body) - len(body.rstrip("\\"))
        assert cut.endswith("\u2026") and trailing % 2 == 0  # no backslash left escaping the ellipsis
    assert len(truncate("x" * 5000, 3000)) == 3000


# -- secrets ---------------------------------------------------------------------------------

BOT_TOKEN = "xoxb-2048-4096-AbCdEfGhIjKlMnOp"
SIGNING = "5f8d0a4c2b1e9f7a6d3c8b0e1f2a3b4c"


def test_redaction_of_known_values_and_token_shapes():
    assert redact(f"token={BOT_TOKEN}", []) == f"token={REDACTED}"  # by shape
    assert redact(f"secret {SIGNING} here", [SIGNING]) == f"secret {REDACTED} here"
    assert redact("nothing to hide", [SIGNING]) == "nothing to hide"


def test_secret_values_come_from_secret_named_variables():
    env = {"SLACK_SIGNING_SECRET": SIGNING, "DISCORD_TOKEN": "abc.def.ghijkl", "MY_API_KEY": "k" * 10,
           "PORT": "3000", "HOME": "/root", "SHORT_TOKEN": "abc"}
    assert set(secret_values(env)) == {SIGNING, "abc.def.ghijkl", "k" * 10}


def test_logging_filter_redacts_messages_arguments_and_tracebacks():
    logger = logging.getLogger("claimbot.test.redaction")
    logger.propagate = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        install_log_redaction([SIGNING, "discord-token-value-1234"], logger=logger)
        logger.warning("connecting with %s", SIGNING)
        logger.warning("dict %r", {"token": "discord-token-value-1234"})
        try:
            raise ValueError(f"bad token {BOT_TOKEN}")
        except ValueError:
            logger.exception("failed")
        install_log_redaction([SIGNING], logger=logger)  # idempotent: one filter per handler
        assert sum(isinstance(f, RedactingFilter) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert SIGNING not in out and "discord-token-value-1234" not in out and BOT_TOKEN not in out
    assert out.count(REDACTED) == 3
    assert "ValueError" in out  # the traceback is kept, only the secret is gone


def test_secret_hides_its_value():
    s = Secret(BOT_TOKEN)
    assert BOT_TOKEN not in repr(s) and BOT_TOKEN not in str(s) and BOT_TOKEN not in f"{s}"
    assert s.reveal() == BOT_TOKEN
    assert copy.deepcopy(s).reveal() == BOT_TOKEN
    with pytest.raises(TypeError):
        pickle.dumps(s)


# -- settings --------------------------------------------------------------------------------

def test_settings_from_env_and_their_repr():
    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING, "SLACK_API_URL": "http://127.0.0.1:9/api",
        "PORT": "8080", "DISCORD_TOKEN": "discord-token-value-1234", "DISCORD_GUILD_ID": "123456789",
        "CLAIMBOT_ADMINS": "slack:U123, discord:456 ,", "CLAIMBOT_ADMIN_ROLE": "789"})
    assert settings.slack_enabled and not settings.slack_socket_mode and settings.discord_enabled
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.port == 8080 and settings.discord_guild_id == 123456789
    assert settings.admins == frozenset({"slack:U123", "discord:456"})
    policy = settings.admin_policy()
    assert policy.role_ids == frozenset({"789"})
    text = repr(settings) + str(settings)
    for secret in (BOT_TOKEN, SIGNING, "discord-token-value-1234"):
        assert secret not in text


def test_no_tokens_means_console():
    settings = Settings.from_env({})
    assert not settings.slack_enabled and not settings.discord_enabled
    assert settings.slack_api_url == "https://slack.com/api/" and settings.port == 3000


@pytest.mark.parametrize("env, message", [
    ({"SLACK_BOT_TOKEN": "xoxp-user-token-1"}, "should be a bot token"),
    ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "needs SLACK_SIGNING_SECRET"),
    ({"SLACK_APP_TOKEN": "xapp-1-A1-123"}, "SLACK_BOT_TOKEN is not"),
    ({"PORT": "http"}, "PORT must be a port number"),
    ({"DISCORD_GUILD_ID": "my-server"}, "DISCORD_GUILD_ID must be"),
    ({"CLAIMBOT_ADMINS": "U123"}, "not platform:user_id"),
    ({"CLAIMBOT_ADMINS": "teams:U123"}, "not platform:user_id"),
    ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL must be"),
])
def test_bad_settings_are_named_without_their_values(env, message):
    with pytest.raises(ConfigError, match=message) as info:
        Settings.from_env(env)
    for name, value in env.items():
        if "TOKEN" in name:
            assert value not in info.value.message


def test_socket_mode_needs_no_signing_secret():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-1-A1-secretvalue"})
    assert settings.slack_socket_mode


# -- invisible characters ----------------------------------------------------------------------

# a right-to-left override, isolates, direction marks, zero-width space/joiners, word joiner,
# byte-order mark, a Hangul filler and a tag character
INVISIBLE = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u2060",
             "\ufeff", "\u3164", "\U000e0041"]


@pytest.mark.parametrize("escape", [slack_text, slack_plain, discord_text, discord_plain, plain_text])
def test_bidirectional_controls_and_zero_width_characters_are_stripped(escape):
    for ch in INVISIBLE:
        out = escape(f"invoice{ch}gpj.exe")
        assert ch not in out
        assert out.replace(ZWSP, "") == "invoicegpj.exe"
    # a zero-width joiner splitting a word a reader or filter looks for goes too
    assert "\u200c" not in escape("@every\u200cone") and "\u200d" not in escape("ad\u200dmin")


def test_joiners_inside_emoji_and_scripts_that_need_them_are_kept():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_invisible(family) == family
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want": the joiner is spelling
    assert strip_invisible(persian) == persian
    assert strip_invisible("heart \u2764\ufe0f") == "heart \u2764\ufe0f"  # variation selectors stay


def test_terminal_text_loses_c1_controls():
    assert plain_text("a\x9b2Jb") == "a2Jb"  # CSI as one byte
