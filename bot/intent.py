"""Plain English to a command line: "what does Japan think about rare earths?" -> /stance.

A small, predictable parser over the command table, for direct messages and @mentions: a
few question shapes per command, nothing learnt.  It returns a command line that
``Commands.run_line`` answers as if typed, or None when the text asks nothing it knows (the
caller then says what it can do).  Names are checked only where a shape is loose ("japan
on tariffs"); elsewhere a mistyped name goes through, so the answer can say which name was
meant.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.commands import EVENT_KINDS, GROUPS, SPECS, quote
from bot.extract.topics import STOPWORDS
from bot.reply import Caller, Item, Reply

_ABOUT = r"(?:about|on|of|regarding|toward|towards|over|concerning)"
_STANCE_SHAPES = [
    # what does Japan think about rare earths / how does the EU feel about tariffs
    rf"(?:what|how) (?:does|do|did|is|are) (?P<who>.+?) (?:think|feel|say|said|thinking|feeling|saying)"
    rf"(?: {_ABOUT})? (?P<topic>.+)",
    rf"(?:what|how) (?:does|do|did) (?P<who>.+?) (?:stand|view|see) {_ABOUT} (?P<topic>.+)",
    r"where (?:does|do|did) (?P<who>.+?) stand on (?P<topic>.+)",
    r"(?:what is|what's|whats|what are) (?P<who>.+?)(?:'s|'|s') (?:position|positions|stance|view|views|line|take|"
    rf"policy) {_ABOUT} (?P<topic>.+)",
    rf"(?:what is|what's|whats) the (?:position|stance|view|line) of (?P<who>.+?) {_ABOUT} (?P<topic>.+)",
    r"(?:does|do|did|is|are) (?P<who>.+?) (?:support|back|oppose|reject|favou?r|like|want|against|for|in favou?r of|"
    r"supportive of|opposed to|in support of) (?P<topic>.+)",
    rf"(?:stance|position|view) of (?P<who>.+?) {_ABOUT} (?P<topic>.+)",
    rf"(?P<who>.+?)(?:'s|') (?:stance|position|view|views|line) {_ABOUT} (?P<topic>.+)",
]
_LOOSE_STANCE = r"(?P<who>.+?) (?:on|about|and) (?P<topic>.+)"  # "japan on rare earths": only for a known name
_EVENTS = re.compile(r"\b(?:coming up|upcoming|next|scheduled|planned|calendar|agenda|events?|when is|when are|"
                     r"when will)\b")
_PAST = re.compile(r"\b(?:happened|past|last|previous|earlier|already held|took place)\b")
_CLAIMS = re.compile(r"\b(?:claims?|statements?|said|quotes?)\b")
_SOURCES = re.compile(r"\b(?:sources?|articles?|what have you read|which news|what news)\b")
_BY = re.compile(r"\b(?:by|from|of|with|for|involving)\s+(?P<who>.+?)(?:\s+(?:on|about)\s+(?P<topic>.+))?$")
_FILLER = re.compile(r"^(?:(?:hey|hi|hello|ok|okay|please|so|and|claimbot|bot)[,!:]?\s+)+")
_POLITE = re.compile(r"^(?:(?:can|could|would) you (?:tell me|say|show me|show|list)\s+|tell me\s+|show me\s+|"
                     r"i(?:'d| would) like to know\s+|do you know\s+)")
_TAIL = re.compile(r"\s+(?:now|currently|today|these days|at the moment|right now|lately|please)$")


# words of a question about dates that a gazetteer may also hold as a name (Theresa May, "March")
_NOBODY = frozenset("you i we they he she it people everyone anyone someone one".split())  # "what do you think"
_PREPOSITIONS = frozenset("by from about on of for with in".split())
_NOT_NAMES = frozenset("""may march june july august next week month year coming upcoming past events event
scheduled planned calendar agenda summit summits what whats when""".split())


def normalise(text: str) -> str:
    """Lower case, one space, straight apostrophes, no chat mentions, no closing punctuation."""
    s = re.sub(r"<[@#!][^>]*>", " ", text)  # a Slack mention of the bot (or anyone) is no word
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = " ".join(s.split()).strip().lower()
    s = s.rstrip("?!.;: ").strip()
    s = _FILLER.sub("", s)
    s = _POLITE.sub("", s)
    return _TAIL.sub("", s).strip()


def _topic(text: str) -> str:
    t = text.strip().strip('"').strip()
    t = re.sub(r"^(?:the (?:topic|issue|question|matter) of)\s+", "", t)
    return t


def _who(text: str) -> str:
    return re.sub(r"^(?:the government of|the)\s+", "", text.strip())


def intent(text: str, names_actor: Callable[[str], bool]) -> str | None:
    """The command line a message means, or None.

    ``names_actor(text)``: whether the words name an actor or a person (the gazetteer and
    the people the store knows).
    """
    raw = " ".join(text.split())
    if raw.startswith("/"):
        return raw
    s = normalise(raw)
    if not s:
        return None
    first = s.split()[0]
    second = s.split()[1] if len(s.split()) > 1 else ""
    if (first in SPECS or first in GROUPS or first == "claimbot") and second not in _PREPOSITIONS:
        # a command typed without its slash ("stance japan tariffs"), not a sentence ("claims by ...")
        return "/" + _FILLER.sub("", re.sub(r"<[@#!][^>]*>", " ", raw).strip())
    if s in ("help", "what can you do", "what do you do", "commands", "how do i use you", "how does this work"):
        return "/help"
    for shape in _STANCE_SHAPES:
        m = re.fullmatch(shape, s)
        if m and m.group("topic").strip() and m.group("who").strip() not in _NOBODY:
            return _stance(_who(m.group("who")), _topic(m.group("topic")))
    if _SOURCES.search(s) and not _CLAIMS.search(s):
        return "/sources"
    if _EVENTS.search(s) or _PAST.search(s) and re.search(r"\b(?:events?|summits?|meetings?|talks|visits?|"
                                                          r"elections?|happened)\b", s):
        return _events(s, names_actor)
    if _CLAIMS.search(s):
        m = _BY.search(s)
        if m and names_actor(_who(m.group("who"))):
            line = "/claims actor=" + quote(_who(m.group("who")))
            return line + (" topic=" + quote(_topic(m.group("topic"))) if m.group("topic") else "")
    m = re.fullmatch(_LOOSE_STANCE, s)
    if m and names_actor(_who(m.group("who"))) and m.group("topic").strip():
        return _stance(_who(m.group("who")), _topic(m.group("topic")))
    return None


def _stance(who: str, topic: str) -> str:
    return f"/stance actor={quote(who)} topic={quote(topic)}"


def _events(s: str, names_actor: Callable[[str], bool]) -> str:
    words = s.split()
    scope = "past" if _PAST.search(s) and not re.search(r"\b(?:next|upcoming|coming up|will)\b", s) else "upcoming"
    kind = next((k for w in words for k in EVENT_KINDS if w in (k, k + "s")), "")
    who = ""
    for n in (3, 2, 1):  # the longest run of words that names an actor or a person
        for i in range(len(words) - n + 1):
            cand = " ".join(words[i:i + n])
            if n == 1 and (cand in STOPWORDS or cand in _NOT_NAMES):
                continue
            if cand not in EVENT_KINDS and len(cand) > 1 and names_actor(cand):
                who = cand
                break
        if who:
            break
    line = f"/events {scope}"
    if who:
        line += " actor=" + quote(who)
    if kind:
        line += " kind=" + kind
    return line


EXAMPLES = (
    ("What does Japan think about rare earths?", "/stance japan rare earths"),
    ("Where does the EU stand on steel tariffs?", "/stance eu steel tariffs"),
    ("What's coming up with China?", "/events upcoming china"),
    ("Any summits coming up?", "/events upcoming summit"),
    ("Claims by South Korea on chip export controls", "/claims south korea chip export controls"),
    ("Which articles have you read?", "/sources"),
)


def answer(commands: Any, caller: Caller, text: str) -> Reply:
    """The answer to a direct message or a mention: the command it means, run as typed, or a
    short list of what can be asked."""
    line = intent(text, commands.names_actor)
    if line is None:
        reply = Reply("Here is what I can answer",
                      text="I did not understand that. Ask me in plain words, or type a command:",
                      items=[Item(title=q, text=f"or {cmd}") for q, cmd in EXAMPLES],
                      footer="/help lists every command; /help actors and /help topics list what I know.")
        commands.observe("ask", reply, 0.0)
        return reply
    reply = commands.run_line(caller, line)
    if line != " ".join(text.split()):
        reply.footer = " \u00b7 ".join(x for x in (reply.footer, f"Asked as {line}") if x)
    return reply
