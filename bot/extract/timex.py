"""Time expressions: find TIMEX3-style dates, times, durations and sets, and resolve them
against the article's publication date (never the clock).

Public API:
  find_timexes(text, published, doc=None) -> list[Timex]
  timex_ranges(text, timexes) -> list[tuple[int, int]]   pairs of indexes forming a range
  timex_corpus(dir) -> {doc_id: [timex dicts]}            for `claimbot timex DIR --json`

Ranges ("from June 15 to 17", "Oct. 31-Nov. 1", "on Tuesday and Wednesday") come out as two
Timex records, one per end, as TimeBank annotates them; ``timex_ranges`` says which
neighbours belong together so events can take a start and an end.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from bot.domain import Timex
from bot.extract.timex_rules import DAYNUM, RULES, Cand, Ctx, h_range_day

_RANGE_TAIL = re.compile(rf"\s*(?:-|–|—|to|through|thru|until|till|and)\s*(?P<day2>{DAYNUM})")
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|through|thru|until|till|and|or|,)\s*$", re.IGNORECASE)
_DEFINITE = re.compile(r"(?i)(?:for\s+|in\s+|during\s+|over\s+)?the\b")
_RANGE_FROM = re.compile(r"(?:from|between)\s+$", re.IGNORECASE)


def _candidates(ctx: Ctx) -> list[Cand]:
    text = ctx.text
    out: list[Cand] = []
    for rule in RULES:
        for m in rule.rx.finditer(text):
            if m.end() <= m.start():
                continue
            c = Cand(m.start(), m.end(), rule.name, m, rule.prio)
            c.data["rule"] = rule
            # trim trailing whitespace a greedy optional group may leave
            s = text[c.start:c.end]
            c.end = c.start + len(s.rstrip())
            c.start = c.start + (len(s) - len(s.lstrip()))
            if rule.check is not None and not rule.check(ctx, c):
                continue
            out.append(c)
    return out


def _select(cands: list[Cand], n: int) -> list[Cand]:
    """Longest match wins; ties go to the more specific rule (lower prio number)."""
    taken = bytearray(n + 1)
    chosen: list[Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.prio, c.start)):
        if any(taken[c.start:c.end]):
            continue
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _range_tails(ctx: Ctx, chosen: list[Cand]) -> list[Cand]:
    """'June 15 to 17': a bare day after a month-day date is the end of a range."""
    extra: list[Cand] = []
    starts = {c.start for c in chosen}
    for c in chosen:
        if c.rule not in ("month_day",) or c.m.group("year"):
            continue
        m = _RANGE_TAIL.match(ctx.text, c.end)
        if not m or m.start("day2") in starts:
            continue
        after = ctx.text[m.end():m.end() + 20]
        if re.match(r"(?:\s*(?:%|[:.,]\d)|\s+(?:percent|per\s*cent|million|billion|thousand|of)\b|"
                    r"\s+(?!(?:was|has|is|as|this|its|his|plus|says)\b)[a-z]{2,}s\b)", after, re.IGNORECASE):
            continue  # "June 15 to 17 percent", "on May 3 and 4 people"
        rc = Cand(m.start("day2"), m.end("day2"), "range_day", m, 1)
        rc.data["first_of"] = c
        # a year after the range end belongs to both ends: "June 15-17, 2019"
        ym = re.match(r",?\s*((?:1[0-9]|20)\d\d)(?![\d\w])", ctx.text[m.end():])
        if ym:
            c.data["year"] = int(ym.group(1))
            rc.end = m.end() + ym.end()
        extra.append(rc)
    return extra


def find_timexes(text: str, published: dt.date, doc: Any = None) -> list[Timex]:
    """All time expressions in ``text``, normalised against ``published``.

    ``doc`` is an optional spaCy Doc of the same text (used for the tense of clauses); when
    None the text is parsed with the shared pipeline.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    if doc is None and text.strip():
        doc = _parse(text)
    ctx = Ctx(text, published, doc)
    chosen = _select(_candidates(ctx), len(text))
    tails = _range_tails(ctx, chosen)
    chosen = [c for c in chosen if not any(t.start <= c.start and c.end <= t.end for t in tails)]
    chosen = sorted(chosen + tails, key=lambda c: c.start)
    out: list[Timex] = []
    for c in chosen:
        if c.rule == "range_day":
            first = c.data["first_of"].data.get("result_point")
            c.data["first"] = first
            res = h_range_day(ctx, c)
        else:
            res = c.data["rule"].handler(ctx, c)
        if res is None:
            continue
        c.data["result_point"] = res.point
        if res.type == "DURATION" and res.value in ("P6M", "P9M") and _DEFINITE.match(text, c.start):
            ctx.periods.append(c.start)  # "the nine months", "for the half-year ended March 3"
        if res.point is not None and res.anchor:
            if res.point.gran == "quarter":
                ctx.quarters.append((c.end, res.point, "fiscal" in text[c.start:c.end].lower()))
            if res.type in ("DATE", "TIME") and res.point.gran in ("day", "month", "quarter", "year", "season",
                                                                    "half", "week"):
                ctx.anchor, ctx.anchor_end = res.point, c.end
        start, end = _trim_extent(text, c.start, c.end)
        out.append(Timex(start=start, end=end, text=text[start:end], type=res.type, value=res.value))
    return out


