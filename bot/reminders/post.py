"""The posts as neutral Replies: a reminder of one event, and a digest of what is coming up.

Renderers turn them into Block Kit, embeds or text like any answer, so everything taken
from articles is escaped there and nothing can mention anyone.  Times are written in the
team's zone; the When field also carries them as ``Moment``s, which Slack and Discord
show in each reader's own zone.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.reminders.plan import PERIODS, WINDOW, When, event_when, local, matches, period_start
from bot.render.dates import vagueness
from bot.reply import Field, Item, Moment, Reply

Record = Mapping[str, Any]
Label = Callable[[str], str]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MAX_SOURCES = 5
SENTENCE = 300
NOON = dt.time(12, 0)  # a date-only day is shown at noon team time: the same date for readers ±12 h away


# -- time as text --------------------------------------------------------------------------------

def day_text(d: dt.date, weekday: bool = True) -> str:
    text = f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d:%A}, {text}" if weekday else text


def zone_text(t: dt.datetime, tz: ZoneInfo) -> str:
    """"CEST (Europe/Berlin)", or just "UTC"."""
    abbrev = t.tzname() or str(tz)
    return abbrev if abbrev == str(tz) else f"{abbrev} ({tz})"


def instant_text(t: dt.datetime, tz: ZoneInfo, weekday: bool = True) -> str:
    lt = t.astimezone(tz)
    return f"{day_text(lt.date(), weekday)}, {lt:%H:%M} {zone_text(lt, tz)}"


def days_text(a: dt.date, b: dt.date | None) -> str:
    """"June 16 – 17, 2025", "June 30 – July 2, 2025", or one day with its weekday."""
    if b is None or b <= a:
        return day_text(a)
    if a.year != b.year:
        return f"{day_text(a, False)} \u2013 {day_text(b, False)}"
    if a.month != b.month:
        return f"{MONTHS[a.month - 1]} {a.day} \u2013 {MONTHS[b.month - 1]} {b.day}, {a.year}"
    return f"{MONTHS[a.month - 1]} {a.day} \u2013 {b.day}, {a.year}"


def period_text(w: When) -> str:
    d = period_start(w.day, w.precision)
    end = period_start(w.end_day, w.precision) if w.end_day else None
    if w.precision == "week":
        return f"the week of {day_text(d)}"
    if w.precision == "month":
        if end and end > d:
            return (f"{MONTHS[d.month - 1]} \u2013 {MONTHS[end.month - 1]} {end.year}" if d.year == end.year
                    else f"{MONTHS[d.month - 1]} {d.year} \u2013 {MONTHS[end.month - 1]} {end.year}")
        return f"{MONTHS[d.month - 1]} {d.year}"
    if w.precision == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year} ({MONTHS[d.month - 1]} \u2013 {MONTHS[d.month + 1]})"
    return str(d.year)


def window_text(w: When) -> str:
    """'mid-June 2025 (sometime June 11 – 20, 2025)'."""
    span = f"sometime {days_text(w.day, w.end_day)}" if w.end_day and w.end_day > w.day else \
        f"from {day_text(w.day)}"
    return f"{w.approx} ({span})" if w.approx else span


def when_field(w: When, tz: ZoneInfo) -> Field:
    """The When field: the team-zone text, and moments for a day or a time (a range: both ends)."""
    if w.precision in PERIODS:
        return Field("When", period_text(w))
    if w.precision == WINDOW:
        return Field("When", window_text(w))
    if w.timed:
        first = Moment(int(w.begins.timestamp()), instant_text(w.begins, tz), "datetime")
        if w.ends and w.ends > w.begins:
            last = Moment(int(w.ends.timestamp()), instant_text(w.ends, tz), "datetime")
            return Field("When", f"{first.fallback} \u2013 {last.fallback}", moments=(first, last))
        if w.end_day and w.end_day > w.day:
            last = Moment(int(local(w.end_day, NOON, tz).timestamp()), day_text(w.end_day), "date")
            return Field("When", f"{first.fallback} \u2013 {last.fallback}", moments=(first, last))
        return Field("When", first.fallback, moments=(first,))
    first = Moment(int(local(w.day, NOON, tz).timestamp()), day_text(w.day), "date")
    if w.end_day and w.end_day > w.day:
        last = Moment(int(local(w.end_day, NOON, tz).timestamp()), day_text(w.end_day), "date")
        return Field("When", days_text(w.day, w.end_day), moments=(first, last))
    return Field("When", first.fallback, moments=(first,))


def heading(w: When, now: dt.datetime, tz: ZoneInfo) -> str:
    """How far off the event is, said from ``now`` (so a late post is still right)."""
    if w.precision in PERIODS:
        return f"This {w.precision}"
    if w.precision == WINDOW:  # "Mid-June 2025", "Later in June 2025": the vagueness first
        words = w.approx or "Coming up"
        return words[:1].upper() + words[1:]
    left = w.begins - now
    if w.timed and dt.timedelta(0) < left < dt.timedelta(hours=20):
        minutes = round(left.total_seconds() / 60)
        if minutes < 90:
            return "In 1 minute" if minutes == 1 else f"In {minutes} minutes"
        hours = round(minutes / 60)
        return f"In {hours} hours"
    days = (w.day - now.astimezone(tz).date()).days
    return "Today" if days <= 0 else "Tomorrow" if days == 1 else f"In {days} days"


# -- the posts --------------------------------------------------------------------------------------

def _who(event: Record, label: Label) -> str:
    return ", ".join(label(p) for p in event.get("participants") or [])


def source_items(event: Record, articles: Mapping[str, Record]) -> list[Item]:
    """The articles that announced the event, with their links; an admin's entry says so."""
    items: list[Item] = []
    seen: set[str] = set()
    for src in event.get("sources") or []:
        aid = str(src.get("article") or "")
        if aid in seen:
            continue
        seen.add(aid)
        if aid == "admin" or (not aid and event.get("origin") == "admin"):
            items.append(Item(title="Added by an admin", meta=_join("entered", src.get("published")),
                              url=str(src.get("url") or "")))
            continue
        art = articles.get(aid) or {}
        sentence = str(src.get("sentence") or "").strip()
        if len(sentence) > SENTENCE:
            sentence = sentence[:SENTENCE - 1].rstrip() + "\u2026"
        items.append(Item(title=str(art.get("title") or src.get("title") or aid or "An article"),
                          text=f"\u201c{sentence}\u201d" if sentence else "",
                          meta=_join(art.get("outlet"), art.get("published") or src.get("published")),
                          url=str(art.get("url") or src.get("url") or "")))
        if len(items) == MAX_SOURCES:
            break
    return items


