"""One command table for every platform: parse a command, call the Service, return a Reply.

Slack and the console hand over a text line (``run_line``); Discord hands over its typed
options (``invoke`` with the same argument names).  Both meet in ``invoke``, which checks
admin rights, turns ``CommandError`` into an error reply the user sees, and logs anything
else before answering with a short apology.  Nothing here knows about a platform.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.answers import claim_item, event_item, evidence_reply, speaker_text, stance_reply, statement_text
from bot.errors import CommandError, PermissionDenied
from bot.names import closest, did_you_mean, find_person
from bot.render.dates import when_text
from bot.render.text import person_label, speaker_label
from bot.reply import Caller, Field, Form, FormField, Item, Reply

log = logging.getLogger(__name__)

STANCES = ("support", "oppose", "neutral")
EVENT_KINDS = ("dialogue", "summit", "meeting", "visit", "election", "negotiation", "policy", "deadline", "other")
LIST_LIMIT = 200  # items one list answer carries; renderers page them
STANCE_LIMIT = 50

APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."


class UsageError(CommandError):
    """The command was malformed; the reply shows its usage."""


class FormError(CommandError):
    """A bad value in one field of a form, so a modal can point at that field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class Reminders(Protocol):
    """What the reminders work plugs in: ``/remind ...`` is routed to ``handle``."""

    def handle(self, caller: Caller, args: dict[str, str]) -> Reply: ...


# -- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    help: str
    required: bool = False
    suggest: str = ""  # where autocomplete draws from: actor | topic | kind | scope | stance


@dataclass(frozen=True)
class Spec:
    name: str  # "stance", "claim add"
    usage: str
    summary: str
    params: tuple[Param, ...] = ()
    admin: bool = False
    slow: bool = False  # may take seconds (article extraction): platforms defer at once
    example: str = ""


CLAIM_KEYS = {"actor": "actor", "topic": "topic", "stance": "stance", "statement": "statement",
              "quote": "statement", "speaker": "speaker", "source_title": "source_title", "source": "source_title",
              "title": "source_title", "source_url": "source_url", "url": "source_url", "date": "date",
              "published": "date"}
EVENT_KEYS = {"title": "title", "kind": "kind", "start": "start", "date": "start", "when": "start", "end": "end",
              "place": "place", "where": "place", "participants": "participants", "actors": "participants"}
INGEST_KEYS = {"published": "published", "date": "published", "title": "title", "url": "url"}

SPECS: dict[str, Spec] = {s.name: s for s in (
    Spec("stance", "/stance ACTOR TOPIC", "An actor's position on a topic, with the evidence.",
         (Param("actor", "a country, capital or bloc: japan, Beijing, eu", True, "actor"),
          Param("topic", "a topic: rare-earths, \"chip export controls\"", True, "topic")),
         example="/stance japan rare-earths"),
    Spec("claims", "/claims [ACTOR] [TOPIC] [\"TEXT\"]", "Claims, filtered by actor, topic and words.",
         (Param("actor", "only this actor's claims", suggest="actor"),
          Param("topic", "only claims on this topic", suggest="topic"),
          Param("text", "words the claim must contain")),
         example="/claims china \"rare earth elements\""),
    Spec("events", "/events [upcoming|past|all] [ACTOR] [KIND]", "Dated events: dialogues, summits, visits ...",
         (Param("scope", "upcoming (default), past or all", suggest="scope"),
          Param("actor", "only events with this participant", suggest="actor"),
          Param("kind", "summit, visit, election ...", suggest="kind")),
         example="/events upcoming japan summit"),
    Spec("sources", "/sources", "The articles the claims come from."),
    Spec("actors", "/actors [COUNTRY|NAME]", "The people quoted, with the country they speak for and their title "
         "(/help actors: the countries and blocs with claims).",
         (Param("query", "a country (japan) or words of a name", suggest="actor"),), example="/actors japan"),
    Spec("evidence", "/evidence ID", "The sentence and article a claim or an event was found in.",
         (Param("id", "a claim or event id (the buttons under answers carry it)", True),)),
    Spec("flag", "/flag ID [REASON]", "Report a claim as wrong: an admin reviews it; the claim stays as it is "
         "until then.", (Param("id", "the claim id (the Flag as wrong button carries it)", True),
                         Param("reason", "what is wrong"))),
    Spec("help", "/help [COMMAND | actors | topics | kinds]", "What each command does; the actors, topics and "
         "event kinds it knows.", (Param("command", "a command name, or actors, topics, kinds"),),
         example="/help actors"),
    Spec("claim add", "/claim add actor=A topic=T stance=support|oppose|neutral statement=\"...\" "
         "[speaker=\"...\"] [source=\"title\"] [url=URL] [date=YYYY-MM-DD]",
         "Add a claim by hand (no arguments opens a form where the platform has one).",
         (Param("actor", "who holds the position", True, "actor"), Param("topic", "what it is about", True, "topic"),
          Param("stance", "support, oppose or neutral", True, "stance"),
          Param("statement", "the statement or quote", True), Param("speaker", "who said it"),
          Param("source_title", "the source's title"), Param("source_url", "the source's URL"),
          Param("date", "when it was said, YYYY-MM-DD")), admin=True),
    Spec("claim edit", "/claim edit ID field=value ...", "Correct a claim; fields: actor, topic, stance, "
         "statement, speaker, source, url, date.",
         (Param("id", "the claim id", True), Param("changes", "field=value pairs", True)), admin=True,
         example="/claim edit c1a2b3c4d5 stance=oppose"),
    Spec("claim retract", "/claim retract ID REASON", "Retract a claim (kept in the audit log).",
         (Param("id", "the claim id", True), Param("reason", "why it is retracted", True)), admin=True),
    Spec("event add", "/event add title=\"...\" start=YYYY-MM-DD [end=...] [kind=summit] [place=...] "
         "[participants=\"japan, china\"]", "Add an event by hand.",
         (Param("title", "what happens", True), Param("start", "2025-06-15, 2025-06, mid-2025-06, 2025-W24 or 2025", True),
          Param("end", "last day, if a range"), Param("kind", "summit, visit, election ...", suggest="kind"),
          Param("place", "where"), Param("participants", "comma-separated actors")), admin=True),
    Spec("event edit", "/event edit ID field=value ...", "Correct an event; fields: title, kind, start, end, "
         "place, participants.", (Param("id", "the event id", True), Param("changes", "field=value pairs", True)),
         admin=True),
    Spec("event cancel", "/event cancel ID [REASON]", "Mark an event as cancelled.",
         (Param("id", "the event id", True), Param("reason", "why")), admin=True),
    Spec("event merge", "/event merge KEEP OTHER", "Two records of one event: KEEP takes OTHER's sources; "
         "OTHER is closed as merged.", (Param("keep", "the id of the event to keep", True),
                                       Param("other", "the id of the duplicate", True)), admin=True,
         example="/event merge e1a2b3c4d5 e6f7a8b9c0"),
    Spec("review", "/review [dismiss ID [REASON]]", "Claims readers flagged as wrong; dismiss a flag once checked "
         "(or fix the claim with /claim edit or /claim retract).",
         (Param("action", "dismiss, or nothing to list the flags"), Param("id", "the claim id"),
          Param("reason", "why the flag is dismissed")), admin=True),
    Spec("ingest", "/ingest published=YYYY-MM-DD [title=\"...\"] [url=URL] TEXT  (or attach a file)",
         "Read an article (pasted or attached) and store its claims and events.",
         (Param("published", "publication date, YYYY-MM-DD", True), Param("title", "the article's title"),
          Param("url", "where it was published"), Param("text", "the article text")), admin=True, slow=True),
    Spec("person set", "/person set NAME COUNTRY", "Correct the country a person speaks for (COUNTRY none: no "
         "state); applies to the claims stored and to later articles.",
         (Param("name", "the person's name", True), Param("country", "a country, capital or bloc, or none", True,
                                                           "actor")),
         admin=True, example="/person set \"Anna Berg\" netherlands"),
    Spec("remind", "/remind subscribe [channel] [lead 7d,1d,2h] [kinds ...] [actors ...] | unsubscribe | list | "
         "digest daily|weekly|off", "Reminders of upcoming events in this channel: subscribe, list, unsubscribe, digest.",
         (Param("text", "what to do, e.g. subscribe, list, stop"),), example="/remind subscribe lead 7d,1d kinds summit"),
)}

