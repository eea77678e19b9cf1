"""An event's date as people say it, no more precise than the article was.

"9 June 2025", "15 – 17 June 2025", "week of 9 June 2025", "June 2026", "Q3 2025", "2026",
and for a window the words the article gave it in calendar terms ("mid-June 2025",
"later in June 2025", "2 or 3 June 2025").  One place for /events, the CLI and the
reminders, so that every answer says the same.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
VAGUE = ("week", "month", "quarter", "year", "window")  # precisions that leave the day open


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def day_words(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def days_words(a: dt.date, b: dt.date) -> str:
    """'15 – 17 June 2025', '30 June – 2 July 2025', '30 December 2025 – 2 January 2026'."""
    if b <= a:
        return day_words(a)
    if a.year != b.year:
        return f"{day_words(a)} \u2013 {day_words(b)}"
    if a.month != b.month:
        return f"{a.day} {MONTHS[a.month - 1]} \u2013 {day_words(b)}"
    return f"{a.day} \u2013 {day_words(b)}"


def when_text(e: Mapping[str, Any]) -> str:
    """An event's date as people say it, keeping its precision, its range or its window."""
    start = _date(e.get("start"))
    if start is None:
        return str(e.get("start") or "") or "date unknown"
    end = _date(e.get("end"))
    precision = str(e.get("precision") or "day")
    if precision == "window":
        return str(e.get("approx") or "") or (
            f"sometime {days_words(start, end)}" if end else f"from {day_words(start)}")
    if precision == "year":
        return str(start.year)
    if precision == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if precision == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    if precision == "week":
        return f"week of {day_words(start - dt.timedelta(days=start.weekday()))}"
    if end and end != start:
        return days_words(start, end)
    return day_words(start)


def vagueness(e: Mapping[str, Any]) -> str:
    """What the article leaves open, said plainly; empty for a known day."""
    precision = str(e.get("precision") or "day")
    if precision not in VAGUE:
        return ""
    start, end = _date(e.get("start")), _date(e.get("end"))
    if precision == "window" and start and end and end > start:
        return f"The article gives no exact day: sometime {days_words(start, end)} ({when_text(e)})."
    return f"The article gives no exact day: only {when_text(e)}."
