"""Dated events: a resolved time expression tied to an event trigger in the same sentence.

Triggers are a lexicon grouped by kind (bot/data/events.json).  Each date in a sentence is
tied to the trigger nearest to it in the parse (or in characters without a parse).  The
event keeps the date's precision, its range ("from June 15 to 17") and its vagueness
("mid-June", "later this month", "Monday or Tuesday", "in the coming weeks": a window,
bot/extract/event_dates.py).  A length of time tied to a dated start gives the day it runs
out ("a 60-day pause from March 3" -> the pause ends on May 2; "applies 14 days after the
decree is published"); the length itself, and the start of a pause, are no events.  Dates
of reporting ("said on Tuesday"), datelines and the edition a date names ("this year's
talks") date the story, not an event.  A period that holds the publication date and lies
ahead in its clause ("talks this week") starts on the publication date.  Titles come from
the event's own words (bot/extract/event_titles.py).  The same event named twice in an
article (by a weekend and by its Sunday, by "Monday" and "Monday's talks") is one event
with two sources.

Public API:
  extract_events(text, published, article_id, doc=None, timexes=None, quote_docs=None) -> list[Event]
  date_of(value) -> (first day, precision, last day) | None
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain import Event, Timex, stable_id
from bot.extract import EXTRACTOR_VERSION
from bot.extract.event_dates import HOLIDAY_NAME as _HOLIDAY_NAME
from bot.extract.event_dates import When, add, coming, date_of, duration, either, narrowed
from bot.extract.event_titles import Described, Trigger, actors_in, describe, describe_span
from bot.extract.parse_view import ParseView
from bot.extract.timex import find_timexes, timex_ranges
from bot.extract.timex_tense import FUTURE, PAST, PRESENT, tense_at

_DATA = Path(__file__).resolve().parent.parent / "data" / "events.json"
MAX_CHARS = 140  # farthest a trigger may sit from its date without a parse
MAX_EDGES = 6  # farthest in the dependency tree
_GROUPS = {"dialogue": "talk", "summit": "talk", "meeting": "talk", "negotiation": "talk", "visit": "talk",
           "policy": "measure", "deadline": "measure", "election": "election", "other": "other"}
# sentence ends that are not sentence ends: "Feb. 14", "U.S. officials", "Mr. Lopez"
_ABBREV_END = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|"
                         r"Sat|Sun|Mr|Mrs|Ms|Dr|St|No|Nos|Gen|Gov|Sen|Rep|Lt|Col|Capt|Prof|Inc|Corp|Co|Ltd|Jr|Sr|"
                         r"vs|etc|approx|est|U\.S|U\.K|U\.N|E\.U|[A-Z])\.)\s*$")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'/&-]+,\s*(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)\s*(?:\([^)]*\)\s*)?[-–—]{1,2}\s")
_PROPER = r"[A-Z][\w\u00C0-\u017F'’-]+"
_PLACE = re.compile(rf"\b(?:in|at)\s+(?:the\s+)?((?:city|capital|town)\s+of\s+)?({_PROPER}(?:\s+(?:{_PROPER}|of|de|del|da))*"
                    rf"(?:,\s+{_PROPER})?)")
_GENERIC_MEASURES = {"tariff", "dutie", "duty", "levie", "levy", "restriction", "control", "measure", "rule",
                     "regulation", "law", "sanction", "curb", "quota", "ban", "deposit", "limit"}
_WEAK_VERBS = {"open", "opens", "opening", "launch", "launches", "host", "hosts", "hosted", "will host", "attend",
               "attends", "attended", "be in", "will be in", "sign", "signs", "apply", "applies", "starting",
               "beginning", "chair", "chairs", "arrive", "arrives", "delegation", "delegations"}
# spans whose beginning is no event: only their end is ("a 90-day pause from June 1": it ends)
_SPANS = {"pause", "pauses", "suspension", "suspensions", "truce", "reprieve", "moratorium", "exemption",
          "exemptions", "grace period", "window", "extension", "waiver", "ceasefire"}
_END_CUE = re.compile(r"(?i)\b(?:until|till|through|thru|to|by|expires?(?:\s+on)?|ends?(?:\s+on)?|"
                      r"runs?\s+out(?:\s+on)?|lapses?(?:\s+on)?)$")


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
            "deadline_nouns": set(data["deadline_nouns"]), "reporting": set(data["reporting_verbs"]),
            "measures": set(data["measure_nouns"])}


def trigger_kind(word: str) -> str | None:
    """The kind of event a word of the lexicon names ('summit' -> 'summit'), or None."""
    return _lexicon()["by_phrase"].get(" ".join(word.lower().split()))


# ---------------------------------------------------------------- sentences


def _sentences(text: str, view: ParseView | None) -> list[tuple[int, int]]:
    """Sentence spans; a parse's sentences when there is one (a quote's own sentences inside
    a quote), mended where an abbreviation ("Oct.", "U.S.") was taken for a full stop, and
    always split at blank lines."""
    if view is not None:
        starts = view.sentence_starts()
        raw = [(a, b) for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]
        raw = [(a, a + len(text[a:b].rstrip())) for a, b in raw]
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
    for s, e in spans:  # a line break always ends a sentence (titles, paragraphs)
        start = s
        for m in re.finditer(r"\n\s*", text[s:e]):
            out.append((start, s + m.start()))
            start = s + m.end()
        out.append((start, e))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in out if text[s:e].strip()]


# ---------------------------------------------------------------- pieces of an event


@dataclass
class _Found:
    kind: str
    when: When
    sent: tuple[int, int]
    trigger: Trigger
    timex: Timex
    span_end: bool = False  # the end of a length of time ("a 90-day pause" ends)
    participants: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    place: str = ""
    title: str = ""
    extra_sources: list[tuple[int, int]] = field(default_factory=list)
    headline: bool = False  # a title line: a poor piece of evidence when a sentence says more

    @property
    def start(self) -> dt.date:
        return self.when.start

    @property
    def precision(self) -> str:
        return self.when.precision


def _triggers(text: str, s: int, e: int, view: ParseView | None, times: list[Timex]) -> list[Trigger]:
    lex = _lexicon()
    out = []
    for m in lex["pattern"].finditer(text, s, e):
        word = " ".join(m.group(0).lower().split())
        kind = lex["by_phrase"].get(word)
        if kind is None:
            continue
        if any(t.start < m.end() and m.start() < t.end for t in times):
            continue  # a word of a time expression ("by the end of July", "Good Friday")
        if word in ("march", "show", "open", "sign", "host", "chair") and m.group(0)[:1].isupper() and \
                not re.search(r"[.!?\"“]\s*$|^\s*$", text[max(s, m.start() - 3):m.start()]):
            continue  # "March" the month, "Show" in a name
        if word == "show" and re.search(r"(?i)\bon\s+$", text[max(s, m.start() - 4):m.start()]):
            continue  # "on show"
        if word in ("begin", "begins", "start", "starts", "arrive", "arrives") and view is not None:
            subj = _subject_noun(view, m.start(), m.end())
            if subj is None:
                continue
            if subj.lemma_.lower() in lex["measures"] or subj.lower_ in lex["measures"]:
                kind = "policy"  # "the new rules begin on", "tariffs could arrive in April"
            elif word in ("begin", "begins", "start", "starts") or subj.pos_ not in ("PROPN", "NOUN") or \
                    subj.ent_type_ not in ("PERSON", "NORP", "GPE", "ORG") and subj.lemma_.lower() not in _MOVERS:
                continue  # only a measure begins here; only people arrive
        after = text[m.end():m.end() + 30]
        if word == "due" and re.match(r"\s+to\b", after):
            continue  # "due to host" looks ahead, "due to a warrant" gives a reason: no deadline
        if word in ("starting", "beginning") and not _names_measure(text, s, m.start(), m.end(), view):
            continue  # "wants to control the country starting in the fall": no measure starts
        if word in ("end", "talk") and view is not None:
            tok = view.root(m.start(), m.end())
            if tok is not None and tok.pos_ not in ("VERB", "AUX") and not re.search(
                    r"(?i)\b(?:to|will|would|shall|should|could|may|might)\s+(?:\w+\s+)?$",
                    text[max(s, m.start() - 20):m.start()]):
                continue  # "the end of the war", "a talk": not the verb ("due to end" is)
        if word in ("be in", "will be in") and re.match(r"\s*(?:early|mid|late)?[-\s]*(?:[A-Z][a-z]+\s+\d|"
                                                        r"(?:January|February|March|April|May|June|July|August|"
                                                        r"September|October|November|December|spring|summer|"
                                                        r"autumn|fall|winter|the\s+(?:coming|next))\b)", after):
            continue  # "may be in November": a date, not a place
        if word == "in place" and not re.search(r"(?i)\b(?:be|fully|been|remain)\s+$", text[max(s, m.start() - 8):
                                                                                         m.start()]):
            continue
        out.append(Trigger(m.start(), m.end(), m.group(0), kind))
    return out


_MOVERS = {"delegation", "team", "minister", "president", "leader", "official", "negotiator", "envoy", "king",
           "queen", "pope", "premier", "chancellor", "secretary", "commissioner", "diplomat", "troop", "soldier",
           "ship", "mission", "prince", "princess", "governor", "mayor", "representative", "ambassador"}


def _subject_noun(view: ParseView, start: int, end: int) -> Any:
    """The subject of the verb text[start:end] (through 'are due to', 'is expected to')."""
    tok = view.root(start, end)
    for _ in range(3):
        if tok is None:
            return None
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            s = subj[0]
            if s.lower_ in ("which", "that") and tok.dep_ == "relcl":
                return tok.head
            return s
        if tok.dep_ in ("xcomp", "acomp", "conj", "advcl", "pcomp", "prep") and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        return None
    return None


_PHASE_WORDS = {"open", "opens", "opening", "close", "closes", "end", "ends", "begin", "begins", "start", "starts",
                "conclude", "concludes", "resume", "resumes", "expire", "expires", "launch", "launches"}


def _subject_event(view: ParseView | None, trig: Trigger, pool: list[Trigger]) -> Trigger:
    """'the talks will open on June 10': the talks, whose opening the date gives (the title
    says "opens"), rather than an event of the kind of "open"."""
    if view is None or " ".join(trig.text.lower().split()) not in _PHASE_WORDS:
        return trig
    subj = _subject_noun(view, trig.start, trig.end)
    if subj is None:
        return trig
    for other in pool:
        if other is not trig and other.start <= view.idx(subj) < other.end:
            return other
    return trig


def _names_measure(text: str, s: int, start: int, end: int, view: ParseView | None) -> bool:
    """'apply the duties starting June 9', 'tariffs starting on July 1': a measure
    is what starts (the object or subject of the verb 'starting' goes with, or just before)."""
    measures = _lexicon()["measures"]
    tok = view.root(start, end) if view is not None else None
    if tok is not None:
        near = [tok.head] + list(tok.head.children) + list(tok.children)
        if tok.head.head.i != tok.head.i:
            near += list(tok.head.head.children)
        near += [g for t in near if t.dep_ == "prep" for g in t.children if g.dep_ == "pobj"]
        return any(t.lemma_.lower() in measures or t.lower_ in measures for t in near if t.i != tok.i and
                   t.pos_ in ("NOUN", "PROPN"))
    before = text[max(s, start - 60):start].lower()
    return any(re.search(rf"\b{re.escape(m)}\b[^.;]{{0,25}}$", before) for m in measures)


def _edges(a: Any, b: Any) -> int:
    """Number of dependency edges between two tokens of one sentence."""
    if a.doc is not b.doc:
        return 99
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


def _nearest_trigger(view: ParseView | None, t: Timex, triggers: list[Trigger], text: str = "") -> Trigger | None:
    best, best_key = None, None
    troot = view.root(t.start, t.end) if view is not None else None
    # "progress towards closure by December": a bound, which only a deadline or a measure, or
    # an event in the same clause, takes
    bound = bool(re.search(r"(?i)\bby\s+(?:the\s+end\s+of\s+)?$", text[max(0, t.start - 20):t.start]))
    for tr in triggers:
        if tr.start < t.end and t.start < tr.end:
            continue  # part of the date itself ("the end of")
        chars = t.start - tr.end if tr.end <= t.start else tr.start - t.end
        edges = 99
        if troot is not None:
            rr = view.root(tr.start, tr.end) if view is not None else None
            if rr is not None and rr.doc is not troot.doc:
                continue  # one inside a quote, the other outside: the quote has its own events
            if rr is not None:
                edges = _edges(troot, rr)
        if edges > MAX_EDGES and chars > MAX_CHARS:
            continue
        if troot is None and chars > MAX_CHARS:
            continue
        if bound and tr.kind not in ("deadline", "policy") and edges > 2:
            continue
        # a measure named in passing ("restrictions", "tariffs") yields to a meeting or a verb
        generic = tr.kind == "policy" and tr.text.lower().rstrip("s") in _GENERIC_MEASURES
        weak = " ".join(tr.text.lower().split()) in _WEAK_VERBS  # "open fishing talks": the talks
        key = (min(edges, 20) + (2 if generic else 0) + (1 if weak else 0), chars)
        if best_key is None or key < best_key:
            best, best_key = tr, key
    return best


def _is_report_date(view: ParseView | None, text: str, t: Timex, lex: dict[str, Any]) -> bool:
    """'said on Tuesday', 'told reporters Friday': the date of a statement."""
    before = text[max(0, t.start - 45):t.start]
    m = re.search(r"\b(?:said|says|told|announced|reported|added|stated|wrote|confirmed|noted|tweeted|warned|"
                  r"revealed|declared)\b([^.;:,]{0,25}?)\s(?:late\s+|early\s+)?(?:on\s+)?$", before, re.I)
    # "said they would meet on Friday": the date belongs to the meeting, not to the saying
    if m and not re.search(r"\b(?:would|will|to|could|may|might|should|shall)\s+\w+", m.group(1)):
        return True
    root = view.root(t.start, t.end) if view is not None else None
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


def _is_since(text: str, t: Timex) -> bool:
    """'the first visit since 2023': where a stretch of time began, not when an event is."""
    return bool(re.search(r"(?i)\b(?:since|ever\s+since)\s+(?:early\s+|late\s+|mid-?)?$",
                          text[max(0, t.start - 16):t.start]))


def _is_edition(text: str, t: Timex, published: dt.date) -> bool:
    """'this year's talks', 'this year's summit': the date says which edition, and that
    edition is under way; it gives the event no date ahead."""
    parsed = date_of(t.value)
    if parsed is None or parsed[1] not in ("year", "quarter"):
        return False
    return bool(re.match(r"['’]s?\b", text[t.end:t.end + 2])) and parsed[0] <= published <= parsed[2]


def _is_name(view: ParseView | None, t: Timex) -> bool:
    """'the Good Friday agreement', 'the Easter Rising': a holiday that names a thing."""
    if not _HOLIDAY_NAME.fullmatch(t.text) or view is None:
        return False
    root = view.root(t.start, t.end)
    return root is not None and root.dep_ in ("compound", "nmod", "amod") and root.head.pos_ in ("NOUN", "PROPN") \
        and view.idx(root.head) >= t.end


def _sentence_actors(text: str, s: int, e: int) -> list[str]:
    return actors_in(text[s:e])


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
    it is just a length ("after a pause of six years", "postpone the scheme by a year",
    "extend the truce by an extra 90 days": from an end the text does not give)."""
    lex = _lexicon()
    lead = re.match(r"(?i)(another|an?\s+(?:additional|extra|further)|within)\b", t.text)
    before = text[max(s, t.start - 30):t.start].lower() + ((lead.group(1).lower() + " ") if lead else "")
    after = text[t.end:min(e, t.end + 25)].lower()
    if re.search(r"\b(?:of|by|for\s+(?:the\s+)?(?:past|last)|over\s+the\s+(?:past|last)|than|ago)\s+$", before) or \
            re.search(r"\b(?:of|by)\s+(?:another|an?\s+(?:additional|extra|further))\s+$", before):
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
                   timexes: list[Timex] | None = None, quote_docs: Mapping[int, Any] | None = None) -> list[Event]:
    """Dated events in ``text``, upcoming and past, one per event even when named twice.

    ``doc`` is a parse of the text (of the text with its long quotes masked when
    ``quote_docs`` holds the parses of those quotes, keyed by where each quote starts)."""
    if isinstance(published, dt.datetime):
        published = published.date()
    if doc is None and text.strip():
        doc = _parse(text)
    view = ParseView(doc, quote_docs) if doc is not None else None
    if timexes is None:
        timexes = find_timexes(text, published, doc=view)
    lex = _lexicon()
    pairs = timex_ranges(text, timexes)
    range_end = {timexes[i].start: timexes[j] for i, j in pairs}
    tails = {timexes[j].start for _, j in pairs}
    for i in range(len(timexes) - 1):  # "Monday or Tuesday", "in July or sometime in August"
        a, b = timexes[i], timexes[i + 1]
        if a.start not in range_end and either(text, a.end, b.start, a.value, b.value) is not None:
            range_end[a.start] = b
            tails.add(b.start)
    sents = _sentences(text, view)
    found: list[_Found] = []
    for si, (s, e) in enumerate(sents):
        in_sent = [t for t in timexes if s <= t.start < e and t.start not in tails]
        if not in_sent:
            continue
        triggers = _triggers(text, s, e, view, in_sent)
        durations = [x for x in in_sent if x.type == "DURATION"]
        if not triggers and not durations:
            continue
        for t in in_sent:
            if t.type in ("DATE", "TIME"):
                f = _dated(text, view, sents, (s, e), t, triggers, range_end.get(t.start), published, lex)
            elif t.type == "DURATION":
                f = _stretch(text, view, sents, si, t, triggers, timexes, published)
            else:
                f = None
            if f is not None:
                found.append(f)
    for f in found:
        # a title line (the headline, a subheading): a poor piece of evidence when a sentence says more
        f.headline = _is_title_line(text, f.sent)
        times = [(x.start, x.end) for x in timexes if f.sent[0] <= x.start < f.sent[1]]
        d = _describe(text, view, f, times, sents)
        f.title, f.own, f.place = d.title, d.own, d.place or _place(text, f.sent[0], f.sent[1], f.trigger, view)
        if f.place and not d.place and f.place.lower() not in f.title.lower():
            f.title = f"{f.title} in {f.place}"  # a place the parse did not tie to the event
        f.participants = list(f.own) or _sentence_actors(text, *f.sent)[:3]
    return [_to_event(f, text, published, article_id) for f in _merge(found)]