GROUPS = {"claim": ("add", "edit", "retract"), "event": ("add", "edit", "cancel", "merge"), "person": ("set",)}

CLAIM_FORM = (
    FormField("actor", "Actor (country, capital or bloc)", placeholder="japan", max_length=80, suggest="actor"),
    FormField("topic", "Topic", placeholder="rare earth export controls", max_length=200, suggest="topic"),
    FormField("stance", "Stance", placeholder="support, oppose or neutral", max_length=10, choices=STANCES),
    FormField("statement", "Statement or quote", multiline=True, max_length=1500),
    FormField("speaker", "Speaker", required=False, max_length=120),
    FormField("source_title", "Source title", required=False, max_length=200),
    FormField("source_url", "Source URL", required=False, max_length=500),
    FormField("date", "Date (YYYY-MM-DD)", required=False, placeholder="2025-03-01", max_length=10),
)

# the question form (Slack's App Home "Ask" button): a stance with actor and topic pickers
STANCE_FORM = (
    FormField("actor", "Actor", placeholder="Choose a country, bloc or person", max_length=80, suggest="actor"),
    FormField("topic", "Topic", placeholder="Choose or type a topic", max_length=200, suggest="topic"),
)
HELP_TOPICS = ("actors", "topics", "kinds")
SCOPES = ("upcoming", "past", "all")


# -- admins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminPolicy:
    """Who may run admin commands, and which servers this deployment serves.

    A Discord permission (Manage Server) or admin role means something only inside a server
    the deployment serves (``discord_guilds``, from DISCORD_GUILD_IDS): anyone can add a public
    bot to a server of their own, where they hold every permission.  With no served servers
    configured, a Discord permission grants nothing and only the users listed in
    CLAIMBOT_ADMINS are admins.
    """

    users: frozenset[str] = frozenset()  # "slack:U123", "discord:456"
    role_ids: frozenset[str] = frozenset()  # Discord role ids that make a member an admin
    console_is_admin: bool = True  # the console runs on the operator's own machine
    discord_guilds: frozenset[str] = frozenset()  # the Discord servers this deployment serves

    def serves(self, caller: Caller) -> bool:
        """Whether a command from where ``caller`` is may run at all: with served Discord
        servers configured, commands from any other server (or a direct message) are refused."""
        return self.serves_space(caller.platform, caller.space)

    def serves_space(self, platform: str, space: str) -> bool:
        if platform == "discord" and self.discord_guilds:
            return space in self.discord_guilds
        return True

    def allows(self, caller: Caller) -> bool:
        if not self.serves(caller):
            return False
        if caller.platform == "console" and self.console_is_admin:
            return True
        if caller.who in self.users:
            return True
        if caller.platform == "discord" and caller.space and caller.space in self.discord_guilds and \
                ("manage_guild" in caller.permissions or caller.roles & self.role_ids):
            return True
        return False


# -- parsing -------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"'})
_KEY = re.compile(r"([A-Za-z][A-Za-z_-]*)=")


@dataclass(frozen=True)
class Token:
    text: str  # the value, quotes removed
    start: int
    end: int
    quoted: bool = False
    key: str | None = None  # for key=value tokens


def tokenize(line: str, limit: int | None = None) -> list[Token]:
    """Split on spaces, keeping "quoted phrases" and key="quoted values" whole.

    Only double quotes group (also the curly ones chat clients type), so apostrophes in
    "China's" or "don't" are plain characters.  Inside quotes, \\" is a literal quote.
    ``limit``: stop after that many tokens, leaving the rest of the line unread.
    """
    s = line.translate(_QUOTES)  # one character for one, so offsets still fit ``line``
    out: list[Token] = []
    i, n = 0, len(s)
    while i < n and (limit is None or len(out) < limit):
        if s[i].isspace():
            i += 1
            continue
        start = i
        key = None
        m = _KEY.match(s, i)
        if m:
            key = m.group(1).lower().replace("-", "_")
            i = m.end()
        if i < n and s[i] == '"':
            value, i = _read_quoted(s, i)
            quoted = True
        else:
            j = i
            while j < n and not s[j].isspace():
                j += 1
            value, i, quoted = s[i:j], j, False
        out.append(Token(value, start, i, quoted, key))
    return out


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    buf: list[str] = []
    j = i + 1
    while j < len(s):
        c = s[j]
        if c == "\\" and j + 1 < len(s) and s[j + 1] in '"\\':
            buf.append(s[j + 1])
            j += 2
            continue
        if c == '"':
            return "".join(buf), j + 1
        buf.append(c)
        j += 1
    raise UsageError("a quote is not closed: put the closing \" after the phrase")


