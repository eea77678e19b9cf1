"""Calendar arithmetic and TIMEX3 value formatting (no text handling here).

A resolved date is a ``Point``: a calendar anchor plus the granularity the text gave it,
so "in July" stays ``2019-07`` and "the third quarter" stays ``2019-Q3``.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

GRANULARITIES = ("day", "week", "weekend", "month", "quarter", "half", "season", "year", "decade", "century")
SEASON_OF_MONTH = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP",
                   6: "SU", 7: "SU", 8: "SU", 9: "FA", 10: "FA", 11: "FA"}
SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}
SEASON_FIRST_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


@dataclass(frozen=True)
class Point:
    """A date at some granularity; ``date`` is any day inside the period."""

    date: dt.date
    gran: str  # one of GRANULARITIES
    season: str = ""  # for gran == "season"
    suffix: str = ""  # part of day ("TMO") or clock time ("T10:35")

    def value(self) -> str:
        d = self.date
        if self.gran == "day":
            return d.isoformat() + self.suffix
        if self.gran in ("week", "weekend"):
            y, w, _ = d.isocalendar()
            return f"{y}-W{w:02d}" + ("-WE" if self.gran == "weekend" else "")
        if self.gran == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if self.gran == "quarter":
            return f"{d.year:04d}-Q{quarter_of(d)}"
        if self.gran == "half":
            return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
        if self.gran == "season":
            return f"{d.year:04d}-{self.season}"
        if self.gran == "year":
            return f"{d.year:04d}"
        if self.gran == "decade":
            return f"{d.year // 10:03d}"
        if self.gran == "century":
            return f"{d.year // 100:02d}"
        raise ValueError(self.gran)

    def shift(self, n: int, unit: str | None = None) -> Point:
        """Move by n units (default: the point's own granularity), keeping granularity."""
        unit = unit or self.gran
        d = self.date
        if unit == "day":
            d = d + dt.timedelta(days=n)
        elif unit in ("week", "weekend"):
            d = d + dt.timedelta(weeks=n)
        elif unit == "month":
            d = add_months(d, n)
        elif unit == "quarter":
            d = add_months(d, 3 * n)
        elif unit == "half":
            d = add_months(d, 6 * n)
        elif unit in ("season", "year"):
            d = add_months(d, 12 * n)
        elif unit == "decade":
            d = add_months(d, 120 * n)
        elif unit == "century":
            d = add_months(d, 1200 * n)
        return Point(d, self.gran, self.season, self.suffix)

    def at(self, gran: str) -> Point:
        """The same anchor at a coarser (or finer) granularity."""
        season = SEASON_OF_MONTH[self.date.month] if gran == "season" else ""
        return Point(self.date, gran, season)


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    y = min(max(y, 1), 9999)
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def weekday_near(dct: dt.date, iso_weekday: int, direction: str, strict: bool = False) -> dt.date:
    """The given weekday on/before (direction 'past') or on/after ('future') the anchor."""
    delta = iso_weekday - dct.isoweekday()
    if direction == "past":
        back = (-delta) % 7
        if strict and back == 0:
            back = 7
        return dct - dt.timedelta(days=back)
    fwd = delta % 7
    if strict and fwd == 0:
        fwd = 7
    return dct + dt.timedelta(days=fwd)


def month_near(dct: dt.date, month: int, direction: str | None, day: int | None = None) -> dt.date | None:
    """Year for a month (and day) without one: most recent, next, or nearest occurrence."""
    candidates = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        d = safe_date(y, month, day or 1)
        if d is None and day == 29:
            continue
        if d is not None:
            candidates.append(d)
    if not candidates:
        return None
    ref = dct if day else dct.replace(day=1)
    # nearest occurrence, with a penalty for going against the tense: "Sept. 9" in a May story
    # told in the past is last September, but a past-tense "named Nov. 4 the cutoff date" in early
    # November is still this year's
    penalty = 270

    def cost(c: dt.date) -> int:
        days = (c - ref).days
        wrong = (direction == "past" and days > 0) or (direction == "future" and days < 0)
        return abs(days) + (penalty if wrong else 0)

    return min(candidates, key=cost)


def season_near(dct: dt.date, season: str, direction: str | None) -> Point:
    """A season without a year: 'last fall', 'this summer', 'next winter'."""
    cur = SEASON_OF_MONTH[dct.month]
    # winter is labelled by the year it starts in (Dec) -- Jan/Feb belong to the previous year's winter
    cur_year = dct.year - 1 if dct.month <= 2 else dct.year
    order_now = SEASON_ORDER[cur]
    order_s = SEASON_ORDER[season]
    if direction == "past":
        year = cur_year if order_s < order_now else cur_year - 1
    elif direction == "future":
        year = cur_year if order_s > order_now else cur_year + 1
    else:
        # no cue: the nearest one ("in the spring", said in February, is the coming spring)
        def gap(y: int) -> int:
            first = dt.date(y, SEASON_FIRST_MONTH[season], 1)
            end = add_months(first, 3)
            return 0 if first <= dct < end else min(abs((first - dct).days), abs((dct - end).days))

        year = min((cur_year - 1, cur_year, cur_year + 1), key=gap)
    m = SEASON_FIRST_MONTH[season]
    return Point(dt.date(year, m, 1), "season", season)


def nth_weekday(year: int, month: int, iso_weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) given weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        off = (iso_weekday - first.isoweekday()) % 7
        return first + dt.timedelta(days=off + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    off = (last.isoweekday() - iso_weekday) % 7
    return last - dt.timedelta(days=off)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def duration_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration: P3D, PT5H, P2Y6M; ``n=None`` gives the vague PXY form."""
    time_units = {"H": "H", "MIN": "M", "S": "S"}
    if unit == "WE":
        unit, n = "D", (2 * n if n is not None else None)
    if unit == "2W":
        unit, n = "W", (2 * n if n is not None else None)
    if unit == "DE":
        if n is None:
            return "PXE"
        unit, n = "Y", 10 * n
    if unit == "CE":
        if n is None:
            return "PXC"
        unit, n = "Y", 100 * n
    if unit == "MIL":
        if n is None:
            return "PXL"
        unit, n = "Y", 1000 * n
    prefix = "PT" if unit in time_units else "P"
    code = time_units.get(unit, unit)
    if n is None:
        return f"{prefix}X{code}"
    if n == int(n):
        return f"{prefix}{int(n)}{code}"
    # fractions: carry the remainder into the next smaller unit where TIMEX3 has one
    whole = int(n)
    frac = n - whole
    smaller = {"Y": ("M", 12, "P"), "M": ("D", 30, "P"), "W": ("D", 7, "P"), "D": ("H", 24, "PT"),
               "H": ("M", 60, "T"), "MIN": ("S", 60, "T")}
    if unit in smaller:
        sub, k, _ = smaller[unit]
        rest = round(frac * k)
        if unit == "D":
            return f"PT{whole * 24 + rest}H"
        if unit in ("H", "MIN"):
            head = f"PT{whole}{code}" if whole else "PT"
            return f"{head}{rest}{sub if unit == 'H' else 'S'}"
        head = f"P{whole}{code}" if whole else "P"
        return f"{head}{rest}{sub}"
    return f"{prefix}{n:g}{code}"