def _is_title_line(text: str, sent: tuple[int, int]) -> bool:
    s, e = sent
    line_start = text.rfind("\n", 0, s) + 1
    line_end = text.find("\n", e)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:s].strip() and not text[e:line_end].strip() and \
        not re.search(r"[.!?\"”’:]\s*$", text[s:e]) and len(text[s:e].split()) <= 20


def _describe(text: str, view: ParseView | None, f: _Found, times: list[tuple[int, int]],
              sents: list[tuple[int, int]]) -> Described:
    if view is None:
        words = " ".join(f.trigger.text.split())
        return Described(words[:1].upper() + words[1:])
    if f.span_end and f.trigger.kind != "policy":
        return describe_span(text, view, f.trigger, f.timex.start, f.timex.end, f.sent, times, sents)
    return describe(text, view, f.trigger, f.sent, times, sents)


def _dated(text: str, view: ParseView | None, sents: list[tuple[int, int]], sent: tuple[int, int], t: Timex,
           triggers: list[Trigger], tail: Timex | None, published: dt.date, lex: dict[str, Any]) -> _Found | None:
    """The event a date gives, if any: its trigger and its time, range or window."""
    parsed = date_of(t.value)
    if parsed is None or _is_dateline(text, sent, t) or _is_report_date(view, text, t, lex) or \
            _is_edition(text, t, published) or _is_name(view, t) or _is_since(text, t):
        return None
    pool = list(triggers)
    spans: list[Any] = []  # span nouns passed over, with their phrases
    while True:
        trig = _nearest_trigger(view, t, pool, text)
        if trig is None:
            return None
        tok = view.root(trig.start, trig.end) if view is not None else None
        if tok is not None and any(tok in sp.subtree for sp in spans):
            pool.remove(trig)  # "a suspension of the levy from June 10": the levy does not start
            continue
        # "a pause until July 9" ends that day; "a pause from June 1" only begins: no event
        # there, though another trigger may take the date ("a truce before Ramadan begins on")
        span_noun = " ".join(trig.text.lower().split()) in _SPANS
        if not span_noun or _END_CUE.search(text[max(sent[0], t.start - 25):t.start].rstrip()):
            trig = _subject_event(view, trig, pool)
            break
        pool.remove(trig)
        if tok is not None:
            spans.append(tok)
    start, precision, last = parsed
    when = When(start, None, precision)
    if tail is not None:
        wide = either(text, t.end, tail.start, t.value, tail.value)
        if wide is not None:
            when = wide
        else:
            end = date_of(tail.value)
            if end:
                when = When(start, end[0], precision)
    else:
        when = narrowed(text, t.start, t.end, t.value, published) or when
    first, last_day = when.start, when.end or (parsed[2] if when.precision != "day" else when.start)
    if first < published <= last_day and _ahead(view, text, t, published, last_day):
        when = When(published, when.end, when.precision, when.approx)  # "talks this week": what is left
    elif first == published == last_day and tense_at(view, text, t.start, t.end) == PAST:
        return None  # told in the past tense on its own day: it has already happened
    return _Found(trig.kind, when, sent, trig, t, span_end=span_noun)


