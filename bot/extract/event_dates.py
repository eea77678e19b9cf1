"""When an event is: a time expression turned into a first day, a last day and a precision,
keeping the vagueness the article gave it.

A date names a day, a week, a month, a quarter or a year (its precision).  Words around it
can narrow it to a *window* inside that period ("mid-June", "early next week", "later this
month", "the second half of 2026"), widen it to two periods ("Monday or Tuesday", "in
March or sometime in April"), or give no date at all but a stretch after the
publication ("in the coming weeks").  A window is kept as its first and last day, the
precision ``window`` and the words of it in calendar terms (``approx``: "mid-June 2025"),
so that a reader, and a reminder posted at its start, can say how vague the date is.

Public API:
  date_of(value) -> (first day, precision, last day) | None
  When, narrowed(...), either(...), coming(...)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.extract.timex_calendar import add_months

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
# a holiday's name, which may also name a thing ("the Good Friday agreement")
HOLIDAY_NAME = re.compile(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s+(?:Friday|Day|Eve)|Christmas|Easter")
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?|-W(\d\d)|-Q(\d)|-H(\d)|-(SP|SU|FA|WI))?")


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


def day_words(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period_words(value: str, first: dt.date, precision: str) -> str:
    """'June 2025', '2025', 'Q3 2025', 'summer 2025', 'the week of 9 June 2025'."""
    if precision == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if precision == "year":
        return str(first.year)
    if precision == "week":
        monday = first - dt.timedelta(days=first.weekday())
        return f"the week of {day_words(monday)}"
    if precision == "quarter":
        season = re.search(r"-(SP|SU|FA|WI)$", value or "")
        if season:
            return f"{_SEASONS[season.group(1)]} {first.year}"
        if re.search(r"-H\d$", value or ""):
            return f"the {'first' if first.month == 1 else 'second'} half of {first.year}"
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    return day_words(first)


@dataclass
class When:
    start: dt.date
    end: dt.date | None  # the last day of a range ("June 15 to 17") or of a window
    precision: str  # day | week | month | quarter | year | window
    approx: str = ""  # a window in calendar words: "mid-June 2025"


# "early", "mid-", "late" and "the first half of" ... at the head of a time expression
_PART = re.compile(r"(?i)^(?:(?P<w>early|mid|late)(?:\s+in)?[\s-]*|"
                   r"(?P<by>by\s+)?(?:the\s+)?(?P<p>beginning|start|middle|end|close|first\s+half|second\s+half|"
                   r"latter\s+half|last\s+half|early\s+part|first\s+part|latter\s+part|last\s+part|rest|remainder|"
                   r"balance)\s+of\s+)")
_LATER = re.compile(r"(?i)\blater\s+(?:in\s+|this\s+|on\s+in\s+)?$")
_PART_GROUP = {"early": "early", "beginning": "early", "start": "early", "early part": "early",
               "first part": "early", "mid": "mid", "middle": "mid", "late": "late", "end": "late",
               "close": "late", "latter part": "late", "last part": "late", "first half": "first half",
               "second half": "second half", "latter half": "second half", "last half": "second half",
               "rest": "later", "remainder": "later", "balance": "later"}


def narrowed(text: str, start: int, end: int, value: str, published: dt.date) -> When | None:
    """The window a part word makes of the period text[start:end] names ("mid-June", "early
    next week", "later this month", "the second half of 2026"), or None when none does.
    "later" and "the rest of" a period that holds the publication date begin the day after it."""
    parsed = date_of(value)
    if parsed is None or parsed[1] == "day":
        return None
    first, precision, last = parsed
    words = text[start:end]
    m = _PART.match(words)
    if m is None:  # "in the second half of May": the part word may sit outside the expression
        lead = re.search(r"(?i)(?:\b(?:early|mid|late)[\s-]*|(?:\bby\s+)?\bthe\s+(?:beginning|start|middle|end|close|"
                         r"first\s+half|second\s+half|latter\s+half|last\s+half|early\s+part|first\s+part|"
                         r"latter\s+part|last\s+part|rest|remainder|balance)\s+of\s+)$", text[max(0, start - 30):start])
        if lead:
            m = _PART.match(lead.group(0).lstrip())
    part = None
    bound = re.search(r"(?i)\b(?:by|before|until|till|through)\s+$", text[max(0, start - 10):start])
    if m and not m.group("by") and not bound:  # "by the end of June" bounds a deadline: the month stays
        part = _PART_GROUP.get(" ".join((m.group("w") or m.group("p") or "").lower().split()))
    if re.match(r"(?i)later\b", words) or _LATER.search(text[max(0, start - 20):start]):
        part = "later"
    if part is None:
        return None
    n = (last - first).days + 1
    if part == "later":
        if not first <= published <= last:
            return None  # "later in 2027": all of it
        lo, hi = min(published + dt.timedelta(days=1), last), last
    elif part == "early":
        lo, hi = first, first + dt.timedelta(days=n // 3 - 1)
    elif part == "mid":
        lo, hi = first + dt.timedelta(days=n // 3), first + dt.timedelta(days=2 * n // 3 - 1)
    elif part == "late":
        lo, hi = first + dt.timedelta(days=2 * n // 3), last
    elif part == "first half":
        lo, hi = first, first + dt.timedelta(days=n // 2 - 1)
    else:
        lo, hi = first + dt.timedelta(days=n // 2), last
    return When(lo, hi, "window", _part_words(part, period_words(value, first, precision), precision))


def _part_words(part: str, period: str, precision: str) -> str:
    if precision == "week":
        return {"early": f"early in {period}", "mid": f"midweek, {period}", "late": f"late in {period}",
                "later": f"later in {period}", "first half": f"early in {period}",
                "second half": f"late in {period}"}[part]
    return {"early": f"early {period}", "mid": f"mid-{period}", "late": f"late {period}",
            "later": f"later in {period}", "first half": f"the first half of {period}",
            "second half": f"the second half of {period}"}[part]


_EITHER = re.compile(r"(?i)^\s*,?\s*or\s+(?:(?:sometime|some\s+time|possibly|perhaps|maybe|even)\s+)?"
                     r"(?:(?:in|on|by)\s+)?$")


def either(text: str, a_end: int, b_start: int, a_value: str, b_value: str) -> When | None:
    """'Monday or Tuesday', 'in March or sometime in April': one window over both."""
    if not _EITHER.match(text[a_end:b_start]):
        return None
    a, b = date_of(a_value), date_of(b_value)
    if a is None or b is None or b[2] < a[0] or a[1] != b[1] or a[1] not in ("day", "month", "year"):
        return None
    first, last = a[0], b[2]
    if a[1] == "day":
        if first.month == last.month:
            words = f"{first.day} or {last.day} {MONTHS[first.month - 1]} {first.year}"
        else:
            words = f"{first.day} {MONTHS[first.month - 1]} or {day_words(last)}"
    elif a[1] == "month":
        words = (f"{MONTHS[first.month - 1]} or {MONTHS[last.month - 1]} {last.year}" if first.year == last.year
                 else f"{MONTHS[first.month - 1]} {first.year} or {MONTHS[last.month - 1]} {last.year}")
    else:
        words = f"{first.year} or {last.year}"
    return When(first, last, "window", words)


# "in the coming weeks", "within days", "over the next few months": a stretch after the story
_COMING = re.compile(r"(?i)^(?:the\s+)?(?:(?:coming|next|following)\s+(?:few\s+|several\s+|couple\s+of\s+)?)?"
                     r"(?P<unit>days|weeks|months)$")
_COMING_LEAD = re.compile(r"(?i)\b(?:in|within|over|during)\s+(?:the\s+)?$")
_COMING_DAYS = {"days": 7, "weeks": 28, "months": 91}


def coming(text: str, start: int, end: int, value: str, published: dt.date) -> When | None:
    """The window of a vague stretch ahead ("in the coming weeks", "within days")."""
    if not re.fullmatch(r"PX[DWM]", value or ""):
        return None
    words = text[start:end]
    m = _COMING.match(words.strip())
    if not m or not _COMING_LEAD.search(text[max(0, start - 12):start]):
        return None
    if not re.search(r"(?i)\b(?:coming|next|following|within)\b", text[max(0, start - 12):end]):
        return None  # "for weeks", "in recent months"
    unit = m.group("unit").lower()
    lo = published + dt.timedelta(days=1)
    return When(lo, published + dt.timedelta(days=_COMING_DAYS[unit]), "window",
                f"in the {unit} after {day_words(published)}")


# ---------------------------------------------------------------- durations


def duration(value: str) -> tuple[int, str] | None:
    m = re.fullmatch(r"P(\d+)([DWMY])", value or "")
    return (int(m.group(1)), m.group(2)) if m else None


def add(d: dt.date, n: int, unit: str) -> dt.date:
    if unit == "D":
        return d + dt.timedelta(days=n)
    if unit == "W":
        return d + dt.timedelta(weeks=n)
    if unit == "M":
        return add_months(d, n)
    return add_months(d, 12 * n)
