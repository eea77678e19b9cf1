"""Word lists for the time tagger (bot/data/timex_lexicon.json) and regex pieces built from them."""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "data" / "timex_lexicon.json"


@functools.cache
def lexicon() -> dict:
    return json.loads(_DATA.read_text(encoding="utf-8"))


def _variants(word: str) -> list[str]:
    """Title case and upper case forms: names of months and days are capitalised in news text."""
    title = " ".join(w[:1].upper() + w[1:] for w in word.split(" "))
    first = word[:1].upper() + word[1:]  # "Easter week", "New Year's Day"
    return sorted({title, first, word.upper()})


def alternation(words: list[str], *, cased: bool = False) -> str:
    """A regex alternation, longest first; ``cased`` keeps only capitalised forms."""
    forms: set[str] = set()
    for w in words:
        if cased:
            forms.update(_variants(w))
        else:
            forms.add(w)
    parts = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
    return f"(?:{body})" if cased else f"(?i:{body})"


@functools.cache
def fragments() -> dict[str, str]:
    lx = lexicon()
    months = lx["months"]
    full_months = [m for m in months if not m.endswith(".") and len(m) > 4 or m in ("may", "june", "july")]
    dotted = [m for m in months if m.endswith(".")]
    bare_abbr = [m for m in months if not m.endswith(".") and m not in full_months]
    wd = lx["weekdays"]
    full_wd = [w for w in wd if not w.endswith(".")]
    units = lx["units"]
    singular_units = [u for u in units if not u.endswith("s") or u in ("business days",)]
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    teens = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    numword = (rf"(?i:(?:(?:{tens})(?:[-\s](?:{ones}))?|{teens}|{ones}|zero)(?:[-\s]hundred)?"
               rf"|(?:a|one)\s+hundred|hundred|(?:a|one|two)\s+thousand|a\s+dozen|dozen)")
    digits = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+\d/\d|½)?"
    ordinal_words = sorted(lx["ordinals"], key=len, reverse=True)
    ordwords = "|".join(re.escape(o) for o in ordinal_words if o not in ("last", "final"))
    return {
        "MONTH_FULL": alternation(full_months, cased=True),
        "MONTH_DOT": alternation(dotted, cased=True),
        "MONTH_BARE_ABBR": alternation(bare_abbr, cased=True),
        "MONTH": "(?:" + alternation(dotted, cased=True) + "|" + alternation(full_months, cased=True) + ")",
        "WEEKDAY": alternation(full_wd, cased=True),
        "WEEKDAY_ANY": alternation(list(wd), cased=True),
        "NUMWORD": numword,
        "DIGITS": digits,
        "NUM": rf"(?:{digits}|{numword}|(?i:an?|one)(?=\s+(?:{'|'.join(singular_units)})\b)"
               r"|(?i:a\s+couple\s+of|a\s+couple|couple\s+of|half\s+an?|a\s+half|one\s+and\s+a\s+half))",
        "ORDWORD": f"(?i:{ordwords})",
        "UNIT": alternation(sorted(units, key=len, reverse=True)),
        "SEASON": alternation(list(lx["seasons"])),
        "POD": alternation([p for p in lx["parts_of_day"] if p not in ("midday", "noon", "midnight", "lunchtime")]),
        "HOLIDAY": alternation(list(lx["holidays"]), cased=True),
        "TZ": "(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(
            [t for t in lx["timezones"] if t not in ("a.m.", "p.m.", "am", "pm")], key=len, reverse=True)) + ")",
    }


_UNITS_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90}


def parse_number(s: str) -> float | None:
    """'three' -> 3, 'twenty-four' -> 24, '5 1/2' -> 5.5, 'a couple of' -> 2; None if not a number."""
    s = " ".join(s.lower().replace("-", " ").split())
    if not s:
        return None
    cardinals = lexicon()["cardinals"]
    key = s.replace(" ", " ")
    if key in cardinals:
        return float(cardinals[key])
    if key.replace(" ", "-") in cardinals:
        return float(cardinals[key.replace(" ", "-")])
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+(\d)/(\d)|(½))?", s.replace(",", ""))
    if m:
        v = float(m.group(1))
        if m.group(2):
            v += int(m.group(2)) / int(m.group(3))
        if m.group(4):
            v += 0.5
        return v
    total = 0.0
    cur = 0.0
    seen = False
    for w in s.split():
        if w in ("and", "a"):
            continue
        if w in _UNITS_WORDS:
            cur += _UNITS_WORDS[w]
        elif w in _TENS_WORDS:
            cur += _TENS_WORDS[w]
        elif w == "hundred":
            cur = (cur or 1) * 100
        elif w == "thousand":
            total += (cur or 1) * 1000
            cur = 0
        elif w == "dozen":
            cur = (cur or 1) * 12
        else:
            return None
        seen = True
    return total + cur if seen else None


def parse_spelled_year(s: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000, 'twenty nineteen' -> 2019."""
    words = s.lower().replace("-", " ").split()
    if not words:
        return None
    if words[:2] == ["two", "thousand"]:
        rest = parse_number(" ".join(words[2:])) if len(words) > 2 else 0
        return None if rest is None else 2000 + int(rest)
    if words[0] in ("nineteen", "eighteen", "twenty", "seventeen") and len(words) >= 2:
        century = _UNITS_WORDS.get(words[0]) or _TENS_WORDS.get(words[0])
        rest_words = words[1:]
        if rest_words and rest_words[0] == "hundred":
            rest_words = rest_words[1:]
            rest = parse_number(" ".join(rest_words)) if rest_words else 0
        elif rest_words and rest_words[0] in ("oh", "o"):
            rest = parse_number(" ".join(rest_words[1:]))
        else:
            rest = parse_number(" ".join(rest_words))
            if rest is not None and rest < 10:
                return None  # "twenty six percent" is a number, "twenty oh six" a year
        if rest is None or rest >= 100:
            return None
        return int(century) * 100 + int(rest)
    return None


def month_number(word: str) -> int | None:
    return lexicon()["months"].get(word.lower().rstrip(".") + ("." if word.endswith(".") else "")) or \
        lexicon()["months"].get(word.lower().rstrip("."))


def weekday_number(word: str) -> int | None:
    w = word.lower()
    wd = lexicon()["weekdays"]
    if w in wd:
        return wd[w]
    if w.endswith("s") and w[:-1] in wd:
        return wd[w[:-1]]
    return None
