"""Finding what a user meant: people as actors, and "did you mean ...?" for typos.

Platform-neutral and storage-neutral: it works from whatever it is given (the gazetteer's
actors, the people directory of bot/extract/people.py with the store's people table, the
store's actors and topics, the command table), so a longer people table or gazetteer only
lengthens those lists.

A suggestion is offered only when it is close (difflib's ratio on folded text), and names
with claims in the store come first: "japna" -> Japan, "summmit" -> summit.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.extract.actors import fold
from bot.extract.people import PeopleDirectory, PersonEntry, fold_name, strip_honorifics

CUTOFF = 0.75  # how close a name must be to be offered (difflib ratio of folded forms)
TITLES = ("president ", "prime minister ", "chancellor ", "premier ")  # typed before a name, in any case


@dataclass(frozen=True)
class Who:
    """What an actor query names: an actor, or a person (whose actor is ``actor``)."""

    actor: str
    label: str  # "Japan", "Donald Trump (United States)"
    person: PersonEntry | None = None


def find_person(query: str, people: PeopleDirectory) -> PersonEntry | None:
    """The person a query names: by full name, or by a form only one person goes by (a
    surname, "Lee" of "Lee Jae-myung"), from the people directory."""
    key = fold_name(strip_honorifics(query.strip()))
    for title in TITLES:
        key = key.removeprefix(title)
    return people.find(key) if key else None


def spoke(person: PersonEntry, speaker_name: str) -> bool:
    """Whether a claim's speaker is this person ("President Donald Trump", "Trump", "Lee")."""
    said = fold_name(strip_honorifics(speaker_name))
    if not said:
        return False
    forms = person.all_forms()
    return said in forms or fold_name(person.name) in said or said.split()[-1] in forms


def closest(query: str, choices: Mapping[str, str], n: int = 3, prefer: Iterable[str] = (),
            cutoff: float = CUTOFF) -> list[str]:
    """Up to ``n`` labels whose forms are close to ``query``, closest first.

    ``choices``: a form (any case) -> the label to offer; ``prefer``: labels to rank first
    among equally close ones (names with claims in the store).
    """
    key = fold(query)
    if not key:
        return []
    preferred = set(prefer)
    scored: dict[str, float] = {}
    for form, label in choices.items():
        f = fold(form)
        if not f or abs(len(f) - len(key)) > max(3, len(key) // 2):
            continue
        m = difflib.SequenceMatcher(None, key, f)
        if m.real_quick_ratio() < cutoff or m.quick_ratio() < cutoff:
            continue
        r = m.ratio()
        if r >= cutoff and r > scored.get(label, 0.0):
            scored[label] = r
    ranked = sorted(scored, key=lambda lab: (-round(scored[lab], 2), lab not in preferred, lab))
    return [lab for lab in ranked if fold(lab) != key][:n]


def did_you_mean(options: list[str], prefix: str = "") -> str:
    """"Did you mean Japan?" / "Did you mean /stance or /claims?"; "" for no options."""
    if not options:
        return ""
    shown = [f"{prefix}{o}" for o in options]
    words = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"Did you mean {words}?"