def _join(*parts: Any) -> str:
    return " \u00b7 ".join(str(p) for p in parts if p)


def late_note(fire: dt.datetime, tz: ZoneInfo) -> str:
    return f"Late: this reminder was due {instant_text(fire, tz)}, while claimbot was offline."


def event_reply(event: Record, tz: ZoneInfo, now: dt.datetime, label: Label,
                articles: Mapping[str, Record] | None = None, late_from: dt.datetime | None = None) -> Reply:
    """The reminder of one event: what, when, where, who, its sources."""
    w = event_when(event, tz)
    if w is None:
        raise ValueError(f"event {event.get('id')} has no usable date")
    notes = []
    if event.get("origin") == "admin":
        notes.append("Added by an admin.")
    if late_from is not None:
        notes.append(late_note(late_from, tz))
    if vagueness(event):
        notes.append(vagueness(event))  # "The article gives no exact day: only June 2025."
    fields = [when_field(w, tz)]
    if event.get("place"):
        fields.append(Field("Where", str(event["place"])))
    if event.get("participants"):
        fields.append(Field("Who", _who(event, label)))
    fields.append(Field("What", str(event.get("kind") or "event")))
    return Reply(f"{heading(w, now, tz)}: {event.get('title') or 'an event'}", text="\n".join(notes),
                 fields=fields, items=source_items(event, articles or {}), ephemeral=False,
                 footer=f"claimbot reminder \u00b7 event {event.get('id', '')}")


def digest_events(sub: Record, events: Iterable[Record], tz: ZoneInfo, first_day: dt.date,
                  days: int) -> list[Record]:
    """The events a digest lists: matching ones whose day (or period) starts in the window."""
    last = first_day + dt.timedelta(days=days)
    out = []
    for e in events:
        if not matches(sub, e):
            continue
        w = event_when(e, tz)
        if w is None:
            continue
        day = period_start(w.day, w.precision)
        ongoing = w.precision == "day" and w.end_day is not None and w.day < first_day <= w.end_day
        if first_day <= day < last or ongoing:
            out.append(e)
    return sorted(out, key=lambda e: (str(e.get("start")), str(e.get("title"))))


def digest_reply(events: list[Record], days: int, tz: ZoneInfo, label: Label,
                 articles: Mapping[str, Record] | None = None, late_from: dt.datetime | None = None) -> Reply:
    span = "the next 7 days" if days == 7 else f"the next {days // 7} weeks" if days % 7 == 0 else f"the next {days} days"
    reply = Reply(f"Coming up: {span}", ephemeral=False, footer="claimbot digest")
    if late_from is not None:
        reply.text = late_note(late_from, tz)
    for e in events:
        w = event_when(e, tz)
        if w is None:
            continue
        when = period_text(w) if w.precision in PERIODS else window_text(w) if w.precision == WINDOW else (
            when_field(w, tz).value if w.timed else days_text(w.day, w.end_day))
        src = (e.get("sources") or [{}])[0]
        art = (articles or {}).get(str(src.get("article") or "")) or {}
        origin = "added by an admin" if e.get("origin") == "admin" else _join(
            art.get("title"), art.get("outlet"), src.get("published"))
        reply.items.append(Item(title=f"{when} \u00b7 {e.get('title', '')}",
                                text=_join(e.get("kind"), e.get("place"), _who(e, label)),
                                meta=origin, url=str(art.get("url") or src.get("url") or ""),
                                id=str(e.get("id", ""))))
    return reply
