"""Plain records shared by every layer: no I/O here.

Records travel as dicts through the store (JSON-friendly); these dataclasses give them a
typed shape at the edges (extraction output, service answers).  ``to_dict``/``from_dict``
are the only conversion points.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

StanceLabel = Literal["support", "oppose", "neutral"]
OverallStance = Literal["support", "oppose", "mixed", "none"]
Precision = Literal["day", "week", "month", "quarter", "year", "window"]


def stable_id(prefix: str, *parts: object) -> str:
    """A short id derived from content, so re-extraction gives the same ids."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:10]}"


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # noqa: ANN206 - returns cls
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Article(_Record):
    id: str
    title: str
    published: str  # ISO date
    text: str
    outlet: str = ""
    url: str = ""
    file: str = ""
    hash: str = ""

    def __post_init__(self) -> None:
        if not self.hash:
            self.hash = content_hash(self.text)


@dataclass
class Speaker(_Record):
    name: str  # canonical name ("Yoji Muto", "Ministry of Commerce")
    mention: str  # the form in the text ("Muto", "he", "the ministry")
    kind: str = "person"  # person | body | state | source


@dataclass
class Person(_Record):
    """A person the bot knows, with the state or bloc they speak for ("" for none)."""

    id: str
    name: str
    actor: str
    role: str = ""  # the title as last written ("trade minister")
    source: str = "learned"  # learned | admin (curated ones ship with the bot and are not stored)
    evidence: str = ""  # how the actor link was made ("title demonym", "admin" ...)
    forms: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # where the person was met (first few)
    updated: str = ""  # ISO time of the last change


@dataclass
class Claim(_Record):
    id: str
    actor: str  # canonical actor id: japan, china, us, south-korea, eu ...; "" when unknown or none
    cue: str  # lemma of the reporting / position verb: say, urge, oppose, plan ...
    quote: str  # the quoted words, or the statement itself for indirect speech
    sentence: str
    start: int  # character offsets of the sentence in the article text
    end: int
    article: str
    published: str
    stance: StanceLabel = "neutral"
    target: str = ""  # what the stance is about ("the ban", "protectionism")
    topics: list[str] = field(default_factory=list)  # canonical topic ids
    targets: list[dict[str, Any]] = field(default_factory=list)  # [{text, stance, depth}] per object phrase
    context: str = ""  # the sentence before: what "it" or a bare "opposed" is about
    speaker: dict[str, Any] | None = None  # Speaker.to_dict() or None
    role: str = ""  # the speaker's title as written ("trade minister"), if any
    actor_evidence: str = ""  # how the actor was resolved ("title demonym", "possessive", "dateline" ...)
    confidence: float = 0.5
    extractor: str = ""
    origin: str = "extracted"  # extracted | admin
    retracted: bool = False
    retract_reason: str = ""
    source_title: str = ""
    source_url: str = ""
    outlet: str = ""
    # "statement": said or stated by its speaker (what /claims lists); "action": a sentence
    # that names the actor doing something, with no speaker (candidate evidence for /stance)
    kind: str = "statement"
    vec: str = ""  # the sentence's MiniLM vector, packed (bot.extract.encoder.pack): /stance retrieval
    cvec: str = ""  # the context's (the sentence before), likewise


@dataclass
class EventSource(_Record):
    article: str
    sentence: str
    start: int
    end: int
    published: str


@dataclass
class Event(_Record):
    id: str
    title: str
    kind: str  # dialogue summit meeting visit election negotiation policy deadline other
    start: str  # ISO date (or datetime)
    end: str | None
    precision: str  # day | week | month | quarter | year | window (sometime from start to end)
    article: str  # the first article that announced it
    evidence: str  # the first sentence that announced it
    place: str = ""
    participants: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # EventSource dicts
    upcoming: bool = True  # start on or after the publication date
    status: str = "scheduled"  # scheduled | cancelled
    origin: str = "extracted"
    extractor: str = ""
    timex: str = ""  # the TIMEX3 value it was dated by
    # a window (precision "window": sometime from start to end) in calendar words, as the
    # article put it: "mid-June 2025", "later in June 2025", "2 or 3 June 2025"
    approx: str = ""


@dataclass
class Timex(_Record):
    start: int
    end: int
    text: str
    type: str  # DATE TIME DURATION SET
    value: str