def _stretch(text: str, view: ParseView | None, sents: list[tuple[int, int]], si: int, t: Timex,
             triggers: list[Trigger], timexes: list[Timex], published: dt.date) -> _Found | None:
    """A length of time that gives a date: its end ("within 30 days", "a 90-day pause"), or a
    window ahead of the story ("in the coming weeks")."""
    s, e = sents[si]
    window = coming(text, t.start, t.end, t.value, published)
    if window is not None:
        trig = _nearest_trigger(view, t, triggers, text)
        if trig is None or trig.kind == "deadline":
            return None
        return _Found(trig.kind, window, (s, e), trig, t)
    dur = duration(t.value)
    cue = _deadline_cue(text, s, e, t) if dur else None
    if cue is None or dur is None:
        return None
    if any(x.type in ("DATE", "TIME") and s <= x.start < e and _END_CUE.search(text[max(s, x.start - 25):x.start]
                                                                                  .rstrip()) for x in timexes):
        return None  # "a 90-day grace period runs until Sept. 15": the text gives the end itself
    usable = triggers
    if cue == "after":
        # "applies 14 days after the decree": the predicate before the length,
        # not a measure named in passing nor the event it counts from
        usable = [tr for tr in triggers if tr.end <= t.start and tr.kind in ("policy", "deadline")
                  and tr.text.lower().rstrip("s") not in _GENERIC_MEASURES
                  and t.start - tr.end < 40]
    trig = _nearest_trigger(view, t, usable, text)
    if trig is None and cue in ("within", "pause"):
        trig = Trigger(t.start, t.end, t.text, "deadline")  # "would get another 90 days"
    if trig is None:
        return None
    generic = trig.kind == "policy" and trig.text.lower().rstrip("s") in _GENERIC_MEASURES
    if (trig.kind != "policy" or generic and cue == "within") and cue != "pause":
        trig = Trigger(t.start, t.end, t.text, "deadline")  # the length itself is what runs out
    anchor = _deadline_anchor(text, sents, si, t, timexes, published)
    if anchor is None:
        return None
    due = add(anchor, *dur)
    kind = trig.kind if trig.kind in ("policy",) else "deadline"
    return _Found(kind, When(due, None, "day"), (s, e), trig, t, span_end=True)


