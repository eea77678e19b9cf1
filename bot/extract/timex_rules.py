"""The grammar of time expressions: patterns built from the lexicons, and their normalisers.

Each rule is a regex over the raw text (so offsets are exact) plus an optional context check
(to reject "may" the verb, "March" the verb, bare numbers, ages ...) and a normaliser that
turns the match into a TIMEX3 type and value.  Normalisers run in document order because
some expressions are anaphoric ("a year earlier", "the following day", "the quarter").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.extract.timex_calendar import (
    SEASON_FIRST_MONTH,
    Point,
    add_months,
    duration_value,
    easter,
    month_near,
    nth_weekday,
    quarter_of,
    safe_date,
    season_near,
    weekday_near,
)
from bot.extract.timex_lexicon import (
    alternation,
    fragments,
    lexicon,
    month_number,
    parse_number,
    parse_spelled_year,
    weekday_number,
)
from bot.extract.timex_tense import FUTURE, PAST, PRESENT, tense_at

F = fragments()
B = r"(?<![\w'’])"  # start of a word
E = r"(?![\w])"  # end of a word
YEAR4 = r"(?:1[0-9]|20)\d\d(?![\w]|[,.]\d)"
DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w]|[,.:]\d)"
SPELLED_YEAR = (r"(?i:(?:nineteen|eighteen|twenty)[\s-]+(?:hundred[\s-]+(?:and[\s-]+)?)?"
                r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|"
                r"seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                r"nineteen|(?:oh[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))"
                r"|two\s+thousand(?:[\s-]+(?:and[\s-]+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-]\w+)?))?)")
MONTH_ANY = f"(?:{F['MONTH']}|{F['MONTH_BARE_ABBR']})"
APPROX = (r"(?i:about|around|approximately|roughly|nearly|almost|some|more\s+than|less\s+than|fewer\s+than|"
          r"at\s+least|at\s+most|up\s+to|just|only|barely|close\s+to|as\s+many\s+as|as\s+long\s+as|as\s+much\s+as|"
          r"no\s+more\s+than|no\s+less\s+than|not\s+more\s+than|under|over|well\s+over|upwards\s+of|"
          r"the\s+better\s+part\s+of|a\s+full|fully|a\s+mere|a\s+little\s+more\s+than|a\s+little\s+over|"
          r"little\s+more\s+than|a\s+record|an\s+estimated|a\s+further|an\s+additional|another)")
MOD = (r"(?i:early|mid|late|the\s+(?:beginning|start|end|middle|close|turn|rest|remainder|first\s+half|"
       r"second\s+half|last\s+half|latter\s+half|latter\s+part|early\s+part|first\s+part)\s+of|"
       r"by\s+the\s+end\s+of|around|post|pre)")
REL = (r"(?i:this\s+past|this\s+coming|this|last|next|past|coming|current|previous|following|upcoming|"
       r"present|same|prior|preceding|ensuing|latest|most\s+recent|new)")
UNITS_PLURAL = r"(?i:years|months|weeks|days|decades|centuries|hours|minutes|quarters|weekends|nights|seconds)"
ORD_Q = r"(?i:first|second|third|fourth|1st|2nd|3rd|4th|final|last|latest|current|previous|past|same|comparable|" \
        r"corresponding|year-ago|year-earlier|fiscal-first|fiscal-second|fiscal-third|fiscal-fourth)"
CLOCK_DAY = rf"(?:{F['WEEKDAY']}|(?i:today|yesterday|tomorrow|tonight)|{MONTH_ANY}\s*{DAYNUM})"


@dataclass
class Cand:
    start: int
    end: int
    rule: str
    m: re.Match
    prio: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    type: str
    value: str
    point: Point | None = None  # set for absolute dates: the anchor of later anaphora
    anchor: bool = True  # False for values derived from another anchor ("a year earlier")


class Ctx:
    """Per-document state: publication date, parse, and the running reference time."""

    def __init__(self, text: str, dct: dt.date, doc: Any = None) -> None:
        self.text = text
        self.dct = dct
        self.doc = doc
        self.anchor: Point | None = None  # the last absolute date mentioned
        self.anchor_end = -1
        # quarters mentioned so far (earnings reports): end offset, quarter, whether labelled fiscal
        self.quarters: list[tuple[int, Point, bool]] = []
        # reporting periods other than a quarter ("the nine months", "the half-year ended March 3"):
        # where one is named after a quarter, a comparison that follows is with that period
        self.periods: list[int] = []
        self._tense: dict[tuple[int, int], str | None] = {}

    def tense(self, start: int, end: int) -> str | None:
        key = (start, end)
        if key not in self._tense:
            self._tense[key] = tense_at(self.doc, self.text, start, end)
        return self._tense[key]

    def before(self, start: int, n: int = 30) -> str:
        return self.text[max(0, start - n):start]

    def after(self, end: int, n: int = 30) -> str:
        return self.text[end:end + n]

    def prev_word(self, start: int) -> str:
        m = re.search(r"([\w$#%'.-]+)\W*$", self.before(start, 40))
        return m.group(1).lower() if m else ""

    def next_word(self, end: int) -> str:
        m = re.match(r"\W*?([\w$%'-]+)", self.after(end, 40))
        return m.group(1).lower() if m else ""

    def ref(self, start: int, max_gap: int = 400, day_only: bool = False) -> Point:
        """The reference time for anaphora: the last absolute date nearby, else the DCT."""
        if self.anchor is not None and 0 <= start - self.anchor_end <= max_gap:
            if not day_only or self.anchor.gran == "day":
                return self.anchor
        return Point(self.dct, "day")

    def period_in_view(self, start: int, max_gap: int = 1500) -> bool:
        """A reporting period other than a quarter was named since the last quarter."""
        last_q = max((end for end, _, _ in self.quarters if end <= start), default=-1)
        return any(last_q <= p < start and start - p <= max_gap for p in self.periods)

    def ref_quarter(self, start: int, max_gap: int = 2500) -> Point | None:
        """The quarter an earnings story reports on, for "a year ago", "the year-earlier period".

        Among the quarters mentioned nearby that were over at publication, the latest one: a
        story reports the newest results, and an earlier quarter named in passing ("after a
        flat second quarter") is a contrast.  A fiscal quarter's number says nothing of its
        place in the calendar, so when the nearest mention is a fiscal one it is taken as is.
        (A forecast for "the third quarter of 1990" is never what "a year ago" compares with.)
        """
        best: Point | None = None
        for end, q, fiscal in reversed(self.quarters):
            if start - end > max_gap:
                break
            if any(end <= p < start for p in self.periods):
                break  # "For the nine months, net rose ... from $2 million a year earlier": not the quarter
            if not (0 <= start - end and add_months(q.date, 3) <= self.dct):
                continue
            if fiscal:
                return best or q
            if best is None or q.date > best.date:
                best = q
        return best


def _dir_from_cue(s: str) -> str | None:
    s = s.lower()
    s = re.sub(r"\blast(?=\s+(?:until|till|through|into)\b)", "", s)  # "will last until Aug. 20": the verb
    if re.search(r"\b(last|past|previous|preceding|prior|earlier|ago|since)\b", s):
        return PAST
    if re.search(r"\b(next|coming|upcoming|following|later|ahead|from now|effective|starting|until|till|"
                 r"payable|record|expires?|expiring|due|deadline)\b", s):
        return FUTURE
    return None


def _day_direction(ctx: Ctx, c: Cand) -> str | None:
    t = ctx.tense(c.start, c.end)
    if t == FUTURE:
        return FUTURE
    if t == PAST:
        return PAST
    return t


# ---------------------------------------------------------------- rule handlers

def _year_of(s: str | None, ctx: Ctx) -> int | None:
    if not s:
        return None
    s = s.strip()
    if s.startswith(("'", "’")):
        yy = int(s[1:3])
        century = ctx.dct.year // 100 * 100
        y = century + yy
        return y - 100 if y > ctx.dct.year + 20 else y
    if s[:1].isdigit():
        return int(s[:4])
    return parse_spelled_year(s)


def _resolve_weekday(ctx: Ctx, c: Cand, wd: int, pre: str) -> dt.date:
    pre = (pre or "").lower().split()
    if pre and pre[-1] == "last" or pre[-1:] == ["previous"]:
        base = ctx.ref(c.start, 1500).date if pre[-1:] == ["previous"] else ctx.dct
        return weekday_near(base, wd, PAST, strict=True)
    if pre and pre[-1] == "next" and pre[:1] == ["the"]:
        return weekday_near(ctx.ref(c.start, 1500).date, wd, FUTURE, strict=True)
    if pre and pre[-1] in ("next", "coming", "following"):
        if pre[-1] == "following":
            return weekday_near(ctx.ref(c.start, 1500).date, wd, FUTURE, strict=True)
        return weekday_near(ctx.dct, wd, FUTURE, strict=True)
    if pre and pre[-1] == "past":
        return weekday_near(ctx.dct, wd, PAST, strict=True)
    before = ctx.before(c.start, 20)
    if re.search(r"(?i:as\s+(?:early|soon)\s+as|until|till|starting|effective|beginning|no\s+later\s+than)\s+"
                 r"(?:(?i:on)\s+)?$", before) and ctx.tense(c.start, c.end) != PAST:
        return weekday_near(ctx.dct, wd, FUTURE)  # "until Tuesday" ahead, unless "until Thursday, they had not"
    if re.search(r"(?i:since)\s+(?:(?i:on)\s+)?$", before):
        return weekday_near(ctx.dct, wd, PAST)
    direction = _day_direction(ctx, c)
    if direction == FUTURE:
        return weekday_near(ctx.dct, wd, FUTURE)
    if direction == PRESENT:
        # "talks open Monday" looks ahead, "says Monday" is rare; same-day counts either way
        near_past = weekday_near(ctx.dct, wd, PAST)
        near_fut = weekday_near(ctx.dct, wd, FUTURE)
        return near_past if near_past == ctx.dct else near_fut
    return weekday_near(ctx.dct, wd, PAST)


def day_point(ctx: Ctx, c: Cand, s: str) -> dt.date | None:
    """A day named by a weekday, 'today'/'yesterday'/'tomorrow', or 'Month Day'."""
    s = s.strip()
    low = s.lower()
    if low in ("today", "tonight"):
        return ctx.dct
    if low == "yesterday":
        return ctx.dct - dt.timedelta(days=1)
    if low == "tomorrow":
        return ctx.dct + dt.timedelta(days=1)
    wd = weekday_number(s)
    if wd:
        return _resolve_weekday(ctx, c, wd, "")
    m = re.match(rf"({MONTH_ANY})\s*(\d+)", s)
    if m:
        mon = month_number(m.group(1))
        day = int(m.group(2))
        if mon:
            return month_near(ctx.dct, mon, _day_direction(ctx, c), day)
    return None


def h_clock(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    h = int(g["h"]) if g["h"].isdigit() else int(parse_number(g["h"]) or 0)
    mi = int(g.get("mi") or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "")
    if ampm.startswith("p") and h < 12:
        h += 12
    if ampm.startswith("a") and h == 12:
        h = 0
    pod = (g.get("pod") or "").lower()
    if pod in ("afternoon", "evening", "night") and h < 12:
        h += 12
    if h > 24 or mi > 59:
        return None
    day = None
    named = g.get("day") or g.get("pday") or g.get("rday")
    if named:
        day = day_point(ctx, c, named)
    if day is None:
        day = ctx.ref(c.start, 250, day_only=True).date
    hhmm = f"T{h:02d}:{mi:02d}"
    return Result("TIME", day.isoformat() + hhmm, Point(day, "day"))


def h_noon(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    word = g["noon"].lower()
    suffix = {"noon": "T12:00", "midday": "T12:00", "midnight": "T24:00", "lunchtime": "T12:00"}[word]
    day = day_point(ctx, c, g["day"]) if g.get("day") else ctx.ref(c.start, 250, day_only=True).date
    if day is None:
        return None
    return Result("TIME", day.isoformat() + suffix, Point(day, "day"))


_POD = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
        "mid-afternoon": "AF", "midafternoon": "AF", "mid afternoon": "AF", "mid-morning": "MO",
        "midmorning": "MO", "mid morning": "MO", "dawn": "MO", "daybreak": "MO", "dusk": "EV"}


def h_day_pod(ctx: Ctx, c: Cand) -> Result | None:
    """'Friday morning', 'this evening', 'last night', 'mid-afternoon yesterday'."""
    g = c.m.groupdict()
    pod = " ".join((g.get("pod") or "").lower().split())
    code = _POD.get(pod) or _POD.get(pod.split()[-1])
    rd = (g.get("rd") or "").lower()
    pre = (g.get("pre") or "").lower()
    if rd in ("this", "later this", "earlier this"):
        day = ctx.dct
    elif rd == "last":
        day = ctx.dct - dt.timedelta(days=1) if code == "NI" or code == "EV" else ctx.dct
    elif rd:
        day = day_point(ctx, c, rd)
    elif g.get("wd"):
        wd = weekday_number(g["wd"])
        day = _resolve_weekday(ctx, c, wd, pre) if wd else None
        if day is not None and code != "EV":
            # "Friday night", "Friday morning": TimeBank mostly values the day alone (and often
            # marks "Friday" only); an evening, which never runs past midnight, keeps its part
            # of the day as the TIMEX3 guidelines ask ("Friday evening" -> 1998-08-07TEV)
            return Result("DATE", day.isoformat(), Point(day, "day"))
    else:
        day = None
    if day is None or code is None:
        return None
    return Result("TIME", day.isoformat() + "T" + code, Point(day, "day"))


def h_day_offset(ctx: Ctx, c: Cand) -> Result | None:
    """'the day before last Tuesday': the named day, resolved as usual, moved by the count."""
    g = c.m.groupdict()
    n = parse_number(g["num"]) if g.get("num") else 1.0
    wd = weekday_number(g["wd"])
    if n is None or not wd or (g.get("num") is None and g["unit"].lower() == "days"):
        return None
    base = _resolve_weekday(ctx, c, wd, " ".join((g.get("pre") or "").split()))
    day = base + dt.timedelta(days=int(n) * (-1 if g["dir"].lower() == "before" else 1))
    return Result("DATE", day.isoformat(), Point(day, "day"))


def h_relday(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    rd = g["rd"].lower()
    if "before yesterday" in rd:
        day = ctx.dct - dt.timedelta(days=2)
    elif "after tomorrow" in rd:
        day = ctx.dct + dt.timedelta(days=2)
    else:
        day = day_point(ctx, c, rd)
    if day is None:
        return None
    return Result("DATE", day.isoformat(), Point(day, "day"))


def c_weekday(ctx: Ctx, c: Cand) -> bool:
    # a person or ship called Friday, "Black Friday" as a name is rare in news; reject "Man Friday"-style
    # capitalised word directly before only when it is not sentence-initial
    prev = ctx.before(c.start, 20)
    return not re.search(r"\b(?:Girl|Man|Black|Good|Bloody|Super|Cyber|Ash|Palm|Holy|Easter)\s+$", prev)


def _c_relday(ctx: Ctx, c: Cand) -> bool:
    if re.match(r"(?i:today)['’]s\s+[a-z]", ctx.text[c.m.start("rd"):c.end + 3]):
        return False  # "today's youth": the present age, not the day
    # a capitalised "Today" after a capitalised word mid-sentence names a paper or a programme
    # ("USA Today", "This is VOA Today")
    return not (c.m.group("rd") == "Today" and re.search(r"(?<![.!?:\n]\s)\b[A-Z][A-Za-z]*\s+$", ctx.before(c.start, 20)))


# verbs of waiting for or getting ready for what their object names
_AWAIT_LEMMAS = {"prepare", "await", "brace", "gear", "campaign", "head", "train", "rally", "mobilise", "mobilize"}


def _awaited(ctx: Ctx, c: Cand) -> bool:
    """"Voters are preparing for Sunday's election": a present progressive, or a verb of
    waiting for something, looks ahead to the day it names."""
    if ctx.doc is None:
        return False
    span = ctx.doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    from bot.extract.timex_tense import _verb_of

    v = _verb_of(span.root)
    if v is None:
        return False
    progressive = v.tag_ == "VBG" and any(a.dep_ == "aux" and a.lower_ in ("is", "are", "am", "'re", "'s")
                                          for a in v.children)
    return progressive or (v.lemma_.lower() in _AWAIT_LEMMAS and v.tag_ in ("VBZ", "VBP", "VBG"))


def h_weekday(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    wd = weekday_number(g["wd"])
    if not wd:
        return None
    pre = g.get("pre") or ""
    if not pre and re.search(r"['’]s$", c.m.group(0)):
        # "Wednesday's ruling": the clause tense is about something else; an event named this
        # way is usually behind the report unless announced as ahead
        fwd = re.search(r"(?i:ahead\s+of|until|next|upcoming|coming)\s+$", ctx.before(c.start, 15)) or (
            ctx.tense(c.start, c.end) == FUTURE) or _awaited(ctx, c)  # "will chair the delegation to Monday's talks"
        day = weekday_near(ctx.dct, wd, FUTURE if fwd else PAST)
        return Result("DATE", day.isoformat(), Point(day, "day"))
    day = _resolve_weekday(ctx, c, wd, pre)
    return Result("DATE", day.isoformat(), Point(day, "day"))


def h_weekday_set(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    wd = weekday_number(g["wd"])
    if not wd:
        return None
    pod = (g.get("pod") or "").lower()
    code = _POD.get(pod.rstrip("s"), "")
    return Result("SET", f"XXXX-WXX-{wd}" + (f"T{code}" if code else ""))


def c_month_day(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    day = re.match(r"\d+", g.get("day") or g.get("day1") or "0")
    if day and not (1 <= int(day.group()) <= 31):
        return False
    # "May 5" after a modal-like context is still a date; but "may 10 percent" is lower case and never matches
    after = ctx.after(c.end, 12).lower()
    if re.match(r"\s*(?:%|percent\b|per\s*cent\b|million\b|billion\b|thousand\b|points?\b|cents?\b|dollars?\b|"
                r"years?[- ]old\b)", after):
        return False
    return True


def h_month_day(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    mon = month_number(g["mon"])
    day = int(re.match(r"\d+", g["day"]).group()) if g.get("day") else None
    if day is None and g.get("dayw"):
        day = int(lexicon()["ordinals"].get(g["dayw"].lower(), 0)) or None
    if not mon or not day:
        return None
    year = _year_of(g.get("year"), ctx) if g.get("year") else c.data.get("year")
    wd = weekday_number(g["wd"]) if g.get("wd") else None
    if year:
        d = safe_date(year, mon, day)
    elif wd:
        # "Monday, Oct. 26": the year in which that day is a Monday, nearest first
        opts = [x for x in (safe_date(y, mon, day) for y in (ctx.dct.year, ctx.dct.year + 1, ctx.dct.year - 1))
                if x is not None and x.isoweekday() == wd]
        d = opts[0] if opts else month_near(ctx.dct, mon, _month_direction(ctx, c), day)
    else:
        d = month_near(ctx.dct, mon, _month_direction(ctx, c), day)
    if d is None:
        return None
    return Result("DATE", d.isoformat(), Point(d, "day"))


def _month_direction(ctx: Ctx, c: Cand) -> str | None:
    cue = _dir_from_cue((c.m.groupdict().get("mod") or "") + " " + ctx.before(c.start, 12))
    if cue:
        return cue
    if re.search(r"\bsince\b[^.;,]*$", ctx.before(c.start, 35), re.I):
        return PAST  # "ever since soon after the Feb. 14 fire"
    t = ctx.tense(c.start, c.end)
    if t in (PAST, FUTURE):
        return t
    if t == PRESENT and c.rule in ("month_day", "month_dayw"):
        return FUTURE  # "the parliament votes on May 9": the present of a timetable
    return None


def h_range_day(ctx: Ctx, c: Cand) -> Result | None:
    """The second day of 'June 15 to 17' takes the month (and year) of the first."""
    first: Point | None = c.data.get("first")
    if first is None:
        return None
    day = int(re.match(r"\d+", c.m.group("day2")).group())
    d = safe_date(first.date.year, first.date.month, day)
    if d is None:
        return None
    if d < first.date:
        d = safe_date(add_months(first.date, 1).year, add_months(first.date, 1).month, day) or d
    return Result("DATE", d.isoformat(), Point(d, "day"))


def h_numeric_date(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    d = safe_date(int(g["y"]), int(g["mo"]), int(g["d"]))
    if d is None:
        return None
    return Result("DATE", d.isoformat(), Point(d, "day"))


def _mod_gran(mod: str | None) -> str:
    return (mod or "").lower()


def h_month_year(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    mon = month_number(g["mon"])
    if g.get("year"):
        year = _year_of(g["year"], ctx)
    else:
        rel = g["rel"].lower()
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[rel]
    if not mon or not year:
        return None
    d = dt.date(year, mon, 1)
    return Result("DATE", f"{year:04d}-{mon:02d}", Point(d, "month"))


_MONTH_CUE = re.compile(
    r"(?:\b(?:in|on|by|until|till|since|from|through|thru|to|during|of|before|after|last|next|this|early|late|"
    r"mid|end|beginning|start|middle|between|and|or|for|as\s+of|around|until|past|coming|each|every)\s*-?$)",
    re.IGNORECASE)


def c_month(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    word = g["mon"].lower()
    if g.get("pre"):
        return True
    prev = ctx.before(c.start, 25)
    cue = bool(_MONTH_CUE.search(prev))
    nxt = ctx.after(c.end, 20)
    if word in ("may", "march"):
        # "may" the verb and "March" the verb/noun: need a preposition or determiner in front
        if not cue and not (re.search(r"\b(?:the|a|its|their|his|her)\s+$", prev, re.I) and re.match(r"\s+[a-z]", nxt)):
            return False
        if word == "may" and re.match(r"\s+(?:be|have|not|also|well|still|soon|even|never|only|need|want)\b", nxt):
            return False
        if word == "march" and re.match(r"\s+(?:on|to|through|in|against|for|from)\b", nxt) and not re.search(
                r"\b(?:in|since|until|by|of|last|next|this|early|late|mid)\s*-?$", prev, re.I):
            return False
        return True
    # a capitalised surname right before ("Theresa May", "Billy June") or after ("April Smith")
    if re.search(r"[A-Z][a-z]+\s+$", prev) and not cue and not re.search(r"(?:^|[.!?]\s+)[A-Z][a-z]+\s+$", prev):
        return False
    if re.match(r"\s+[A-Z][a-z]+", nxt) and not cue and not re.match(
            r"\s+(?:The|A|An|This|That|In|On|At|He|She|It|They|We|I)\b", nxt):
        return False
    return True


def h_month(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    mon = month_number(g["mon"])
    if not mon:
        return None
    pre = (g.get("pre") or "").lower().strip()
    pre_words = pre.split()
    if "last" in pre_words or "past" in pre_words:
        y = ctx.dct.year if mon < ctx.dct.month else ctx.dct.year - 1
    elif "next" in pre_words or "coming" in pre_words:
        y = ctx.dct.year if mon > ctx.dct.month else ctx.dct.year + 1
    elif pre_words[:1] == ["this"]:
        y = ctx.dct.year
    else:
        direction = _month_direction(ctx, c)
        d = month_near(ctx.dct, mon, direction)
        if d is None:
            return None
        y = d.year
    return Result("DATE", f"{y:04d}-{mon:02d}", Point(dt.date(y, mon, 1), "month"))


def c_year(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    y = int(g["year"][:4])
    prev = ctx.before(c.start, 25)
    nxt = ctx.after(c.end, 25)
    if re.search(rf"(?:\b{YEAR4}\s+(?:to|and|or|through|until)|\b(?:dating|dates|date|back|returning)\s+to)\s*$",
                 prev, re.I):
        return True
    if re.search(r"(?:[$#€£¥]|\bNo\.?|\bnos?\.|\bnumber|\bflight|\broute|\broom|\bmodel|\bversion|\bpage|\bpp?\.|"
                 r"\bbox|\bsuite|\bstreet|\bst\.|\bave\.?|\bavenue|\bhighway|\bunit|\bcode|\bcategory|\bresolution|"
                 r"\barticle|\bsection|\bchapter|\bgroup|\bpoint|\bdow|\bindex|\bat|\bto|\bfrom|\bby|\bof)\s*$",
                 prev, re.I) and not g.get("mod") and not g.get("fiscal"):
        # "to 2,000" / "at 1990" are usually quantities; "from 1990 to 1995" still passes below
        if not re.search(r"\b(?:from|by|of|to)\s*$", prev, re.I) or re.search(r"[$#€£¥\d]", prev[-8:]):
            return False
        if re.search(r"\bto\s*$", prev, re.I) and not re.search(rf"\b{YEAR4}\s+to\s*$", prev):
            return False
    if re.match(r"\s*(?:%|percent|per\s*cent|[-–]?\s*(?:point|pound|yard|foot|meter|metre|mile|ton|kilo)|"
                r"(?:[a-z]+\s+)?(?:people|persons|troops|soldiers|men|women|children|students|workers|employees|jobs|"
                r"members|shares|tons|barrels|feet|meters|metres|miles|kilometers|km|acres|cars|units|votes|"
                r"points|dollars|yen|marks|francs|pounds|euros|cases|deaths|homes|beds|rooms|times|copies|"
                r"delegates|seats|officers|police|refugees|prisoners|hostages|planes|aircraft|ships|tanks|missiles))\b",
                nxt, re.I):
        return False
    if re.match(r"[,.]\d", nxt) or re.search(r"\d[,.]$", prev):
        return False
    if not g.get("mod") and not g.get("fiscal") and re.search(r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z]+\s+$", prev) \
            and month_number(prev.split()[-1]) is None and not re.search(r"[.!?\n]\s*[A-Z][a-z]+\s+$", prev):
        return False  # a name carrying a year: "Orion 1980", "Vision 2030"
    if y < 1800 and not re.search(r"\b(?:in|since|until|by|year|of|from|circa|c\.)\s*$", prev, re.I):
        return False
    if y > 2099:
        return False
    return True


_TIME_NOUNS = {"year", "season", "quarter", "period", "fiscal", "budget", "election", "campaign", "level",
               "levels", "figure", "census", "model", "law", "act", "crisis", "summit", "war", "olympics",
               "cup", "games", "plan", "agreement", "accord", "deal", "treaty", "report", "survey", "edition",
               "estimate", "forecast", "target", "rate", "total", "average", "price", "sale", "earning",
               "profit", "loss", "result", "revenue", "session", "term", "class", "debt", "bond", "note"}


def h_year(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    y = int(g["year"][:4])
    return Result("DATE", f"{y:04d}", Point(dt.date(y, 1, 1), "year"))


def h_spelled_year(ctx: Ctx, c: Cand) -> Result | None:
    y = parse_spelled_year(c.m.group("sy"))
    if y is None or not (1000 <= y <= 2099):
        return None
    return Result("DATE", f"{y:04d}", Point(dt.date(y, 1, 1), "year"))


def c_spelled_year(ctx: Ctx, c: Cand) -> bool:
    s = c.m.group("sy").lower()
    if c.m.group(0).lower().startswith("the year"):
        return True
    if s.startswith("two thousand"):
        prev = ctx.before(c.start, 15).lower()
        return bool(re.search(r"\b(?:in|by|until|since|before|after)\s*$", prev)) and not re.match(
            r"\s+[a-z]+", ctx.after(c.end, 15))
    return parse_spelled_year(s) is not None and " " in s.replace("-", " ")


def h_decade(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    dec = g["dec"].lower()
    m = re.match(r"(\d{4})s", dec)
    if m:
        y = int(m.group(1))
    else:
        m = re.match(r"['’](\d)0s", dec)
        if m:
            y = ctx.dct.year // 100 * 100 + int(m.group(1)) * 10
            if y > ctx.dct.year:
                y -= 100
        else:
            words = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                     "seventies": 70, "eighties": 80, "nineties": 90}
            w = dec.replace("-", " ").split()[-1]
            y = ctx.dct.year // 100 * 100 + words[w]
            if dec.startswith("nineteen"):
                y = 1900 + words[w]
            elif y > ctx.dct.year:
                y -= 100
    if y % 10:
        return None
    return Result("DATE", f"{y // 10:03d}", Point(dt.date(y, 1, 1), "decade"))


def c_decade(ctx: Ctx, c: Cand) -> bool:
    dec = c.m.group("dec").lower()
    if dec[:1].isdigit() or dec[:1] in "'’":
        if re.match(r"\d{4}s", dec) and not (1000 <= int(dec[:4]) <= 2090):
            return False
        return True
    # "in their sixties" is an age
    prev = ctx.before(c.start, 20).lower()
    if re.search(r"\b(?:their|his|her|its|my|our|your)\s+(?:early|mid|late)?[\s-]*$", prev):
        return False
    return c.m.group(0).lower().startswith("the") or dec.startswith("nineteen")


def h_century(ctx: Ctx, c: Cand) -> Result | None:
    o = c.m.group("ord").lower()
    n = lexicon()["ordinals"].get(o)
    if n is None:
        m = re.match(r"\d+", o)
        n = int(m.group()) if m else None
    if not n or n < 1 or n > 21:
        return None
    return Result("DATE", f"{n - 1:02d}", Point(dt.date(max((n - 1) * 100, 1), 1, 1), "century"))


def h_quarter(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    whole = c.m.group(0).lower()
    ordw = (g.get("ord") or "").lower()
    q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
         "fiscal-first": 1, "fiscal-second": 2, "fiscal-third": 3, "fiscal-fourth": 4}.get(ordw)
    if g.get("qn"):
        q = int(g["qn"])
    if g.get("s"):
        return None  # "the second and fourth quarters" is a set or a plural, not a date
    year = None
    det = (g.get("det") or "").lower()
    if "year" in det:
        year = ctx.dct.year + (-1 if det.startswith("last") else 1 if det.startswith("next") else 0)
    for key in ("yr", "pyear"):
        if g.get(key):
            ym = re.search(r"\d{4}|'\d\d", g[key])
            if ym:
                year = _year_of(ym.group(), ctx)
            elif "this year" in g[key].lower():
                year = ctx.dct.year
            elif "last year" in g[key].lower():
                year = ctx.dct.year - 1
            elif "next year" in g[key].lower():
                year = ctx.dct.year + 1
    year_ago = "year-ago" in whole or "year-earlier" in whole or ordw in ("same", "comparable", "corresponding") \
        and "year" in whole
    refq = ctx.ref_quarter(c.start)
    cur_q = quarter_of(ctx.dct)
    if q is None and not ordw and "period" in whole and ctx.period_in_view(c.start):
        # "For the nine months, ... in the 1988 period": the same stretch of that year
        y = (year if year is not None else ctx.dct.year) - (1 if year_ago else 0)
        return Result("DATE", f"{y:04d}", Point(dt.date(y, 1, 1), "year"), anchor=False)
    ended = _quarter_ended(ctx, c) if q is None and year is None and not ordw and not year_ago else None
    if ended is not None:
        return Result("DATE", ended.value(), ended)
    if q is None:
        if ordw in ("current", "this") or whole.startswith("this quarter") or whole.startswith("the current"):
            base = Point(ctx.dct, "quarter")
        elif ordw in ("previous", "past", "last") and "year" not in whole:
            base = Point(ctx.dct, "quarter").shift(-1)
        elif ordw == "next" or whole.startswith("next quarter") or whole.startswith("the next quarter"):
            base = Point(ctx.dct, "quarter").shift(1)
        elif refq is not None:
            base = refq
        else:
            base = Point(ctx.dct, "quarter").shift(-1)  # "the quarter" in a report: the one just ended
        if year is not None:
            base = Point(dt.date(year, base.date.month, 1), "quarter")
        if year_ago:
            base = base.shift(-4)
        elif base == refq:
            # "in the quarter", "the 1989 period": the reported quarter named again keeps it in view
            # for a comparison that follows ("... compared with $3 million a year ago")
            ctx.quarters.append((c.end, base, False))
        return Result("DATE", base.value(), base, anchor=False)
    if year is None:
        year = ctx.dct.year
        if q > cur_q:
            t = ctx.tense(c.start, c.end)
            if t == PAST or (t is None and refq is None and cur_q == 1):
                year -= 1
    if year_ago:
        year -= 1
    p = Point(dt.date(year, 3 * q - 2, 1), "quarter")
    return Result("DATE", p.value(), p, anchor=not year_ago)


_ENDED = re.compile(rf"\s+(?:(?i:that\s+)?(?i:ended|ending|ends|closed|to))\s+(?P<mon>{MONTH_ANY})\s*(?:{DAYNUM})?"
                    rf"(?:,?\s*(?P<year>{YEAR4}))?")


def _quarter_ended(ctx: Ctx, c: Cand) -> Point | None:
    """'the quarter ended July 31': three months closing with that month, valued as the calendar
    quarter that holds most of them (May-July is the second quarter)."""
    m = _ENDED.match(ctx.text, c.end)
    if not m:
        return None
    mon = month_number(m.group("mon"))
    if not mon:
        return None
    if m.group("year"):
        last = dt.date(int(m.group("year")), mon, 1)
    else:
        near = month_near(ctx.dct, mon, PAST)
        if near is None:
            return None
        last = near
    return Point(add_months(last, -1), "quarter")


def c_quarter(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    whole = c.m.group(0).lower()
    nxt = ctx.after(c.end, 20).lower()
    if g.get("qn"):
        return True
    if g.get("s"):
        return False  # "comparable periods in 1988", "the second and fourth quarters": no one date
    if "period" in whole:
        return bool(g.get("ord") or g.get("pyear") or g.get("yr")) and (
            (g.get("ord") or "").lower() not in ("first", "second", "third", "fourth", "final", "past", "previous"))
    if re.match(r"\s+of\s+(?:a|an|the|its|their|all|his|her)\b", nxt) or re.match(r"\s*-?\s*(?:century|mile|inch|"
                                                                                   r"point|hour)", nxt):
        return False
    if re.match(r"\s+(?:of\s+)?(?:a\s+)?(?:percentage|point|percent|cent|share)|-to-", nxt):
        return False
    if not (g.get("ord") or g.get("pyear") or g.get("yr") or g.get("det")):
        return False
    det = (g.get("det") or "").lower().strip()
    if det in ("a", "one", "three") and not g.get("ord"):
        return False
    return True


def h_half(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    o = g["ord"].lower()
    h = 1 if o in ("first", "front") else 2
    yr = (g.get("yr") or "").lower()
    ym = re.search(r"\d{4}", yr)
    if ym:
        y = int(ym.group())
    elif "last year" in yr or "previous year" in yr:
        y = ctx.dct.year - 1
    elif "next year" in yr:
        y = ctx.dct.year + 1
    else:
        y = ctx.dct.year
        if not yr and h == 2 and ctx.dct.month <= 6 and ctx.tense(c.start, c.end) == PAST:
            y -= 1
    return Result("DATE", f"{y:04d}-H{h}", Point(dt.date(y, 1 if h == 1 else 7, 1), "half"))


_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}


def c_season(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    season = g["season"].lower()
    pre = (g.get("pre") or "").lower().strip()
    if g.get("year"):
        return True
    nxt = ctx.after(c.end, 25).lower()
    if pre in ("this", "last", "next", "this past", "this coming", "coming", "early", "late", "mid", "the early",
               "the late", "past", "previous"):
        return not (season in ("fall", "spring") and re.match(r"\s+(?:in|of|from|by|to)\b", nxt) and pre in (
            "early", "late", "the early", "the late", "mid"))
    prev = ctx.before(c.start, 20).lower()
    prepo = re.search(r"\b(?:in|during|by|until|since|through|throughout|over|for|before|after|this|that|each|every)"
                      r"\s*$", prev)
    if season in ("fall", "spring"):
        if not prepo:
            return False
        if re.match(r"\s+of\s+(?!\d|'\d)", nxt):
            return False
        if re.match(r"\s+(?:in|from|to)\s+[a-z$\d]", ctx.after(c.end, 25)):
            return False  # "blamed it for the fall in prices", "a fall from 40% to 30%": the noun
        return pre == "the" or not pre
    if pre == "the" or prepo:
        return not re.match(r"\s+of\s+(?!\d|'\d)", nxt) or bool(prepo)
    return False


def h_season(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    code = _SEASONS[g["season"].lower()]
    pre = (g.get("pre") or "").lower()
    if g.get("year"):
        y = _year_of(g["year"], ctx)
        if y is None:
            return None
        p = Point(dt.date(y, SEASON_FIRST_MONTH[code], 1), "season", code)
        return Result("DATE", p.value(), p)
    if "last" in pre or "past" in pre or "previous" in pre:
        p = season_near(ctx.dct, code, PAST)
        if "this past" in pre:
            p = Point(p.date, "season", code) if p.date.year == ctx.dct.year else season_near(ctx.dct, code, None)
    elif "next" in pre or "coming" in pre:
        p = season_near(ctx.dct, code, FUTURE)
    else:
        p = season_near(ctx.dct, code, None)
        t = ctx.tense(c.start, c.end)
        if t == FUTURE and add_months(p.date, 3) <= ctx.dct:
            p = season_near(ctx.dct, code, FUTURE)  # "talks resume this spring", said in November
        elif t == PAST and p.date > ctx.dct:
            p = season_near(ctx.dct, code, PAST)  # "sales slumped in the spring", said in February
    return Result("DATE", p.value(), p)


_UNIT_GRAN = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade",
              "CE": "century", "WE": "weekend", "H": "hour", "MIN": "minute", "S": "second", "2W": "week"}


def _unit_code(word: str) -> str | None:
    w = " ".join(word.lower().split())
    return lexicon()["units"].get(w)


def h_ago(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    unit = _unit_code(g["unit"])
    n = parse_number(g["num"]) if g.get("num") else None
    d = g["dir"].lower()
    if unit is None:
        return None
    if n is None:
        if d in ("earlier", "later"):
            # "days later", "a few weeks earlier" count from the story's time, not the report's:
            # no past or future of the publication date, just an unknown length
            return Result("DURATION", duration_value(None, unit))
        return Result("DATE", "PAST_REF" if d in ("ago", "before", "previously", "back") else "FUTURE_REF")
    sign = -1 if d in ("ago", "earlier", "before", "previously", "back") else 1
    # "ago" and "from now" count from the publication date; "earlier"/"later" from the story's time
    if d in ("ago", "from now", "hence", "back"):
        base = Point(ctx.dct, "day")
    else:
        base = ctx.ref(c.start, 500)
    gran = _UNIT_GRAN.get(unit)
    if gran in ("hour", "minute", "second") or g.get("half"):
        # "an hour later", "two and a half minutes later": TimeBank marks the length
        return Result("DURATION", duration_value(n + (0.5 if g.get("half") else 0), unit))
    if n != int(n):
        return None
    n = int(n)
    if unit == "2W":
        n, gran = 2 * n, "week"
    refq = ctx.ref_quarter(c.start, 600)
    if gran == "year" and n == 1 and sign < 0 and refq is not None:
        # earnings reports: "a year ago/earlier" is the same quarter of the previous year
        p = refq.shift(-4)
    elif gran == "year":
        p = Point(base.date, "year").shift(sign * n)
    elif gran == "decade":
        p = Point(base.date, "year").shift(sign * n * 10, "year")
    elif gran == "century":
        p = Point(base.date, "year").shift(sign * n * 100, "year")
    else:
        p = Point(base.date, gran).shift(sign * n, gran)
    return Result("DATE", p.value(), p, anchor=False)


def h_year_ago_adj(ctx: Ctx, c: Cand) -> Result | None:
    """'year-earlier' / 'year-ago' (results, quarter, period): the same period a year before."""
    refq = ctx.ref_quarter(c.start, 1500)
    if refq is not None:
        # "the year-ago quarter", "year-earlier results": the reported quarter a year back
        p = refq.shift(-4)
        return Result("DATE", p.value(), p, anchor=False)
    y = ctx.dct.year - 1
    return Result("DATE", f"{y:04d}", Point(dt.date(y, 1, 1), "year"), anchor=False)


def c_relunit(ctx: Ctx, c: Cand) -> bool:
    # a programme title ("ABC's This Week") is capitalised throughout mid-sentence
    unit = c.m.group("unit")
    if unit[:1].isupper() and not unit.isupper():
        return False  # "This Week", "Next Year": a title, not a date
    return True


def h_relunit(ctx: Ctx, c: Cand) -> Result | None:
    """'last week', 'this month', 'earlier this year', 'the coming week', 'the end of next year'."""
    g = c.m.groupdict()
    rel = " ".join(g["rel"].lower().split())
    unit = g["unit"].lower()
    mod = " ".join((g.get("mod") or "").lower().split())
    fiscal = bool(g.get("fiscal"))
    base_day = ctx.dct
    if rel in ("previous", "prior", "preceding", "following", "same", "ensuing"):
        base_day = ctx.ref(c.start, 1500).date
    shift = {"this": 0, "current": 0, "present": 0, "this coming": 1, "last": -1, "past": -1, "previous": -1,
             "prior": -1, "preceding": -1, "this past": -1, "next": 1, "coming": 1, "following": 1, "upcoming": 1,
             "ensuing": 1, "same": 0, "latest": -1, "most recent": -1, "new": 1}.get(rel, 0)
    if unit == "week":
        if rel == "this past":
            shift = -1
        p = Point(base_day, "week").shift(shift)
        if rel == "this coming":
            p = Point(base_day, "week").shift(1)
        return Result("DATE", p.value(), p)
    if unit == "weekend":
        # the weekend of the current week if it has not passed, else by tense
        wk = Point(base_day, "weekend")
        if shift == 0 and base_day.isoweekday() < 6 and ctx.tense(c.start, c.end) == PAST:
            wk = wk.shift(-1)
        elif shift:
            if shift < 0 and base_day.isoweekday() >= 6:
                wk = wk.shift(-1)
            elif shift > 0 and base_day.isoweekday() < 6 and rel in ("this coming",):
                pass
            else:
                wk = wk.shift(shift if shift < 0 else (0 if base_day.isoweekday() < 6 else 1))
        return Result("DATE", wk.value(), wk)
    if unit == "month":
        p = Point(base_day, "month").shift(shift)
        return Result("DATE", p.value(), p)
    if unit == "quarter":
        p = Point(base_day, "quarter").shift(shift)
        return Result("DATE", p.value(), p)
    if unit == "half":
        p = Point(base_day, "half").shift(shift)
        return Result("DATE", p.value(), p)
    if unit == "year":
        if rel in ("past", "last") and g.get("the") and not mod and not fiscal:
            p = Point(base_day, "year").shift(-1)
            return Result("DATE", p.value(), p)
        p = Point(base_day, "year").shift(shift)
        return Result("DATE", p.value(), p)
    if unit == "decade":
        if rel in ("past", "last") and not mod:
            return Result("DURATION", "P10Y")
        if rel in ("next", "coming") and not mod:
            return Result("DURATION", "P10Y")
        p = Point(base_day, "decade").shift(shift)
        return Result("DATE", p.value(), p)
    if unit == "century":
        if rel == "this" and not mod:
            return Result("DURATION", "P100Y")
        if rel in ("past", "last", "previous") and not mod:
            return Result("DURATION", "P100Y")
        p = Point(base_day, "century").shift(shift)
        return Result("DATE", p.value(), p)
    if unit in ("season",):
        return None
    return None


def h_in_the_unit(ctx: Ctx, c: Cand) -> Result | None:
    """'earlier in the year', 'later in the week', 'the end of the month': the reference period."""
    unit = c.m.group("unit").lower()
    base = ctx.ref(c.start).date
    gran = {"week": "week", "month": "month", "year": "year", "day": "day", "quarter": "quarter"}[unit]
    p = Point(base, gran)
    return Result("DATE", p.value(), p)


def h_year_end(ctx: Ctx, c: Cand) -> Result | None:
    p = Point(ctx.dct, "year")
    if ctx.tense(c.start, c.end) == PAST and ctx.dct.month <= 2:
        p = p.shift(-1)
    return Result("DATE", p.value(), p)


def h_anaphoric(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    det = " ".join(g["det"].lower().split())
    unit = g["unit"].lower()
    base = ctx.ref(c.start, 1500)
    shift = {"that": 0, "the same": 0, "the following": 1, "the next": 1, "the previous": -1, "the prior": -1,
             "the preceding": -1}.get(det, 0)
    if unit == "quarter":
        refq = ctx.ref_quarter(c.start)
        if refq is None:
            return None
        p = refq.shift(shift)
        return Result("DATE", p.value(), p, anchor=False)
    if unit in ("morning", "afternoon", "evening", "night"):
        if base.gran != "day":
            return None
        d = base.date + dt.timedelta(days=shift)
        return Result("TIME", d.isoformat() + "T" + _POD[unit], Point(d, "day"))
    gran = {"day": "day", "week": "week", "weekend": "weekend", "month": "month", "year": "year",
            "quarter": "quarter"}[unit]
    order = ["day", "week", "weekend", "month", "quarter", "half", "season", "year", "decade", "century"]
    if order.index(base.gran) > order.index(gran) and not (base.gran == "season" and gran in ("month",)):
        if base.gran not in ("season",):
            return None
    p = Point(base.date, gran).shift(shift)
    return Result("DATE", p.value(), p, anchor=False)


def h_duration(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    unit = _unit_code(g["unit"])
    if unit is None:
        return None
    n = parse_number(g["num"]) if g.get("num") else 1.0
    if n is None:
        return None
    if g.get("half"):
        n += 0.5
    if g.get("num2"):
        pass  # "two to three weeks": TimeBank keeps the first figure
    if unit == "Q":
        return Result("DURATION", duration_value(n * 3, "M"))
    return Result("DURATION", duration_value(n, unit))


def c_duration(ctx: Ctx, c: Cand) -> bool:
    g = c.m.groupdict()
    nxt = ctx.after(c.end, 12).lower()
    prev = ctx.before(c.start, 12).lower()
    if re.match(r"[\s-]*(?:olds?|of\s+age)\b", nxt) or re.match(r"\s*-\s*old\b", nxt):
        return False  # ages: "a 10-year-old policy", "5 years old"
    if re.search(r"\baged?\s*$", prev):
        return False
    num = (g.get("num") or "").strip().lower()
    unit = (g.get("unit") or "").lower()
    if num in ("a", "an") and unit in ("day", "year", "week", "month", "hour", "quarter", "night", "minute") \
            and not g.get("approx") and not g.get("det") and not g.get("rel") and not g.get("more"):
        # "$5 a year", "twice a day", "four flights a week" are rates, not lengths of time
        pw = ctx.prev_word(c.start)
        if re.search(r"(?:\d|%|\bpercent|\bcents?|\bdollars?|\btimes|\bonce|\btwice)[^.;]{0,25}$", prev) or (
                len(pw) > 3 and pw.endswith("s") and pw not in ("was", "has", "this", "is", "its", "his", "takes",
                                                                "lasts", "needs", "spends", "gives", "plus")):
            return False
    if num in ("one",) and unit == "day" and re.search(r"\b(?:and|but|that|,)\s*$|^\s*$", prev) and \
            ctx.tense(c.start, c.end) == FUTURE and not g.get("det"):
        return False
    if unit in ("second", "seconds") and num in ("a", "an", "one") and not g.get("approx"):
        return False  # "a second time"
    if re.match(r"\s+(?:ago|earlier|later|from\s+now|hence)\b", nxt):
        return False  # the 'ago' rule owns these
    if unit.startswith("quarter") and re.match(r"\s+of\b", nxt):
        return False  # "three-quarters of its food"
    return True


def h_duration_adj(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    unit = _unit_code(g["unit"])
    if unit is None:
        return None
    if g.get("num"):
        n = parse_number(g["num"])
        if n is None:
            return None
        if unit == "Q":
            return Result("DURATION", f"P{n:g}Q")
        return Result("DURATION", duration_value(n, unit))
    return Result("DURATION", duration_value(1.0 if not g["unit"].lower().endswith("s") else None, unit))


def c_duration_adj(ctx: Ctx, c: Cand) -> bool:
    nxt = ctx.after(c.end, 10).lower()
    if re.match(r"-?\s*olds?\b", nxt) or (c.m.group("suf") or "").lower() == "old":
        return False
    prev = ctx.before(c.start, 3)
    if prev.endswith("-"):
        return False
    return True


def h_vague_duration(ctx: Ctx, c: Cand) -> Result | None:
    unit = _unit_code(c.m.group("unit"))
    if unit is None:
        return None
    rel = (c.m.groupdict().get("rel") or "").lower()
    if unit == "Y" and rel in ("recent", "past"):
        return Result("DATE", "PAST_REF")  # "in recent years" reads as a vague past, not a length
    if unit == "Q":
        unit = "M"  # TIMEX3 has no quarter duration unit in TimeBank practice: months
    return Result("DURATION", duration_value(None, unit))


def c_bare_plural(ctx: Ctx, c: Cand) -> bool:
    prev = ctx.prev_word(c.start)
    nxt = ctx.next_word(c.end)
    if nxt in ("ago", "old", "later", "earlier", "before", "after"):
        return False
    return prev in ("for", "over", "within", "took", "take", "takes", "taken", "taking", "last", "lasted",
                    "lasts", "spent", "spend", "spending", "than", "after", "wait", "waited", "in") and \
        not (prev == "in" and nxt in ("of", "to", "and"))


def c_set_adv(ctx: Ctx, c: Cand) -> bool:
    adv = c.m.group("adv")
    if adv[:1].isupper() and not re.search(r"(?:^|[.!?:\"“”]\s*|\n\s*)$", ctx.before(c.start, 5)):
        return False  # capitalised mid-sentence: a name ("China Daily", "Daily Market Updates")
    w = adv.lower()
    if w in ("annually", "quarterly", "yearly"):
        return False  # rates of growth and dividends: TimeBank leaves them unmarked
    if w in ("daily", "nightly", "hourly", "weekly"):
        return True
    # "its quarterly dividend", "a monthly magazine": an attributive adjective, not a frequency
    if ctx.doc is not None:
        span = ctx.doc.char_span(c.start, c.end)
        if span is not None and len(span) == 1 and span[0].dep_ == "amod":
            return False
    return not re.match(r"\s+(?:dividend|dividends|payment|payments|report|reports|results|magazine|meeting|"
                        r"rate|figures|loss|profit|earnings|basis|newsletter|publication|data|sales)\b",
                        ctx.after(c.end, 20), re.I)


def h_set(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    if g.get("adv"):
        v = lexicon()["set_adverbs"].get(g["adv"].lower())
        return Result("SET", v) if v else None
    target = " ".join(g["tgt"].split())
    wd = weekday_number(target)
    if wd:
        return Result("SET", f"XXXX-WXX-{wd}")
    mon = month_number(target)
    if mon:
        return Result("SET", f"XXXX-{mon:02d}")
    low = target.lower()
    if low in _SEASONS:
        return Result("SET", f"XXXX-{_SEASONS[low]}")
    if low.rstrip("s") in _POD:
        return Result("SET", f"TXX{_POD[low.rstrip('s')]}" if False else f"T{_POD[low.rstrip('s')]}")
    unit = _unit_code(low)
    if unit is None:
        return None
    n = parse_number(g["num"]) if g.get("num") else 1.0
    if g.get("other"):
        n = 2.0
    if n is None:
        return None
    if unit == "Q":
        return Result("SET", f"P{int(n)}Q")
    return Result("SET", duration_value(n, unit))


def c_rate(ctx: Ctx, c: Cand) -> bool:
    prev = ctx.before(c.start, 40)
    return bool(re.search(r"(?:\d[\d,.]*\s*(?:%|percent|[a-z]+)?(?:\s+[a-z]+){0,2}|\btimes|\bonce|\btwice)\s+$",
                          prev, re.I))


def h_rate(ctx: Ctx, c: Cand) -> Result | None:
    unit = _unit_code(c.m.group("unit"))
    return Result("SET", duration_value(1.0, unit)) if unit else None


def h_ref(ctx: Ctx, c: Cand) -> Result | None:
    w = " ".join(c.m.group(0).lower().split())
    if c.rule == "present":
        return Result("DATE", "PRESENT_REF")
    if c.rule == "past":
        return Result("DATE", "PAST_REF")
    if c.rule == "future":
        return Result("DATE", "FUTURE_REF")
    return Result("DATE", w)


def h_future_adv(ctx: Ctx, c: Cand) -> Result | None:
    return Result("DATE", "FUTURE_REF")


def c_future_adv(ctx: Ctx, c: Cand) -> bool:
    """'soon', 'someday', 'one day' as adverbs of a clause that looks ahead.  Not 'as soon as',
    'soon after', 'too soon', nor a past clause ('was soon released', 'one day in May'); 'one day'
    only where no preposition or quantity makes it a length ('for one day', 'one day later')."""
    w = " ".join(c.m.group(0).lower().split())
    prev, nxt = ctx.prev_word(c.start), ctx.next_word(c.end)
    if prev in ("as", "too", "how", "so", "very", "quite", "fairly", "pretty", "how"):
        return False
    if nxt in ("after", "afterward", "afterwards", "thereafter", "before", "as", "enough", "later", "earlier",
               "ago", "of", "in", "last", "this", "next", "and", "or", "to", "per", "a", "each"):
        return False
    if w == "one day":
        if prev in ("for", "in", "within", "than", "only", "just", "by", "after", "of", "per", "a", "the",
                    "every", "each", "about", "over", "at", "on", "one", "single", "first", "last"):
            return False
        if re.search(r"\d|\b(?:hours?|days?)\b", ctx.after(c.end, 12)):
            return False
    return ctx.tense(c.start, c.end) in (FUTURE, None)


def c_current(ctx: Ctx, c: Cand) -> bool:
    w = c.m.group(0).lower()
    nxt = ctx.next_word(c.end)
    prev = ctx.prev_word(c.start)
    if w == "current":
        # "current account", "electric current" are not times; "the current system" marks the present
        if nxt in ("account", "accounts", "affairs", "events", "flows", "flow", "liabilities", "assets", "carrying",
                   "ratio", "of", "and", "in", "account's", "quarter", "year", "fiscal", "month", "week", "session",
                   "period", "term", "season", "dollars", "prices", "price", "yield", "yields", "coupon"):
            return False
        if prev in ("electric", "electrical", "ocean", "a", "an", "the", "strong", "warm", "cold", "undersea") and \
                nxt in (".", ",", "", "that", "which", "was", "is", "flowing"):
            return False
        return True
    if w == "now":
        if re.match(r"-\w", ctx.after(c.end, 3)):
            return False
        # "Now, the ministry says ..." opens a turn of the argument: a discourse marker, no time
        return not (c.m.group(0) == "Now" and ctx.after(c.end, 1) == ",")
    if w == "the past":
        return not re.match(r"\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|year|month|week|"
                            r"decade|century|day|quarter|weekend)", ctx.after(c.end, 15).lower())
    if w == "future":
        # the bare adjective ("future losses") is marked only now and then; keep it before periods
        return bool(re.match(r"\s+(?:years|months|quarters|weeks|generations|periods|decades)\b", ctx.after(c.end, 15)))
    return True


def h_holiday(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    name = " ".join(g["h"].lower().split())
    rule = lexicon()["holidays"].get(name)
    if rule is None:
        return None
    pre = (g.get("pre") or "").lower().strip()
    year = _year_of(g.get("year"), ctx) if g.get("year") else None

    def on(y: int) -> dt.date | str | None:
        wd = {"MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "SUN": 7}
        mons = {"JAN": 1, "FEB": 2, "MAY": 5, "SEP": 9, "OCT": 10, "NOV": 11}
        if rule.startswith("EASTER"):
            e = easter(y)
            if rule == "EASTER-WEEK":
                return e
            m = re.match(r"EASTER([+-]\d+)?", rule)
            return e + dt.timedelta(days=int(m.group(1) or 0))
        m = re.match(r"(\d\d)-(\d\d)$", rule)
        if m:
            return dt.date(y, int(m.group(1)), int(m.group(2)))
        parts = rule.split("-")
        if parts[2] == "AFTER":  # US election day: the Tuesday after the first Monday of November
            return nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1)
        n = -1 if parts[2] == "LAST" else int(parts[2])
        return nth_weekday(y, mons[parts[0]], wd[parts[1]], n)

    if year is None:
        direction = PAST if pre == "last" else FUTURE if pre == "next" else _month_direction(ctx, c)
        cands = [on(y) for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1)]
        if pre in ("last", "next"):
            ok = [d for d in cands if (d < ctx.dct if pre == "last" else d > ctx.dct)]
            d = max(ok) if pre == "last" else min(ok)
        else:
            def cost(x: dt.date) -> int:
                days = (x - ctx.dct).days
                wrong = (direction == PAST and days > 0) or (direction == FUTURE and days < 0)
                return abs(days) + (270 if wrong else 0)
            d = min(cands, key=cost)
    else:
        d = on(year)
    if rule == "EASTER-WEEK":
        p = Point(d, "week")
        return Result("DATE", p.value(), p)
    return Result("DATE", d.isoformat(), Point(d, "day"))


def h_week_of(ctx: Ctx, c: Cand) -> Result | None:
    inner = h_month_day(ctx, c)
    if inner is None or inner.point is None:
        return None
    p = Point(inner.point.date, "week")
    return Result("DATE", p.value(), p)


# ---------------------------------------------------------------- the rule table

Handler = Callable[[Ctx, Cand], "Result | None"]
Check = Callable[[Ctx, Cand], bool]


@dataclass
class Rule:
    name: str
    rx: re.Pattern
    handler: Handler
    check: Check | None = None
    prio: int = 5


def _r(p: str) -> re.Pattern:
    return re.compile(p)


_TZ = F["TZ"]
_WD = F["WEEKDAY"]
_POD_WORDS = r"(?i:morning|afternoon|evening|night)"
# references to the present, past and future, from the lexicon (kept as data)
_REF_PRESENT = alternation(lexicon()["present_ref"])
_REF_PAST = alternation(lexicon()["past_ref"])
_REF_FUTURE = alternation(lexicon()["future_ref"])

RULES: list[Rule] = [
    # clock times, with an optional day: "10:35 a.m.", "9 a.m. EST Tuesday", "4 p.m. CST, Dec. 2"
    Rule("clock", _r(
        rf"{B}(?:(?i:around|about|approximately|at\s+about|shortly\s+(?:after|before)|just\s+(?:after|before))\s+)?"
        rf"(?P<h>[01]?\d|2[0-4])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>(?i:a\.m\.?|p\.m\.?|am|pm)(?![\w]))"
        rf"(?:\s+(?:\(?(?P<tz>{_TZ})\)?))?"
        # a clock time converted in brackets ends there; the day after it is an expression of its own
        # ("11:20 a.m. (0920 GMT) Monday") that still dates the time
        rf"(?:(?=\s+\(\d{{1,4}}(?::\d\d)?\s+{_TZ}\),?\s+(?:(?i:on)\s+)?(?P<pday>{CLOCK_DAY}))"
        rf"|,?\s+(?:(?i:on)\s+)?(?P<day>{CLOCK_DAY})"
        # the first end of a range of times takes the day named after the second:
        # "from 7 a.m. to 8 p.m. on Sunday"
        rf"|(?=\s*(?:-|–|to|and|until|till)\s*\d{{1,2}}(?:[:.][0-5]\d)?\s*(?i:a\.m\.?|p\.m\.?|am|pm)(?![\w])"
        rf"(?:\s+\(?{_TZ}\)?)?,?\s+(?:(?i:on)\s+)?(?P<rday>{CLOCK_DAY})))?"), h_clock, prio=1),
    Rule("clock24", _r(
        rf"{B}(?P<h>[01]?\d|2[0-4]):(?P<mi>[0-5]\d){E}(?:\s+(?P<tz>{_TZ}){E})"
        rf"(?:,?\s+(?:(?i:on)\s+)?(?P<day>{CLOCK_DAY}))?"), h_clock, prio=1),
    Rule("oclock", _r(rf"{B}(?P<h>\d{{1,2}}|{F['NUMWORD']})\s+(?i:o'clock){E}(?:\s+(?i:in\s+the)\s+(?P<pod>"
                      rf"{_POD_WORDS}))?"), h_clock, prio=1),
    Rule("clock_pod", _r(rf"{B}(?P<h>\d{{1,2}}|{F['NUMWORD']})\s+(?i:in\s+the)\s+(?P<pod>{_POD_WORDS}){E}"),
         h_clock, prio=1),
    Rule("noon", _r(rf"{B}(?P<noon>(?i:noon|midnight|midday)){E}(?:,?\s+(?:(?i:on)\s+)?(?P<day>{CLOCK_DAY}))?"),
         h_noon, lambda ctx, c: not re.search(r"(?i:high|after)\s+$", ctx.before(c.start, 8)), prio=3),
    # parts of days: "Friday morning", "this evening", "last night", "mid-afternoon yesterday"
    Rule("wd_pod", _r(rf"{B}(?:(?P<pre>(?i:last|next|this|early|late|on))\s+)?(?P<wd>{_WD})\s+"
                      rf"(?P<pod>{_POD_WORDS}){E}"), h_day_pod, prio=2),
    Rule("rel_pod", _r(rf"{B}(?P<rd>(?i:later\s+this|earlier\s+this|this|yesterday|tomorrow|today|last))\s+"
                       rf"(?P<pod>{_POD_WORDS}){E}"), h_day_pod, prio=2),
    Rule("pod_day", _r(rf"{B}(?P<pod>(?i:(?:early|late)\s+)?(?i:mid-?\s*afternoon|mid-?\s*morning|morning|afternoon|"
                       rf"evening|night))\s+(?P<rd>{_WD}|(?i:yesterday|today|tomorrow)){E}"), h_day_pod, prio=2),
    # a part of the day on its own ("in the morning", "by mid-afternoon"): of the day in view
    Rule("bare_pod", _r(
        rf"(?:(?<=\b[Ii]n\s)|(?<=\b[Bb]y\s)|(?<=\b[Dd]uring\s)|(?<=\b[Uu]ntil\s)|(?<=\b[Ss]ince\s))"
        rf"(?:(?i:the\s+(?:early\s+|late\s+)?(?:mid-?\s?)?)|(?i:mid-?\s?))(?P<pod>(?i:morning|afternoon|evening)){E}"
        rf"(?!\s+(?:of|news|papers?|shows?|sessions?|prayers?|rush)\b)"), lambda ctx, c: _h_bare_pod(ctx, c), prio=2),
    # explicit dates
    Rule("iso_date", _r(r"(?<![\w-])(?P<y>(?:1[89]|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w-])"),
         h_numeric_date, prio=1),
    Rule("month_day", _r(
        rf"{B}(?:(?P<wd>{_WD}),?\s+)?(?:(?P<mod>(?i:early|late|around|mid|last|next|this\s+coming|this))\s+)?"
        rf"(?P<mon>{MONTH_ANY})\s*(?P<day>{DAYNUM})(?:,?\s*(?P<year>{YEAR4}|['’]\d\d{E}))?"),
        h_month_day, c_month_day, prio=1),
    Rule("day_month", _r(
        rf"{B}(?:(?P<wd>{_WD}),?\s+)?(?:(?i:the)\s+)?(?P<day>{DAYNUM})\s+(?:(?i:of)\s+)?(?P<mon>{F['MONTH']}){E}"
        rf"(?:,?\s*(?P<year>{YEAR4}))?"), h_month_day, c_month_day, prio=1),
    Rule("month_dayw", _r(rf"{B}(?:(?P<wd>{_WD}),?\s+)?(?P<mon>{F['MONTH']})\s+(?:(?i:the)\s+)?"
                          rf"(?P<dayw>{F['ORDWORD']}){E}"), h_month_day, prio=1),
    Rule("nth_week", _r(rf"{B}(?:(?i:the)\s+)?(?P<ord>(?i:first|second|third|fourth|last|final))\s+(?i:week)\s+"
                        rf"(?i:of|in)\s+(?P<mon>{F['MONTH']}){E}(?:,?\s+(?P<year>{YEAR4}))?"),
         lambda ctx, c: _h_nth_week(ctx, c), prio=1),
    Rule("week_of", _r(rf"{B}(?i:the\s+week\s+of)\s+(?P<mon>{MONTH_ANY})\s*(?P<day>{DAYNUM})"
                       rf"(?:,?\s*(?P<year>{YEAR4}))?"), h_week_of, prio=1),
    Rule("month_year", _r(
        rf"{B}(?:(?P<mod>{MOD})[\s-]+)?(?P<mon>{F['MONTH']}|{F['MONTH_BARE_ABBR']}\.?),?\s+(?:(?i:of)\s+)?"
        rf"(?P<year>{YEAR4}|['’]\d\d{E}|{SPELLED_YEAR}{E})"), h_month_year, prio=2),
    Rule("month_rel", _r(
        rf"{B}(?:(?P<mod>{MOD})[\s-]+)?(?P<mon>{F['MONTH']})\s+(?P<rel>(?i:this|last|next))\s+(?i:year){E}"),
        h_month_year, prio=2),
    Rule("month", _r(
        rf"{B}(?:(?P<pre>(?:(?i:this\s+past|this\s+coming|this|last|next|coming|past|early|mid|late|"
        rf"the\s+(?:beginning|start|end|middle|close|rest|remainder)\s+of))[\s-]+))?(?P<mon>{F['MONTH']})"
        rf"(?:['’]s)?{E}"), h_month, c_month, prio=4),
    # weekdays
    Rule("weekday_set", _r(rf"{B}(?P<wd>{_WD})s(?:\s+(?P<pod>(?i:mornings|afternoons|evenings|nights)))?{E}"),
         h_weekday_set, prio=3),
    Rule("weekday", _r(rf"{B}(?:(?P<pre>(?i:last|next|this\s+past|this\s+coming|this|coming|the\s+previous|"
                       rf"the\s+following|the\s+next|early|late|earlier|later|past))\s+)?(?P<wd>{_WD})(?:['’]s)?{E}"),
         h_weekday, c_weekday, prio=3),
    # a day counted from a named day: "the day before last Tuesday", "the day after Christmas Eve" is not
    # covered (holidays), "two days after Monday" is
    Rule("day_offset", _r(rf"{B}(?:(?i:the)\s+)?(?:(?P<num>{F['NUMWORD']}|\d{{1,2}})\s+)?(?P<unit>(?i:days?))\s+"
                          rf"(?P<dir>(?i:before|after))\s+(?:(?P<pre>(?i:last|next|this\s+past|this\s+coming))\s+)?"
                          rf"(?P<wd>{_WD}){E}"), h_day_offset, prio=2),
    Rule("relday", _r(rf"{B}(?:(?i:early|late|earlier|later)\s+)?(?P<rd>(?i:the\s+day\s+before\s+yesterday|"
                      rf"the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|tonight))(?:['’]s)?{E}"),
         h_relday, lambda ctx, c: _c_relday(ctx, c), prio=3),
    Rule("holiday", _r(rf"{B}(?:(?P<pre>(?i:last|next|this))\s+)?(?P<h>{F['HOLIDAY']}){E}(?:,?\s+(?P<year>{YEAR4}))?"),
         h_holiday, prio=2),
    # relative periods
    Rule("relunit", _r(
        rf"{B}(?:(?P<mod>(?i:earlier|later|early|late|mid|the\s+(?:beginning|start|end|middle|close|rest|"
        rf"remainder|first\s+half|second\s+half|latter\s+part|early\s+part)\s+of|by\s+the\s+end\s+of)[\s-]+))?"
        rf"(?:(?P<the>(?i:the))\s+)?(?P<rel>{REL})\s+(?P<fiscal>(?i:fiscal|calendar)\s+)?"
        rf"(?P<unit>(?i:week|weekend|month|year|quarter|decade|century|half)){E}(?:['’]s)?"), h_relunit, c_relunit,
         prio=3),
    Rule("in_the_unit", _r(rf"{B}(?P<mod>(?i:earlier|later|early|late))\s+(?i:in\s+the)\s+(?P<unit>(?i:week|month|"
                           rf"year)){E}"), h_in_the_unit, prio=3),
    Rule("end_of_the", _r(rf"{B}(?i:the\s+(?:end|beginning|start|middle|rest)\s+of\s+the)\s+(?P<unit>(?i:week|month|"
                          rf"year|quarter)){E}"), h_in_the_unit, prio=3),
    Rule("weekend", _r(rf"{B}(?i:the\s+weekend){E}(?!['’]s)"), lambda ctx, c: _h_weekend(ctx, c), prio=4),
    Rule("the_year_ended", _r(rf"{B}(?i:the\s+(?:fiscal\s+|calendar\s+)?year)\s+(?=(?i:ended|ending|ends|that\s+ended|"
                              rf"through|to)\b)"), lambda ctx, c: Result("DURATION", "P1Y"), prio=3),
    Rule("the_year", _r(rf"(?:(?<=\b[Ff]or\s)|(?<=\b[Oo]f\s)|(?<=\bthroughout\s)|(?<=\bduring\s))"
                        rf"(?i:the\s+(?:full\s+|whole\s+|entire\s+|current\s+|fiscal\s+|current\s+fiscal\s+)?year)"
                        rf"(?!['’]|\s+(?:ended|ending|ends|before|after|earlier|ago|in|of|to|through|that)\b){E}"),
         lambda ctx, c: _h_this_year(ctx, c), prio=4),
    Rule("the_full_year", _r(rf"{B}(?i:the\s+(?:full|current|current\s+fiscal|whole)\s+year){E}(?!['’]|\s+(?:ended|"
                             rf"ending)\b)"), lambda ctx, c: _h_this_year(ctx, c), prio=4),
    Rule("year_end", _r(rf"{B}(?i:(?:around\s+)?year[-\s]end|year['’]s\s+end){E}"), h_year_end, prio=4),
    Rule("anaphoric", _r(rf"{B}(?:(?i:earlier|later|early|late)\s+)?(?P<det>(?i:that|the\s+same|the\s+following|"
                         rf"the\s+next|the\s+previous|the\s+prior|the\s+preceding))\s+(?P<unit>(?i:day|morning|"
                         rf"afternoon|evening|night|week|weekend|month|quarter|year)){E}"), h_anaphoric, prio=3),
    Rule("ago", _r(
        rf"{B}(?:(?P<approx>{APPROX})\s+)?(?P<num>{F['NUM']}|(?i:a\s+few|several|some|many|a\s+couple\s+of))?"
        rf"\s*(?:(?i:more)\s+)?(?P<unit>{F['UNIT']})(?P<half>\s+(?i:and\s+a\s+half))?(?:\s+(?i:or\s+so))?\s+"
        rf"(?P<dir>(?i:ago|earlier|later|from\s+now|hence|back)){E}"),
        h_ago, prio=2),
    Rule("year_ago_adj", _r(rf"{B}(?:(?i:the|a|its)\s+)?(?:(?i:comparable|same)\s+)?(?i:year[-\s](?:ago|earlier))"
                            rf"(?:\s+(?:(?i:first|second|third|fourth|fiscal)[-\s]+)?(?P<noun>(?i:quarter|period)))?{E}"),
         h_year_ago_adj, prio=2),
    Rule("same_period", _r(rf"{B}(?i:the\s+(?:(?:same|corresponding|comparable)\s+)?(?:period|quarter)\s+"
                           rf"(?:a\s+year\s+(?:ago|earlier)|last\s+year|of\s+last\s+year|the\s+previous\s+year))"),
         h_year_ago_adj, prio=1),
    # quarters and halves
    Rule("quarter", _r(
        rf"{B}(?:(?P<det>(?i:the|its|their|this|last|next|a|one|three|the\s+company's|"
        rf"(?:this|last|next)\s+year['’]s))\s+)?(?:(?P<pyear>(?:(?i:fiscal)\s+)?{YEAR4})\s+)?"
        rf"(?:(?P<fiscal>(?i:fiscal|calendar))[-\s]+)?(?:(?P<ord>{ORD_Q})[-\s]+)?"
        rf"(?P<q>(?i:quarter|period))(?P<s>s)?{E}(?:\s+(?:(?i:of|in)\s+)?(?P<yr>(?:(?i:fiscal)\s+)?{YEAR4}|"
        rf"(?i:this|last|next)\s+year{E}))?"), h_quarter, c_quarter, prio=3),
    Rule("qn", _r(rf"{B}(?:(?i:the\s+)?(?i:fiscal\s+)?)(?P<det>)(?P<qn>[1-4])Q(?:\s*(?P<yr>{YEAR4}))?{E}|"
                  rf"{B}Q(?P<qn2>[1-4])(?:\s*(?P<yr2>{YEAR4}))?{E}"), lambda ctx, c: _h_qn(ctx, c), prio=2),
    # a part of a decade has no TIMEX3 value of its own: "the latter part of the '60s" is the decade
    Rule("decade_part", _r(
        rf"{B}(?:(?i:the)\s+)?(?i:first|second|last|latter|early|later)\s+(?i:half|part|years)\s+(?i:of)\s+(?i:the)\s+"
        rf"(?P<dec>(?:1[0-9]|20)\d0['’]?s|['’]\d0['’]?s){E}"), h_decade, prio=2),
    # two quarters counted from an end of the year are a half: "the last two quarters of 2003"
    Rule("two_quarters", _r(
        rf"{B}(?:(?i:the)\s+)?(?P<ord>(?i:first|last|final|latter|second))\s+(?i:two|2)\s+(?i:quarters)\s+(?i:of)\s+"
        rf"(?P<yr>(?:(?i:the|this|last|next)\s+)?(?:(?i:fiscal|calendar)\s+)?(?:{YEAR4}|(?i:year)){E})"), h_half, prio=2),
    Rule("half", _r(
        rf"{B}(?:(?i:the)\s+)?(?P<ord>(?i:first|second|last|latter|back|front))[-\s]+(?i:half){E}"
        rf"(?:\s+(?i:of)\s+(?P<yr>(?:(?i:the|this|last|next)\s+)?(?:(?i:fiscal|calendar)\s+)?(?:{YEAR4}|"
        rf"(?i:year)){E}))?"), h_half, lambda ctx, c: bool(c.m.group("yr")) or bool(re.match(
            r"\s+(?:results|profit|profits|earnings|sales|revenue|growth|loss|losses|net|income|output|figures)\b",
            ctx.after(c.end, 20), re.I)), prio=3),
    # seasons, years, decades, centuries
    Rule("season", _r(
        rf"{B}(?:(?P<pre>(?i:this\s+past|this\s+coming|this|last|next|coming|past|previous|early|late|mid|the\s+early|"
        rf"the\s+late|the))[\s-]+)?(?P<season>{F['SEASON']})(?:\s+(?:(?i:of)\s+)?(?P<year>{YEAR4}|['’]\d\d{E}|"
        rf"{SPELLED_YEAR}{E}))?(?:['’]s)?{E}"), h_season, c_season, prio=4),
    Rule("year", _r(
        rf"{B}(?:(?P<mod>(?i:early|mid|late|the\s+(?:end|beginning|start|middle|first\s+half|second\s+half|"
        rf"rest|remainder|close|turn|summer|spring|autumn|fall|winter)\s+of|post|pre|calendar|the\s+year|"
        rf"a\s+good\s+part\s+of|much\s+of))[\s-]+)?(?:(?P<fiscal>(?i:fiscal(?:\s+year)?|FY|the\s+(?:fiscal\s+)?"
        rf"year|the))\s*)?(?P<year>{YEAR4})(?:(?i:\s+and\s+beyond|\s+or\s+later))?(?!['’]?s\b|-\d|[-–]\w)"),
        h_year, c_year, prio=4),
    Rule("year_range", _r(rf"{B}(?P<year>(?:1[89]|20)\d\d)[-–/](?P<y2>\d\d){E}"), h_year, prio=4),
    Rule("spelled_year", _r(rf"{B}(?:(?i:the\s+year)\s+)?(?P<sy>{SPELLED_YEAR}){E}"), h_spelled_year,
         c_spelled_year, prio=5),
    Rule("decade", _r(
        rf"{B}(?P<pre>(?:(?i:the)\s+)?(?:(?i:early|mid|late)[\s-]+)?)(?P<dec>(?:1[0-9]|20)\d0['’]?s|['’]\d0['’]?s|"
        rf"(?i:(?:nineteen[\s-]+)?(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))){E}"),
        h_decade, c_decade, prio=3),
    Rule("century", _r(rf"{B}(?:(?i:the)\s+)?(?:(?i:early|mid|late)[\s-]+)?(?P<ord>{F['ORDWORD']}|\d{{1,2}}"
                       rf"(?:st|nd|rd|th))[\s-]+(?i:century){E}"), h_century, prio=3),
    # durations
    Rule("duration", _r(
        rf"{B}(?:(?P<approx>{APPROX})\s+)?(?:(?P<det>(?i:the|each\s+of\s+the|all|for\s+the))\s+)?"
        rf"(?:(?P<rel>(?i:past|last|next|first|coming|previous|following|final|remaining|latest|year-earlier|"
        rf"year-ago|initial|same|entire|whole|full|subsequent|preceding|ensuing|succeeding|intervening|"
        rf"recent|other|better\s+part\s+of\s+the))\s+)?"
        rf"(?P<num>{F['NUM']})(?:\s*(?:-|to|or|and)\s*(?P<num2>{F['NUM']}))?\s*[-\s]?"
        rf"(?:(?P<more>(?i:more|additional|full|straight|consecutive|further|long|extra|whole|successive|"
        rf"calendar|fiscal|trading|business|working))\s+)?(?P<unit>{F['UNIT']})(?P<half>\s+(?i:and\s+a\s+half))?{E}"),
        h_duration, c_duration, prio=4),
    Rule("duration_det", _r(
        rf"{B}(?P<det>(?i:an|another|a))\s+(?P<more>(?i:additional|extra|further|full|whole|entire))\s+"
        rf"(?P<unit>(?i:day|week|month|year|hour|decade|quarter)){E}"), h_duration, c_duration, prio=4),
    Rule("duration_adj", _r(
        rf"{B}(?:(?P<num>\d+(?:\.\d+)?|{F['NUMWORD']}|(?i:half|several|multi|many|few))-)?(?P<unit>(?i:second|minute|hour|day|week|month|"
        rf"quarter|year|decade|century|years|decades|centuries|months|weeks|days))-(?P<suf>(?i:long|old|plus))"
        rf"{E}|{B}(?P<num_b>\d+(?:\.\d+)?|{F['NUMWORD']}|(?i:several|multi|many|few))-(?P<unit_b>(?i:second|minute|hour|day|week|month|quarter|"
        rf"year|decade|century)){E}(?!-)"), lambda ctx, c: _h_dur_adj(ctx, c), c_duration_adj, prio=4),
    Rule("vague_duration", _r(
        rf"{B}(?:(?i:the)\s+)?(?:(?i:past|last|next|coming|previous|following|first|final|remaining|ensuing|"
        rf"intervening|early|later|recent)\s+)?(?:(?i:few|several|many|a\s+few|a\s+couple\s+of|couple\s+of|"
        rf"a\s+number\s+of|some|countless|a\s+matter\s+of))\s+(?P<unit>{UNITS_PLURAL}){E}"),
        h_vague_duration, lambda ctx, c: not re.match(r"\s+(?:ago|old|of\s+age)\b", ctx.after(c.end, 12).lower()),
        prio=4),
    Rule("recent_units", _r(rf"{B}(?:(?i:the)\s+)?(?P<rel>(?i:recent|coming|past|next|previous|last|ensuing|"
                            rf"following|upcoming))\s+(?P<unit>{UNITS_PLURAL}){E}"),
         h_vague_duration, lambda ctx, c: not re.match(r"\s+(?:ago|old)\b", ctx.after(c.end, 12).lower()),
         prio=4),
    Rule("units_ahead", _r(rf"{B}(?i:the)\s+(?P<unit>{UNITS_PLURAL})\s+(?i:ahead|to\s+come){E}"),
         h_vague_duration, prio=4),
    Rule("bare_plural", _r(rf"{B}(?P<unit>(?i:years|months|weeks|decades|centuries)){E}"), h_vague_duration,
         c_bare_plural, prio=6),
    # sets
    Rule("set_every", _r(
        rf"{B}(?P<q>(?i:every|each))\s+(?:(?P<other>(?i:other))\s+)?(?:(?P<num>\d+|{F['NUMWORD']})\s+)?"
        rf"(?P<tgt>{_WD}|{F['MONTH']}|(?i:spring|summer|autumn|fall|winter|morning|afternoon|evening|night|"
        rf"second|minute|hour|day|week|weekend|month|quarter|year|decade|seconds|minutes|hours|days|weeks|months|"
        rf"quarters|years)){E}"), h_set, prio=3),
    Rule("set_adv", _r(rf"{B}(?P<adv>(?i:hourly|daily|nightly|weekly|biweekly|fortnightly|monthly|bimonthly|"
                       rf"quarterly|annually|yearly|semiannually|biannually)){E}"), h_set, c_set_adv, prio=4),
    # references to the present, past and future
    Rule("present", _r(rf"{B}{_REF_PRESENT}{E}(?!-)"), h_ref, c_current, prio=5),
    Rule("past", _r(rf"{B}{_REF_PAST}{E}"), h_ref, c_current, prio=5),
    Rule("future", _r(rf"{B}{_REF_FUTURE}{E}"), h_ref, c_current, prio=5),
    # an indefinite time ahead: "will soon reopen", "may one day join"
    Rule("future_adv", _r(rf"{B}(?i:soon|some\s*day|one\s+day){E}(?!-)"), h_future_adv, c_future_adv, prio=1),
]


def _h_bare_pod(ctx: Ctx, c: Cand) -> Result | None:
    day = ctx.ref(c.start, 250, day_only=True).date
    code = _POD[c.m.group("pod").lower()]
    return Result("TIME", f"{day.isoformat()}T{code}", Point(day, "day"), anchor=False)


def _h_this_year(ctx: Ctx, c: Cand) -> Result | None:
    p = Point(ctx.dct, "year")
    return Result("DATE", p.value(), p, anchor=False)


def _h_weekend(ctx: Ctx, c: Cand) -> Result | None:
    """'over the weekend': the last one in a past clause, the coming one otherwise."""
    wd = ctx.dct.isoweekday()
    t = ctx.tense(c.start, c.end)
    if re.search(r"(?i:ahead\s+of|before|until|for|this\s+coming)\s+$", ctx.before(c.start, 12)):
        t = FUTURE
    wk = Point(ctx.dct, "weekend")
    if wd < 6 and t in (PAST, None):
        wk = wk.shift(-1)
    return Result("DATE", wk.value(), wk)


def _h_nth_week(ctx: Ctx, c: Cand) -> Result | None:
    """'the third week of August': the ISO week holding the middle of that seven-day stretch."""
    g = c.m.groupdict()
    mon = month_number(g["mon"])
    if not mon:
        return None
    year = int(g["year"]) if g.get("year") else month_near(ctx.dct, mon, _month_direction(ctx, c)).year
    o = g["ord"].lower()
    if o in ("last", "final"):
        day = add_months(dt.date(year, mon, 1), 1) - dt.timedelta(days=4)
    else:
        day = dt.date(year, mon, {"first": 4, "second": 11, "third": 18, "fourth": 25}[o])
    p = Point(day, "week")
    return Result("DATE", p.value(), p)


def _h_qn(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    q = int(g.get("qn") or g.get("qn2"))
    yr = g.get("yr") or g.get("yr2")
    y = int(yr) if yr else ctx.dct.year
    p = Point(dt.date(y, 3 * q - 2, 1), "quarter")
    return Result("DATE", p.value(), p)


def _h_dur_adj(ctx: Ctx, c: Cand) -> Result | None:
    g = c.m.groupdict()
    num = g.get("num") or g.get("num_b")
    unit_word = g.get("unit") or g.get("unit_b")
    unit = _unit_code(unit_word)
    if unit is None:
        return None
    if num and num.lower() in ("several", "multi", "many", "few"):
        return Result("DURATION", duration_value(None, unit))
    if num:
        n = parse_number(num)
        if n is None:
            return None
        if unit == "Q":
            return Result("DURATION", duration_value(3 * n, "M"))
        return Result("DURATION", duration_value(n, unit))
    return Result("DURATION", duration_value(None if unit_word.lower().endswith("s") else 1.0, unit))
