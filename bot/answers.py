"""The rows and answers every front end shows: a /stance answer, a claim row, an event row.

Platform-neutral (a Reply of plain text), so Slack, Discord, the console and the CLI say the
same thing.  A claim row says who, which way, on what and when; an event row names the
article that reported it.  The /stance wording comes from bot/verdict.py.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.render.dates import when_text
from bot.render.text import speaker_label
from bot.reply import Field, Item, Reply
from bot.verdict import CLAIM_WORD, claim_when, confidence_text, word_verdict

Label = Callable[[str], str]  # actor id -> its name
FRAGMENT_WORDS = 6  # a quote shorter than this reads as a fragment: the row shows its sentence
SENTENCE_MAX = 400


def speaker_text(c: Mapping[str, Any], label: Label) -> str:
    """Who said it, with their title and the actor they speak for: "Anna Berg (trade
    minister, Netherlands)", "Aiko Tanabe (Japan)", "Japan", "Japan (speaker not named)"."""
    actor = label(str(c.get("actor") or "")) if c.get("actor") else ""
    sp = c.get("speaker") or {}
    name = str((sp.get("name") if isinstance(sp, Mapping) else sp) or "").strip()
    if not name:
        return f"{actor} (speaker not named)" if actor else "speaker not named"
    return speaker_label(dict(c), actor)


def statement_text(c: Mapping[str, Any]) -> str:
    """The words a row shows: the quote, or the whole sentence when the quote is a fragment
    ("he called unacceptable" says nothing without the sentence around it)."""
    quote = str(c.get("quote") or c.get("text") or "").strip()
    sentence = " ".join(str(c.get("sentence") or "").split())
    if sentence and (len(quote.split()) < FRAGMENT_WORDS or not quote) and sentence != quote:
        if len(sentence) > SENTENCE_MAX:
            sentence = sentence[:SENTENCE_MAX - 1].rstrip() + "\u2026"
        return sentence
    return f"\u201c{quote}\u201d" if quote else ""


def subject_text(c: Mapping[str, Any]) -> str:
    """What the claim is about: its target phrase, or its topic."""
    target = " ".join(str(c.get("target") or "").split())
    if target:
        return target
    topics = c.get("topics") or []
    return str(topics[0]).replace("-", " ") if topics else ""


NO_SUBJECT = {"support": "in support", "oppose": "against", "neutral": "takes no side"}


def claim_item(c: Mapping[str, Any], label: Label, stance: str | None = None, mark: str = "",
               extra_meta: str = "", confidence: bool = False, topic: str = "") -> Item:
    """One claim as a row: "Aiko Tanabe (Japan) · opposes new curbs on rare earths · 10 April 2025".

    ``topic``: what the row is about when the claim names nothing itself (the question asked)."""
    side = stance or str(c.get("stance") or "neutral")
    about = subject_text(c) or topic
    way = CLAIM_WORD.get(side, side) if about else NO_SUBJECT.get(side, side)
    head = " \u00b7 ".join(x for x in (speaker_text(c, label), f"{way} {about}".strip(), claim_when(c)) if x)
    meta = " \u00b7 ".join(str(x) for x in (
        c.get("title") or c.get("source_title"), c.get("outlet"), confidence and confidence_text(c), mark,
        extra_meta) if x)
    return Item(title=head, text=statement_text(c), meta=meta, url=str(c.get("url") or c.get("source_url") or ""),
                id=str(c.get("id") or ""), kind="claim")


def stance_reply(answer: Any, label: Label) -> Reply:
    """A /stance answer (bot.service.StanceAnswer) as a Reply, worded by bot/verdict.py."""
    v = word_verdict(answer.actor_label, answer.topic, answer.stance, answer.counts, answer.claims)
    reply = Reply(v.headline, text=v.note, fields=[Field("Position", v.position), Field("Evidence", v.counts)])
    if v.as_of:  # the date of the newest evidence, and the time the evidence spans
        reply.fields += [Field("As of", v.as_of), Field("Period", v.period)]
    for c, mark in zip(answer.claims, v.marks, strict=False):
        reply.items.append(claim_item(c, label, stance=c.get("stance"), mark=mark, confidence=True,
                                      topic=answer.topic))
    return reply


def event_item(e: Mapping[str, Any], label: Label, articles: Callable[[str], Mapping[str, Any] | None]) -> Item:
    """One event as a row, naming the article that reported it ("Ministers meet · Wire · 2 June 2025")."""
    who = ", ".join(label(p) for p in e.get("participants", []))
    detail = " \u00b7 ".join(x for x in (e.get("kind", ""), e.get("place", ""), who) if x)
    status = f" (merged into {e['merged_into']})" if e.get("merged_into") else (
        " (cancelled)" if e.get("status") == "cancelled" else "")
    sources = e.get("sources") or []
    src = sources[0] if sources else {}
    if e.get("origin") == "admin":
        origin = "added by an admin"
        url = str(src.get("url") or "")
    else:
        art = articles(str(src.get("article") or e.get("article") or "")) or {}
        title = art.get("title") or src.get("article") or ""
        origin = " \u00b7 ".join(str(x) for x in (title, art.get("outlet"), claim_when(src) and
                                                   f"reported {claim_when(src)}") if x)
        url = str(art.get("url") or src.get("url") or "")
    more = len(sources) - 1
    if more > 0:
        origin += f" \u00b7 and {more} more source{'s' if more > 1 else ''}"
    return Item(title=f"{when_text(e)} \u00b7 {e.get('title', '')}{status}", text=detail, meta=origin, url=url,
                id=str(e.get("id") or ""), kind="event")


def evidence_reply(e: Mapping[str, Any], articles: Callable[[str], Mapping[str, Any] | None]) -> Reply:
    """The sentences an event was reported in, one item per article."""
    reply = Reply(f"{e.get('title', '')} \u00b7 {when_text(e)}", text="Where it was reported:")
    for src in e.get("sources") or []:
        art = articles(str(src.get("article") or "")) or {}
        reply.items.append(Item(
            title=str(art.get("title") or ("added by an admin" if src.get("article") == "admin" else src.get("article"))
                      or "source"),
            text=" ".join(str(src.get("sentence") or "").split()),
            meta=" \u00b7 ".join(str(x) for x in (art.get("outlet"), claim_when(src)) if x),
            url=str(art.get("url") or src.get("url") or "")))
    return reply
