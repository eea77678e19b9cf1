"""Finding what a user meant: people as actors, and "did you mean ...?" for typos.

Platform-neutral and storage-neutral: it works from whatever lists it is given (the
gazetteer's actors and people, the store's actors and topics, the command table), so a
people table in the store or a longer gazetteer only lengthens those lists.

A suggestion is offered only when it is close (difflib's ratio on folded text), and names
with claims in the store come first: "japna" -> Japan, "summmit" -> summit.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.extract.actors import fold

CUTOFF = 0.75  # how close a name must be to be offered (difflib ratio of folded forms)


@dataclass(frozen=True)
class Person:
    """A person who can stand for an actor: their statements, labelled with their country."""

    name: str  # "Donald Trump"
    actor: str  # the actor they speak for: "us"
    role: str = ""


@dataclass(frozen=True)
class Who:
    """What an actor query names: an actor, or a person (whose actor is ``actor``)."""

    actor: str
    label: str  # "Japan", "Donald Trump (United States)"
    person: Person | None = None


def people_index(people: Iterable[Person]) -> dict[str, Person]:
    """Folded full names, and surnames only one person has, -> the person."""
    by_name: dict[str, Person] = {}
    surnames: dict[str, list[Person]] = {}
    for p in people:
        key = fold(p.name)
        if not key:
            continue
        by_name.setdefault(key, p)
        surnames.setdefault(key.split()[-1], []).append(p)
    for surname, ps in surnames.items():
        if len({p.name for p in ps}) == 1 and surname not in by_name:
            by_name[surname] = ps[0]
    return by_name


def find_person(query: str, people: Iterable[Person]) -> Person | None:
    """The person a query names by full name or by a surname only one of them has."""
    key = fold(query)
    return people_index(people).get(key.removeprefix("president ").removeprefix("prime minister ")) if key else None


def spoke(person: Person, speaker_name: str) -> bool:
    """Whether a claim's speaker is this person ("President Donald Trump", "Trump")."""
    said = fold(speaker_name)
    if not said:
        return False
    full = fold(person.name)
    if full in said:
        return True
    surname = full.split()[-1]
    return said.split()[-1] == surname


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