def _ahead(view: ParseView | None, text: str, t: Timex, published: dt.date, last: dt.date) -> bool:
    """A period holding the publication date whose rest lies ahead in its clause ("talks this
    week", "later this month").  On the period's last day ("this weekend" in a Sunday paper)
    only words that look ahead will do: the rest of it is the day itself."""
    low = text[max(0, t.start - 25):t.start].lower()
    if re.search(r"\b(?:earlier|last|past|since|so far)\s+$", low) or t.text.lower().startswith(("earlier", "last")):
        return False
    if re.search(r"\b(?:later|next|coming|rest of|remainder of|by|until|before)\b", low + " " + t.text.lower()):
        return True
    tense = tense_at(view, text, t.start, t.end)
    if published >= last:
        return tense == FUTURE
    return tense in (FUTURE, PRESENT, None)


def _place(text: str, s: int, e: int, trigger: Trigger, view: ParseView | None) -> str:
    """A place named with 'in'/'at' closest to the trigger ('talks in Beijing'), when the
    parse gave none."""
    best, best_d = "", None
    for m in _PLACE.finditer(text, s, e):
        name = m.group(2).strip().rstrip(",")
        if re.search(r"['’]s?$", name):
            continue  # "in Turkey's largest city": the place comes later
        first = name.split()[0]
        if first in _NOT_PLACES or re.match(r"\d", first):
            continue
        if view is not None:
            ents = view.ents(m.start(2), m.start(2) + len(name))
            if ents and not any(label in ("GPE", "LOC", "FAC", "ORG") for _, _, label, _ in ents):
                continue
        d = abs(m.start() - trigger.end)
        if d > 80:
            continue
        if best_d is None or d < best_d:
            best, best_d = name, d
    return best


