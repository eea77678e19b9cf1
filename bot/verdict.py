"""How a /stance answer is worded: one function for every front end (Slack, Discord, console, CLI).

The label (support / oppose / mixed / none) is computed elsewhere (bot/service.py); this
module only says it in words that are never stronger than the evidence the answer shows:

- no supporting or opposing statement: "no clear position (N mentions)", whatever the label;
- one side's statements all weak, or a single one not clearly confident: "appears to support";
- the label's side no larger than the other side in the counts shown: "mixed";
- every answer says the period its evidence covers and the date of its newest evidence
  ("as of"), and marks weak or old evidence claim by claim.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WEAK = 0.5  # a claim below this confidence is marked as weak evidence
CONFIDENT = 0.7  # one statement alone carries a plain verdict only at this confidence or above
STALE_DAYS = 365  # a claim this much older than the newest evidence is marked as possibly out of date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SIDE_VERB = {"support": ("supports", "appears to support", "mostly supports"),
             "oppose": ("opposes", "appears to oppose", "mostly opposes")}
CLAIM_WORD = {"support": "supports", "oppose": "opposes", "neutral": "mentions"}


@dataclass(frozen=True)
class Verdict:
    headline: str  # "Japan opposes rare earths", "Italy: no clear position on the trade deal (1 mention)"
    position: str  # the verdict in a few words: "opposes", "appears to support", "no clear position"
    strength: str  # clear | tentative | mixed | none
    counts: str  # "2 support · 0 oppose · 1 neutral"
    as_of: str  # the date of the newest cited evidence, "6 June 2025"; "" without dated evidence
    period: str  # "March 2018 – June 2025", "6 June 2025"; "" without dated evidence
    note: str  # one sentence on why the verdict is worded so, or "" for a plain verdict
    marks: tuple[str, ...]  # per cited claim, in order: "weak evidence", "from 2018: may be out of date", ""

    @property
    def period_line(self) -> str:
        """"As of 6 June 2025 · evidence from March 2018 – June 2025" (one line for any front end)."""
        if not self.as_of:
            return "No dated evidence."
        if self.period == self.as_of:
            return f"As of {self.as_of} (all evidence from that day)"
        return f"As of {self.as_of} \u00b7 evidence from {self.period}"


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def day_text(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _month_text(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def confidence_of(claim: Mapping[str, Any]) -> float | None:
    try:
        value = claim.get("confidence")
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def confidence_text(claim: Mapping[str, Any]) -> str:
    """"confidence 0.62" (or "" when the claim has none), as every front end shows it."""
    c = confidence_of(claim)
    return "" if c is None else f"confidence {c:.2f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def word_verdict(actor_label: str, topic: str, label: str, counts: Mapping[str, int],
                 cited: Sequence[Mapping[str, Any]]) -> Verdict:
    """The words of a /stance answer.

    ``label``: the computed stance (support | oppose | mixed | none); ``counts``: claims per
    side (support, oppose, neutral) among all that answer the query; ``cited``: the claims
    the answer shows, each with ``stance`` (its side on this topic), ``confidence`` and
    ``published``.
    """
    s, o, n = (int(counts.get(k, 0) or 0) for k in ("support", "oppose", "neutral"))
    count_line = f"{s} support \u00b7 {o} oppose \u00b7 {n} neutral"
    marks = _marks(cited)
    as_of, period = _period(cited)

    def make(position: str, strength: str, note: str, headline: str | None = None) -> Verdict:
        return Verdict(headline or f"{actor_label} {position} {topic}", position, strength, count_line, as_of,
                       period, note, marks)

    if label == "none" or (s == 0 and o == 0):
        if n:
            return make("no clear position", "none",
                        f"{_plural(n, 'statement')} by {actor_label} mention{'s' if n == 1 else ''} {topic} "
                        "without taking a side.",
                        f"{actor_label}: no clear position on {topic} ({_plural(n, 'mention')})")
        return make("no recorded position", "none",
                    f"No claim by {actor_label} takes a side on {topic} yet. Try a broader topic, or /claims "
                    "to browse.", f"{actor_label}: no recorded position on {topic}")
    if label == "mixed":
        return make("has a mixed position on", "mixed", f"Statements go both ways: {s} for, {o} against.")
    side = label if label in SIDE_VERB else ("support" if s >= o else "oppose")
    mine, theirs = (s, o) if side == "support" else (o, s)
    plain, tentative, mostly = SIDE_VERB[side]
    if mine == 0 or mine <= theirs:
        # the weights lean one way, the counts do not: say what the counts show
        return make("has a mixed position on", "mixed",
                    f"The statements weigh toward {side}, but {_plural(mine, 'statement')} against "
                    f"{theirs} is no clear majority.")
    on_side = [c for c in cited if c.get("stance") == side]
    confidences = [x for x in (confidence_of(c) for c in on_side) if x is not None]
    best = max(confidences) if confidences else None
    weak = best is not None and best < WEAK
    lone = mine == 1 and best is not None and best < CONFIDENT
    if weak or lone:
        why = ("every statement for it is weak evidence" if weak else "it rests on one statement")
        return make(tentative, "tentative", f"Tentative: {why}.",
                    f"{actor_label} {tentative} {topic} ({_plural(mine, 'statement')})")
    if theirs:
        return make(mostly, "clear", f"Mostly: {mine} against {theirs}.")
    return make(plain, "clear", "")


def _marks(cited: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    dates = [d for d in (_date(c.get("published")) for c in cited) if d]
    newest = max(dates) if dates else None
    out = []
    for c in cited:
        parts = []
        conf = confidence_of(c)
        if conf is not None and conf < WEAK:
            parts.append("weak evidence")
        if c.get("stance") == "neutral":
            parts.append("takes no side")
        d = _date(c.get("published"))
        if d and newest and (newest - d).days > STALE_DAYS:
            parts.append(f"from {d.year}: may be out of date")
        out.append("; ".join(parts))
    return tuple(out)


def _period(cited: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    dates = sorted(d for d in (_date(c.get("published")) for c in cited) if d)
    if not dates:
        return "", ""
    first, last = dates[0], dates[-1]
    if first == last:
        return day_text(last), day_text(last)
    if (first.year, first.month) == (last.year, last.month):
        return day_text(last), f"{first.day} \u2013 {day_text(last)}"
    return day_text(last), f"{_month_text(first)} \u2013 {_month_text(last)}"


def claim_when(claim: Mapping[str, Any]) -> str:
    """A claim's date as rows show it: "6 June 2025"."""
    d = _date(claim.get("published"))
    return day_text(d) if d else ""
