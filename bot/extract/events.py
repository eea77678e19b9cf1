"""Dated events: a resolved time expression and an event trigger in the same sentence.

Triggers are a lexicon grouped by kind (bot/data/events.json).  The date comes from the
nearest DATE expression to the trigger (bot/extract/timex.py), keeping its precision and
its range ("from June 15 to 17").  A duration tied to a dated start ("a 90-day review from
April 9") gives a dated deadline.  Dates of reporting ("said on Tuesday") date the
report, not an event, and are passed over.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from importlib import resources
from typing import Any

from bot.domain import Event, Timex, stable_id
from bot.extract import EXTRACTOR_VERSION
from bot.extract.actors import gazetteer
from bot.extract.timex import find_timexes, timex_ranges

MAX_GAP = 90  # characters between a trigger and its date
_SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d]))\s+(?=[\"\u201c]?[A-Z0-9])|\n\s*\n")
_REPORTED = re.compile(r"\b(?:said|says|told|announced|reported|added|stated|wrote|confirmed|noted)\s+(?:late\s+|early\s+)?(?:on\s+)?$",
                       re.I)
_PLACE = re.compile(r"\b(?:in|at)\s+((?:the\s+)?[A-Z][\w\u00C0-\u017F'-]+(?:\s+(?:[A-Z][\w\u00C0-\u017F'-]+|of|de))*)")
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)|-Q(\d)|-H(\d))?")


@functools.cache
def _lexicon() -> dict[str, Any]:
    data = json.loads(resources.files("bot").joinpath("data/events.json").read_text(encoding="utf-8"))
    by_word: dict[str, str] = {}
    for kind, words in data["triggers"].items():
        for w in words:
            by_word[w.lower()] = kind
    alts = sorted(by_word, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in alts) + r")\b", re.I)
    return {"by_word": by_word, "pattern": pattern, "labels": data["labels"]}


def sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SENT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def date_of(value: str) -> tuple[dt.date, str, dt.date] | None:
    """(start, precision, last day) of a TIMEX3 date value, or None when it names no period."""
    m = _DATE_VALUE.match(value or "")
    if not m or not value[:4].isdigit():
        return None
    y = int(m.group(1))
    try:
        if m.group(3):
            d = dt.date(y, int(m.group(2)), int(m.group(3)))
            return d, "day", d
        if m.group(2):
            first = dt.date(y, int(m.group(2)), 1)
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return first, "month", nxt - dt.timedelta(days=1)
        if m.group(4):
            first = dt.date.fromisocalendar(y, int(m.group(4)), 1)
            if value.endswith("-WE"):  # the weekend of that week
                return first + dt.timedelta(days=5), "week", first + dt.timedelta(days=6)
            return first, "week", first + dt.timedelta(days=6)
        if m.group(5):
            q = int(m.group(5))
            first = dt.date(y, 3 * q - 2, 1)
            last = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
            return first, "quarter", last
        if len(value) == 4:
            return dt.date(y, 1, 1), "year", dt.date(y, 12, 31)
    except ValueError:
        return None
    return None


def _duration_days(value: str) -> int | None:
    m = re.fullmatch(r"P(\d+)([DWMY])", value or "")
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return n * {"D": 1, "W": 7, "M": 30, "Y": 365}[unit]


def extract_events(text: str, published: dt.date, article_id: str, doc: Any = None,
                   timexes: list[Timex] | None = None) -> list[Event]:
    if timexes is None:
        timexes = find_timexes(text, published, doc)
    lex = _lexicon()
    gaz = gazetteer()
    range_end = {i: j for i, j in timex_ranges(text, timexes)}
    tails = set(range_end.values())
    events: dict[str, Event] = {}
    for s_start, s_end in sentences(text):
        sent = text[s_start:s_end]
        in_sent = [(i, t) for i, t in enumerate(timexes) if s_start <= t.start < s_end and i not in tails]
        if not in_sent:
            continue
        triggers = list(lex["pattern"].finditer(sent))
        if not triggers:
            continue
        for i, t in in_sent:
            if t.type not in ("DATE", "TIME", "DURATION"):
                continue
            local = t.start - s_start
            if _REPORTED.search(sent[max(0, local - 40):local]):
                continue
            trig = min(triggers, key=lambda m: min(abs(m.start() - local), abs(m.end() - local)))
            if min(abs(trig.start() - local), abs(trig.end() - local)) > MAX_GAP:
                continue
            kind = lex["by_word"][trig.group(0).lower()]
            end_date = None
            if t.type == "DURATION":
                dated = _dated_start(t, in_sent)
                days = _duration_days(t.value)
                if dated is None or days is None:
                    continue
                start, precision = dated + dt.timedelta(days=days), "day"
                kind = "deadline"
            else:
                parsed = date_of(t.value)
                if parsed is None:
                    continue
                start, precision, _last = parsed
                if i in range_end:
                    tail = date_of(timexes[range_end[i]].value)
                    if tail:
                        end_date = tail[0]
            actors = sorted({m.actor for m in gaz.find(sent)})
            place = _place(sent)
            title = _title(sent, trig, kind, place, lex["labels"])
            ev_id = stable_id("e", article_id, start.isoformat(), precision)  # one event a date per article
            source = {"article": article_id, "sentence": sent.strip(), "start": s_start, "end": s_end,
                      "published": published.isoformat()}
            if ev_id in events:
                ev = events[ev_id]
                if all(src["start"] != s_start for src in ev.sources):
                    ev.sources.append(source)
                ev.participants = sorted(set(ev.participants) | set(actors))
                continue
            events[ev_id] = Event(
                id=ev_id, title=title, kind=kind, start=start.isoformat(),
                end=end_date.isoformat() if end_date else None, precision=precision, article=article_id,
                evidence=sent.strip(), place=place, participants=actors, sources=[source],
                upcoming=start >= published or (end_date is not None and end_date >= published),
                extractor=EXTRACTOR_VERSION, timex=t.value)
    return list(events.values())


def _dated_start(duration: Timex, in_sent: list[tuple[int, Timex]]) -> dt.date | None:
    for _, t in in_sent:
        if t.type == "DATE":
            parsed = date_of(t.value)
            if parsed and parsed[1] == "day":
                return parsed[0]
    return None


def _place(sent: str) -> str:
    gaz = gazetteer()
    for m in _PLACE.finditer(sent):
        name = m.group(1).strip()
        name = re.sub(r"^the\s+", "", name)
        first = name.split()[0]
        if first in {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                     "Saturday", "Sunday"}:
            continue
        if gaz.lookup(name) or len(name.split()) <= 3:
            return name
    return ""


def _title(sent: str, trig: re.Match[str], kind: str, place: str, labels: dict[str, str]) -> str:
    """A short readable title: the trigger's noun phrase, with its place."""
    before = re.findall(r"[\w\u00C0-\u017F'’.-]+", sent[:trig.start()])[-4:]
    mods = []
    for w in reversed(before):
        if w.lower() in {"the", "a", "an", "to", "of", "for", "and", "will", "would", "on", "in", "at", "be", "is",
                         "are", "was", "were", "has", "have", "its", "their", "his", "her", "next", "last", "this"}:
            break
        mods.insert(0, w)
    phrase = " ".join(mods + [trig.group(0)])
    phrase = phrase[:1].upper() + phrase[1:]
    if len(phrase.split()) == 1:
        phrase = f"{labels.get(kind, kind.title())}: {phrase}"
    return f"{phrase}, {place}" if place and place not in phrase else phrase