_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday", "The", "A", "An", "This", "That", "Parliament", "Congress", "Washington's"}


# ---------------------------------------------------------------- one event per event


def _last_day(f: _Found) -> dt.date:
    if f.when.end is not None:
        return f.when.end
    parsed = date_of(f.timex.value)
    if f.precision == "day" or parsed is None:
        return f.start
    return parsed[2]


def _size(f: _Found) -> int:
    return (_last_day(f) - f.start).days + 1


# of two mentions of one event the more telling names it: a meeting rather than the trip to it
_KIND_RANK = {"summit": 0, "negotiation": 0, "dialogue": 0, "election": 0, "policy": 0, "meeting": 1, "other": 1,
              "deadline": 1, "visit": 2}


def _merge(found: list[_Found]) -> list[_Found]:
    """One event per event.  A mention whose time holds the time of another (the week of a
    day, "Monday or Tuesday" of Monday, "the fall" of September, the same day twice) merges
    into the narrower one when both name the same kind of event (a meeting and the talks at
    it are one), no different places and no different parties, and one of: the same word;
    the same kind with shared parties or place; for times a week long at most, shared
    parties or place; a title line restating the article's sentence (its time the same, or
    a day off: "at midnight" in a headline, "at midnight on Thursday" below)."""
    found = sorted(found, key=lambda f: (_size(f), f.headline, f.precision != "day", _KIND_RANK.get(f.kind, 1),
                                         f.sent[0]))
    kept: list[_Found] = []
    for f in found:
        home = None
        for k in kept:
            if _GROUPS.get(k.kind) != _GROUPS.get(f.kind):
                continue
            inside = inside_of(k, f)
            # a title line says "at midnight", "on Sunday" of the day the story below names
            restated = f.headline != k.headline and _stem(k.trigger.text) == _stem(f.trigger.text) and \
                abs((f.start - k.start).days) <= 7 and _size(f) == _size(k) == 1
            if not (inside or restated):
                continue
            if _places_differ(k.place, f.place):
                continue  # talks in Washington are not the dialogue in Beijing
            a, b = set(k.own or k.participants), set(f.own or f.participants)
            if a and b and not a & b and (f.kind == "election" or k.own and f.own):
                continue  # two countries' elections on one day; the summits of two blocs
            same_place = bool(k.place) and k.place == f.place
            shared = bool(a & b) or same_place
            talk = _GROUPS.get(f.kind) == "talk"
            same_time = k.start == f.start and _last_day(k) == _last_day(f)
            headline = f.headline or k.headline
            if _stem(k.trigger.text) == _stem(f.trigger.text) or (
                    k.kind == f.kind and k.kind not in ("policy", "other") and shared) or (
                    talk and _size(f) <= 7 and shared) or (
                    talk and same_time and headline and (shared or not a or not b)):
                home = k
                break
        if home is None:
            kept.append(f)
        elif f.sent != home.sent and f.sent not in home.extra_sources:
            home.participants = list(dict.fromkeys(home.participants + f.participants))
            if home.headline and not f.headline:
                # a sentence says it better, and more exactly, than a title line: it leads
                title_line = home.sent
                home.title, home.kind, home.sent, home.trigger, home.own = f.title, f.kind, f.sent, f.trigger, f.own
                if not inside_of(home, f):
                    home.when, home.timex = f.when, f.timex
                home.extra_sources = [title_line] + home.extra_sources
                home.headline = False
                continue
            home.extra_sources.append(f.sent)
            if not f.headline and _KIND_RANK.get(f.kind, 1) < _KIND_RANK.get(home.kind, 1):
                home.title, home.kind = f.title, f.kind  # the talks say it better than the trip
    return sorted(kept, key=lambda f: f.sent[0])


def inside_of(k: _Found, f: _Found) -> bool:
    """k's time lies within f's."""
    return f.start <= k.start and _last_day(k) <= _last_day(f)


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
        title=f.title, kind=f.kind, start=f.start.isoformat(), end=f.when.end.isoformat() if f.when.end else None,
        precision=f.precision, article=article_id, evidence=sources[0]["sentence"], place=f.place,
        participants=participants, sources=sources, upcoming=f.start >= published,
        extractor=EXTRACTOR_VERSION, timex=f.timex.value, approx=f.when.approx)


def _parse(text: str) -> Any:
    try:
        from bot.extract.nlp import get_nlp

        return get_nlp()(text)
    except Exception:  # pragma: no cover - no model: character distances and regex sentences
        return None


__all__ = ["extract_events", "date_of", "PAST", "FUTURE"]