# TIMEX3 leaves out the prepositions that signal a relation ("for the past two months", "on Friday
# night"), a possessive ending ("Friday's vote"), and the determiner of a time word used as a
# modifier ("a third-quarter loss", "the 1996 election").  Rules keep them in the match because they
# help to decide the value; the extent is trimmed afterwards.
_LEAD_SIGNAL = re.compile(r"(?i:for|on|at(?!\s+(?:least|most)\b)|during|over(?=\s+(?:the|this|that|these|those|its|their)\b))\s+")
_LEAD_DET = re.compile(r"(?i:the|a|an|its|their|his|her|our|this)\s+")
_MODIFIER = re.compile(r"(?:(?:1[0-9]|20)\d\d|[\w.]+-[\w-]+)(?<!\d0s)")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s$")


def _trim_extent(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    m = _POSSESSIVE.search(span)
    if m and end - start > 3:
        end -= len(m.group())
        span = text[start:end]
    m = _LEAD_SIGNAL.match(span)
    if m and m.end() < len(span):
        start += m.end()
        span = text[start:end]
    m = _LEAD_DET.match(span)
    if m and _MODIFIER.fullmatch(span[m.end():]) and re.match(r"\s+[a-z]", text[end:end + 3]):
        start += m.end()
    return start, end


def timex_ranges(text: str, timexes: list[Timex]) -> list[tuple[int, int]]:
    """Index pairs (i, i+1) of neighbouring dates of the same precision that form one range
    ("June 15 to 17", "in April and May")."""
    pairs = []
    for i in range(len(timexes) - 1):
        a, b = timexes[i], timexes[i + 1]
        if a.type not in ("DATE", "TIME") or b.type not in ("DATE", "TIME"):
            continue
        day = r"^\d{4}-\d\d-\d\d"
        month = r"^\d{4}-\d\d$"
        if not (re.match(day, a.value) and re.match(day, b.value)) and not (
                re.match(month, a.value) and re.match(month, b.value)):
            continue  # two days ("June 15 to 17") or two months ("in April and May")
        if _RANGE_JOIN.match(text[a.end:b.start]) and a.value[:10] <= b.value[:10]:
            pairs.append((i, i + 1))
    return pairs


def _parse(text: str) -> Any:
    try:
        from bot.extract.nlp import get_nlp

        nlp = get_nlp()
    except Exception:  # pragma: no cover - without a model the word-based tense fallback is used
        return None
    with nlp.select_pipes(disable=[p for p in ("ner",) if p in nlp.pipe_names]):
        return nlp(text)


def timex_corpus(dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Run the tagger over DIR/manifest.json ([{id, file, published}]) -> {id: [timex dicts]}."""
    dir = Path(dir)
    manifest = json.loads((dir / "manifest.json").read_text(encoding="utf-8"))
    texts = []
    for item in manifest:
        path = dir / item["file"]
        texts.append(path.read_text(encoding="utf-8"))
    docs: list[Any] = [None] * len(texts)
    try:
        from bot.extract.nlp import get_nlp

        nlp = get_nlp()
        # entities are not needed for time expressions; the rest (incl. sentence rules) is
        with nlp.select_pipes(disable=[p for p in ("ner",) if p in nlp.pipe_names]):
            docs = list(nlp.pipe(texts, batch_size=16))
    except Exception:  # pragma: no cover - fall back to the parse-free tense heuristic
        pass
    out: dict[str, list[dict[str, Any]]] = {}
    for item, text, doc in zip(manifest, texts, docs, strict=True):
        published = dt.date.fromisoformat(str(item["published"])[:10])
        out[item["id"]] = [t.to_dict() for t in find_timexes(text, published, doc=doc)]
    return out
