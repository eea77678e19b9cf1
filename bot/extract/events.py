"""Dated events: a resolved time expression tied to an event trigger in the same sentence.

Triggers are a lexicon grouped by kind (bot/data/timex_events.json).  Each date in a
sentence is tied to the trigger nearest to it in the parse (or in characters without a
parse); the event keeps the date's precision and its range ("from June 15 to 17").  A
duration tied to a dated start ("a 60-day truce from March 3", "applies 14 days after
the decree is published", "the inquiry will last four months") gives a dated deadline.  Dates
of reporting ("said on Tuesday") and datelines date the story, not an event.  A period that
contains the publication date and lies ahead in its clause ("talks this week") starts on
the publication date, so it counts as upcoming.  The same event named twice in an article
(by a weekend and by its Sunday, by "Monday" and "Monday's talks") is one event with two
sources.

Public API:
  extract_events(text, published, article_id, doc=None, timexes=None) -> list[Event]
  date_of(value) -> (first day, precision, last day) | None
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain import Event, Timex, stable_id
from bot.extract import EXTRACTOR_VERSION
from bot.extract.spans import DocEnts
from bot.extract.timex import find_timexes, timex_ranges
from bot.extract.timex_calendar import add_months
from bot.extract.timex_tense import FUTURE, PAST, PRESENT, tense_at

_DATA = Path(__file__).resolve().parent.parent / "data" / "timex_events.json"
MAX_CHARS = 140  # farthest a trigger may sit from its date without a parse
MAX_EDGES = 6  # farthest in the dependency tree
_GROUPS = {"dialogue": "talk", "summit": "talk", "meeting": "talk", "negotiation": "talk", "visit": "talk",
           "policy": "measure", "deadline": "measure", "election": "election", "other": "other"}
# sentence ends that are not sentence ends: "Oct. 23", "U.S. officials", "Mr. Abe"
_ABBREV_END = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|"
                         r"Sat|Sun|Mr|Mrs|Ms|Dr|St|No|Nos|Gen|Gov|Sen|Rep|Lt|Col|Capt|Prof|Inc|Corp|Co|Ltd|Jr|Sr|"
                         r"vs|etc|approx|est|U\.S|U\.K|U\.N|E\.U|[A-Z])\.)\s*$")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'/&-]+,\s*(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)\s*(?:\([^)]*\)\s*)?[-–—]{1,2}\s")
_PROPER = r"[A-Z][\w\u00C0-\u017F'’-]+"
_PLACE = re.compile(rf"\b(?:in|at)\s+(?:the\s+)?((?:city|capital|town)\s+of\s+)?({_PROPER}(?:\s+(?:{_PROPER}|of|de|del|da))*"
                    rf"(?:,\s+{_PROPER})?)")
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)|-Q(\d)|-H(\d)|-(SP|SU|FA|WI))?")
_GENERIC_MEASURES = {"tariff", "dutie", "duty", "levie", "levy", "restriction", "control", "measure", "rule",
                     "regulation", "law", "sanction", "curb", "quota", "ban", "deposit", "limit"}
_WEAK_VERBS = {"open", "opens", "opening", "launch", "launches", "host", "hosts", "hosted", "will host", "attend",
               "attends", "attended", "be in", "will be in", "sign", "signs", "apply", "applies", "starting",
               "beginning", "chair", "chairs", "arrive", "arrives"}
_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday", "The", "A", "An", "This", "That", "Parliament", "Congress", "Washington's"}


@functools.cache
def _lexicon() -> dict[str, Any]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    by_phrase: dict[str, str] = {}
    for kind, words in data["triggers"].items():
        for w in words:
            by_phrase.setdefault(w.lower(), kind)
    alts = sorted(by_phrase, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alts)
                         + r")(?![\w-])", re.I)
    return {"by_phrase": by_phrase, "pattern": pattern, "labels": data["labels"],
            "deadline_nouns": set(data["deadline_nouns"]), "reporting": set(data["reporting_verbs"])}


def date_of(value: str) -> tuple[dt.date, str, dt.date] | None:
    """(first day, precision, last day) of a TIMEX3 date value, or None when it names no period."""
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
            return first, "month", add_months(first, 1) - dt.timedelta(days=1)
        if m.group(4):
            first = dt.date.fromisocalendar(y, int(m.group(4)), 1)
            if value.endswith("-WE"):  # the weekend of that week
                return first + dt.timedelta(days=5), "week", first + dt.timedelta(days=6)
            return first, "week", first + dt.timedelta(days=6)
        if m.group(5):
            q = int(m.group(5))
            first = dt.date(y, 3 * q - 2, 1)
            return first, "quarter", add_months(first, 3) - dt.timedelta(days=1)
        if m.group(6):
            first = dt.date(y, 1 if m.group(6) == "1" else 7, 1)
            return first, "quarter", add_months(first, 6) - dt.timedelta(days=1)
        if m.group(7):
            month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[m.group(7)]
            first = dt.date(y, month, 1)
            return first, "quarter", add_months(first, 3) - dt.timedelta(days=1)
        if len(value) == 4:
            return dt.date(y, 1, 1), "year", dt.date(y, 12, 31)
    except ValueError:
        return None
    return None


def _duration(value: str) -> tuple[int, str] | None:
    m = re.fullmatch(r"P(\d+)([DWMY])", value or "")
    return (int(m.group(1)), m.group(2)) if m else None


def _add(d: dt.date, n: int, unit: str) -> dt.date:
    if unit == "D":
        return d + dt.timedelta(days=n)
    if unit == "W":
        return d + dt.timedelta(weeks=n)
    if unit == "M":
        return add_months(d, n)
    return add_months(d, 12 * n)


# ---------------------------------------------------------------- sentences


def _sentences(text: str, doc: Any) -> list[tuple[int, int]]:
    """Sentence spans; a parse's sentences when there is one, mended where an abbreviation
    ("Oct.", "U.S.") was taken for a full stop, and always split at blank lines."""
    if doc is not None:
        raw = [(s.start_char, s.end_char) for s in doc.sents]
    else:
        raw, pos = [], 0
        for m in re.finditer(r"(?<=[.!?][\"'”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n", text):
            raw.append((pos, m.start()))
            pos = m.end()
        raw.append((pos, len(text)))
    spans: list[tuple[int, int]] = []
    for s, e in raw:
        if spans:
            ps, pe = spans[-1]
            gap = text[pe:s]
            if "\n\n" not in gap and "\n" not in text[ps:pe].rstrip() and _ABBREV_END.search(text[ps:pe]) and \
                    re.match(r"\s*[\w$]", text[s:e]):
                spans[-1] = (ps, e)
                continue
        spans.append((s, e))
    out = []
    for s, e in spans:  # a blank line always ends a sentence
        start = s
        for m in re.finditer(r"\n\s*\n", text[s:e]):
            out.append((start, s + m.start()))
            start = s + m.end()
        out.append((start, e))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out if text[s:e].strip()]


# ---------------------------------------------------------------- pieces of an event


@dataclass
class _Trigger:
    start: int
    end: int
    text: str
    kind: str


@dataclass
class _Found:
    kind: str
    start: dt.date
    end: dt.date | None
    precision: str
    sent: tuple[int, int]
    trigger: _Trigger
    timex: Timex
    participants: list[str] = field(default_factory=list)
    place: str = ""
    title: str = ""
    extra_sources: list[tuple[int, int]] = field(default_factory=list)
    headline: bool = False  # a title line: a poor piece of evidence when a sentence says more


def _triggers(text: str, s: int, e: int) -> list[_Trigger]:
    lex = _lexicon()
    out = []
    for m in lex["pattern"].finditer(text, s, e):
        word = " ".join(m.group(0).lower().split())
        kind = lex["by_phrase"].get(word)
        if kind is None:
            continue
        if word in ("march", "show", "open", "sign", "host", "chair") and m.group(0)[:1].isupper() and \
                not re.search(r"[.!?\"“]\s*$|^\s*$", text[max(s, m.start() - 3):m.start()]):
            continue  # "March" the month, "Show" in a name
        out.append(_Trigger(m.start(), m.end(), m.group(0), kind))
    return out


def _token_at(doc: Any, start: int, end: int) -> Any:
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    return span.root if span is not None and len(span) else None


def _edges(a: Any, b: Any) -> int:
    """Number of dependency edges between two tokens of one sentence."""
    up_a = {a.i: 0}
    t, n = a, 0
    while t.head.i != t.i and n < 30:
        t, n = t.head, n + 1
        up_a[t.i] = n
    t, n = b, 0
    while n < 30:
        if t.i in up_a:
            return up_a[t.i] + n
        if t.head.i == t.i:
            break
        t, n = t.head, n + 1
    return 99


def _nearest_trigger(doc: Any, t: Timex, triggers: list[_Trigger]) -> _Trigger | None:
    best, best_key = None, None
    troot = _token_at(doc, t.start, t.end)
    for tr in triggers:
        if tr.start < t.end and t.start < tr.end:
            continue  # part of the date itself ("the end of")
        chars = t.start - tr.end if tr.end <= t.start else tr.start - t.end
        edges = 99
        if troot is not None:
            rr = _token_at(doc, tr.start, tr.end)
            if rr is not None:
                edges = _edges(troot, rr)
        if edges > MAX_EDGES and chars > MAX_CHARS:
            continue
        if troot is None and chars > MAX_CHARS:
            continue
        # a measure named in passing ("restrictions", "tariffs") yields to a meeting or a verb
        generic = tr.kind == "policy" and tr.text.lower().rstrip("s") in _GENERIC_MEASURES
        weak = " ".join(tr.text.lower().split()) in _WEAK_VERBS  # "open fishing talks": the talks
        key = (min(edges, 20) + (2 if generic else 0) + (1 if weak else 0), chars)
        if best_key is None or key < best_key:
            best, best_key = tr, key
    return best


def _is_report_date(doc: Any, text: str, t: Timex, lex: dict[str, Any]) -> bool:
    """'said on Tuesday', 'told reporters Friday': the date of a statement."""
    before = text[max(0, t.start - 45):t.start]
    if re.search(r"\b(?:said|says|told|announced|reported|added|stated|wrote|confirmed|noted|tweeted|warned|"
                 r"revealed|declared)\b[^.;:,]{0,25}?\s(?:late\s+|early\s+)?(?:on\s+)?$", before, re.I) and not \
            re.search(r"\b(?:would|will|to)\s+\w+\s*[^.;:]{0,25}$", before):
        return True
    root = _token_at(doc, t.start, t.end)
    if root is None:
        return False
    head = root.head
    if root.dep_ == "pobj" and head.dep_ == "prep":
        if head.lower_ not in ("on", "at", "in"):
            return False  # "until April 2", "by Friday" bound an event, never a statement
        head = head.head
    return head.pos_ == "VERB" and head.lemma_.lower() in lex["reporting"] and root.dep_ in (
        "npadvmod", "pobj", "advmod", "tmod", "obl")


def _is_dateline(text: str, sent: tuple[int, int], t: Timex) -> bool:
    """The date of a dateline ('BERLIN, Feb. 17 - ...'), not a date in the sentence after it."""
    line_start = text.rfind("\n", 0, t.start) + 1
    m = _DATELINE.match(text[line_start:sent[1]])
    return bool(m) and t.end <= line_start + m.end()


def _participants(text: str, s: int, e: int, doc: Any) -> list[str]:
    actors: list[str] = []
    try:
        from bot.extract.actors import gazetteer

        for m in gazetteer().find(text[s:e]):
            if m.actor not in actors:
                actors.append(m.actor)
        return actors
    except Exception:  # pragma: no cover - no gazetteer yet: spaCy's place and nationality entities
        pass
    if doc is not None:
        for ent in doc.char_span(s, e, alignment_mode="expand").ents:
            if ent.label_ in ("GPE", "NORP"):
                key = re.sub(r"\W+", "-", ent.text.lower()).strip("-")
                if key not in actors:
                    actors.append(key)
    return actors


def _place(text: str, s: int, e: int, trigger: _Trigger, doc: Any, ents: DocEnts | None = None) -> str:
    """A place named with 'in'/'at' closest to the trigger ('talks in Beijing')."""
    best, best_d = "", None
    for m in _PLACE.finditer(text, s, e):
        name = m.group(2).strip().rstrip(",")
        first = name.split()[0]
        if first in _NOT_PLACES or re.match(r"\d", first):
            continue
        if doc is not None:
            span = doc.char_span(m.start(2), m.start(2) + len(name), alignment_mode="expand")
            span_ents = (ents.within(span) if ents is not None else span.ents) if span is not None else None
            if span_ents and not any(ent.label_ in ("GPE", "LOC", "FAC", "ORG") for ent in span_ents):
                continue
        d = abs(m.start() - trigger.end)
        if best_d is None or d < best_d:
            best, best_d = name, d
    return best


def _noun_phrase(text: str, trigger: _Trigger, doc: Any) -> str:
    """The trigger with its modifiers: 'high-level economic dialogue', 'sixth round of talks'."""
    tok = _token_at(doc, trigger.start, trigger.end)
    if tok is not None and tok.pos_ in ("NOUN", "PROPN"):
        left = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod", "nummod", "poss") and
                c.pos_ != "PRON"]
        start = min([trigger.start] + [c.left_edge.idx for c in left])
        start = max(start, trigger.start - 60)
        phrase = text[start:trigger.end]
        for c in tok.rights:  # "round of talks", "summit of the G20"
            if c.dep_ == "prep" and c.lower_ == "of":
                obj = [g for g in c.children if g.dep_ == "pobj"]
                if obj and obj[0].right_edge.idx + len(obj[0].right_edge) - trigger.end < 40:
                    phrase = text[start:obj[0].right_edge.idx + len(obj[0].right_edge)]
        phrase = re.sub(r"^(?:the|a|an|its|their|his|her|this|that|these|next|last)\s+", "", phrase, flags=re.I)
        return " ".join(phrase.split())
    return ""


def _verb_phrase(text: str, trigger: _Trigger, doc: Any) -> str:
    """A verb trigger with its subject and destination: 'Duties take effect', 'Albanese
    travel to China'; empty without a parse or a short subject."""
    tok = _token_at(doc, trigger.start, trigger.end)
    if tok is None:
        return ""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        subj = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj or subj[0].pos_ == "PRON" or subj[0].lower_ in ("which", "that", "who"):
        return ""
    s0 = subj[0]
    words = [t for t in s0.subtree if t.dep_ not in ("det", "punct", "relcl", "appos", "acl", "prep", "pobj")
             and not any(a.dep_ in ("relcl", "appos", "acl", "prep") for a in t.ancestors if a.i != s0.i and
                         a in s0.subtree)]
    if not words or len(words) > 5:
        words = [s0]
    subject = "".join(t.text_with_ws for t in sorted(words, key=lambda t: t.i)).strip()
    action = " ".join(text[trigger.start:trigger.end].split())
    dest = ""
    last = action.lower().split()[-1]
    if last in ("to", "for", "in"):  # "travel to" China, "leaves for" Washington
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == last:
                obj = [g for g in c.children if g.dep_ == "pobj"]
                if obj:
                    return f"{subject} {action} {obj[0].text}"[:1].upper() + f"{subject} {action} {obj[0].text}"[1:]
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "for") and trigger.text.lower().split()[-1] not in ("to", "for"):
            obj = [g for g in c.children if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC", "FAC", "ORG")]
            if obj:
                dest = f" {c.text} {obj[0].text}"
                break
        if c.dep_ == "pobj" or (c.dep_ == "dobj" and c.ent_type_ in ("GPE", "LOC")):
            dest = f" {c.text}"
    phrase = f"{subject} {action}{dest}"
    return phrase[:1].upper() + phrase[1:]


def _title(f: _Found, text: str, doc: Any, labels: dict[str, str]) -> str:
    phrase = _noun_phrase(text, f.trigger, doc)
    who = ""
    try:
        from bot.extract.actors import gazetteer

        names = [gazetteer().label(a) for a in f.participants[:3]]
        who = "–".join(n for n in names if n and n.lower() not in phrase.lower())
    except Exception:  # pragma: no cover
        who = "–".join(p.replace("-", " ").title() for p in f.participants[:3])
    if not phrase:
        phrase = _verb_phrase(text, f.trigger, doc)
    if not phrase:
        phrase = labels.get(f.kind, f.kind.title())
        if f.trigger.text.lower() not in phrase.lower():
            phrase = f"{phrase} ({' '.join(f.trigger.text.split())})"
    title = f"{who} {phrase}".strip() if who else phrase[:1].upper() + phrase[1:]
    if f.place and f.place.lower() not in title.lower():
        title = f"{title}, {f.place}"
    return title


# ---------------------------------------------------------------- durations → deadlines


def _deadline_anchor(text: str, sents: list[tuple[int, int]], si: int, t: Timex, timexes: list[Timex],
                     published: dt.date) -> dt.date | None:
    """The day a length of time counts from: a day in the same sentence (the nearest before
    it first), else the last day named in the two sentences before ("14 days after the decree
    is published"), else the publication date for a process that starts now ("will last four
    months", "a further 60 days")."""
    s, e = sents[si]
    if re.match(r"\s+(?:after|of|from|since)\s+(?:the|its|their|his|her|this|that)\b", text[t.end:t.end + 20]):
        # "14 days after the decree is published": the decree was dated in an earlier sentence
        for j in range(si - 1, max(-1, si - 3), -1):
            ps, pe = sents[j]
            prev = [date_of(x.value) for x in timexes if ps <= x.start < pe and x.type in ("DATE", "TIME")]
            prev = [p for p in prev if p and p[1] == "day"]
            if prev:
                return prev[-1][0]
    same = [x for x in timexes if s <= x.start < e and x is not t and x.type in ("DATE", "TIME")]
    days = [(x, date_of(x.value)) for x in same]
    days = [(x, p) for x, p in days if p and p[1] == "day"]
    if days:
        after = re.search(r"\b(?:from|after|of|since|starting|beginning)\s+(?:the\s+)?$",
                          text[max(s, t.end):max(s, t.end) + 12])
        before = [d for d in days if d[0].end <= t.start]
        pick = (before or days)[-1] if not after else min(days, key=lambda d: abs(d[0].start - t.end))
        return pick[1][0]
    back = text[t.end:min(e, t.end + 40)]
    if re.match(r"\s+(?:after|of|from|since)\s+(?:the|its|their|his|her)\b", back):
        for j in range(si - 1, max(-1, si - 3), -1):
            ps, pe = sents[j]
            prev = [date_of(x.value) for x in timexes if ps <= x.start < pe and x.type in ("DATE", "TIME")]
            prev = [p for p in prev if p and p[1] == "day"]
            if prev:
                return prev[-1][0]
    return published


def _deadline_cue(text: str, s: int, e: int, t: Timex) -> str | None:
    """How a length of time gives a date: 'within'/'another' (from the anchor on), 'after'
    (after an event named before), 'pause' (an N-day pause, review, truce ...), or None when
    it is just a length ("after a pause of six years", "postpone the scheme by a year")."""
    lex = _lexicon()
    lead = re.match(r"(?i)(another|an?\s+(?:additional|extra|further)|within)\b", t.text)
    before = text[max(s, t.start - 30):t.start].lower() + ((lead.group(1).lower() + " ") if lead else "")
    after = text[t.end:min(e, t.end + 25)].lower()
    if re.search(r"\b(?:of|by|for\s+(?:the\s+)?(?:past|last)|over\s+the\s+(?:past|last)|than|ago)\s+$", before):
        return None
    if re.search(r"\b(?:within|another|an?\s+(?:additional|extra|further)|for\s+(?:a\s+)?(?:further|another)|"
                 r"(?:will|would|to|could|may)\s+(?:take|last|run)|expires?\s+in|in\s+the\s+next)\s+$", before):
        return "within"
    if re.match(r"\s+(?:after|from|of)\s+(?:the|its|their|his|her|this|that)\b", after) and not re.match(
            r"\s+of\s+(?:the\s+)?(?:past|last)\b", after):
        return "after"
    noun = re.match(r"\s*(?:-\s*)?([a-z]+(?:\s+[a-z]+)?)", after)
    if re.search(r"-(?:day|week|month|year)$", t.text.lower()) and noun and any(
            noun.group(1).startswith(n) for n in lex["deadline_nouns"]):
        return "pause"
    return None


# ---------------------------------------------------------------- the extractor


def extract_events(text: str, published: dt.date, article_id: str, doc: Any = None,
                   timexes: list[Timex] | None = None) -> list[Event]:
    """Dated events in ``text``, upcoming and past, one per event even when named twice."""
    if isinstance(published, dt.datetime):
        published = published.date()
    if doc is None and text.strip():
        doc = _parse(text)
    if timexes is None:
        timexes = find_timexes(text, published, doc=doc)
    lex = _lexicon()
    pairs = timex_ranges(text, timexes)
    range_end = {timexes[i].start: timexes[j] for i, j in pairs}
    tails = {timexes[j].start for _, j in pairs}
    sents = _sentences(text, doc)
    found: list[_Found] = []
    for si, (s, e) in enumerate(sents):
        in_sent = [t for t in timexes if s <= t.start < e and t.start not in tails]
        if not in_sent:
            continue
        triggers = _triggers(text, s, e)
        if not triggers and not any(x.type == "DURATION" for x in in_sent):
            continue
        for t in in_sent:
            if t.type in ("DATE", "TIME"):
                parsed = date_of(t.value)
                if parsed is None or _is_dateline(text, (s, e), t) or _is_report_date(doc, text, t, lex):
                    continue
                trig = _nearest_trigger(doc, t, triggers)
                if trig is None:
                    continue
                start, precision, last = parsed
                end = None
                if t.start in range_end:
                    tail = date_of(range_end[t.start].value)
                    if tail:
                        end = tail[0]
                if start < published <= last and _ahead(doc, text, t):
                    start = published  # "talks this week": what is left of the week
                elif start == published == last and tense_at(doc, text, t.start, t.end) == PAST:
                    continue  # told in the past tense on its own day: it has already happened
                found.append(_Found(trig.kind, start, end, precision, (s, e), trig, t))
            elif t.type == "DURATION":
                dur = _duration(t.value)
                cue = _deadline_cue(text, s, e, t) if dur else None
                if cue is None:
                    continue
                usable = triggers
                if cue == "after":
                    # "applies 14 days after the decree": the predicate before the length,
                    # not a measure named in passing nor the event it counts from
                    usable = [tr for tr in triggers if tr.end <= t.start and tr.kind in ("policy", "deadline")
                              and tr.text.lower().rstrip("s") not in _GENERIC_MEASURES
                              and t.start - tr.end < 40]
                trig = _nearest_trigger(doc, t, usable)
                if trig is None and cue == "within":
                    trig = _Trigger(t.start, t.end, t.text, "deadline")  # "would get another 90 days"
                if trig is None:
                    continue
                anchor = _deadline_anchor(text, sents, si, t, timexes, published)
                if anchor is None:
                    continue
                due = _add(anchor, *dur)
                kind = trig.kind if trig.kind in ("policy",) else "deadline"
                found.append(_Found(kind, due, None, "day", (s, e), trig, t))
    ents = DocEnts(doc) if doc is not None and found else None
    for f in found:
        f.headline = f.sent[0] == 0 and not re.search(r"[.!?\"”]\s*$", text[f.sent[0]:f.sent[1]])
        f.participants = _participants(text, f.sent[0], f.sent[1], doc)
        f.place = _place(text, f.sent[0], f.sent[1], f.trigger, doc, ents)
        f.title = _title(f, text, doc, lex["labels"])
    return [_to_event(f, text, published, article_id) for f in _merge(found)]


def _ahead(doc: Any, text: str, t: Timex) -> bool:
    low = text[max(0, t.start - 25):t.start].lower()
    if re.search(r"\b(?:earlier|last|past|since|so far)\s+$", low) or t.text.lower().startswith(("earlier", "last")):
        return False
    if re.search(r"\b(?:later|next|coming|rest of|remainder of|by|until|before)\b", low + " " + t.text.lower()):
        return True
    return tense_at(doc, text, t.start, t.end) in (FUTURE, PRESENT, None)


def _overlap(a: _Found, b: _Found) -> bool:
    a_end = a.end or _period_end(a)
    b_end = b.end or _period_end(b)
    return a.start <= b_end and b.start <= a_end


def _period_end(f: _Found) -> dt.date:
    parsed = date_of(f.timex.value)
    if f.precision == "day" or parsed is None:
        return f.start
    return parsed[2]


def _merge(found: list[_Found]) -> list[_Found]:
    """One event per (kind family, date): a coarse period merges into the day inside it
    when both name the same kind of event with the same or no participants."""
    order = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
    found = sorted(found, key=lambda f: (order.get(f.precision, 5), f.headline, f.sent[0]))
    kept: list[_Found] = []
    for f in found:
        home = None
        for k in kept:
            if _GROUPS.get(k.kind) != _GROUPS.get(f.kind):
                continue
            same_day = f.precision == "day" and k.precision == "day" and f.start == k.start
            inside = f.precision != "day" and _overlap(k, f) and k.precision == "day"
            if not (same_day or inside or (f.precision == k.precision and f.start == k.start)):
                continue
            if _places_differ(k.place, f.place):
                continue  # talks in Washington are not the dialogue in Beijing
            a, b = set(k.participants), set(f.participants)
            # meetings named twice ("talks this weekend" / "the dialogue on Sunday") share their
            # parties; measures on one day are often different measures, so they need one trigger
            talk = _GROUPS.get(f.kind) == "talk"
            if _stem(k.trigger.text) == _stem(f.trigger.text) or (talk and ((a & b) or (k.place and k.place == f.place))):
                home = k
                break
        if home is None:
            kept.append(f)
        elif f.sent != home.sent and f.sent not in home.extra_sources:
            home.extra_sources.append(f.sent)
            home.participants = list(dict.fromkeys(home.participants + f.participants))
    return sorted(kept, key=lambda f: f.sent[0])


def _stem(word: str) -> str:
    """The head word without its ending: 'Paris Motor Show' and 'show', 'takes effect' and
    'took effect', 'talks' and 'trade talks' share one."""
    w = word.lower().split()[-1] if word.split() else ""
    return re.sub(r"(?:ies|es|s|ing|ed)$", "", w) if len(w) > 4 else w


def _places_differ(a: str, b: str) -> bool:
    """Two places that name different countries or cities ("Washington", "Beijing")."""
    if not a or not b or a == b or a in b or b in a:
        return False
    try:
        from bot.extract.actors import resolve_actor

        ra, rb = resolve_actor(a), resolve_actor(b)
    except Exception:  # pragma: no cover
        return True
    return ra is not None and rb is not None and ra != rb


def _to_event(f: _Found, text: str, published: dt.date, article_id: str) -> Event:
    sources = []
    for s, e in [f.sent] + sorted(f.extra_sources):
        sources.append({"article": article_id, "sentence": " ".join(text[s:e].split()), "start": s, "end": e,
                        "published": published.isoformat()})
    participants = sorted(f.participants)
    return Event(
        # kind, day and parties name an event across articles; the trigger's stem keeps two
        # measures of one day apart ("the first batch", "the first part of the list")
        id=stable_id("e", f.kind, f.start.isoformat(), *participants, _stem(f.trigger.text)),
        title=f.title, kind=f.kind, start=f.start.isoformat(), end=f.end.isoformat() if f.end else None,
        precision=f.precision, article=article_id, evidence=sources[0]["sentence"], place=f.place,
        participants=participants, sources=sources, upcoming=f.start >= published,
        extractor=EXTRACTOR_VERSION, timex=f.timex.value)


def _parse(text: str) -> Any:
    try:
        from bot.extract.nlp import get_nlp

        return get_nlp()(text)
    except Exception:  # pragma: no cover - no model: character distances and regex sentences
        return None


__all__ = ["extract_events", "date_of", "PAST", "FUTURE"]