def quote(value: str) -> str:
    """The inverse of ``tokenize`` for one value (used to rebuild a command line)."""
    if value and not any(c.isspace() or c in '"\u201c\u201d' for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_options(tokens: list[Token], keys: dict[str, str], what: str) -> tuple[list[Token], dict[str, str]]:
    """Leading positional tokens, then key=value options.

    Unquoted words after an option extend its value, so
    ``statement=We will not accept this`` needs no quotes.
    """
    positional: list[Token] = []
    opts: dict[str, str] = {}
    last: str | None = None
    for t in tokens:
        if t.key is not None:
            if t.key not in keys:
                raise UsageError(f"{what} has no field {t.key!r}; use: {', '.join(sorted(set(keys.values())))}")
            last = keys[t.key]
            if last in opts:
                raise UsageError(f"{last} is given twice")
            opts[last] = t.text
        elif last is None:
            positional.append(t)
        else:
            opts[last] = f"{opts[last]} {t.text}".strip()
    return positional, opts


def _rest(line: str, tokens: list[Token], index: int) -> str:
    """The raw text from token ``index`` on (apostrophes, quotes and all)."""
    return line[tokens[index].start:].strip() if index < len(tokens) else ""


def _join(tokens: Iterable[Token]) -> str:
    return " ".join(t.text for t in tokens).strip()


# -- the commands --------------------------------------------------------------------------


@dataclass
class Commands:
    """The command table bound to a Service; every platform adapter calls ``run_line`` or ``invoke``."""

    service: Any  # bot.service.Service (not imported: it loads the extraction data)
    admins: AdminPolicy = field(default_factory=AdminPolicy)
    reminders: Reminders | None = None
    # told (command name, reply, seconds) after every command: metrics live in bot/ops, not here
    observers: list[Callable[[str, Reply, float], None]] = field(default_factory=list)

    # ---- entry points
    def run_line(self, caller: Caller, line: str) -> Reply:
        """A command typed as text: "/stance japan rare-earths", "claim retract c12 wrong actor"."""
        started = time.perf_counter()
        try:
            name, args = self.parse(line)
        except UsageError as e:
            reply = Reply("That command did not parse", text=e.message, kind="usage",
                          footer="Type /help for the commands.")
            self._observe("unparsed", reply, time.perf_counter() - started)
            return reply
        return self.invoke(caller, name, args)

    def parse(self, line: str) -> tuple[str, dict[str, str]]:
        """(command name, arguments) of a text command."""
        s = line.strip()
        words = s.split(None, 1)
        if not words:
            return "help", {}
        head = words[0].lstrip("/").lower()
        rest = words[1] if len(words) > 1 else ""
        if head == "claimbot":  # Slack's umbrella command: /claimbot help, /claimbot remind ...
            return self.parse(rest)
        if head in GROUPS:
            sub_words = rest.split(None, 1)
            sub = sub_words[0].lower() if sub_words else ""
            if sub not in GROUPS[head]:
                usages = "\n".join(SPECS[f"{head} {s}"].usage for s in GROUPS[head])
                raise UsageError(f"/{head} needs one of: {', '.join(GROUPS[head])}\n{usages}")
            name = f"{head} {sub}"
            rest = sub_words[1] if len(sub_words) > 1 else ""
        elif head in SPECS:
            name = head
        else:
            raise UsageError(f"I don't know the command /{head}. " + (
                did_you_mean(command_suggestions(head), "/") or "Type /help for the commands."))
        parser: Callable[[str], dict[str, str]] = getattr(self, "_parse_" + name.replace(" ", "_"))
        try:
            return name, parser(rest)
        except UsageError as e:
            raise UsageError(f"{e.message}\nUsage: {SPECS[name].usage}") from e

    def invoke(self, caller: Caller, name: str, args: dict[str, str]) -> Reply:
        """Run one command with its arguments; never raises."""
        started = time.perf_counter()
        reply = self._invoke(caller, name, args)
        self._observe(name if name in SPECS else "unknown", reply, time.perf_counter() - started)
        return reply

    def observe(self, name: str, reply: Reply, seconds: float) -> None:
        """Tell the observers (metrics) about an answer made outside ``invoke``."""
        self._observe(name, reply, seconds)

    def _observe(self, name: str, reply: Reply, seconds: float) -> None:
        for observe in self.observers:
            try:
                observe(name, reply, seconds)
            except Exception:  # an observer never costs the user the answer
                log.exception("command observer failed")

    def _invoke(self, caller: Caller, name: str, args: dict[str, str]) -> Reply:
        spec = SPECS.get(name)
        if spec is None:
            return Reply("Unknown command", text=f"I don't know the command /{name}. "
                         + did_you_mean(command_suggestions(name), "/"), kind="usage",
                         footer="Type /help for the commands.")
        args = {k: v.strip() if isinstance(v, str) else v for k, v in args.items() if v is not None}
        if not self.admins.serves(caller):
            log.info("refused /%s: %s %s is not served", name, caller.platform, caller.space or "direct message")
            return Reply("Not served here", kind="refusal",
                         text="This claimbot deployment does not serve this server. Ask its operator to add "
                              "the server to DISCORD_GUILD_IDS, or remove the bot from this server.")
        try:
            if spec.admin and not self.admins.allows(caller):
                raise PermissionDenied(f"/{name} is for admins. {admin_hint(caller)}")
            handler: Callable[[Caller, dict[str, str]], Reply] = getattr(self, "_do_" + name.replace(" ", "_"))
            reply = handler(caller, args)
        except PermissionDenied as e:
            log.info("refused /%s for %s", name, caller.who)
            return Reply("Not allowed", text=e.message, kind="refusal")
        except UsageError as e:
            return Reply("That command is incomplete", text=e.message, kind="usage", footer=f"Usage: {spec.usage}")
        except FormError as e:
            return Reply("Please check the form", text=e.message, kind="error", error_field=e.field)
        except CommandError as e:
            return Reply("Can't do that", text=e.message, kind="error")
        except Exception:
            # the arguments stay out of the log: they may hold pasted articles, not secrets,
            # but the log is no place for them; the traceback is enough to debug
            log.exception("/%s failed for %s", name, caller.who)
            return Reply("Something went wrong", text=APOLOGY, kind="apology")
        if not spec.admin and name not in ("help", "remind", "flag") and not reply.is_error:
            reply.command, reply.args = name, dict(args)
        reply.show_ids = self.admins.allows(caller)  # record ids only for those who act on them
        return reply

    def rerun(self, caller: Caller, name: str, args: dict[str, str]) -> Reply:
        """Run a read command again (another page, a share); admin commands never run twice."""
        spec = SPECS.get(name)
        if spec is None or spec.admin or name in ("remind", "flag"):
            return Reply("Can't do that", text="That answer cannot be shown again; run the command anew.",
                         kind="error")
        return self.invoke(caller, name, args)

    def spec(self, name: str) -> Spec:
        return SPECS[name]

    def spec_of_line(self, line: str) -> Spec | None:
        """The command a text line names, without parsing its arguments (to acknowledge fast)."""
        words = line.strip().lstrip("/").lower().split()
        if words and words[0] == "claimbot":
            words = words[1:]
        if not words:
            return None
        if words[0] in GROUPS and len(words) > 1:
            return SPECS.get(f"{words[0]} {words[1]}")
        return SPECS.get(words[0])

    def is_admin(self, caller: Caller) -> bool:
        return self.admins.allows(caller)

    def suggest(self, kind: str, current: str, limit: int = 25, caller: Caller | None = None) -> list[tuple[str, str]]:
        """(label, value) choices for autocomplete, best first; none where ``caller`` is not served."""
        if caller is not None and not self.admins.serves(caller):
            return []
        cur = current.strip().lower()
        if kind == "actor":
            rows = [(f"{a['name']} ({a['claims']} claims)", a["id"]) for a in self.service.actors()
                    if not cur or cur in a["id"].lower() or cur in a["name"].lower()]
            if cur:  # people are actors too: their own statements, labelled with their country
                rows += [(f"{p.name} ({self._actor_label(p.actor)})", p.name) for p in self.service.people_as_actors()
                         if cur in p.name.lower()]
                if not rows:  # a typo: the closest names
                    rows = [(f"{n}?", n) for n in self.service.suggest_actors(cur, n=5)]
        elif kind == "topic":
            topics = sorted(self.service.topic_list(), key=lambda t: (-t["claims"], t["label"]))
            rows = [(f"{t['label']} ({t['claims']} claims)", t["id"]) for t in topics
                    if not cur or cur in t["id"].lower() or cur in t["label"].lower()]
            if cur and not rows:
                labels = {t["label"]: t["id"] for t in topics}
                rows = [(f"{n}?", labels.get(n, n)) for n in self.service.suggest_topics(cur, n=5)]
        else:
            options = {"kind": EVENT_KINDS, "scope": SCOPES, "stance": STANCES}.get(kind, ())
            rows = [(o, o) for o in options if not cur or o.startswith(cur)]
        if cur:
            rows.sort(key=lambda r: (not r[1].lower().startswith(cur), 0))
        return rows[:limit]

    # ---- parsers: text after the command name -> arguments
    def names_actor(self, text: str) -> bool:
        """Whether ``text`` names an actor or a person."""
        return bool(self.service.gaz.resolve(text) or find_person(text, self.service.people_directory()))

    def _actor_prefix(self, tokens: list[Token], keep: int, fuzzy: bool = False) -> int:
        """How many leading tokens name an actor or person ("south korea", "xi jinping" are two);
        0 if none do.  ``fuzzy`` (where an actor must come first): a close misspelling of a name
        of several words counts too, so that the error can name it."""
        if tokens and tokens[0].quoted:
            return 1 if self.names_actor(tokens[0].text) else 0
        most = min(4, len(tokens) - keep)
        for n in range(most, 0, -1):
            if any(t.quoted or t.key for t in tokens[:n]):
                continue
            if self.names_actor(_join(tokens[:n])):
                return n
        # a mistyped name of two or three words ("south koria") is taken whole, so that the
        # answer can say which name was meant
        for n in range(min(3, most), 1, -1) if fuzzy else ():
            if not any(t.quoted or t.key for t in tokens[:n]) and \
                    " " in "".join(self.service.suggest_actors(_join(tokens[:n]), n=1)):
                return n
        return 0

    def _parse_stance(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        positional, opts = parse_options(tokens, {"actor": "actor", "topic": "topic"}, "/stance")
        if "actor" not in opts and positional:
            n = self._actor_prefix(positional, keep=0 if "topic" in opts else 1, fuzzy=True) or 1
            opts["actor"] = _join(positional[:n])
            positional = positional[n:]
        if "topic" not in opts and positional:
            opts["topic"] = _join(positional)
        elif positional:
            raise UsageError(f"I don't know what {_join(positional)!r} is for")
        if not opts.get("actor") or not opts.get("topic"):
            raise UsageError("give an actor and a topic, e.g. /stance japan rare-earths")
        return opts

    def _parse_claims(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        positional, opts = parse_options(tokens, {"actor": "actor", "topic": "topic", "text": "text"}, "/claims")
        if positional and "actor" not in opts:
            n = self._actor_prefix(positional, keep=0)
            if n:
                opts["actor"] = _join(positional[:n])
                positional = positional[n:]
        # unquoted words make one phrase; each quoted phrase is its own argument
        segments: list[str] = []
        words: list[str] = []
        for t in positional:
            if t.quoted:
                if words:
                    segments.append(" ".join(words))
                    words = []
                segments.append(t.text)
            else:
                words.append(t.text)
        if words:
            segments.append(" ".join(words))
        for name in ("topic", "text"):
            if name not in opts and segments:
                opts[name] = segments.pop(0)
        if segments:
            raise UsageError(f"too many arguments: {', '.join(repr(s) for s in segments)}")
        return opts

    def _parse_events(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        positional, opts = parse_options(tokens, {"scope": "scope", "actor": "actor", "kind": "kind"}, "/events")
        left: list[Token] = []
        for t in positional:
            low = t.text.lower()
            if low in SCOPES and "scope" not in opts:
                opts["scope"] = low
            elif low in EVENT_KINDS and "kind" not in opts:
                opts["kind"] = low
            elif low.rstrip("s") in EVENT_KINDS and "kind" not in opts:
                opts["kind"] = low.rstrip("s")
            else:
                left.append(t)
        if left:
            if "actor" in opts:
                raise UsageError(f"I don't know what {_join(left)!r} is for")
            opts["actor"] = _join(left)
            if not self.names_actor(opts["actor"]):
                self._no_such_word(opts, left)
        return opts

    def _no_such_word(self, opts: dict[str, str], left: list[Token]) -> None:
        """A word of /events that is no actor: a mistyped kind or scope is named, with the
        command that was meant; else the actor error (with its own suggestions) follows."""
        word = opts["actor"].lower()
        kinds = {k: k for k in EVENT_KINDS if "kind" not in opts}
        kinds.update({k + "s": k for k in EVENT_KINDS if "kind" not in opts})
        scopes = {k: k for k in SCOPES if "scope" not in opts}
        kind = closest(word, kinds, n=1)
        scope = closest(word, scopes, n=1)
        actors = self.service.suggest_actors(word, n=1)
        if not kind and not scope:
            return
        fixed = dict(opts)
        del fixed["actor"]
        what = "the kind" if kind else "the scope"
        fixed["kind" if kind else "scope"] = (kind or scope)[0]
        line = "/events " + " ".join(fixed[k] for k in ("scope", "kind") if fixed.get(k))
        also = f" (or the actor {actors[0]}?)" if actors else ""
        raise UsageError(f"I don't know what {word!r} is. Did you mean {what} {(kind or scope)[0]}{also}? "
                         f"Try `{line}`.")

    def _parse_sources(self, rest: str) -> dict[str, str]:
        if rest.strip():
            raise UsageError("/sources takes no arguments")
        return {}

    def _parse_actors(self, rest: str) -> dict[str, str]:
        return {"query": _join(tokenize(rest))} if rest.strip() else {}

    def _parse_person_set(self, rest: str) -> dict[str, str]:
        """NAME COUNTRY: the country is the last words that name one ("south korea"), or none."""
        tokens = tokenize(rest)
        if any(t.key for t in tokens):
            positional, opts = parse_options(tokens, {"name": "name", "country": "country", "actor": "country"},
                                             "/person set")
            if positional:
                raise UsageError(f"I don't know what {_join(positional)!r} is for")
            return opts
        if len(tokens) < 2:
            raise UsageError("give a name and a country, e.g. /person set \"Anna Berg\" netherlands")
        for n in range(min(3, len(tokens) - 1), 0, -1):
            tail = tokens[-n:]
            if any(t.quoted for t in tail) and n > 1:
                continue
            if _join(tail).lower() in ("none", "no state") or self.service.gaz.resolve(_join(tail)):
                return {"name": _join(tokens[:-n]), "country": _join(tail)}
        return {"name": _join(tokens[:-1]), "country": tokens[-1].text}

    def _parse_help(self, rest: str) -> dict[str, str]:
        return {"command": rest.strip().lstrip("/")} if rest.strip() else {}

    def _parse_evidence(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        if len(tokens) != 1 or tokens[0].key:
            raise UsageError("give one claim or event id")
        return {"id": tokens[0].text}

    def _parse_flag(self, rest: str) -> dict[str, str]:
        return self._parse_id_reason(rest, need_reason=False)

    def _parse_review(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        if not tokens:
            return {}
        if tokens[0].text.lower() != "dismiss" or len(tokens) < 2:
            raise UsageError("list the flags with /review, or close one with /review dismiss ID [REASON]")
        return {"action": "dismiss", "id": tokens[1].text, "reason": _rest(rest, tokens, 2)}

    def _parse_remind(self, rest: str) -> dict[str, str]:
        return {"text": rest.strip()}

    def _parse_claim_add(self, rest: str) -> dict[str, str]:
        positional, opts = parse_options(tokenize(rest), CLAIM_KEYS, "/claim add")
        if positional:
            raise UsageError("give the claim as field=value pairs, e.g. actor=japan topic=\"rare earths\" "
                             "stance=oppose statement=\"...\"")
        return opts

    def _parse_id_changes(self, rest: str, keys: dict[str, str], what: str) -> dict[str, str]:
        tokens = tokenize(rest)
        if not tokens or tokens[0].key is not None:
            raise UsageError(f"{what} needs the id first")
        _, opts = parse_options(tokens[1:], keys, what)  # validates the fields early
        if not opts:
            raise UsageError(f"{what} needs field=value pairs to change")
        return {"id": tokens[0].text, "changes": _rest(rest, tokens, 1)}

    def _parse_claim_edit(self, rest: str) -> dict[str, str]:
        return self._parse_id_changes(rest, CLAIM_KEYS, "/claim edit")

    def _parse_event_edit(self, rest: str) -> dict[str, str]:
        return self._parse_id_changes(rest, EVENT_KEYS, "/event edit")

    def _parse_id_reason(self, rest: str, need_reason: bool) -> dict[str, str]:
        tokens = tokenize(rest)
        if not tokens:
            raise UsageError("give the id")
        reason = _rest(rest, tokens, 1)
        if need_reason and not reason:
            raise UsageError("say why, after the id")
        return {"id": tokens[0].text, "reason": reason}

    def _parse_claim_retract(self, rest: str) -> dict[str, str]:
        return self._parse_id_reason(rest, need_reason=True)

    def _parse_event_cancel(self, rest: str) -> dict[str, str]:
        return self._parse_id_reason(rest, need_reason=False)

    def _parse_event_merge(self, rest: str) -> dict[str, str]:
        tokens = tokenize(rest)
        if len(tokens) != 2 or any(t.key for t in tokens):
            raise UsageError("give the event to keep and its duplicate: /event merge KEEP OTHER")
        return {"keep": tokens[0].text, "other": tokens[1].text}

    def _parse_event_add(self, rest: str) -> dict[str, str]:
        positional, opts = parse_options(tokenize(rest), EVENT_KEYS, "/event add")
        if positional:
            raise UsageError("give the event as field=value pairs, e.g. title=\"G7 summit\" start=2025-06-15")
        return opts

    def _parse_ingest(self, rest: str) -> dict[str, str]:
        # Only the leading options are tokenized: the article itself is taken raw, since
        # news text is full of quotes that are not ours to parse.
        opts: dict[str, str] = {}
        pos = 0
        while True:
            m = re.match(r"\s*([A-Za-z_]+)=", rest[pos:])
            date = re.match(r"\s*(\d{4}-\d{2}-\d{2})(?=\s|$)", rest[pos:])
            if date and "published" not in opts:
                opts["published"] = date.group(1)
                pos += date.end()
                continue
            if not m or m.group(1).lower() not in INGEST_KEYS:
                break
            key = INGEST_KEYS[m.group(1).lower()]
            tokens = tokenize(rest[pos:], limit=1)  # the article after it may open a quote it never closes
            opts[key] = tokens[0].text
            pos += tokens[0].end
        text = rest[pos:].strip()
        if text:
            opts["text"] = text
        return opts

    # ---- read commands
    def _do_stance(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "actor", "topic")
        ans = self.service.stance(args["actor"], args["topic"], limit=STANCE_LIMIT)
        reply = stance_reply(ans, self._actor_label)
        if ans.stance == "none" and not sum(ans.counts.values()) and not self.service.topics.query(args["topic"]).ids:
            hint = did_you_mean(self.service.suggest_topics(args["topic"]))
            if hint:  # a topic nobody has claims on may be a typo of one that has
                reply.text = f"{reply.text} {hint}".strip()
        return reply

    def _do_claims(self, caller: Caller, args: dict[str, str]) -> Reply:
        found = self.service.claims(actor=args.get("actor") or None, topic=args.get("topic") or None,
                                    text=args.get("text") or None)
        what = []
        if args.get("actor"):
            what.append(f"by {self.service.resolve_who(args['actor']).label}")
        if args.get("topic"):
            what.append(f"on {args['topic']}")
        if args.get("text"):
            what.append(f"saying {args['text']!r}")
        found = list(reversed(found))  # newest first
        reply = Reply(f"Claims {' '.join(what)}".strip() + f" ({len(found)})")
        if not found:
            reply.text = "No claims match. Try fewer filters, or /sources to see what has been read."
        if len(found) > LIST_LIMIT:
            reply.footer = f"Showing the newest {LIST_LIMIT} of {len(found)}; narrow it with an actor or topic."
        flagged = self.service.flag_counts() if self.admins.allows(caller) else {}
        for c in found[:LIST_LIMIT]:
            n = flagged.get(c["id"], 0)
            reply.items.append(claim_item(c, self._actor_label,
                                          extra_meta=f"flagged as wrong {n}\u00d7 (/review)" if n else ""))
        return reply

    def _do_events(self, caller: Caller, args: dict[str, str]) -> Reply:
        scope = (args.get("scope") or "upcoming").lower()
        if scope not in SCOPES:
            raise UsageError("the scope is upcoming, past or all")
        kind = (args.get("kind") or "").lower() or None
        evs = self.service.events(scope=scope, actor=args.get("actor") or None, kind=kind)
        title = {"upcoming": "Upcoming events", "past": "Past events", "all": "Events"}[scope]
        if kind:
            title = f"{title} \u00b7 {kind}"
        if args.get("actor"):
            title += f" with {self.service.resolve_who(args['actor']).label}"
        reply = Reply(f"{title} ({len(evs)})")
        if not evs:
            reply.text = "No events match." + (" Try /events all for past ones." if scope == "upcoming" else "")
        if len(evs) > LIST_LIMIT:
            reply.footer = f"Showing {LIST_LIMIT} of {len(evs)}; narrow it with an actor or a kind."
        for e in evs[:LIST_LIMIT]:
            reply.items.append(event_item(e, self._actor_label, self.service.store.get_article))
        return reply

    def _do_evidence(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id")
        ev = self.service.store.get_event(args["id"])
        if ev is not None:
            return evidence_reply(ev, self.service.store.get_article)
        c = self.service.store.get_claim(args["id"])
        if c is None:
            raise CommandError(f"There is no claim or event {args['id']!r}.")
        art = self.service.store.get_article(str(c.get("article") or "")) or {}
        reply = Reply(speaker_text(c, self._actor_label), text=" ".join(str(c.get("sentence") or "").split()))
        if c.get("context"):
            reply.fields.append(Field("The sentence before", " ".join(str(c["context"]).split()), inline=False))
        reply.items.append(Item(title=str(art.get("title") or c.get("source_title") or "source"),
                                text=statement_text(c),
                                meta=" \u00b7 ".join(str(x) for x in (art.get("outlet") or c.get("outlet"),
                                                                       c.get("published")) if x),
                                url=str(art.get("url") or c.get("source_url") or "")))
        return reply

    def _do_flag(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id")
        admin = self.admins.allows(caller)
        self.service.flag_claim(args["id"], who=caller.who, reason=args.get("reason", ""))
        text = ("Thanks. It is in the review queue: an admin will check it. The claim stays as it is until then."
                if not admin else "It is in the review queue (/review). Fix it with /claim edit or /claim retract.")
        return Reply("Flagged as wrong", text=text)

    def _do_review(self, caller: Caller, args: dict[str, str]) -> Reply:
        if args.get("action") == "dismiss":
            _need(args, "id")
            n = self.service.dismiss_flags(args["id"], who=caller.who, reason=args.get("reason", ""))
            return Reply(f"Flags on {args['id']} dismissed ({n})", text="The claim is unchanged.",
                         footer=f"Recorded in the audit log as {caller.who}.")
        flags = self.service.flags()
        reply = Reply(f"Review queue ({len(flags)} claim{'s' if len(flags) != 1 else ''} flagged)")
        if not flags:
            reply.text = "No open flags."
        for claim_id, recs in flags.items():
            c = self.service.store.get_claim(claim_id) or {"id": claim_id}
            reasons = "; ".join(r["after"].get("reason") or "no reason given" for r in recs)
            reply.items.append(claim_item(c, self._actor_label,
                                          extra_meta=f"flagged {len(recs)}\u00d7: {reasons}"))
        reply.footer = "Fix a claim with /claim edit or /claim retract, or close its flags with /review dismiss ID."
        return reply

    def _do_sources(self, caller: Caller, args: dict[str, str]) -> Reply:
        arts = list(reversed(self.service.sources()))
        reply = Reply(f"Sources ({len(arts)})")
        if not arts:
            reply.text = "No articles yet. An admin can add one with /ingest."
        for a in arts[:LIST_LIMIT]:
            reply.items.append(Item(title=a.get("title") or a["id"], meta=_source(a.get("outlet"), a.get("published")),
                                    url=a.get("url") or "", id=a["id"]))
        return reply

    def _do_actors(self, caller: Caller, args: dict[str, str]) -> Reply:
        query = args.get("query") or None
        people = self.service.people(query)
        what = f" · {query}" if query else ""
        reply = Reply(f"People quoted{what} ({len(people)})")
        if not people:
            reply.text = "Nobody matches. People are learned as articles are read; try /actors without a filter."
        for p in people[:LIST_LIMIT]:
            how = "set by an admin" if p["source"] == "admin" else (p["evidence"] or "country not stated")
            reply.items.append(Item(title=person_label(p["name"], p["role"], p["actor_label"]),
                                    meta=_source(f"{p['articles']} article{'s' if p['articles'] != 1 else ''}", how),
                                    id=p["id"]))
        more = f"Showing {LIST_LIMIT} of {len(people)}; add a country or a name. " if len(people) > LIST_LIMIT else ""
        # the other half of what can be asked about: /help actors lists the states and blocs
        reply.footer = more + "Countries and blocs with claims: /help actors."
        return reply

    def _do_person_set(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "name", "country")
        done = self.service.set_person(args["name"], args["country"], who=caller.who)
        person = done["person"]
        return Reply(f"{person['name']} speaks for {done['label']}",
                     text=f"{done['claims']} stored claim{'s' if done['claims'] != 1 else ''} updated; later "
                          "articles will use it too.",
                     fields=[Field("Person", person_label(person["name"], person.get("role", ""), done["label"]
                                                          if person.get("actor") else ""))],
                     footer=f"Recorded in the audit log as {caller.who}.")

    def _do_help(self, caller: Caller, args: dict[str, str]) -> Reply:
        wanted = (args.get("command") or "").lower().strip()
        if wanted in HELP_TOPICS:
            return self._help_topic(wanted)
        specs = [s for s in SPECS.values() if not wanted or s.name == wanted or s.name.startswith(wanted + " ")]
        if wanted and not specs:
            raise UsageError(f"there is no command {wanted!r}. "
                             + (did_you_mean(command_suggestions(wanted), "/")
                                or "Try /help for the commands, or /help actors, /help topics, /help kinds."))
        admin = self.admins.allows(caller)
        reply = Reply("claimbot commands" if not wanted else f"/{wanted}",
                      text="Who holds which position on which topic, from the news; and what is coming up.")
        for s in specs:
            if s.admin and not admin and not wanted:
                continue
            body = s.summary + (f"\nExample: {s.example}" if s.example else "")
            reply.items.append(Item(title=s.usage + ("  (admin)" if s.admin else ""), text=body))
        if not wanted:
            reply.items.append(Item(title="/help actors \u00b7 /help topics \u00b7 /help kinds",
                                    text="The actors, people, topics and event kinds claimbot knows."))
        if caller.platform == "slack":
            reply.footer = "In Slack, help and remind run as /claimbot help and /claimbot remind."
        elif not admin:
            reply.footer = ("Admin commands (/claim, /event, /person, /ingest, /review) are hidden: you are not "
                            "an admin.")
        return reply

    def _help_topic(self, topic: str) -> Reply:
        if topic == "actors":
            actors = self.service.actors()
            reply = Reply(f"Actors with claims ({len(actors)})",
                          text="Any country, capital, demonym or bloc works too (japan, Tokyo, Japanese, eu); "
                               "so do the people below, for their own statements.",
                          footer="The people quoted, with their title and the country they speak for: /actors.")
            for a in actors[:LIST_LIMIT]:
                reply.items.append(Item(title=f"{a['name']} ({a['id']})", text=_count(a["claims"], "claim")))
            # the people directory: who can stand for an actor (learned, curated, set by admins)
            names = sorted({p.name for p in self.service.people_as_actors()})
            if names:
                shown, more = [], len(names)
                for name in names:  # a field holds about a thousand characters
                    if sum(len(n) + 2 for n in shown) + len(name) > 900:
                        break
                    shown.append(name)
                    more -= 1
                reply.fields.append(Field(f"People ({len(names)})", ", ".join(shown) + (
                    f" \u2026 and {more} more" if more else ""), inline=False))
            return reply
        if topic == "topics":
            topics = sorted(self.service.topic_list(), key=lambda t: (-t["claims"], t["label"]))
            reply = Reply(f"Topics ({len(topics)})",
                          text="Any words work as a topic too: /stance japan \"chip export controls\".")
            for t in topics[:LIST_LIMIT]:
                reply.items.append(Item(title=t["label"], text=f"{_count(t['claims'], 'claim')} \u00b7 "
                                                              f"/stance ACTOR {t['id']}"))
            return reply
        return Reply("Event kinds", text=", ".join(EVENT_KINDS),
                     footer="For example: /events upcoming summit, /events past japan visit.")

    def _do_remind(self, caller: Caller, args: dict[str, str]) -> Reply:
        if self.reminders is None:
            return Reply("Reminders are not configured", kind="error",
                         text="This bot was started without the reminders service, so nothing was scheduled "
                              "or changed.")
        return self.reminders.handle(caller, args)

    # ---- admin commands
    def _do_claim_add(self, caller: Caller, args: dict[str, str]) -> Reply:
        known = {k: v for k, v in args.items() if v and k in CLAIM_KEYS.values()}
        # what is known is checked before a form asks for the rest, so nobody fills in a
        # form that was doomed by its first field
        if known.get("actor") and not self.names_actor(known["actor"]):
            raise FormError("actor", f"I don't know the actor {known['actor']!r}. Try a country, capital, bloc "
                                     "or person.")
        if known.get("stance") and known["stance"].lower() not in STANCES:
            raise FormError("stance", f"stance must be one of {', '.join(STANCES)}")
        if not known.get("statement"):
            return Reply("Add a claim", text="Fill in the form.",
                         form=Form("claim add", "Add a claim", list(CLAIM_FORM), values=known))
        missing = [f.name for f in CLAIM_FORM if f.required and not known.get(f.name)]
        if missing:
            raise FormError(missing[0], f"missing: {', '.join(missing)}")
        if known.get("date"):
            try:
                dt.date.fromisoformat(known["date"])
            except ValueError:
                raise FormError("date", f"{known['date']!r} is not a date like 2025-03-01") from None
        try:
            claim = self.service.add_claim(known, who=caller.who)
        except CommandError as e:
            raise FormError("statement", e.message) from e
        return Reply("Claim added", text=f"\u201c{claim['quote']}\u201d", fields=[
            Field("ID", claim["id"]), Field("Actor", self._actor_label(claim["actor"])),
            Field("Topic", claim.get("target", "")), Field("Stance", claim["stance"]),
        ], footer=f"Recorded in the audit log as {caller.who}.")

    def _changes(self, text: str, keys: dict[str, str], what: str) -> dict[str, str]:
        positional, opts = parse_options(tokenize(text), keys, what)
        if positional or not opts:
            raise UsageError(f"{what} needs field=value pairs, e.g. stance=oppose")
        return opts

    def _do_claim_edit(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id", "changes")
        changes = self._changes(args["changes"], CLAIM_KEYS, "/claim edit")
        before = self.service.store.get_claim(args["id"])
        after = self.service.edit_claim(args["id"], changes, who=caller.who)
        return Reply(f"Claim {after['id']} updated", fields=_diff(before or {}, after, (
            "actor", "stance", "quote", "target", "speaker", "published", "source_title", "source_url")),
            footer=f"Recorded in the audit log as {caller.who}.")

    def _do_claim_retract(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id", "reason")
        after = self.service.retract_claim(args["id"], args["reason"], who=caller.who)
        return Reply(f"Claim {after['id']} retracted", text=f"Reason: {after.get('retract_reason', '')}",
                     items=[Item(title=_speaker(after), text=f"\u201c{after.get('quote', '')}\u201d", id=after["id"])],
                     footer=f"It stays in the audit log; recorded as {caller.who}.")

    def _do_event_add(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "title", "start")
        ev = self.service.add_event(args, who=caller.who)
        return Reply("Event added", fields=[Field("ID", ev["id"]), Field("When", when(ev)),
                                            Field("Kind", ev.get("kind", ""))],
                     text=ev["title"], footer=f"Recorded in the audit log as {caller.who}.")

    def _do_event_edit(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id", "changes")
        changes = self._changes(args["changes"], EVENT_KEYS, "/event edit")
        before = self.service.store.get_event(args["id"])
        after = self.service.edit_event(args["id"], changes, who=caller.who)
        return Reply(f"Event {after['id']} updated",
                     fields=_diff(before or {}, after, ("title", "kind", "start", "end", "place", "participants")),
                     footer=f"Recorded in the audit log as {caller.who}.")

    def _do_event_cancel(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "id")
        after = self.service.cancel_event(args["id"], args.get("reason", ""), who=caller.who)
        return Reply(f"Event {after['id']} cancelled", text=after["title"],
                     fields=[Field("Reason", after.get("cancel_reason") or "-")],
                     footer=f"Recorded in the audit log as {caller.who}.")

    def _do_event_merge(self, caller: Caller, args: dict[str, str]) -> Reply:
        _need(args, "keep", "other")
        before = self.service.store.get_event(args["keep"])
        other = self.service.store.get_event(args["other"])
        after = self.service.merge_events(args["keep"], args["other"], who=caller.who)
        return Reply(f"Event {after['id']} kept, {args['other']} merged into it", text=after["title"],
                     fields=[Field("When", when(after)), Field("Merged", (other or {}).get("title", args["other"])),
                             *_diff(before or {}, after, ("participants", "place")),
                             Field("Sources", str(len(after.get("sources", []))))],
                     footer=f"Recorded in the audit log as {caller.who}.")

    def _do_ingest(self, caller: Caller, args: dict[str, str]) -> Reply:
        if not args.get("text") and not caller.attachments:
            raise UsageError("paste the article after the options, or attach a file")
        if not args.get("published"):
            raise UsageError("give the publication date: published=YYYY-MM-DD")
        reports = []
        if args.get("text"):
            reports.append(self.service.ingest_text(args["text"], args["published"], title=args.get("title", ""),
                                                    url=args.get("url", ""), who=caller.who))
        for att in caller.attachments:
            reports.append(self.service.ingest_bytes(att.data, args["published"], att.name, who=caller.who))
        added = sum(len(r.added) for r in reports)
        skipped = sum(len(r.skipped) for r in reports)
        claims = sum(r.claims for r in reports)
        events = sum(r.events for r in reports)
        if not added:
            return Reply("Nothing new", text="That article is stored already.")
        return Reply(f"Ingested {added} article{'s' if added != 1 else ''}",
                     text=f"{claims} claims and {events} events found."
                     + (f" {skipped} already stored." if skipped else ""),
                     fields=[Field("Article", ", ".join(a for r in reports for a in r.added))],
                     footer=f"Recorded in the audit log as {caller.who}.")

    def actor_label(self, actor: str) -> str:
        """An actor's name for answers ("japan", "Tokyo" -> "Japan")."""
        return self._actor_label(actor)

    def _actor_label(self, actor: str) -> str:
        aid = self.service.gaz.resolve(actor) or actor
        return self.service.gaz.label(aid)


# -- helpers -------------------------------------------------------------------------------


def command_suggestions(word: str) -> list[str]:
    """Command names close to a mistyped one ("stnace" -> "stance")."""
    names = {n: n for n in SPECS} | {g: g for g in GROUPS} | {f"help {t}": f"help {t}" for t in HELP_TOPICS}
    # "/topics" is "/help topics"; "/actors" is a command of its own (the people quoted)
    names.update({t: f"help {t}" for t in HELP_TOPICS if t not in SPECS})
    return closest(word, names, n=2)


def admin_hint(caller: Caller) -> str:
    """Who can do it, in the words of the caller's platform."""
    if caller.platform == "discord":
        return ("Ask an admin of this bot, or a member with the Manage Server permission (or the admin role) "
                "in this server, to do it.")
    if caller.platform == "slack":
        return "Ask one of this bot's admins in this workspace (its operator names them) to do it."
    return "Ask the operator of this bot to do it."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _need(args: dict[str, str], *names: str) -> None:
    missing = [n for n in names if not args.get(n)]
    if missing:
        raise UsageError(f"missing: {', '.join(missing)}")


def _speaker(c: dict[str, Any]) -> str:
    """ "Anna Berg (trade minister, Netherlands)": the speaker with title and country."""
    return speaker_label(c, _label(c.get("actor") or ""))


def _label(actor: str) -> str:
    from bot.extract.actors import gazetteer

    return gazetteer().label(actor) if actor else ""


def _source(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _diff(before: dict[str, Any], after: dict[str, Any], keys: Iterable[str]) -> list[Field]:
    out = []
    for k in keys:
        if before.get(k) != after.get(k):
            out.append(Field(k, f"{_show(before.get(k)) or '-'} \u2192 {_show(after.get(k)) or '-'}", inline=False))
    return out or [Field("Changes", "none: the values were the same", inline=False)]


def when(e: dict[str, Any]) -> str:
    """An event's date as people say it, keeping its precision, range or window."""
    return when_text(e)
